package ui

import (
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
	"github.com/verve-union/verve/internal/storage"
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

// newEnvConfig is newEnv with the server's configuration.
func newEnvConfig(t testing.TB, engine string, cfg Config) *testEnv {
	t.Helper()
	s := demotest.Open(t, engine, demo.Options{Members: 1500, Seed: 7, Today: time.Now()})
	h, root := newTestHandler(t, s, cfg)
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
	return c
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
	return newTestHandlerLog(t, s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// newTestHandlerLog is newTestHandler logging to log.
func newTestHandlerLog(t testing.TB, s *storage.Storage, cfg Config, log *slog.Logger) (*Handler, http.Handler) {
	t.Helper()
	if cfg.UploadDir == "" {
		cfg.UploadDir = t.TempDir()
	}
	h, err := newHandler(s, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	root, err := h.Routes()
	if err != nil {
		t.Fatal(err)
	}
	return h, root
}
