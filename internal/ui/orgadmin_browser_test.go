package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestBrowserOrgAdmin is the administration issue's "done when", on a
// phone, on both engines: a union admin creates a club under a branch,
// moves a workplace into it and appoints a member shop steward of that
// workplace for two years; the steward, signing in, sees the workplace.
// The admin ends the term, and the steward no longer does. Each page
// passes axe.
func TestBrowserOrgAdmin(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) { browserOrgAdmin(t, engine) })
	}
}

func browserOrgAdmin(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := newBrowserTimeout(t, 2*time.Minute)
	bg := context.Background()
	errs := watchPageErrors(t, ctx)
	a := &axeRun{t: t, ctx: ctx, src: readAxe(t), errs: errs, summary: map[string]string{}}
	defer a.logSummary()
	admin := e.principal(t, "admin")
	db := e.Store.DB()

	// A branch, and a workplace elsewhere with a member who holds no role.
	var branchID int64
	var branchPath string
	if err := db.QueryRow(`SELECT id, path FROM org_units WHERE kind = 'branch' ORDER BY id LIMIT 1`).Scan(&branchID, &branchPath); err != nil {
		t.Fatal(err)
	}
	var wpID, personID int64
	var first, last string
	if err := db.QueryRow(`SELECT w.id, p.id, p.first_name, p.last_name FROM workplaces w JOIN org_units o ON o.id = w.unit_id
		JOIN persons p ON p.workplace_id = w.id
		WHERE o.path NOT LIKE $1 || '%' AND p.member_status = 'active'
		AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id)
		ORDER BY w.id, p.id LIMIT 1`, branchPath).Scan(&wpID, &personID, &first, &last); err != nil {
		t.Fatal(err)
	}
	wp, err := e.Store.Workplace(bg, admin, wpID)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.CreateUser(bg, admin, &model.User{PersonID: personID, Username: "nytillitsvalgt", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	wpURL := fmt.Sprintf("%s/workplaces/%d", e.URL, wpID)
	errs.allow(wpURL) // refused to the steward at the end

	// 1. A club under the branch.
	signInBrowser(t, ctx, e, "admin")
	do(t, ctx, "open the branch", chromedp.Navigate(fmt.Sprintf("%s/units/%d", e.URL, branchID)), chromedp.WaitVisible(chromedp.ID("unit-admin")))
	a.check("branch page (admin)")
	do(t, ctx, "new unit form", chromedp.Click(chromedp.ID("unit-new-link")), chromedp.WaitVisible(chromedp.ID("unit-new")))
	a.check("new unit")
	do(t, ctx, "create the club",
		chromedp.SendKeys(chromedp.ID("unit-name"), "Klubb Testvik"),
		chromedp.SetValue(chromedp.ID("unit-kind"), string(model.UnitClub)),
		chromedp.Click(chromedp.CSS(`#unit-new button.primary`)),
		chromedp.WaitVisible(chromedp.ID("appoint-link")))
	if h1 := run(t, ctx, "club h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Klubb Testvik" {
		t.Fatalf("after creating: h1 %q", h1)
	}
	loc := run(t, ctx, "club location", chromedp.Location())
	clubID, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("club page at %s", loc)
	}
	club, err := e.Store.AdminUnit(bg, admin, clubID)
	if err != nil || club.ParentID != branchID || club.Kind != model.UnitClub {
		t.Fatalf("club %+v, %v", club, err)
	}
	a.check("club page (admin)")

	// 2. The workplace moves into the club.
	do(t, ctx, "workplace admin", chromedp.Navigate(wpURL), chromedp.Click(chromedp.ID("wp-admin-link")), chromedp.WaitVisible(chromedp.ID("workplace-move")))
	a.check("workplace admin")
	screenshot(t, ctx, "orgadmin-workplace")
	do(t, ctx, "move the workplace",
		chromedp.SetValue(chromedp.ID("wp-unit"), strconv.FormatInt(clubID, 10)),
		chromedp.Click(chromedp.CSS(`#workplace-move button.primary`)),
		chromedp.WaitVisible(chromedp.ID("wp-members")))
	if moved, err := e.Store.Workplace(bg, admin, wpID); err != nil || moved.UnitID != clubID {
		t.Fatalf("workplace after the move: %+v, %v", moved, err)
	}
	if hist := run(t, ctx, "workplace history", chromedp.Text(chromedp.ID("history"))); !strings.Contains(hist, "Klubb Testvik") {
		t.Errorf("the workplace's history lacks the move: %q", hist)
	}
	a.check("workplace page (admin)")

	// 3. A shop steward for two years.
	do(t, ctx, "appoint form", chromedp.Navigate(fmt.Sprintf("%s/units/%d", e.URL, clubID)), chromedp.Click(chromedp.ID("appoint-link")),
		chromedp.WaitVisible(chromedp.ID("person-search")),
		chromedp.SendKeys(chromedp.ID("role-q"), first+" "+last),
		chromedp.Click(chromedp.CSS(`#person-search button`)),
		chromedp.WaitVisible(chromedp.ID("appoint")))
	a.check("appoint")
	today := e.Store.Today()
	if end := run(t, ctx, "default end", chromedp.Evaluate[string](`document.getElementById("role-end").value`)); end != today.AddDate(2, 0, 0).Format(time.DateOnly) {
		t.Errorf("the term ends %s by default, want two years on", end)
	}
	do(t, ctx, "appoint",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="person"][value="%d"]`, personID))),
		chromedp.SetValue(chromedp.ID("role-role"), string(model.RoleShopSteward)),
		chromedp.SetValue(chromedp.ID("role-workplace"), strconv.FormatInt(wpID, 10)),
		chromedp.SendKeys(chromedp.ID("role-department"), "Drift"),
		chromedp.Click(chromedp.CSS(`#appoint button.primary`)),
		chromedp.WaitVisible(chromedp.ID("role-terms")))
	if terms := run(t, ctx, "terms", chromedp.Text(chromedp.ID("role-terms"))); !strings.Contains(terms, first+" "+last) || !strings.Contains(terms, "Tillitsvalgt") ||
		!strings.Contains(terms, wp.Name) || !strings.Contains(terms, "Drift") {
		t.Errorf("the club's roles: %q", terms)
	}
	a.check("club page with a steward")
	screenshot(t, ctx, "orgadmin-club")
	roles, err := e.Store.Roles(bg, admin, clubID, 10)
	if err != nil || len(roles) != 1 || !roles[0].EndDate.Equal(today.AddDate(2, 0, 0)) || roles[0].WorkplaceID != wpID || roles[0].Department != "Drift" {
		t.Fatalf("roles of the club: %+v, %v", roles, err)
	}
	resolveParent(t, ctx, e, a, wpID)

	// The steward of the workplace reaches it, not the club's subtree.
	if sc := e.principal(t, "nytillitsvalgt").Scope(access.WorkplaceRead); len(sc.Paths) != 0 || len(sc.Workplaces) != 1 || sc.Workplaces[0] != wpID {
		t.Errorf("the steward's scope = %+v", sc)
	}

	// The steward signs in and sees the workplace.
	signOutBrowser(t, ctx)
	signInBrowser(t, ctx, e, "nytillitsvalgt")
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(wpURL))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("the steward opens the workplace: %v, %v", resp, err)
	}
	if h1 := run(t, ctx, "workplace h1", chromedp.Text(chromedp.CSS("h1"))); h1 != wp.Name {
		t.Errorf("the steward sees %q, want %q", h1, wp.Name)
	}

	// 4. The admin ends the term; the steward no longer sees the workplace.
	signOutBrowser(t, ctx)
	signInBrowser(t, ctx, e, "admin")
	do(t, ctx, "end the term", chromedp.Navigate(fmt.Sprintf("%s/units/%d", e.URL, clubID)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#role-%d button`, roles[0].ID))),
		chromedp.WaitNotPresent(chromedp.CSS(fmt.Sprintf(`#role-%d`, roles[0].ID))))
	if hist := run(t, ctx, "club history", chromedp.Text(chromedp.ID("history"))); !strings.Contains(hist, "Verv avsluttet: Tillitsvalgt – "+first+" "+last) || !strings.Contains(hist, "Verv gitt: Tillitsvalgt") {
		t.Errorf("the club's history lacks the ended term: %q", hist)
	}
	// Closing the club without saying where its workplace goes is refused
	// on the preview, with the message by the field.
	closeURL := fmt.Sprintf("%s/units/%d/close", e.URL, clubID)
	errs.allow(closeURL)
	do(t, ctx, "close preview", chromedp.Navigate(closeURL), chromedp.WaitVisible(chromedp.ID("close-preview")))
	a.check("close preview")
	do(t, ctx, "close without a target",
		chromedp.SetValue(chromedp.ID("close-to"), ""),
		chromedp.Click(chromedp.CSS(`#unit-close button.primary`)),
		chromedp.WaitVisible(chromedp.ID("close-to-error")))
	a.check("close refused")
	if c, _ := e.Store.AdminUnit(bg, admin, clubID); c.Closed() {
		t.Fatal("the club closed without a target")
	}

	signOutBrowser(t, ctx)
	do(t, ctx, "sign in again", chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "nytillitsvalgt"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("header details.menu")))
	resp, err = chromedp.Run(ctx, chromedp.NavigateResponse(wpURL))
	// With no role left the page is forbidden outright (403); with another
	// role elsewhere it would not be found (404).
	if err != nil || (resp.Status != http.StatusForbidden && resp.Status != http.StatusNotFound) {
		t.Fatalf("the former steward opens the workplace: %v, %v", resp, err)
	}
	if page := run(t, ctx, "refused page", chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(page, wp.Orgnr) {
		t.Error("the refusal shows the workplace")
	}
	errs.take()
	if e.principal(t, "nytillitsvalgt").Scope(access.WorkplaceRead).ContainsAt(club.Path, wpID) {
		t.Error("the former steward's scope still holds the workplace")
	}
}

// resolveParent: two workplaces name a third (not skip) as their
// hovedenhet; the admin finds it on the page of hovedenheter to resolve,
// reached from the list of units, and merges it into the first.
func resolveParent(t *testing.T, ctx context.Context, e *testEnv, a *axeRun, skip int64) {
	t.Helper()
	db := e.Store.DB()
	var parent int64
	subs := make([]int64, 2)
	nth := `(SELECT id FROM workplaces WHERE id <> $1 AND orgnr <> '' ORDER BY id LIMIT 1 OFFSET `
	if err := db.QueryRow(`SELECT `+nth+`0), `+nth+`1), `+nth+`2)`, skip).Scan(&parent, &subs[0], &subs[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE workplaces SET parent_orgnr = (SELECT orgnr FROM workplaces WHERE id = $1) WHERE id IN ($2, $3)`, parent, subs[0], subs[1]); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "hovedenheter", chromedp.Navigate(e.URL+"/units"), chromedp.Click(chromedp.ID("parents-link")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("parent-%d", parent))))
	a.check("hovedenheter to resolve")
	do(t, ctx, "resolve", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#parent-%d input[value="%d"] + button`, parent, subs[0]))),
		chromedp.WaitVisible(chromedp.CSS("h1")), chromedp.WaitNotPresent(chromedp.ID(fmt.Sprintf("parent-%d", parent))))
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM workplaces WHERE id = $1`, parent).Scan(&n); err != nil || n != 0 {
		t.Errorf("the hovedenhet's workplace is still there (%d, %v)", n, err)
	}
}
