package ui

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/server/middleware"
)

// signIn posts the sign-in form as if through a proxy for client and
// returns the status.
func signIn(t *testing.T, base, client, username, password string) int {
	t.Helper()
	form := url.Values{"username": {username}, "password": {password}, "next": {"/"}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSignInLimitsBehindProxy: behind a configured proxy, each office has
// its own limit, and wrong passwords from elsewhere slow a user name down
// but never keep its owner out.
func TestSignInLimitsBehindProxy(t *testing.T) {
	proxies, err := auth.ParseProxies("127.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waited []time.Duration
	sleep := func(_ context.Context, d time.Duration) { mu.Lock(); waited = append(waited, d); mu.Unlock() }
	e := newEnvConfig(t, "sqlite", Config{LoginSleep: sleep}, middleware.Options{Proxies: proxies})
	const officeA, officeB = "198.51.100.10", "203.0.113.20"

	for i := range 20 {
		if st := signIn(t, e.URL, officeA, "radgiver", "feil-passord"); st != http.StatusUnauthorized {
			t.Fatalf("wrong password %d from office A: %d", i+1, st)
		}
	}
	if st := signIn(t, e.URL, officeA, "tillitsvalgt", demo.Password); st != http.StatusTooManyRequests {
		t.Fatalf("office A after 20 failures: %d, want 429", st)
	}
	if st := signIn(t, e.URL, officeB, "tillitsvalgt", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("office B is limited by office A's failures: %d", st)
	}
	// The owner of the guessed name, from another office, gets in after a
	// bounded wait.
	mu.Lock()
	waited = nil
	mu.Unlock()
	if st := signIn(t, e.URL, officeB, "radgiver", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("the owner is kept out after 20 wrong passwords from elsewhere: %d", st)
	}
	mu.Lock()
	got := waited
	mu.Unlock()
	if len(got) != 1 || got[0] <= 0 || got[0] > 8*time.Second {
		t.Fatalf("the owner waited %v; want one delay of at most 8 s (and some delay: the guessing is slowed)", got)
	}

	// Without the proxy configured, X-Forwarded-For is anybody's to write
	// and counts for nothing: both offices are the proxy's one address.
	plain := httptest.NewServer(configHandler(t, e.Store, Config{LoginSleep: sleep}))
	defer plain.Close()
	for range 20 {
		signIn(t, plain.URL, officeA, "radgiver", "feil-passord")
	}
	if st := signIn(t, plain.URL, officeB, "tillitsvalgt", demo.Password); st != http.StatusTooManyRequests {
		t.Fatalf("without trusted proxies the offices should share the proxy's limit: %d", st)
	}
}

// TestSignInThatCannotBeAuditedDoesNotHappen: when the audit entry cannot
// be written, no session is made.
func TestSignInThatCannotBeAuditedDoesNotHappen(t *testing.T) {
	e := newEnv(t, "sqlite")
	db := e.Store.DB()
	if _, err := db.Exec(`ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.URL+"/login", url.Values{"username": {"tillitsvalgt"}, "password": {demo.Password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := db.Exec(`ALTER TABLE audit_log_away RENAME TO audit_log`); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatalf("sign-in without its audit entry answered %d", resp.StatusCode)
	}
	if st, _ := get(t, c, e.URL+"/day"); st != http.StatusSeeOther {
		t.Fatalf("the client got a session although the sign-in was not audited: /day answered %d", st)
	}
}
