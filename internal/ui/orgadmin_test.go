package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestDisableAccountEndsSessions disables a signed-in steward: the next
// request of their open session is refused, pages and API alike, and the
// reason is on the accounts page and in the audit log.
func TestDisableAccountEndsSessions(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ac := e.login(t, "admin")
			sc := e.login(t, "tillitsvalgt")
			id := mustUserID(t, e, "tillitsvalgt")
			if st, _ := get(t, sc, e.URL+"/"); st != http.StatusOK {
				t.Fatalf("steward's home: %d", st)
			}
			disable := fmt.Sprintf("%s/accounts/%d/disable", e.URL, id)
			if st, body := post(t, ac, disable, url.Values{"reason": {"  "}}); st != http.StatusBadRequest || !strings.Contains(body, "Skriv hvorfor.") {
				t.Fatalf("no reason: %d", st)
			}
			if st, _ := post(t, ac, disable, url.Values{"reason": {"Gikk av som tillitsvalgt"}}); st != http.StatusSeeOther {
				t.Fatalf("disable: %d", st)
			}
			if st, _ := get(t, sc, e.URL+"/"); st != http.StatusSeeOther {
				t.Errorf("the disabled steward's session still opens the home page: %d", st)
			}
			if st, _ := get(t, sc, e.URL+"/api/v1/persons/1"); st != http.StatusUnauthorized {
				t.Errorf("the disabled steward's session still reaches the API: %d", st)
			}
			if st, _ := post(t, &http.Client{}, e.URL+"/login", url.Values{"username": {"tillitsvalgt"}, "password": {"verve-demo"}}); st == http.StatusSeeOther {
				t.Error("a disabled user signs in")
			}
			_, body := get(t, ac, e.URL+"/accounts")
			if !strings.Contains(body, "Gikk av som tillitsvalgt") {
				t.Error("the accounts page lacks the reason")
			}
			if st, _ := post(t, ac, fmt.Sprintf("%s/accounts/%d/enable", e.URL, id), url.Values{"reason": {"Valgt på nytt"}}); st != http.StatusSeeOther {
				t.Fatalf("enable: %d", st)
			}
			e.login(t, "tillitsvalgt")
			entries, _ := e.Store.AuditLog(context.Background(), e.principal(t, "admin"), 5)
			var actions []string
			for _, en := range entries {
				if en.Entity == "user" && en.EntityID == id && en.Action != "login" {
					actions = append(actions, en.Action+":"+en.Detail)
				}
			}
			if strings.Join(actions, ",") != "enable:Valgt på nytt,disable:Gikk av som tillitsvalgt" {
				t.Errorf("audit: %v", actions)
			}
		})
	}
}

// TestOrgAdminRefusals posts the bad input the issue names through the
// pages: each is refused with its message, the form is shown again, and
// nothing changed.
func TestOrgAdminRefusals(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	admin := e.principal(t, "admin")
	ac := e.login(t, "admin")
	steward := e.principal(t, "tillitsvalgt")
	club := steward.Grants[0].UnitID
	unit, err := e.Store.AdminUnit(ctx, admin, club)
	if err != nil {
		t.Fatal(err)
	}

	// A unit moved under itself.
	st, body := post(t, ac, fmt.Sprintf("%s/units/%d/move", e.URL, unit.ParentID), url.Values{"parent": {fmt.Sprint(club)}})
	if st != http.StatusBadRequest || !strings.Contains(body, "kan ikke flyttes under") {
		t.Errorf("moving a unit below its own club: %d", st)
	}

	// Closing a club with members without saying where they go.
	st, body = post(t, ac, fmt.Sprintf("%s/units/%d/close", e.URL, club), url.Values{"to": {""}})
	if st != http.StatusBadRequest || !strings.Contains(body, "Velg hvor de skal flyttes") || !strings.Contains(body, `id="close-preview"`) {
		t.Errorf("closing without a target: %d", st)
	}
	if after, _ := e.Store.AdminUnit(ctx, admin, club); after.Closed() {
		t.Fatal("the club closed")
	}

	// A workplace merged with itself, or with a mistyped number.
	wid := mustWorkplaceIn(t, e, unit.Path)
	w, err := e.Store.Workplace(ctx, admin, wid)
	if err != nil {
		t.Fatal(err)
	}
	for dup, msg := range map[string]string{w.Orgnr: "kan ikke slås sammen med seg selv", "123": "ni siffer", "974760673": "Fant ikke arbeidsplassen"} {
		st, body := post(t, ac, fmt.Sprintf("%s/workplaces/%d/merge", e.URL, wid), url.Values{"duplicate": {dup}})
		if st != http.StatusBadRequest || !strings.Contains(body, msg) || (dup != w.Orgnr && !strings.Contains(body, `id="wp-duplicate-error"`)) {
			t.Errorf("merging with %s: %d, want 400 with %q by the field", dup, st, msg)
		}
	}

	// Two chief shop stewards of one club at once.
	persons, err := e.Store.PersonsAtWorkplace(ctx, admin, wid)
	if err != nil || len(persons) < 2 {
		t.Fatalf("persons: %v", err)
	}
	today := e.Store.Today()
	// The demo's chief of the club, if any, steps down today.
	if _, err := e.Store.DB().Exec(`UPDATE roles SET end_date = $1 WHERE unit_id = $2 AND role = $3`, today, club, model.RoleChiefShopSteward); err != nil {
		t.Fatal(err)
	}
	appoint := func(p *model.Person) (int, string) {
		return post(t, ac, fmt.Sprintf("%s/units/%d/roles", e.URL, club), url.Values{"q": {p.LastName}, "person": {fmt.Sprint(p.ID)},
			"role": {string(model.RoleChiefShopSteward)}, "start": {today.Format(time.DateOnly)}, "end": {today.AddDate(2, 0, 0).Format(time.DateOnly)}})
	}
	if st, _ := appoint(persons[0]); st != http.StatusSeeOther {
		t.Fatalf("first chief: %d", st)
	}
	st, body = appoint(persons[1])
	if st != http.StatusConflict || !strings.Contains(body, persons[0].FirstName+" "+persons[0].LastName+" er allerede Hovedtillitsvalgt") {
		t.Errorf("second chief: %d", st)
	}
	_, body = get(t, ac, fmt.Sprintf("%s/units/%d", e.URL, club))
	if strings.Count(body, "– Hovedtillitsvalgt") != 1 {
		t.Errorf("the club page should list one chief shop steward: %d", strings.Count(body, "– Hovedtillitsvalgt"))
	}
	// A term running out within 60 days is marked.
	if _, err := e.Store.DB().Exec(`UPDATE roles SET end_date = $1 WHERE unit_id = $2 AND role = $3`, today.AddDate(0, 0, 30), club, model.RoleChiefShopSteward); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, ac, e.URL+"/roles")
	if !strings.Contains(body, "Perioden går ut snart") {
		t.Error("/roles does not mark a term ending in 30 days")
	}
	// It lists the first rolesShown terms and says how many there are.
	all, err := e.Store.RoleCount(ctx, admin)
	if err != nil || all <= rolesShown {
		t.Fatalf("the demo has %d terms (%v), want more than %d", all, err, rolesShown)
	}
	if n := strings.Count(body, `<li id="role-`); n != rolesShown || !strings.Contains(body, fmt.Sprintf("Viser de %d første av %d vervene", rolesShown, all)) {
		t.Errorf("/roles lists %d terms of %d, want %d and the count", n, all, rolesShown)
	}
}

// mustWorkplaceIn is the first workplace below path.
func mustWorkplaceIn(t *testing.T, e *testEnv, path string) int64 {
	t.Helper()
	var id int64
	if err := e.Store.DB().QueryRow(`SELECT w.id FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE o.path LIKE $1 || '%'
		AND (SELECT count(*) FROM persons p WHERE p.workplace_id = w.id) >= 2 ORDER BY w.id LIMIT 1`, path).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func mustUserID(t *testing.T, e *testEnv, username string) int64 {
	t.Helper()
	u, err := e.Store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
