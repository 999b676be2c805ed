package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestMovedPathsRedirect asks every old Norwegian path of a signed-in
// page: GET and HEAD answer 301 and POST 308, to the new path with the
// query string kept, without asking who is signed in; and the new path
// answers a signed-in user exactly as following the redirect does.
func TestMovedPathsRedirect(t *testing.T) {
	e := newEnv(t, "sqlite")
	person := e.principal(t, "tillitsvalgt").PersonID
	moved := []struct{ method, old, new string }{
		{"GET", "/dag", "/day"},
		{"GET", "/meg/verving", "/me/referral"},
		{"POST", "/meg/verving", "/me/referral"},
		{"GET", "/meg/verving/qr.svg", "/me/referral/qr.svg"},
		{"GET", "/meg/verving/qr.png", "/me/referral/qr.png"},
		{"POST", "/meg/verving/toppliste", "/me/referral/opt-in"},
		{"GET", fmt.Sprintf("/persons/%d/verving", person), fmt.Sprintf("/persons/%d/referral", person)},
		{"GET", "/verving/toppliste", "/referral/leaderboard"},
		{"GET", "/verving/premier", "/referral/rewards"},
		{"POST", "/verving/premier", "/referral/rewards"},
		{"POST", fmt.Sprintf("/verving/premier/1/%d", person), fmt.Sprintf("/referral/rewards/1/%d", person)},
	}
	if len(moved) < len(movedPaths) {
		t.Fatalf("%d moved paths tested, %d moved", len(moved), len(movedPaths))
	}
	nobody := anon()
	const query = "?year=2025&q=%C3%A6+%26x"
	for _, m := range moved {
		methods := []string{m.method}
		if m.method == "GET" {
			methods = append(methods, "HEAD")
		}
		for _, method := range methods {
			for _, q := range []string{"", query} {
				req, _ := http.NewRequest(method, e.URL+m.old+q, strings.NewReader("optin=1"))
				resp, _ := send(t, nobody, req)
				want := http.StatusMovedPermanently
				if method == "POST" {
					want = http.StatusPermanentRedirect
				}
				if resp.StatusCode != want || resp.Header.Get("Location") != m.new+q {
					t.Errorf("%s %s%s: %d to %q, want %d to %q", method, m.old, q, resp.StatusCode, resp.Header.Get("Location"), want, m.new+q)
				}
			}
		}
	}

	// Signed in, the new path is served (no 404 or 405 from the router),
	// and the old one leads to the same answer. Go's client repeats a POST
	// with its body on a 308, as browsers do.
	for _, user := range []string{"tillitsvalgt", "admin"} {
		c := e.login(t, user)
		follow := *c
		follow.CheckRedirect = nil
		for _, m := range moved {
			st, _ := request(t, c, m.method, e.URL+m.new+query, url.Values{"optin": {"1"}})
			if st == http.StatusNotFound && !strings.Contains(m.new, "/rewards/") || st == http.StatusMethodNotAllowed {
				t.Errorf("%s: %s %s answers %d", user, m.method, m.new, st)
			}
			if got, _ := request(t, &follow, m.method, e.URL+m.old+query, url.Values{"optin": {"1"}}); got != st && !(st == http.StatusSeeOther && got == http.StatusOK) {
				t.Errorf("%s: %s %s answers %d, the new path %d", user, m.method, m.old, got, st)
			}
		}
	}
}

// request sends a GET, HEAD or POST (with form) and returns the status and body.
func request(t *testing.T, c *http.Client, method, url string, form url.Values) (int, string) {
	t.Helper()
	if method == "POST" {
		return post(t, c, url, form)
	}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, c, req)
	return resp.StatusCode, body
}

// TestNoNorwegianPathsLeft: the pages a signed-in user sees link only to
// the English paths; the Norwegian ones survive only as redirects.
func TestNoNorwegianPathsLeft(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.login(t, "admin")
	person := e.principal(t, "tillitsvalgt").PersonID
	for _, path := range []string{"/", "/day", "/me/referral", "/referral/leaderboard", "/referral/rewards", "/applications",
		fmt.Sprintf("/persons/%d", person), fmt.Sprintf("/persons/%d/referral", person)} {
		st, body := get(t, c, e.URL+path)
		if st != http.StatusOK {
			t.Errorf("GET %s: %d", path, st)
		}
		for _, old := range []string{`"/dag"`, "/meg/", "/verving"} {
			if strings.Contains(body, old) {
				t.Errorf("GET %s links to %s", path, old)
			}
		}
	}
}

// TestJoinEnglishPaths: /join serves the join page beside /bli-medlem, and
// a visitor who came by it stays on English paths up to the confirmation
// link in the e-mail; the Norwegian confirmation path answers the same
// link, as mail sent before keeps using it.
func TestJoinEnglishPaths(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newJoinEnv(t, engine, Config{})
			c := anon()
			st, body := get(t, c, e.URL+"/join?lang=en")
			if st != 200 || !strings.Contains(body, `action="/join"`) || !strings.Contains(body, `hx-get="/join/workplaces"`) || strings.Contains(body, "/bli-medlem") {
				t.Fatalf("GET /join: %d\n%s", st, body)
			}
			if _, body := get(t, c, e.URL+"/bli-medlem"); !strings.Contains(body, `action="/bli-medlem"`) || strings.Contains(body, `"/join`) {
				t.Error("the Norwegian join page does not keep to its own paths")
			}
			if st, _ := get(t, c, e.URL+"/join/workplaces?workplace_q=a&lang=en"); st != 200 {
				t.Errorf("GET /join/workplaces: %d", st)
			}
			f := joinForm(t, c, e.URL, url.Values{"lang": {"en"}})
			req, _ := http.NewRequest("POST", e.URL+"/join", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, _ := send(t, c, req)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/join/thanks?lang=en" {
				t.Fatalf("POST /join: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if st, body := get(t, c, e.URL+"/join/thanks?lang=en"); st != 200 || !strings.Contains(body, `id="join-done"`) {
				t.Errorf("GET /join/thanks: %d", st)
			}
			link := outboxLink(t, e, "sara.soker@example.no")
			u, err := url.Parse(link)
			if err != nil || !strings.HasPrefix(u.Path, "/join/confirm/") {
				t.Fatalf("confirmation link %q", link)
			}
			token := strings.TrimPrefix(u.Path, "/join/confirm/")
			for _, p := range []string{"/join/confirm/", "/bli-medlem/bekreft/"} {
				st, body := get(t, c, e.URL+p+token+"?lang=en")
				if st != 200 || !strings.Contains(body, `action="`+p+token+`?lang=en"`) {
					t.Errorf("GET %s: %d", p, st)
				}
			}
			if st, body := post(t, c, e.URL+"/bli-medlem/bekreft/"+token+"?lang=en", url.Values{}); st != 200 || !strings.Contains(body, `id="join-confirmed"`) {
				t.Errorf("confirming at the Norwegian path: %d", st)
			}
			if n := countRows(t, e, `SELECT count(*) FROM persons WHERE email = 'sara.soker@example.no'`); n != 1 {
				t.Errorf("%d persons after confirming", n)
			}
		})
	}
}
