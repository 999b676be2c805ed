package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/locale"
)

// OIDCConfig names an OpenID Connect provider (Entra ID, Keycloak …) that
// staff may sign in with; optional. A sign-in counts as two-factor when
// the ID token's amr claim says so, else TOTP follows as after a password.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
}

// oidcClient finds the provider on first use, so that a provider that is
// down when Verve starts does not keep Verve down.
type oidcClient struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

func (o *oidcClient) get(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
		if err != nil {
			return nil, nil, err
		}
		o.provider, o.verifier = p, p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	}
	return o.provider, o.verifier, nil
}

func (h *Handler) oauth2Config(r *http.Request, p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: h.oidc.cfg.ClientID, ClientSecret: h.oidc.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: h.publicURL(r) + "/login/oidc/callback", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startOIDC sends the visitor to the provider, with a state, a nonce and
// a PKCE verifier kept in the session.
func (h *Handler) startOIDC(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	p, _, err := h.oidc.get(ctx)
	if err != nil {
		h.Log.Error("oidc provider", "err", err)
		h.loginError(w, r, http.StatusBadGateway, "signin.err.oidc")
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	h.Sessions.Put(r.Context(), "oidc_state", state)
	h.Sessions.Put(r.Context(), "oidc_nonce", nonce)
	h.Sessions.Put(r.Context(), "oidc_verifier", verifier)
	h.Sessions.Put(r.Context(), "oidc_next", safeNext(r.URL.Query().Get("next")))
	http.Redirect(w, r, h.oauth2Config(r, p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// oidcCallback completes a sign-in at the provider: the user is the one
// person with the token's e-mail address who may sign in.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	state, nonce := h.Sessions.PopString(ctx, "oidc_state"), h.Sessions.PopString(ctx, "oidc_nonce")
	verifier, next := h.Sessions.PopString(ctx, "oidc_verifier"), safeNext(h.Sessions.PopString(ctx, "oidc_next"))
	ipKey := "ip:" + remoteAddr(r)
	fail := func(key string) {
		h.LoginLimiter.Fail(ipKey)
		h.loginError(w, r, http.StatusUnauthorized, key)
	}
	q := r.URL.Query()
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1 || q.Get("code") == "" || h.LoginLimiter.Blocked(ipKey) {
		fail("signin.err.oidc")
		return
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, verify, err := h.oidc.get(tctx)
	if err != nil {
		h.Log.Error("oidc provider", "err", err)
		fail("signin.err.oidc")
		return
	}
	tok, err := h.oauth2Config(r, p).Exchange(tctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		h.Log.Warn("oidc code exchange", "err", err)
		fail("signin.err.oidc")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verify.Verify(tctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		fail("signin.err.oidc")
		return
	}
	var claims struct {
		Email             string   `json:"email"`
		EmailVerified     *bool    `json:"email_verified"`
		PreferredUsername string   `json:"preferred_username"`
		AMR               []string `json:"amr"`
	}
	if err := idt.Claims(&claims); err != nil {
		fail("signin.err.oidc")
		return
	}
	addr := claims.Email
	if addr == "" && strings.Contains(claims.PreferredUsername, "@") {
		addr = claims.PreferredUsername // Entra ID without the email claim
	}
	if addr == "" || (claims.EmailVerified != nil && !*claims.EmailVerified) {
		fail("signin.err.nobody")
		return
	}
	uid, err := h.Store.SigninByAddress(ctx, access.Visitor(remoteAddr(r)), addr)
	if err != nil {
		fail("signin.err.nobody")
		return
	}
	if auth.MultiFactor(claims.AMR) {
		pr, err := h.Store.Principal(ctx, uid)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		h.completeSignin(w, r, pr, next)
		return
	}
	h.firstFactorDone(w, r, uid, next)
}

// loginError shows the sign-in page with the message of key.
func (h *Handler) loginError(w http.ResponseWriter, r *http.Request, status int, key string) {
	lang := h.lang(r)
	h.render(w, r, status, "login", page{Title: locale.T(lang, "login.title"), Error: locale.T(lang, key),
		Data: h.loginData(), Form: map[string]string{"next": "/"}})
}

// loginData is what every sign-in page shows beside its form.
func (h *Handler) loginData() loginData { return loginData{OIDC: h.oidc != nil} }
