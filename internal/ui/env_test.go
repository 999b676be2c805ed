package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/demo/demotest"
	"github.com/verve-union/verve/internal/server/middleware"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// testEnv is a running Verve with a small demo union on one engine.
type testEnv struct {
	URL   string
	Store *storage.Storage
	h     *Handler
}

// newEnv seeds a demo union of 1,500 members on engine and serves it.
func newEnv(t testing.TB, engine string) *testEnv {
	t.Helper()
	return newEnvConfig(t, engine, Config{LoginLimiter: auth.Unlimited{}})
}

// newEnvConfig is newEnv with the server's configuration, and stack's
// for the middleware (trusted proxies, say).
func newEnvConfig(t testing.TB, engine string, cfg Config, stack ...middleware.Options) *testEnv {
	t.Helper()
	return newEnvClock(t, engine, cfg, nil, stack...)
}

// newEnvClock is newEnvConfig with the store's clock (nil: the real one)
// set before the union is made, so its dates are around the clock's day.
func newEnvClock(t testing.TB, engine string, cfg Config, now func() time.Time, stack ...middleware.Options) *testEnv {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if now != nil {
		s.SetClock(now)
	}
	if _, err := demo.Generate(ctx, s, demo.Options{Members: 1500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	h, root := newTestHandlerLog(t, s, cfg, discard(), stack...)
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return &testEnv{URL: srv.URL, Store: s, h: h}
}

// login signs in as a demo user and returns a client carrying the session.
func (e *testEnv) login(t testing.TB, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.URL+"/login", url.Values{"username": {username}, "password": {demo.Password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", username, resp.StatusCode)
	}
	e.secondFactor(t, c, resp, username)
	return c
}

// secondFactor completes a sign-in that resp sent on to the second
// factor (roles wider than a club), with a recovery code.
func (e *testEnv) secondFactor(t testing.TB, c *http.Client, resp *http.Response, username string) {
	t.Helper()
	if resp.Header.Get("Location") != "/login/totp" {
		return
	}
	resp, err := c.PostForm(e.URL+"/login/totp", url.Values{"code": {demotest.SecondFactor(t, e.Store, username)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor %s: status %d", username, resp.StatusCode)
	}
}

// principal loads a demo user's access as the server would.
func (e *testEnv) principal(t testing.TB, username string) *access.Principal {
	t.Helper()
	return demotest.Principal(t, e.Store, username)
}

// get fetches path and returns the status and body.
func get(t testing.TB, c *http.Client, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, c, req)
	return resp.StatusCode, body
}

// send sends req with c and returns the response and its body, read.
func send(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func post(t testing.TB, c *http.Client, url string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := send(t, c, req)
	return resp.StatusCode, body
}

// testHandler serves s without the sign-in limiter and without logs.
func testHandler(t testing.TB, s *storage.Storage) http.Handler {
	t.Helper()
	return configHandler(t, s, Config{LoginLimiter: auth.Unlimited{}})
}

// configHandler serves s with cfg and without logs.
func configHandler(t testing.TB, s *storage.Storage, cfg Config) http.Handler {
	t.Helper()
	_, root := newTestHandler(t, s, cfg)
	return root
}

// newTestHandler is configHandler with the Handler behind it; uploads go
// to a directory of the test's own.
func newTestHandler(t testing.TB, s *storage.Storage, cfg Config) (*Handler, http.Handler) {
	t.Helper()
	return newTestHandlerLog(t, s, cfg, discard())
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestHandlerLog is newTestHandler logging to log, behind the server's
// middleware with the first of stack, if any: sessions in s, as the
// server keeps them, unless stack names others.
func newTestHandlerLog(t testing.TB, s *storage.Storage, cfg Config, log *slog.Logger, stack ...middleware.Options) (*Handler, http.Handler) {
	t.Helper()
	if cfg.UploadDir == "" {
		cfg.UploadDir = t.TempDir()
	}
	var o middleware.Options
	if len(stack) > 0 {
		o = stack[0]
	}
	if o.Sessions == nil {
		o.Sessions = middleware.NewSessions(s.SessionStore(), o.HSTS)
	}
	o.Log, o.Route, cfg.Sessions = log, Route, o.Sessions
	h, err := New(s, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if err := h.Register(mux); err != nil {
		t.Fatal(err)
	}
	return h, middleware.Wrap(mux, o)
}
