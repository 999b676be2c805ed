// Package middleware is what every request passes through before a page
// or the API sees it: panic recovery, trusted proxies, security headers,
// CSRF protection and sessions. It is the server's, in a package of its
// own so that the ui package's tests can serve pages behind the same
// stack without importing the server (which imports ui).
package middleware

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/verve-union/verve/internal/auth"
)

// Options say how requests are wrapped.
type Options struct {
	// Sessions are loaded before and saved after every request.
	Sessions *scs.SessionManager
	// Proxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto count; without them, every client behind a proxy
	// would share one address and one rate limit.
	Proxies auth.Proxies
	// HSTS sends Strict-Transport-Security on every response: a proxy in
	// front terminates TLS (--behind-tls).
	HSTS bool
	// Log receives handler panics; Route names a request there without
	// the tokens its path may carry.
	Log   *slog.Logger
	Route func(*http.Request) string
}

// Wrap returns next behind the whole stack, outermost first: panic
// recovery, trusted proxies (so the rest sees the client's address and
// scheme), security headers, CSRF, sessions.
func Wrap(next http.Handler, o Options) http.Handler {
	h := o.Sessions.LoadAndSave(next)
	h = http.NewCrossOriginProtection().Handler(h)
	h = securityHeaders(h, o.HSTS)
	h = o.Proxies.Forwarded(h)
	return recoverPanics(h, o.Log, o.Route)
}

// NewSessions returns the session manager with Verve's cookie settings;
// secure marks the cookie Secure (TLS, or a TLS-terminating proxy).
func NewSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Codec = &keptCodec{}
	// An absolute lifetime rather than an idle timeout, so a page view does
	// not write the session.
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "verve_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	return sm
}

// securityHeaders sets a CSP without inline script, and the usual
// hardening; HSTS over TLS, from a trusted proxy that says so, and always
// when hsts is set.
func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil || hsts || r.Header.Get("X-Verve-Https") == "1" {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, so no input
// can take the server down.
func recoverPanics(next http.Handler, log *slog.Logger, route func(*http.Request) string) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				var name string
				if route != nil {
					name = route(r)
				}
				log.Error("panic in handler", "route", name, "panic", v)
				http.Error(w, "Det oppstod en intern feil.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
