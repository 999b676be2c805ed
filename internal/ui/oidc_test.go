package ui

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/verve-union/verve/internal/auth"
)

// fakeIdP is an OpenID provider that signs in whoever it is told to, with
// the authentication methods it is told.
type fakeIdP struct {
	*httptest.Server
	email string
	amr   []string
	codes map[string]string // code → nonce
}

func newFakeIdP(t *testing.T, clientID string) *fakeIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &fakeIdP{codes: map[string]string{}}
	disc := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: "RS256"}}}
	mux := http.NewServeMux()
	mux.Handle("/", disc)
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		code := randomToken()
		idp.codes[code] = q.Get("nonce")
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		nonce, ok := idp.codes[r.PostFormValue("code")]
		if !ok || r.PostFormValue("code_verifier") == "" {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		delete(idp.codes, r.PostFormValue("code"))
		amr, _ := json.Marshal(idp.amr)
		claims := fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"x","exp":%d,"iat":%d,"nonce":%q,"email":%q,"email_verified":true,"amr":%s}`,
			idp.URL, clientID, time.Now().Add(time.Hour).Unix(), time.Now().Unix(), nonce, idp.email, amr)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "a", "token_type": "Bearer", "expires_in": 3600,
			"id_token": oidctest.SignIDToken(key, "k1", "RS256", claims)})
	})
	idp.Server = httptest.NewServer(mux)
	t.Cleanup(idp.Close)
	disc.SetIssuer(idp.URL)
	return idp
}

// TestOIDCSignin: a sign-in at the provider with a second factor (amr
// mfa) lets the admin straight in; one with a password only leads to
// TOTP; an address no one in Verve has, and a forged state, are refused.
func TestOIDCSignin(t *testing.T) {
	idp := newFakeIdP(t, "verve")
	e := newEnvConfig(t, "sqlite", Config{LoginLimiter: auth.Unlimited{}, OIDC: OIDCConfig{Issuer: idp.URL, ClientID: "verve", ClientSecret: "s"}})
	var admin, advisor string
	for _, u := range []struct {
		name string
		addr *string
	}{{"admin", &admin}, {"radgiver", &advisor}} {
		p := e.principal(t, u.name)
		if err := e.Store.DB().QueryRow(`SELECT email FROM persons WHERE id = $1`, p.PersonID).Scan(u.addr); err != nil {
			t.Fatal(err)
		}
	}
	flow := func(email string, amr []string, forge bool) (*http.Client, int, string) {
		t.Helper()
		idp.email, idp.amr = email, amr
		c := anon()
		resp, err := c.Get(e.URL + "/login/oidc?next=/audit")
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("start: %v %v", resp, err)
		}
		resp.Body.Close()
		resp, err = c.Get(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("provider: %v %v", resp, err)
		}
		resp.Body.Close()
		back := resp.Header.Get("Location")
		if forge {
			back = back[:strings.Index(back, "&state=")] + "&state=forged"
		}
		req, _ := http.NewRequest("GET", back, nil)
		r, body := send(t, c, req)
		return c, r.StatusCode, r.Header.Get("Location") + body
	}
	c, st, where := flow(admin, []string{"pwd", "mfa"}, false)
	if st != http.StatusSeeOther || !strings.HasPrefix(where, "/audit<") {
		t.Fatalf("admin with mfa: %d %s", st, where)
	}
	if st, _ := get(t, c, e.URL+"/audit"); st != http.StatusOK {
		t.Fatalf("admin signed in by OIDC: %d", st)
	}
	if _, st, where := flow(advisor, []string{"pwd"}, false); st != http.StatusSeeOther || !strings.HasPrefix(where, "/login/totp<") {
		t.Fatalf("advisor with a password only: %d %s", st, where)
	}
	if _, st, body := flow("ukjent@example.no", []string{"mfa"}, false); st != http.StatusUnauthorized || !strings.Contains(body, "Ingen i Verve kan logge inn") {
		t.Fatalf("unknown address: %d", st)
	}
	if _, st, _ := flow(admin, []string{"mfa"}, true); st != http.StatusUnauthorized {
		t.Fatalf("forged state: %d", st)
	}
	if _, body := get(t, anon(), e.URL+"/login"); !strings.Contains(body, `id="oidc-login"`) {
		t.Error("no OIDC button on the sign-in page")
	}
}
