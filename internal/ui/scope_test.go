package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestStewardCannotReachOtherWorkplaces walks every route that takes an id
// as a shop steward of workplace A, asking for persons, workplaces, units
// and tasks of every other workplace, and expects 403 or 404 and none of
// their names in the answer.
func TestStewardCannotReachOtherWorkplaces(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.principal(t, "admin")
			steward := e.principal(t, "tillitsvalgt")
			c := e.login(t, "tillitsvalgt")

			own := steward.Scope(access.PersonRead)
			if len(own.Paths) != 1 {
				t.Fatalf("steward scope = %v, want one club", own.Paths)
			}
			tree, err := e.Store.UnitTree(ctx, admin)
			if err != nil {
				t.Fatal(err)
			}
			wps, err := e.Store.WorkplacesUnder(ctx, admin, tree[0].Path, 10000)
			if err != nil {
				t.Fatal(err)
			}
			var ownSeen, others, tasks int
			for _, w := range wps {
				persons, err := e.Store.PersonsAtWorkplace(ctx, admin, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				if own.Contains(w.UnitPath) {
					// The steward's own workplace must be reachable.
					if st, body := get(t, c, fmt.Sprintf("%s/workplaces/%d", e.URL, w.ID)); st != 200 || !strings.Contains(body, html.EscapeString(w.Name)) {
						t.Fatalf("own workplace: status %d", st)
					}
					ownSeen++
					continue
				}
				others++
				refuse(t, c, "GET", fmt.Sprintf("%s/workplaces/%d", e.URL, w.ID), w.Orgnr)
				refuse(t, c, "GET", fmt.Sprintf("%s/api/v1/workplaces/%d", e.URL, w.ID), w.Orgnr)
				refuse(t, c, "GET", fmt.Sprintf("%s/units/%d", e.URL, w.UnitID), w.Name)
				refuse(t, c, "GET", fmt.Sprintf("%s/workplaces/%d/import", e.URL, w.ID), w.Orgnr)
				refuse(t, c, "POST", fmt.Sprintf("%s/workplaces/%d/import", e.URL, w.ID), w.Orgnr)
				refuse(t, c, "POST", fmt.Sprintf("%s/workplaces/%d/ask", e.URL, w.ID), w.Orgnr)
				refuse(t, c, "POST", fmt.Sprintf("%s/api/v1/workplaces/%s/newhires", e.URL, w.Orgnr), w.Name)
				for i, p := range persons {
					if engine == "postgres" && i > 5 {
						break // the full sweep runs on SQLite; a sample keeps PostgreSQL quick
					}
					// E-mail addresses identify persons; names may be shared
					// with the signed-in steward, shown in the page header.
					refuse(t, c, "GET", fmt.Sprintf("%s/persons/%d", e.URL, p.ID), p.Email)
					refuse(t, c, "GET", fmt.Sprintf("%s/api/v1/persons/%d", e.URL, p.ID), p.Email)
					refuse(t, c, "POST", fmt.Sprintf("%s/persons/%d/contacts", e.URL, p.ID), p.Email)
					if i < 3 {
						_, body := get(t, c, e.URL+"/search?q="+url.QueryEscape(p.FirstName+" "+p.LastName))
						if strings.Contains(body, fmt.Sprintf("/persons/%d\"", p.ID)) {
							t.Fatalf("search shows person %d of another workplace", p.ID)
						}
					}
				}
				for _, p := range persons {
					hist, err := e.Store.History(ctx, admin, p.ID)
					if err != nil {
						t.Fatal(err)
					}
					for _, task := range hist.Tasks {
						refuse(t, c, "POST", fmt.Sprintf("%s/tasks/%d/done", e.URL, task.ID), "")
						refuse(t, c, "POST", fmt.Sprintf("%s/tasks/%d/outcome", e.URL, task.ID), "")
						tasks++
					}
				}
			}
			if ownSeen != 1 || others < 5 || tasks == 0 {
				t.Fatalf("own workplaces %d, others %d, tasks %d: the demo union is too small for this test", ownSeen, others, tasks)
			}
			// Pages for everyone else's data are refused outright.
			for _, path := range []string{"/audit", "/applications", "/applications/export"} {
				if st, _ := get(t, c, e.URL+path); st != http.StatusForbidden {
					t.Errorf("GET %s: status %d, want 403", path, st)
				}
			}
			// Possible matches of applicants are decided by approvers in
			// scope only.
			var matchID int64
			e.Store.DB().QueryRow(`SELECT COALESCE(MAX(id), 1) FROM match_candidates`).Scan(&matchID)
			for _, d := range []string{"merge", "distinct"} {
				refuse(t, c, "POST", fmt.Sprintf("%s/applications/matches/%d/%s", e.URL, matchID, d), "")
			}
		})
	}
}

// refuse asks for url and fails unless the answer is 403 or 404 without name.
func refuse(t *testing.T, c *http.Client, method, url, name string) {
	t.Helper()
	var st int
	var body string
	if method == "POST" {
		st, body = post(t, c, url, map[string][]string{"kind": {"phone"}, "note": {"x"}})
	} else {
		st, body = get(t, c, url)
	}
	if st != http.StatusNotFound && st != http.StatusForbidden {
		t.Fatalf("%s %s: status %d, want 403 or 404", method, url, st)
	}
	if name != "" && strings.Contains(body, html.EscapeString(name)) {
		t.Fatalf("%s %s: answer contains %q", method, url, name)
	}
}

func TestSignInRequired(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/", "/units", "/workplaces/1", "/persons/1", "/search?q=hansen", "/audit", "/applications/export"} {
		resp, err := c.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET %s without session: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if st, _ := get(t, c, e.URL+"/api/v1/persons/1"); st != http.StatusUnauthorized {
		t.Errorf("API without session: %d, want 401", st)
	}
	if st, body := post(t, c, e.URL+"/login", url.Values{"username": {"admin"}, "password": {"feil-passord"}}); st != http.StatusUnauthorized || !strings.Contains(body, "Feil brukernavn eller passord") {
		t.Errorf("wrong password: %d", st)
	}
}

func TestContactValidationKeepsInput(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.login(t, "tillitsvalgt")
	steward := e.principal(t, "tillitsvalgt")
	admin := e.principal(t, "admin")
	wps, err := e.Store.WorkplacesUnder(context.Background(), admin, steward.Grants[0].UnitPath, 1)
	if err != nil || len(wps) != 1 {
		t.Fatal(wps, err)
	}
	ps, _ := e.Store.PersonsAtWorkplace(context.Background(), steward, wps[0].ID)
	p := ps[0]
	long := strings.Repeat("æ", 2001)
	st, body := post(t, c, fmt.Sprintf("%s/persons/%d/contacts", e.URL, p.ID), url.Values{"kind": {"phone"}, "note": {long + "<script>alert(1)</script>"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "Notatet kan ha høyst 2000 tegn") || !strings.Contains(body, long) {
		t.Fatalf("too long note: status %d, message or input missing", st)
	}
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("note echoed unescaped")
	}
	st, body = post(t, c, fmt.Sprintf("%s/persons/%d/contacts", e.URL, p.ID), url.Values{"kind": {"brevdue"}, "note": {"hei"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "Velg en kontaktform") {
		t.Fatalf("bad kind: status %d", st)
	}
	hist, _ := e.Store.History(context.Background(), steward, p.ID)
	before := len(hist.Contacts)
	st, _ = post(t, c, fmt.Sprintf("%s/persons/%d/contacts", e.URL, p.ID), url.Values{"kind": {"visit"}, "note": {"Velkomstbesøk <b>ok</b>"}})
	if st != http.StatusSeeOther {
		t.Fatalf("valid contact: status %d", st)
	}
	hist, _ = e.Store.History(context.Background(), steward, p.ID)
	if len(hist.Contacts) != before+1 || hist.Contacts[0].Note != "Velkomstbesøk <b>ok</b>" {
		t.Fatalf("contact not stored: %d → %d", before, len(hist.Contacts))
	}
	entries, _ := e.Store.AuditLog(context.Background(), admin, 5)
	found := false
	for _, a := range entries {
		found = found || (a.Entity == "contact" && a.Username == "tillitsvalgt" && a.PersonID == p.ID && a.RemoteAddr == "127.0.0.1")
	}
	if !found {
		t.Fatal("contact not in the audit log")
	}
	_, page := get(t, c, fmt.Sprintf("%s/persons/%d", e.URL, p.ID))
	if strings.Contains(page, "<b>ok</b>") || !strings.Contains(page, "&lt;b&gt;ok&lt;/b&gt;") {
		t.Fatal("note not escaped on the person page")
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.login(t, "tillitsvalgt")
	resp, err := c.Get(e.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	r, _ := http.NewRequest("POST", e.URL+"/logout", nil)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Origin", "https://evil.example")
	resp, err = c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	raw := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = raw.PostForm(e.URL+"/login", url.Values{"username": {"admin"}, "password": {"verve-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure") {
		t.Errorf("session cookie over plain http = %q", sc)
	}
}
