package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserStudentTransfer: the region's coordinator opens the student
// page on a phone, finds a student graduating next month and moves her to
// a working membership with one tap; the row turns into a confirmation.
// The other views fit the phone too.
func TestBrowserStudentTransfer(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	coord := e.principal(t, "vervekoordinator")
	soon := e.Store.Today().AddDate(0, 1, 0)
	id := addStudent(t, e, coord.Grants[0].UnitPath, "Åshild", "Ødegård", soon)
	row := fmt.Sprintf("#student-%d", id)

	signInBrowser(t, ctx, e, "vervekoordinator")
	do(t, ctx, "open the student page from the menu",
		openMenu(),
		chromedp.Click(chromedp.CSS(`header nav a[href="/students"]`)),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	checkPhoneLayout(t, ctx, "graduating list")
	screenshot(t, ctx, "students-graduating")
	do(t, ctx, "tap transfer", chromedp.Click(chromedp.CSS(row+" button.primary")))
	do(t, ctx, "confirmation", chromedp.WaitVisible(chromedp.CSS(row+".converted")))
	if got := run(t, ctx, "row text", chromedp.Text(chromedp.CSS(row))); !strings.Contains(got, "Åshild Ødegård er overført til yrkesmedlemskap") {
		t.Errorf("row says %q", got)
	}
	var status string
	if err := e.Store.DB().QueryRow(`SELECT status FROM memberships WHERE id = $1`, id).Scan(&status); err != nil || status != "converted" {
		t.Errorf("membership %q, %v", status, err)
	}
	for _, view := range []string{"rates", "studystart"} {
		do(t, ctx, "open "+view,
			chromedp.Navigate(e.URL+"/students?view="+view),
			chromedp.WaitVisible(chromedp.CSS("main h1")),
		)
		checkPhoneLayout(t, ctx, view)
		screenshot(t, ctx, "students-"+view)
	}
	errs.check(t, "student pages")
}
