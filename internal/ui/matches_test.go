package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestOutsiderOnAListOverHTTP: a steward's list naming a member of another
// region answers as a stranger's list does and leaves the member unreadable
// (404, as for an id nobody has); the possible match shows on /matches to
// the union's admin, not to the other region's coordinator, and the admin
// merges it. A coordinator's decision on a pair whose person has since
// left the coordinator's region is refused.
func TestOutsiderOnAListOverHTTP(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			db := e.Store.DB()
			steward, coord := e.principal(t, "tillitsvalgt"), e.principal(t, "vervekoordinator")
			region := coord.Grants[0].UnitPath
			wps, err := e.Store.WorkplacesUnder(ctx, steward, steward.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 || strings.HasPrefix(wps[0].UnitPath, region) {
				t.Fatalf("the steward's workplace %v must lie outside the coordinator's region %s (%v)", wps, region, err)
			}
			var known model.Person
			if err := db.QueryRow(`SELECT id, first_name, last_name, email FROM persons WHERE unit_path LIKE $1 AND member_status = 'active' AND email <> ''
				ORDER BY id LIMIT 1`, region+"%").Scan(&known.ID, &known.FirstName, &known.LastName, &known.Email); err != nil {
				t.Fatal(err)
			}
			matchesBefore, err := e.Store.OpenMatchCount(ctx, e.principal(t, "admin"))
			if err != nil {
				t.Fatal(err)
			}
			c := e.login(t, "tillitsvalgt")
			send := func(name, email, query string) map[string]any {
				t.Helper()
				list := "Navn;E-post;Startdato\n" + name + ";" + email + ";01.12.2026\n"
				resp, err := c.Post(fmt.Sprintf("%s/api/v1/workplaces/%s/newhires?%s", e.URL, wps[0].Orgnr, query), "text/csv", strings.NewReader(list))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var out map[string]any
				json.NewDecoder(resp.Body).Decode(&out)
				delete(out, "import_id")
				return out
			}
			for _, q := range []string{"dry_run=1", "filename=liste.csv"} {
				k, s := send("Nordmann, Kari", known.Email, q), send("Fremmed, Frida", "fremmed.person@example.no", q)
				if fmt.Sprint(k) != fmt.Sprint(s) || k["counts"].(map[string]any)["new"] != float64(1) {
					t.Fatalf("%s: the member's list answers\n%v\nthe stranger's\n%v", q, k, s)
				}
			}
			_, missing := get(t, c, e.URL+"/persons/999999999")
			if st, body := get(t, c, fmt.Sprintf("%s/persons/%d", e.URL, known.ID)); st != http.StatusNotFound || body != missing {
				t.Fatalf("the steward asked for the member: %d, and not the page of an unknown id", st)
			}

			admin, other := e.login(t, "admin"), e.login(t, "vervekoordinator")
			var mid, newID int64
			if err := db.QueryRow(`SELECT id, person_id FROM match_candidates WHERE candidate_id = $1`, known.ID).Scan(&mid, &newID); err != nil {
				t.Fatal(err)
			}
			st, page := get(t, admin, e.URL+"/matches")
			if st != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`id="match-%d"`, mid)) || !strings.Contains(page, known.Email) ||
				!strings.Contains(page, fmt.Sprintf(`/persons/%d"`, newID)) {
				t.Fatalf("the admin's /matches: %d, pair %d missing", st, mid)
			}
			for client, want := range map[*http.Client]bool{admin: true, other: false} {
				_, body := get(t, client, e.URL+"/api/v1/matches")
				if got := strings.Contains(body, fmt.Sprintf(`"id":%d,`, mid)); got != want {
					t.Fatalf("/api/v1/matches lists the pair: %v, want %v", got, want)
				}
			}
			if _, home := get(t, admin, e.URL+"/"); !strings.Contains(home, fmt.Sprintf(`id="count-matches"><span class="n">%d</span>`, matchesBefore+1)) {
				t.Fatal("the admin's home page does not count the possible match")
			}
			if st, page := get(t, other, e.URL+"/matches"); st != http.StatusOK || strings.Contains(page, known.Email) || strings.Contains(page, fmt.Sprintf("match-%d", mid)) {
				t.Fatalf("one region's coordinator sees a pair across regions: %d", st)
			}
			if st, _ := post(t, other, fmt.Sprintf("%s/matches/%d", e.URL, mid), url.Values{"decision": {"distinct"}}); st != http.StatusNotFound {
				t.Fatalf("one region's coordinator decided a pair across regions: %d", st)
			}
			if st, _ := post(t, admin, fmt.Sprintf("%s/matches/%d", e.URL, mid), url.Values{"decision": {"merge"}}); st != http.StatusSeeOther {
				t.Fatalf("merge: %d", st)
			}
			if st, _ := get(t, admin, fmt.Sprintf("%s/persons/%d", e.URL, newID)); st != http.StatusNotFound {
				t.Fatalf("the merged newcomer is still there: %d", st)
			}
			if st, _ := get(t, admin, fmt.Sprintf("%s/persons/%d", e.URL, known.ID)); st != http.StatusOK {
				t.Fatalf("the member is gone after the merge: %d", st)
			}

			// A pair inside the coordinator's region, from a steward there.
			var wid int64
			var wpath string
			if err := db.QueryRow(`SELECT w.id, u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE $1 ORDER BY w.id LIMIT 1`,
				region+"_%").Scan(&wid, &wpath); err != nil {
				t.Fatal(err)
			}
			var other2 model.Person
			if err := db.QueryRow(`SELECT id, email FROM persons WHERE unit_path LIKE $1 AND unit_path NOT LIKE $2 AND email <> '' ORDER BY id LIMIT 1`,
				region+"%", wpath+"%").Scan(&other2.ID, &other2.Email); err != nil {
				t.Fatal(err)
			}
			mid = listOutsider(t, e, wid, wpath, other2.ID, other2.Email)
			if _, page := get(t, other, e.URL+"/matches"); !strings.Contains(page, fmt.Sprintf(`id="match-%d"`, mid)) {
				t.Fatal("the coordinator does not see a pair in the region")
			}
			// The known person moves to the first steward's workplace, in
			// another region, before the coordinator decides.
			if _, err := db.Exec(`UPDATE persons SET unit_id = $1, unit_path = $2, workplace_id = $3 WHERE id = $4`,
				wps[0].UnitID, wps[0].UnitPath, wps[0].ID, other2.ID); err != nil {
				t.Fatal(err)
			}
			// The pair now answers as one that does not exist.
			missingSt, missing := post(t, other, fmt.Sprintf("%s/matches/%d", e.URL, int64(1)<<40), url.Values{"decision": {"merge"}})
			if st, body := post(t, other, fmt.Sprintf("%s/matches/%d", e.URL, mid), url.Values{"decision": {"merge"}}); st != http.StatusNotFound ||
				st != missingSt || body != missing || !strings.Contains(body, "ikke lenger innenfor ditt område") {
				t.Fatalf("deciding on a person who left the region: %d, for a missing pair %d", st, missingSt)
			}
			var decision string
			db.QueryRow(`SELECT decision FROM match_candidates WHERE id = $1`, mid).Scan(&decision)
			if decision != "" {
				t.Fatalf("the refused decision was stored: %q", decision)
			}
		})
	}
}

// listOutsider has a shop steward of the workplace at path import a list
// with the e-mail of person known, who must be outside it, and returns
// the possible match the commit recorded.
func listOutsider(t *testing.T, e *testEnv, wid int64, path string, known int64, email string) int64 {
	t.Helper()
	u := &access.Principal{Username: "lokal", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: path}}}
	row := storage.ImportRow{NewHire: model.NewHire{Line: 2, FirstName: "Kari", LastName: "Nordmann", Email: email}, WorkplaceID: wid}
	if _, err := e.Store.Import(context.Background(), u, storage.ImportRequest{Kind: storage.ImportNewhires, WorkplaceID: wid, Commit: true},
		func(yield func(storage.ImportRow, error) bool) { yield(row, nil) }); err != nil {
		t.Fatal(err)
	}
	var mid int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM match_candidates WHERE candidate_id = $1`, known).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	return mid
}
