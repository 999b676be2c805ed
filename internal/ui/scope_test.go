package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
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
				// Administering the organisation is no steward's, not even
				// of the own workplace and club.
				refuseOrgAdmin(t, c, e.URL, w.ID, w.UnitID, w.Orgnr)
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
			for _, path := range []string{"/audit", "/matches", "/api/v1/matches", "/applications", "/applications/export", "/roles", "/accounts"} {
				if st, _ := get(t, c, e.URL+path); st != http.StatusForbidden {
					t.Errorf("GET %s: status %d, want 403", path, st)
				}
			}
			// Possible matches are decided by those who see both persons.
			for _, id := range []int{1, 2, 999999} {
				refuse(t, c, "POST", fmt.Sprintf("%s/matches/%d", e.URL, id), "")
				refuse(t, c, "POST", fmt.Sprintf("%s/api/v1/matches/%d", e.URL, id), "")
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
	for _, path := range []string{"/", "/units", "/workplaces/1", "/persons/1", "/search?q=hansen", "/audit", "/applications/export", "/me/referral"} {
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

// TestScopeOfDuesCreditsTasksAndAdmins walks, as users of region A, the
// routes for dues, credits, referral codes and tasks of persons in region
// B, and the union-wide settings and audit log as a union admin granted on
// region A only.
func TestScopeOfDuesCreditsTasksAndAdmins(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			sys := access.System("test")
			steward := e.principal(t, "tillitsvalgt")
			var regionA, regionB struct {
				ID   int64
				Path string
			}
			db := e.Store.DB()
			if err := db.QueryRow(`SELECT id, path FROM org_units WHERE kind = 'region' AND $1 LIKE path || '%'`, steward.Grants[0].UnitPath).Scan(&regionA.ID, &regionA.Path); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT id, path FROM org_units WHERE kind = 'region' AND id <> $1 ORDER BY id LIMIT 1`, regionA.ID).Scan(&regionB.ID, &regionB.Path); err != nil {
				t.Fatal(err)
			}
			workplaceIn := func(path string) *storage.WorkplaceSummary {
				ws, err := e.Store.WorkplacesUnder(ctx, sys, path, 1)
				if err != nil || len(ws) != 1 {
					t.Fatal(ws, err)
				}
				return ws[0]
			}
			wA, wB := workplaceIn(steward.Grants[0].UnitPath), workplaceIn(regionB.Path)
			newPerson := func(first, last string, w *storage.WorkplaceSummary, marker string) *model.Person {
				p := &model.Person{FirstName: first, LastName: last, WorkplaceID: w.ID, MemberStatus: model.StatusActive,
					Email: strings.ToLower(first+"."+last) + "@example.no"}
				if err := e.Store.CreatePerson(ctx, access.System(marker), p); err != nil {
					t.Fatal(err)
				}
				return p
			}
			admin := newPerson("Regine", "Regionsadmin", wA, "merke-a")
			outside := newPerson("Bjørnar", "Utenforsen", wB, "merke-b")
			if err := e.Store.SaveSettings(ctx, access.System("merke-rot"), storage.DefaultSettings); err != nil {
				t.Fatal(err)
			}
			if err := e.Store.AddRole(ctx, access.System("test"), &model.Role{PersonID: admin.ID, Role: model.RoleUnionAdmin, UnitID: regionA.ID,
				StartDate: time.Now().AddDate(0, 0, -1)}); err != nil {
				t.Fatal(err)
			}
			hash, err := auth.HashPassword(demo.Password)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Store.CreateUser(ctx, access.System("test"), &model.User{PersonID: admin.ID, Username: "regionadmin", PasswordHash: hash}); err != nil {
				t.Fatal(err)
			}
			// Bjørnar in region B was recruited by the steward and pays dues.
			var mid int64
			if err := db.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by)
				VALUES ($1, 'ordinary', 'active', $2, 'join_page', $3) RETURNING id`, outside.ID, time.Now().AddDate(0, -6, 0), steward.PersonID).Scan(&mid); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, mid, steward.PersonID, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
			if err := e.Store.RecordPayment(ctx, sys, storage.Payment{MembershipID: mid, Month: time.Now(), AmountOre: 35000, Source: "test"}); err != nil {
				t.Fatal(err)
			}

			// The recruiter sees that the recruit counted, not who it is.
			sc := e.login(t, "tillitsvalgt")
			for _, path := range []string{"/me/referral", fmt.Sprintf("/persons/%d/referral", steward.PersonID)} {
				st, body := get(t, sc, e.URL+path)
				if st != 200 || strings.Contains(body, "Utenforsen") || !strings.Contains(body, "Vervede utenfor ditt område") {
					t.Errorf("GET %s: status %d, names the recruit or lacks the count", path, st)
				}
			}

			// A task in the steward's club about a person now in region B:
			// neither shown nor actionable, as if it did not exist.
			tasks, err := e.Store.DueTasks(ctx, steward, 60)
			if err != nil {
				t.Fatal(err)
			}
			var task *model.Task
			for i := range tasks {
				if tasks[i].PersonID != 0 {
					task = &tasks[i]
					break
				}
			}
			if task == nil {
				t.Fatal("the steward has no task about a person: the demo union is too small for this test")
			}
			if _, err := db.Exec(`UPDATE persons SET unit_id = $1, unit_path = $2 WHERE id = $3`, wB.UnitID, wB.UnitPath, task.PersonID); err != nil {
				t.Fatal(err)
			}
			// As a transfer does, their employments here end (one still open
			// would keep them in reach, as a second employer does).
			if _, err := db.Exec(`UPDATE employments SET end_date = start_date WHERE person_id = $1 AND end_date IS NULL`, task.PersonID); err != nil {
				t.Fatal(err)
			}
			if _, body := get(t, sc, e.URL+"/day"); strings.Contains(body, fmt.Sprintf("/tasks/%d/", task.ID)) {
				t.Error("Min dag shows a task about a person out of scope")
			}
			for _, action := range []string{"done", "outcome"} {
				missing, _ := post(t, sc, fmt.Sprintf("%s/tasks/%d/%s", e.URL, 1<<40, action), url.Values{"result": {"met"}})
				st, _ := post(t, sc, fmt.Sprintf("%s/tasks/%d/%s", e.URL, task.ID, action), url.Values{"result": {"met"}})
				if st != http.StatusNotFound || st != missing {
					t.Errorf("POST /tasks/%d/%s: %d, for a missing task %d", task.ID, action, st, missing)
				}
			}

			// The region admin may record dues, but not in region B.
			payments := countRows(t, e, `SELECT count(*) FROM dues_payments`)
			rc := e.login(t, "regionadmin")
			refuse(t, rc, "GET", fmt.Sprintf("%s/persons/%d/referral", e.URL, outside.ID), outside.Email)
			refuse(t, rc, "GET", fmt.Sprintf("%s/persons/%d/qr.svg", e.URL, outside.ID), "")
			refuse(t, rc, "POST", fmt.Sprintf("%s/persons/%d/referral", e.URL, outside.ID), outside.Email)
			for _, path := range []string{fmt.Sprintf("/persons/%d/dues", outside.ID), fmt.Sprintf("/persons/%d/dues", admin.ID)} {
				st, _ := post(t, rc, e.URL+path, url.Values{"membership_id": {fmt.Sprint(mid)}, "month": {"2020-01"}, "amount": {"1"}})
				if st != http.StatusNotFound {
					t.Errorf("POST %s for region B's membership: %d, want 404", path, st)
				}
			}
			resp, err := rc.Post(fmt.Sprintf("%s/api/v1/memberships/%d/payments", e.URL, mid), "application/json", strings.NewReader(`{"month": "2020-01", "amount": 1}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("API payment for region B: %d, want 404", resp.StatusCode)
			}
			if n := countRows(t, e, `SELECT count(*) FROM dues_payments`); n != payments {
				t.Errorf("%d payments written", n-payments)
			}

			// The region admin administers region A, not region B: every
			// administration route for B's workplace and its club is not
			// found, and nothing changed.
			refuseOrgAdmin(t, rc, e.URL, wB.ID, wB.UnitID, wB.Orgnr)
			for _, path := range []string{fmt.Sprintf("/workplaces/%d/move", wA.ID), fmt.Sprintf("/units/%d/edit", wA.UnitID), "/roles", "/accounts"} {
				if st, _ := get(t, rc, e.URL+path); st != http.StatusOK {
					t.Errorf("GET %s as region A's admin: %d", path, st)
				}
			}
			var userB string
			if err := db.QueryRow(`SELECT u.username FROM users u JOIN persons p ON p.id = u.person_id WHERE p.unit_path LIKE $1 || '%'
				ORDER BY u.id LIMIT 1`, regionB.Path).Scan(&userB); err != nil {
				t.Fatalf("a user in region B: %v", err)
			}
			if st, body := get(t, rc, e.URL+"/accounts"); st != 200 || strings.Contains(body, "<strong>"+userB+"<") || !strings.Contains(body, "<strong>tillitsvalgt<") {
				t.Errorf("the region admin's accounts (%d): region B's %s listed, or region A's tillitsvalgt missing", st, userB)
			}
			if w, err := e.Store.Workplace(ctx, sys, wB.ID); err != nil || w.UnitID != wB.UnitID || w.Orgnr != wB.Orgnr {
				t.Errorf("region B's workplace changed: %+v, %v", w, err)
			}

			// Union-wide settings are not the region admin's.
			for _, path := range []string{"/settings", "/benefits"} {
				if st, _ := get(t, rc, e.URL+path); st != http.StatusForbidden {
					t.Errorf("GET %s: %d, want 403", path, st)
				}
			}
			for _, path := range []string{"/settings", "/applications/settings", "/benefits", "/benefits/1/delete"} {
				form := url.Values{"follow_up_days": {"3"}, "retention_days": {"30"}, "escalate_after_days": {"3"}, "privacy_notice": {"x"},
					"credit_months": {"1"}, "join_consent": {"x"}, "title": {"x"}, "position": {"0"}}
				if st, _ := post(t, rc, e.URL+path, form); st != http.StatusForbidden {
					t.Errorf("POST %s: %d, want 403", path, st)
				}
			}
			if st, _ := post(t, rc, e.URL+"/referral/rewards", url.Values{"unit": {"0"}, "recruits": {"2"}, "prize": {"Kopp"}}); st != http.StatusBadRequest {
				t.Errorf("union-wide reward level: %d, want 400", st)
			}
			if n := countRows(t, e, `SELECT count(*) FROM reward_levels WHERE unit_id IS NULL`); n != 0 {
				t.Errorf("%d union-wide reward levels made", n)
			}
			if st, body := get(t, rc, e.URL+"/"); st != 200 || strings.Contains(body, `href="/settings"`) {
				t.Errorf("home page: %d, or a link to the settings", st)
			}
			// The audit log: region A's persons, nothing about region B, and
			// nothing tied to no person.
			st, body := get(t, rc, e.URL+"/audit")
			if st != 200 || !strings.Contains(body, "merke-a") || strings.Contains(body, "merke-b") || strings.Contains(body, "merke-rot") {
				t.Errorf("audit log as region admin: %d, region A %v, region B %v, no person %v", st,
					strings.Contains(body, "merke-a"), strings.Contains(body, "merke-b"), strings.Contains(body, "merke-rot"))
			}
			if _, body := get(t, e.login(t, "admin"), e.URL+"/audit"); !strings.Contains(body, "merke-b") || !strings.Contains(body, "merke-rot") {
				t.Error("the root admin's audit log lacks entries")
			}
		})
	}
}

// refuseOrgAdmin asks, with c, for every administration route of a
// workplace and its unit, each POST with a form that would change
// something if let through, and fails unless each is refused (403 or 404)
// without naming the workplace by its organisasjonsnummer.
func refuseOrgAdmin(t *testing.T, c *http.Client, base string, workplace, unit int64, orgnr string) {
	t.Helper()
	w, u, id := fmt.Sprintf("/workplaces/%d", workplace), fmt.Sprintf("/units/%d", unit), fmt.Sprint(unit)
	for _, path := range []string{w + "/move", "/workplaces/new?unit=" + id, u + "/edit", u + "/close", u + "/roles/new?q=a", "/units/new?parent=" + id} {
		refuse(t, c, "GET", base+path, orgnr)
	}
	for _, r := range []struct {
		path string
		form url.Values
	}{
		{w + "/move", url.Values{"unit": {id}}},
		{w + "/orgnr", url.Values{"orgnr": {"974760673"}}},
		{w + "/merge", url.Values{"duplicate": {orgnr}}},
		{w + "/resolve", url.Values{"into": {fmt.Sprint(workplace)}}},
		{"/workplaces/new", url.Values{"unit": {id}, "name": {"X"}, "orgnr": {"974760673"}}},
		{u + "/rename", url.Values{"name": {"X"}}},
		{u + "/move", url.Values{"parent": {id}}},
		{u + "/close", url.Values{"to": {id}}},
		{u + "/roles", url.Values{"person": {"1"}, "role": {"shop_steward"}, "start": {"2026-01-01"}}},
		{"/units/new", url.Values{"parent": {id}, "name": {"X"}, "kind": {"club"}}},
	} {
		st, body := post(t, c, base+r.path, r.form)
		if st != http.StatusNotFound && st != http.StatusForbidden {
			t.Fatalf("POST %s: status %d, want 403 or 404", r.path, st)
		}
		if strings.Contains(body, orgnr) {
			t.Fatalf("POST %s: answer names %s", r.path, orgnr)
		}
	}
}
