package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
)

// TestBrowserMeg: a member without a role signs in on a phone and lands on
// "Meg": their membership, a referral link made with one tap, the
// leaderboard opt-in, and a correction of their e-mail, audited as theirs.
func TestBrowserMeg(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	name, person := memberUser(t, e)
	do(t, ctx, "sign in as a member",
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("me-memberships")),
	)
	checkPhoneLayout(t, ctx, "Meg")
	screenshot(t, ctx, "meg")
	if got := run(t, ctx, "memberships", chromedp.Text(chromedp.ID("me-memberships"))); !strings.Contains(got, "Aktiv") {
		t.Errorf("memberships say %q", got)
	}
	do(t, ctx, "make a referral link", chromedp.Click(chromedp.ID("me-make-referral")), chromedp.WaitVisible(chromedp.ID("ref-link")),
		chromedp.Navigate(e.URL+"/me"), chromedp.WaitVisible(chromedp.ID("me-ref-link")))
	if link := run(t, ctx, "referral link", chromedp.Text(chromedp.ID("me-ref-link"))); !strings.Contains(link, "/bli-medlem?ref=") {
		t.Errorf("referral link %q", link)
	}
	do(t, ctx, "opt in", chromedp.Click(chromedp.ID("me-optin-on")), chromedp.WaitVisible(chromedp.ID("me-optin-off")))
	do(t, ctx, "correct the e-mail",
		chromedp.SetValue(chromedp.CSS(`#me-contact input[name="email"]`), "meg.selv@example.no"),
		chromedp.Click(chromedp.ID("me-save")),
		chromedp.WaitVisible(chromedp.ID("me-saved")),
	)
	checkPhoneLayout(t, ctx, "Meg after saving")
	if n := countRows(t, e, `SELECT count(*) FROM persons WHERE id = $1 AND email = 'meg.selv@example.no'`, person.ID); n != 1 {
		t.Error("the e-mail was not corrected")
	}
	if n := countRows(t, e, `SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.user_id
		WHERE u.person_id = $1 AND a.entity = 'person' AND a.entity_id = $1 AND a.fields LIKE '%email%'`, person.ID); n != 1 {
		t.Error("the correction is not audited as the member's own")
	}
	if href := run(t, ctx, "download", chromedp.AttributeValue(chromedp.ID("me-download"), "href")); href.Value != "/me/data.json" {
		t.Errorf("download link %q", href.Value)
	}
	errs.check(t, "Meg")
}

// TestBrowserHandOverTask: a steward opens a task's choices on Min dag
// (the card with its lists swapped in) and hands it to a fellow steward
// of the club, and it leaves their day for the fellow's. The task's own
// page, without htmx, and the card swapped in pass axe.
func TestBrowserHandOverTask(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	bg := context.Background()
	steward := e.principal(t, "tillitsvalgt")
	var fellow int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM persons WHERE unit_path = $1 AND member_status = 'active' AND id <> $2
		AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = persons.id) ORDER BY id LIMIT 1`, steward.Grants[0].UnitPath, steward.PersonID).Scan(&fellow); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.AddRole(bg, access.System("test"), &model.Role{PersonID: fellow, Role: model.RoleShopSteward, UnitID: steward.Grants[0].UnitID,
		StartDate: e.Store.Today()}); err != nil {
		t.Fatal(err)
	}
	d, err := e.Store.MyDay(bg, steward)
	if err != nil || len(d.Overdue) == 0 {
		t.Fatalf("the steward's day: %+v, %v", d, err)
	}
	task := d.Overdue[0]
	card := fmt.Sprintf("#task-%d", task.ID)
	signInBrowser(t, ctx, e, "tillitsvalgt")
	a := &axeRun{t: t, ctx: ctx, src: readAxe(t), errs: errs, summary: map[string]string{}}
	defer a.logSummary()
	do(t, ctx, "the task's page", chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", e.URL, task.ID)),
		chromedp.WaitVisible(chromedp.CSS(card+` select[name="recruiter"]`)))
	a.check("the task's page")
	do(t, ctx, "Min dag", chromedp.Navigate(e.URL+"/day"), chromedp.WaitVisible(chromedp.CSS(card)))
	if n := run(t, ctx, "lists on Min dag", chromedp.Evaluate[int](`document.querySelectorAll("select").length`)); n != 0 {
		t.Errorf("Min dag shows %d lists", n)
	}
	// The privacy notice opens over the page from a card, once for all.
	do(t, ctx, "open the privacy notice", chromedp.Click(chromedp.CSS(`article button.privacy`)),
		chromedp.WaitVisible(chromedp.ID("privacy-notice")))
	if text := run(t, ctx, "the notice", chromedp.Evaluate[string](`document.querySelector("#privacy-notice p").innerText`)); len(text) < 20 {
		t.Errorf("the privacy notice reads %q", text)
	}
	checkPhoneLayout(t, ctx, "privacy notice")
	viewScreenshot(t, ctx, "privacy-notice")
	a.check("Min dag with the privacy notice open")
	do(t, ctx, "close the privacy notice", chromedp.Click(chromedp.CSS(`#privacy-notice button`)),
		chromedp.WaitNotVisible(chromedp.ID("privacy-notice")))
	do(t, ctx, "open the choices", chromedp.Click(chromedp.CSS(card+` p.choices a`)),
		chromedp.WaitVisible(chromedp.CSS(card+` select[name="recruiter"]`)))
	if u := run(t, ctx, "still Min dag", chromedp.Evaluate[string](`location.pathname`)); u != "/day" {
		t.Errorf("the choices left Min dag for %s", u)
	}
	a.check("Min dag with a card's choices")
	do(t, ctx, "open the hand-over", chromedp.Click(chromedp.CSS(card+` details.handover > summary`)),
		chromedp.WaitVisible(chromedp.CSS(card+` select[name="owner"]`)))
	checkPhoneLayout(t, ctx, "hand-over")
	screenshot(t, ctx, "handover")
	do(t, ctx, "hand it over",
		chromedp.SetValue(chromedp.CSS(card+` select[name="owner"]`), fmt.Sprint(fellow)),
		chromedp.Click(chromedp.ID(fmt.Sprintf("handover-%d", task.ID))),
		// Back on Min dag, without the card.
		chromedp.WaitNotPresent(chromedp.CSS(card)),
		chromedp.WaitVisible(chromedp.ID("new-colleagues")),
	)
	if n := countRows(t, e, `SELECT count(*) FROM tasks WHERE id = $1 AND owner_person_id = $2`, task.ID, fellow); n != 1 {
		t.Error("the task did not go to the fellow steward")
	}
	errs.check(t, "hand-over")
}

// TestBrowserJoinedConfirmed: a steward taps "joined" on Min dag; the
// person follows the invitation, sees their details filled in, ticks the
// consent and confirms; the application, approved by an advisor, is a
// membership credited to the steward, and their pipeline is closed.
func TestBrowserJoinedConfirmed(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	bg := context.Background()
	steward := e.principal(t, "tillitsvalgt")
	d, err := e.Store.MyDay(bg, steward)
	if err != nil {
		t.Fatal(err)
	}
	var task *model.Task
	for _, dt := range append(d.Today, d.Upcoming...) {
		if dt.Kind == model.TaskWelcome {
			task = &dt.Task
			break
		}
	}
	if task == nil {
		t.Fatal("no welcome task on the steward's day")
	}
	card := fmt.Sprintf("#task-%d", task.ID)
	signInBrowser(t, ctx, e, "tillitsvalgt")
	do(t, ctx, "Min dag", chromedp.Navigate(e.URL+"/day"), chromedp.WaitVisible(chromedp.CSS(card)))
	do(t, ctx, "joined", chromedp.Click(chromedp.CSS(card+` button[value="joined"]`)), chromedp.WaitVisible(chromedp.ID("invite-link")))
	checkPhoneLayout(t, ctx, "joined")
	if n := countRows(t, e, `SELECT count(*) FROM memberships WHERE person_id = $1`, task.PersonID); n != 0 {
		t.Fatal("joined made a membership before the person confirmed")
	}
	link := run(t, ctx, "invitation", chromedp.AttributeValue(chromedp.ID("invite-link"), "href"))
	signOutBrowser(t, ctx)
	do(t, ctx, "open the invitation", chromedp.Navigate(link.Value), chromedp.WaitVisible(chromedp.ID("invite-details")))
	checkPhoneLayout(t, ctx, "invitation")
	screenshot(t, ctx, "invitation")
	if got := run(t, ctx, "details", chromedp.Text(chromedp.ID("invite-details"))); !strings.Contains(got, task.PersonName) {
		t.Errorf("the invitation shows %q, not %s", got, task.PersonName)
	}
	do(t, ctx, "consent and confirm", chromedp.Click(chromedp.ID("consent")), chromedp.Click(chromedp.ID("join-confirm-button")),
		chromedp.WaitVisible(chromedp.ID("join-confirmed")))
	var mid int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM memberships WHERE person_id = $1 AND recruited_by = $2`, task.PersonID, steward.PersonID).Scan(&mid); err != nil {
		t.Fatalf("no membership credited to the steward: %v", err)
	}
	if err := e.Store.DecideApplication(bg, e.principal(t, "admin"), mid, true, ""); err != nil && model.ErrorCode(err) != model.ECONFLICT {
		t.Fatal(err)
	}
	if n := countRows(t, e, `SELECT count(*) FROM persons p JOIN memberships m ON m.person_id = p.id
		WHERE p.id = $1 AND p.member_status = 'active' AND m.status = 'active'`, task.PersonID); n != 1 {
		t.Error("the membership is not active once approved")
	}
	if n := countRows(t, e, `SELECT count(*) FROM pipeline WHERE person_id = $1 AND outcome = ''`, task.PersonID); n != 0 {
		t.Error("the new member is still open in the pipeline")
	}
	if n := countRows(t, e, `SELECT count(*) FROM tasks WHERE person_id = $1 AND status = 'open' AND kind IN ('welcome', 'ask', 'follow_up')`, task.PersonID); n != 0 {
		t.Error("the new member still has open pipeline tasks")
	}
	errs.check(t, "joined")
}
