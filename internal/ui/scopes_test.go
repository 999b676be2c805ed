package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestCrossScopeWalk walks, as the demo's coordinator for every NAV office
// across regions and as its advisor with a portfolio of workplaces and a
// company group, every workplace of the union: those in the role's scope,
// worked out here from names and role_scopes rather than by the code under
// test, show on their pages, in search, in the home page's counts, on the
// unit pages and in the matches review; the rest answer as an id that does
// not exist (walkUnitsAndMatches goes on with the unit pages and matches).
func TestCrossScopeWalk(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.principal(t, "admin")
			db := e.Store.DB()
			tree, err := e.Store.UnitTree(ctx, admin)
			if err != nil {
				t.Fatal(err)
			}
			all, err := e.Store.WorkplacesUnder(ctx, admin, tree[0].Path, 10000)
			if err != nil {
				t.Fatal(err)
			}
			portfolio := map[int64]bool{}
			rows, err := db.Query(`SELECT w.id FROM role_scopes s JOIN workplaces w ON w.id = s.workplace_id OR (s.parent_orgnr <> '' AND w.parent_orgnr = s.parent_orgnr)`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				portfolio[id] = true
			}
			rows.Close()
			for _, c := range []struct {
				user string
				// in tells whether a workplace is in the role's scope; nil for
				// the role's unit's subtree and the portfolio.
				in func(path, name string, id int64) bool
			}{
				{"koordinator-nav", func(_, name string, _ int64) bool { return strings.HasPrefix(name, "NAV ") }},
				{"radgiver-portefolje", nil},
			} {
				u := e.principal(t, c.user)
				home := u.Grants[0].UnitPath
				in := c.in
				if in == nil {
					in = func(path, _ string, id int64) bool { return strings.HasPrefix(path, home) || portfolio[id] }
				}
				cl := e.login(t, c.user)
				// What an id that does not exist answers.
				missing, _ := get(t, cl, fmt.Sprintf("%s/persons/%d", e.URL, int64(1)<<40))
				missingWP, _ := get(t, cl, fmt.Sprintf("%s/workplaces/%d", e.URL, int64(1)<<40))
				var seen, refused, regions int
				var members int
				// The units of the scope, where staff without a workplace are.
				subtrees := map[string]bool{home: true}
				regionSeen := map[string]bool{}
				for _, w := range all {
					persons, err := e.Store.PersonsAtWorkplace(ctx, admin, w.ID)
					if err != nil {
						t.Fatal(err)
					}
					if in(w.UnitPath, w.Name, w.ID) {
						seen++
						members += w.Members
						if c.in != nil {
							subtrees[w.UnitPath] = true
						}
						regionSeen[strings.Join(strings.SplitN(w.UnitPath, "/", 4)[:3], "/")] = true
						if st, body := get(t, cl, fmt.Sprintf("%s/workplaces/%d", e.URL, w.ID)); st != 200 || !strings.Contains(body, html.EscapeString(w.Name)) {
							t.Fatalf("%s: own workplace %s: status %d", c.user, w.Name, st)
						}
						for i, p := range persons {
							if i == 2 {
								break
							}
							if st, body := get(t, cl, fmt.Sprintf("%s/persons/%d", e.URL, p.ID)); st != 200 || !strings.Contains(body, html.EscapeString(p.Email)) {
								t.Fatalf("%s: person %d at %s: status %d", c.user, p.ID, w.Name, st)
							}
							if _, body := get(t, cl, e.URL+"/search?q="+strings.ReplaceAll(p.FirstName+" "+p.LastName, " ", "+")); !strings.Contains(body, fmt.Sprintf("/persons/%d\"", p.ID)) {
								t.Fatalf("%s: search misses person %d at %s", c.user, p.ID, w.Name)
							}
						}
						continue
					}
					refused++
					if st, body := get(t, cl, fmt.Sprintf("%s/workplaces/%d", e.URL, w.ID)); st != missingWP || strings.Contains(body, html.EscapeString(w.Orgnr)) {
						t.Fatalf("%s: workplace %s out of scope: status %d, for a missing one %d", c.user, w.Name, st, missingWP)
					}
					refuse(t, cl, "GET", fmt.Sprintf("%s/api/v1/workplaces/%d", e.URL, w.ID), w.Orgnr)
					for i, p := range persons {
						if i == 2 || (engine == "postgres" && refused > 5) {
							break
						}
						if st, body := get(t, cl, fmt.Sprintf("%s/persons/%d", e.URL, p.ID)); st != missing || strings.Contains(body, html.EscapeString(p.Email)) {
							t.Fatalf("%s: person %d out of scope: status %d, for a missing one %d", c.user, p.ID, st, missing)
						}
						refuse(t, cl, "GET", fmt.Sprintf("%s/api/v1/persons/%d", e.URL, p.ID), p.Email)
						refuse(t, cl, "POST", fmt.Sprintf("%s/persons/%d/contacts", e.URL, p.ID), p.Email)
						if _, body := get(t, cl, e.URL+"/search?q="+strings.ReplaceAll(p.FirstName+" "+p.LastName, " ", "+")); strings.Contains(body, fmt.Sprintf("/persons/%d\"", p.ID)) {
							t.Fatalf("%s: search shows person %d out of scope", c.user, p.ID)
						}
					}
				}
				regions = len(regionSeen)
				if seen < 2 || refused < 5 || regions < 2 {
					t.Fatalf("%s: %d workplaces in scope in %d regions, %d outside: the demo union is too small for this test", c.user, seen, regions, refused)
				}
				// The home page counts exactly the scope: the members of its
				// workplaces and the staff placed in its units without one.
				var staff int
				for path := range subtrees {
					var n int
					if err := db.QueryRow(`SELECT count(*) FROM persons WHERE workplace_id IS NULL AND member_status IN ('active', 'arrears') AND unit_path LIKE $1`,
						path+"%").Scan(&n); err != nil {
						t.Fatal(err)
					}
					staff += n
				}
				_, body := get(t, cl, e.URL+"/")
				m := regexp.MustCompile(`id="count-members"><span class="n">([^<]*)<`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("%s: no member count on the home page", c.user)
				}
				if got := strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return r
					}
					return -1
				}, m[1]); got != fmt.Sprint(members+staff) {
					t.Errorf("%s: home page counts %s members, the scope holds %d", c.user, m[1], members+staff)
				}
				walkUnitsAndMatches(t, e, cl, c.user, subtrees, all, func(w *storage.WorkplaceSummary) bool { return in(w.UnitPath, w.Name, w.ID) })
			}
		})
	}
}

// TestRoleScopesForm: an admin sees the NAV coordinator's further units
// from the person page, adds a workplace by organisasjonsnummer, is told
// why a number is refused, and removes the workplace again; the
// coordinator then reaches that workplace only while it is there. Users
// without user:admin are refused.
func TestRoleScopesForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	admin := e.principal(t, "admin")
	coord := e.principal(t, "koordinator-nav")
	ac := e.login(t, "admin")
	roleURL := fmt.Sprintf("%s/roles/%d/scopes", e.URL, coord.Grants[0].RoleID)
	if st, body := get(t, ac, fmt.Sprintf("%s/persons/%d", e.URL, coord.PersonID)); st != 200 || !strings.Contains(body, fmt.Sprintf(`href="/roles/%d/scopes"`, coord.Grants[0].RoleID)) {
		t.Fatalf("person page: %d, or no link to the role's scope", st)
	}
	st, body := get(t, ac, roleURL)
	if st != 200 || !strings.Contains(body, "Klubb NAV ") || !strings.Contains(body, `id="scope-group"`) {
		t.Fatalf("role scopes page: %d", st)
	}
	// The largest workplace outside the coordinator's scope.
	var outside *storage.WorkplaceSummary
	tree, _ := e.Store.UnitTree(ctx, admin)
	all, _ := e.Store.WorkplacesUnder(ctx, admin, tree[0].Path, 10000)
	for _, w := range all {
		if !strings.HasPrefix(w.Name, "NAV ") && (outside == nil || w.Members > outside.Members) {
			outside = w
		}
	}
	cc := e.login(t, "koordinator-nav")
	wpURL := fmt.Sprintf("%s/workplaces/%d", e.URL, outside.ID)
	refuse(t, cc, "GET", wpURL, outside.Orgnr)
	for _, bad := range []string{"123", "974760673"} {
		if st, body := post(t, ac, roleURL, url.Values{"orgnr": {bad}}); st != http.StatusBadRequest || !strings.Contains(body, "Fant ingen arbeidsplass med det organisasjonsnummeret") {
			t.Errorf("orgnr %s: %d", bad, st)
		}
	}
	if st, _ := post(t, ac, roleURL, url.Values{"orgnr": {outside.Orgnr}}); st != http.StatusSeeOther {
		t.Fatalf("add workplace: %d", st)
	}
	if st, _ := get(t, cc, wpURL); st != 200 {
		t.Fatalf("the coordinator does not reach the added workplace: %d", st)
	}
	_, body = get(t, ac, roleURL)
	m := regexp.MustCompile(`action="(/roles/\d+/scopes/\d+/delete)"><button>Fjern</button></form></li></ul>`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, html.EscapeString(outside.Name)) {
		t.Fatal("the added workplace is not listed last")
	}
	if st, _ := post(t, ac, e.URL+m[1], nil); st != http.StatusSeeOther {
		t.Fatalf("remove: %d", st)
	}
	refuse(t, cc, "GET", wpURL, outside.Orgnr)
	// Neither a steward nor the coordinator administers roles.
	for _, c := range []*http.Client{e.login(t, "tillitsvalgt"), cc} {
		if st, _ := get(t, c, roleURL); st != http.StatusForbidden {
			t.Errorf("GET as a non-admin: %d", st)
		}
		if st, _ := post(t, c, roleURL, url.Values{"orgnr": {outside.Orgnr}}); st != http.StatusForbidden {
			t.Errorf("POST as a non-admin: %d", st)
		}
	}
	if st, _ := get(t, ac, fmt.Sprintf("%s/roles/%d/scopes", e.URL, int64(1)<<40)); st != http.StatusNotFound {
		t.Errorf("unknown role: %d", st)
	}
}
