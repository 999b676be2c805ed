package middleware

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"

	"github.com/verve-union/verve/internal/auth"
)

// TestHSTSBehindProxy: HSTS over TLS, behind a TLS proxy (--behind-tls),
// and for requests a trusted proxy received over https; not otherwise.
func TestHSTSBehindProxy(t *testing.T) {
	proxies, _ := auth.ParseProxies("127.0.0.1, ::1")
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, c := range []struct {
		o     Options
		proto string
		want  bool
	}{
		{Options{}, "", false},
		{Options{}, "https", false}, // anybody can send the header
		{Options{Proxies: proxies}, "https", true},
		{Options{Proxies: proxies}, "http", false},
		{Options{HSTS: true}, "", true},
	} {
		c.o.Sessions = scs.New()
		srv := httptest.NewServer(Wrap(ok, c.o))
		req, _ := http.NewRequest("GET", srv.URL+"/login", nil)
		if c.proto != "" {
			req.Header.Set("X-Forwarded-Proto", c.proto)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if got := resp.Header.Get("Strict-Transport-Security") != ""; got != c.want {
			t.Errorf("%+v with X-Forwarded-Proto %q: HSTS %v, want %v", c.o, c.proto, got, c.want)
		}
	}
}

// TestPanicIsLogged500: a panicking handler answers 500 and is logged by
// route, not by its path.
func TestPanicIsLogged500(t *testing.T) {
	var log bytes.Buffer
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	h := Wrap(boom, Options{Sessions: scs.New(), Log: slog.New(slog.NewTextHandler(&log, nil)),
		Route: func(*http.Request) string { return "GET /imports/{token}" }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/imports/secret-token", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(log.String(), "{token}") || strings.Contains(log.String(), "secret") {
		t.Fatalf("status %d, log %q", rec.Code, log.String())
	}
}
