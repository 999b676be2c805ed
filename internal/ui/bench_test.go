package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/demo/demotest"
	"github.com/verve-union/verve/internal/storage"
)

// BenchmarkPage measures server time per request for the home and
// workplace pages as a steward and as the union admin, on a SQLite demo
// union of VERVE_BENCH_MEMBERS members (default 20,000). The database is
// kept in the temp directory so a 1,000,000-member run seeds only once.
// It reports p50 and p95 in milliseconds.
func BenchmarkPage(b *testing.B) {
	members := 20000
	if v, err := strconv.Atoi(os.Getenv("VERVE_BENCH_MEMBERS")); err == nil {
		members = v
	}
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("verve-bench-%d.db", members))
	s, err := storage.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if empty, _ := s.Empty(ctx); empty {
		if _, err := demo.Generate(ctx, s, demo.Options{Members: members, Seed: 1, Today: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	h := testHandler(b, s)
	for _, user := range []string{"tillitsvalgt", "admin"} {
		cookie := benchLogin(b, h, s, user)
		u, _ := s.UserByUsername(ctx, "tillitsvalgt")
		p, _ := s.Principal(ctx, u.ID)
		wps, err := s.WorkplacesUnder(ctx, p, p.Scope(access.WorkplaceRead).Paths[0], 1)
		if err != nil || len(wps) == 0 {
			b.Fatal("no workplace for the steward", err)
		}
		for _, page := range []string{"/", fmt.Sprintf("/workplaces/%d", wps[0].ID)} {
			b.Run(user+strings.ReplaceAll(page, "/", "_"), func(b *testing.B) {
				times := make([]time.Duration, 0, b.N)
				for i := 0; i < b.N; i++ {
					r := httptest.NewRequest("GET", page, nil)
					r.Header.Set("Cookie", cookie)
					w := httptest.NewRecorder()
					t0 := time.Now()
					h.ServeHTTP(w, r)
					times = append(times, time.Since(t0))
					if w.Code != 200 {
						b.Fatalf("%s: %d", page, w.Code)
					}
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
			})
		}
	}
}

func benchLogin(b *testing.B, h http.Handler, s *storage.Storage, user string) string {
	return benchLoginAs(b, h, s, user, demo.Password)
}

// benchLoginAs signs user in with password (and the demo's second
// factor, if asked) and returns the session's cookie.
func benchLoginAs(b *testing.B, h http.Handler, s *storage.Storage, user, password string) string {
	post := func(path, cookie string, form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusSeeOther {
			b.Fatalf("login %s at %s: %d", user, path, w.Code)
		}
		return w
	}
	w := post("/login", "", url.Values{"username": {user}, "password": {password}})
	cookie := strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	if w.Header().Get("Location") == "/login/totp" {
		w = post("/login/totp", cookie, url.Values{"code": {demotest.SecondFactor(b, s, user)}})
		cookie = strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	}
	return cookie
}
