package ui

import (
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/storage"
)

// walkUnitsAndMatches goes on with TestCrossScopeWalk for the user signed
// in with c, whose scope is the units below subtrees and the workplaces in
// reports in (worked out by the caller, not by the code under test):
//   - each unit in the scope answers on its page, listing exactly the
//     workplaces of the scope below it with their members and employees;
//     a unit that holds a portfolio's workplace is on /units;
//   - every other unit answers exactly as an id that does not exist;
//   - /matches lists exactly the open pairs whose two persons are in the
//     scope (one across regions is added, and one with a person outside),
//     and deciding another pair answers as deciding one that does not
//     exist.
func walkUnitsAndMatches(t *testing.T, e *testEnv, c *http.Client, user string, subtrees map[string]bool,
	all []*storage.WorkplaceSummary, in func(*storage.WorkplaceSummary) bool) {
	t.Helper()
	db := e.Store.DB()
	below := func(path string) bool {
		for s := range subtrees {
			if strings.HasPrefix(path, s) {
				return true
			}
		}
		return false
	}
	byID := map[int64]*storage.WorkplaceSummary{}
	holds := map[int64]bool{} // units holding a workplace of the scope
	for _, w := range all {
		byID[w.ID] = w
		if in(w) {
			holds[w.UnitID] = true
		}
	}

	// Units.
	_, tree := get(t, c, e.URL+"/units")
	missingSt, missing := get(t, c, fmt.Sprintf("%s/units/%d", e.URL, int64(1)<<40))
	rows, err := db.Query(`SELECT id, path, name FROM org_units WHERE closed_on IS NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type unit struct {
		id         int64
		path, name string
	}
	var units []unit
	for rows.Next() {
		var u unit
		if err := rows.Scan(&u.id, &u.path, &u.name); err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
	}
	rows.Close()
	var refused int
	for _, o := range units {
		link := fmt.Sprintf(`href="/units/%d"`, o.id)
		st, body := get(t, c, fmt.Sprintf("%s/units/%d", e.URL, o.id))
		if !below(o.path) && !holds[o.id] {
			refused++
			if st != missingSt || body != missing || strings.Contains(tree, link) {
				t.Fatalf("%s: unit %s out of scope: status %d, for a missing one %d; on /units %v", user, o.name, st, missingSt, strings.Contains(tree, link))
			}
			continue
		}
		if st != http.StatusOK {
			t.Fatalf("%s: unit %s in scope: status %d", user, o.name, st)
		}
		if !below(o.path) && !strings.Contains(tree, link) {
			t.Errorf("%s: unit %s of the portfolio is not on /units", user, o.name)
		}
		for _, w := range all {
			if !strings.HasPrefix(w.UnitPath, o.path) {
				continue
			}
			row := fmt.Sprintf(`<a href="/workplaces/%d">%s</a></td><td>%s</td><td class="num">%d</td><td class="num">%d</td>`,
				w.ID, html.EscapeString(w.Name), html.EscapeString(w.Municipality), w.Members, w.Employees)
			if shown := strings.Contains(body, fmt.Sprintf(`href="/workplaces/%d"`, w.ID)); shown != in(w) || (shown && !strings.Contains(body, row)) {
				t.Fatalf("%s: unit %s lists %s: %v, with its figures %v; in the scope: %v", user, o.name, w.Name, shown, strings.Contains(body, row), in(w))
			}
		}
	}
	if refused < 5 {
		t.Fatalf("%s: %d units outside the scope: the demo union is too small for this test", user, refused)
	}

	// Possible matches: a pair across regions inside the scope, and one
	// with a person outside it.
	person := func(inside bool, not ...int64) (id int64, path string, region string) {
		for _, w := range all {
			if in(w) != inside || w.Members == 0 {
				continue
			}
			r := regionOf(w.UnitPath)
			taken := false
			for _, n := range not {
				taken = taken || n == w.ID
			}
			if taken || (len(not) > 0 && inside && r == regionOf(byID[not[0]].UnitPath)) {
				continue
			}
			if err := db.QueryRow(`SELECT id FROM persons WHERE workplace_id = $1 ORDER BY id LIMIT 1`, w.ID).Scan(&id); err == nil {
				return id, w.UnitPath, r
			}
		}
		t.Fatalf("%s: no person for a pair (inside %v)", user, inside)
		return 0, "", ""
	}
	firstWP := func(id int64) int64 {
		var w int64
		db.QueryRow(`SELECT workplace_id FROM persons WHERE id = $1`, id).Scan(&w)
		return w
	}
	a, aPath, _ := person(true)
	b, bPath, _ := person(true, firstWP(a))
	o, oPath, _ := person(false)
	pair := func(n, k int64, np, kp string) int64 {
		var id int64
		if err := db.QueryRow(`INSERT INTO match_candidates (person_id, candidate_id, unit_path, source, match, created_at)
			VALUES ($1, $2, $3, 'join', 'email', $4) RETURNING id`, n, k, access.CommonPath(np, kp), time.Now().UTC()).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	across, outside := pair(a, b, aPath, bPath), pair(a, o, aPath, oPath)

	inPerson := func(path string, wp sql.NullInt64) bool {
		return below(path) || (wp.Valid && byID[wp.Int64] != nil && in(byID[wp.Int64]))
	}
	rows, err = db.Query(`SELECT mc.id, n.unit_path, n.workplace_id, k.unit_path, k.workplace_id FROM match_candidates mc
		JOIN persons n ON n.id = mc.person_id JOIN persons k ON k.id = mc.candidate_id WHERE mc.decision = '' ORDER BY mc.id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{}
	var open []int64
	for rows.Next() {
		var id int64
		var np, kp string
		var nw, kw sql.NullInt64
		if err := rows.Scan(&id, &np, &nw, &kp, &kw); err != nil {
			t.Fatal(err)
		}
		open = append(open, id)
		want[id] = inPerson(np, nw) && inPerson(kp, kw)
	}
	rows.Close()
	if !want[across] || want[outside] {
		t.Fatalf("%s: the test's pairs: across %v, outside %v", user, want[across], want[outside])
	}
	_, page := get(t, c, e.URL+"/matches")
	shown := regexp.MustCompile(`id="match-\d+"`).FindAllString(page, -1)
	n := 0
	for _, id := range open {
		if want[id] {
			n++
		}
		if strings.Contains(page, fmt.Sprintf(`id="match-%d"`, id)) && !want[id] {
			t.Fatalf("%s: /matches shows pair %d out of the scope", user, id)
		}
	}
	if len(shown) != min(n, matchesShown) || !strings.Contains(page, fmt.Sprintf(`id="match-%d"`, across)) && n <= matchesShown {
		t.Fatalf("%s: /matches shows %d pairs, the scope holds %d", user, len(shown), n)
	}
	decide := url.Values{"decision": {"distinct"}}
	missingSt, missing = post(t, c, fmt.Sprintf("%s/matches/%d", e.URL, int64(1)<<40), decide)
	tried := 0
	for _, id := range open {
		if want[id] || (tried > 10 && id != outside) {
			continue
		}
		tried++
		if st, body := post(t, c, fmt.Sprintf("%s/matches/%d", e.URL, id), decide); st != missingSt || body != missing {
			t.Fatalf("%s: deciding pair %d out of the scope: status %d, for a missing one %d", user, id, st, missingSt)
		}
	}
	if st, _ := post(t, c, fmt.Sprintf("%s/matches/%d", e.URL, across), decide); st != http.StatusSeeOther {
		t.Fatalf("%s: deciding the pair across regions: %d", user, st)
	}
	var undecided int
	db.QueryRow(`SELECT count(*) FROM match_candidates WHERE decision = '' AND id = $1`, outside).Scan(&undecided)
	if undecided != 1 {
		t.Fatalf("%s: the pair with a person outside was decided", user)
	}
}

// regionOf is the path of the region a unit's path lies in ("/1/4/").
func regionOf(path string) string {
	return strings.Join(strings.SplitN(path, "/", 4)[:3], "/") + "/"
}
