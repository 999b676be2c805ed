package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPossibleMatch: the union's admin opens the possible matches
// from the menu on a phone, compares the two persons and keeps them apart
// with one tap; the pair turns into a confirmation.
func TestBrowserPossibleMatch(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	steward := e.principal(t, "tillitsvalgt")
	db := e.Store.DB()
	var wid, known int64
	var email string
	if err := db.QueryRow(`SELECT w.id FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE u.path = $1`, steward.Grants[0].UnitPath).Scan(&wid); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT id, email FROM persons WHERE unit_path NOT LIKE $1 AND email <> '' ORDER BY id LIMIT 1`,
		steward.Grants[0].UnitPath+"%").Scan(&known, &email); err != nil {
		t.Fatal(err)
	}
	pair := fmt.Sprintf("#match-%d", listOutsider(t, e, wid, steward.Grants[0].UnitPath, known, email))

	signInBrowser(t, ctx, e, "admin")
	do(t, ctx, "open the possible matches from the menu",
		openMenu(),
		chromedp.Click(chromedp.CSS(`header nav a[href="/matches"]`)),
		chromedp.WaitVisible(chromedp.CSS(pair)),
	)
	checkPhoneLayout(t, ctx, "possible matches")
	screenshot(t, ctx, "matches")
	do(t, ctx, "tap two different persons", chromedp.Click(chromedp.CSS(pair+` button[value="distinct"]`)))
	do(t, ctx, "confirmation", chromedp.WaitVisible(chromedp.CSS(pair+` [role="status"]`)))
	if got := run(t, ctx, "pair text", chromedp.Text(chromedp.CSS(pair))); !strings.Contains(got, "Avgjørelsen er lagret") {
		t.Errorf("pair says %q", got)
	}
	var decision string
	if err := db.QueryRow(`SELECT decision FROM match_candidates WHERE candidate_id = $1`, known).Scan(&decision); err != nil || decision != "distinct" {
		t.Errorf("decision %q, %v", decision, err)
	}
	errs.check(t, "possible matches page")
}
