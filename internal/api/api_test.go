package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/demo/demotest"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// call sends one request to the API's handler as u (nil: nobody signed in)
// and returns the status and the decoded JSON body.
func call(t *testing.T, a *API, u *access.Principal, method, path, body string) (int, any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if u != nil {
		r = r.WithContext(access.WithPrincipal(r.Context(), u))
	}
	w := httptest.NewRecorder()
	a.Routes().ServeHTTP(w, r)
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	var out any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, w.Code, w.Body)
	}
	return w.Code, out
}

// errorCode is the "error" of an error body.
func errorCode(body any) string {
	m, _ := body.(map[string]any)
	s, _ := m["error"].(string)
	return s
}

// TestErrorsWithoutStorage: the refusals that come before any data is
// read, each with its status and the same JSON body.
func TestErrorsWithoutStorage(t *testing.T) {
	var logged bytes.Buffer
	a := &API{Log: slog.New(slog.NewTextHandler(&logged, nil))}
	visitor := access.Visitor("192.0.2.1")
	for _, c := range []struct {
		u            *access.Principal
		method, path string
		body         string
		status       int
		code         string
	}{
		{nil, "GET", "/api/v1/me", "", 401, "unauthorized"},
		{nil, "GET", "/api/v1/persons/1", "", 401, "unauthorized"},
		{visitor, "GET", "/api/v1/persons/1", "", 403, "forbidden"},
		{visitor, "POST", "/api/v1/memberships/1/payments", `{}`, 403, "forbidden"},
		{visitor, "GET", "/api/v1/no/such/thing", "", 404, "not_found"},
	} {
		st, body := call(t, a, c.u, c.method, c.path, c.body)
		if st != c.status || errorCode(body) != c.code {
			t.Errorf("%s %s: %d %v, want %d %s", c.method, c.path, st, body, c.status, c.code)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("refusals are not internal errors, yet logged:\n%s", &logged)
	}
}

// testAPI is the API over a small demo union on engine, with its admin and
// one shop steward.
func testAPI(t *testing.T, engine string) (a *API, admin, steward *access.Principal) {
	t.Helper()
	s := demotest.Open(t, engine, demo.Options{Members: 300, Seed: 7, Today: time.Now()})
	a = &API{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return a, demotest.Principal(t, s, "admin"), demotest.Principal(t, s, "tillitsvalgt")
}

// TestPersonsAndPayments calls the handlers on both engines: a person in
// and out of scope, a missing one, a search too long, and dues recorded,
// refused when malformed and refused again for the same month.
func TestPersonsAndPayments(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			a, admin, steward := testAPI(t, engine)
			ctx := context.Background()

			// A member outside the steward's club, and one of its membership.
			var pid, mid int64
			var email string
			own := steward.Scope(access.PersonRead)
			err := a.Store.DB().QueryRowContext(ctx, `SELECT p.id, p.email, m.id FROM persons p JOIN memberships m ON m.person_id = p.id
				WHERE m.status = 'active' AND m.type = 'ordinary' AND p.email <> '' AND p.unit_path NOT LIKE $1 ORDER BY p.id LIMIT 1`,
				own.Paths[0]+"%").Scan(&pid, &email, &mid)
			if err != nil {
				t.Fatal(err)
			}

			st, body := call(t, a, admin, "GET", fmt.Sprintf("/api/v1/persons/%d", pid), "")
			p, _ := body.(map[string]any)
			if st != 200 || p["email"] != email || p["id"] != float64(pid) {
				t.Fatalf("admin GET person: %d %v", st, body)
			}
			if _, ok := p["fnr"]; ok {
				t.Error("the API sends a fødselsnummer")
			}
			if st, body := call(t, a, steward, "GET", fmt.Sprintf("/api/v1/persons/%d", pid), ""); st != 404 || strings.Contains(fmt.Sprint(body), email) {
				t.Errorf("steward GET a person of another club: %d %v", st, body)
			}
			for _, path := range []string{"/api/v1/persons/0", "/api/v1/persons/x", fmt.Sprintf("/api/v1/persons/%d", int64(1)<<40)} {
				if st, body := call(t, a, admin, "GET", path, ""); st != 404 || errorCode(body) != "not_found" {
					t.Errorf("GET %s: %d %v", path, st, body)
				}
			}
			if st, body := call(t, a, admin, "GET", "/api/v1/search?q="+strings.Repeat("a", 101), ""); st != 400 || errorCode(body) != "invalid" {
				t.Errorf("search too long: %d %v", st, body)
			}
			if st, body := call(t, a, admin, "GET", "/api/v1/me", ""); st != 200 || body.(map[string]any)["username"] != "admin" {
				t.Errorf("GET me: %d %v", st, body)
			}

			path := fmt.Sprintf("/api/v1/memberships/%d/payments", mid)
			for _, in := range []string{`{"month": "2026-02"`, `{"month": "2026-02", "amount": 350, "extra": 1}`, `{"month": "feb", "amount": 350}`, `{"month": "2026-02", "amount": -1}`} {
				if st, body := call(t, a, admin, "POST", path, in); st != 400 || errorCode(body) != "invalid" {
					t.Errorf("POST %s: %d %v, want 400", in, st, body)
				}
			}
			in := `{"month": "2026-02", "amount": 350}`
			// Recording dues asks for person:write, which a shop steward lacks.
			if st, body := call(t, a, steward, "POST", path, in); st != 403 || errorCode(body) != "forbidden" {
				t.Errorf("steward records dues: %d %v", st, body)
			}
			st, body = call(t, a, admin, "POST", path, in)
			if out, _ := body.(map[string]any); st != 201 || out["month"] != "2026-02" || out["amount"] != float64(350) {
				t.Fatalf("POST payment: %d %v", st, body)
			}
			if st, body := call(t, a, admin, "POST", path, in); st != 409 || errorCode(body) != "conflict" {
				t.Errorf("same month again: %d %v", st, body)
			}
		})
	}
}
