package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/worker"
)

// movableClock is the storage's clock, moved forward by the test.
type movableClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *movableClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// fillJoin sets the join form's fields (not the workplace search).
func fillJoin(t *testing.T, ctx context.Context, what string, fields map[string]string) {
	t.Helper()
	for id, v := range fields {
		if v == "" {
			// SetValue takes an empty value for a failure.
			run(t, ctx, what+": clear "+id, chromedp.Evaluate[bool](fmt.Sprintf(`(document.getElementById(%q).value = "", true)`, id)))
			continue
		}
		do(t, ctx, what+": "+id, chromedp.SetValue(chromedp.CSS("#"+id), v))
	}
}

// TestBrowserJoinReferCredit is the done-when, on a phone: a
// visitor opens a member's referral link and joins as a student; the
// confirmation link arrives at a real SMTP server, opens a page with a
// button, and pressing it registers the application (nothing before); the
// workplace's shop steward has a welcome task; the union approves; months pass and are paid; the
// worker runs; the recruiter has credit, gets the thank-you e-mail and,
// after opting in, is on the leaderboard. Before that, an applicant with
// script in every field is refused, then accepted with script in the
// fields that allow any text, and the admin's list and the person page
// show it without running anything.
func TestBrowserJoinReferCredit(t *testing.T) {
	smtp := mailtest.Start(t)
	e := newJoinEnv(t, "sqlite", Config{})
	ctx := newBrowser(t)
	bg := context.Background()
	errs := watchPageErrors(t, ctx)
	errs.allow(e.URL + "/bli-medlem")
	clock := &movableClock{}
	e.Store.SetClock(clock.now)
	host, port := smtp.SMTPHostPort()
	sender, err := mail.NewSMTP(mail.Config{Host: host, Port: port, From: "post@forbundet.example.no", FromName: "Forbundet", TLS: mail.TLSNone, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	deliver := mail.NewDeliverer(e.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
	deliver.Now = clock.now
	sendMail := func() {
		t.Helper()
		if _, _, err := deliver.RunOnce(bg); err != nil {
			t.Fatal(err)
		}
	}

	// confirmByMail reads the confirmation link sent to addr from the SMTP
	// server, opens it, presses the button and waits for the e-mail that
	// follows, with the subject want.
	confirmByMail := func(addr, want string) {
		t.Helper()
		sendMail()
		m := smtp.WaitFor(t, addr, 10*time.Second)
		link := confirmLinkRE.FindString(m.Text)
		if m.Subject != "Bekreft innmeldingen din" || link == "" {
			t.Fatalf("confirmation link e-mail: %q\n%s", m.Subject, m.Text)
		}
		do(t, ctx, "open the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#join-confirm-button")))
		if n := countRows(t, e, `SELECT count(*) FROM persons WHERE email = $1`, addr); n != 0 {
			t.Fatal("opening the link confirmed")
		}
		do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#join-confirm-button")), chromedp.WaitVisible(chromedp.CSS("#join-confirmed")))
		screenshot(t, ctx, "join-confirmed")
		sendMail()
		if ms := waitMessages(t, smtp, addr, 2); ms[1].Subject != want || !strings.Contains(ms[1].Text, "Hei ") {
			t.Errorf("after confirming: %q\n%s", ms[1].Subject, ms[1].Text)
		}
	}
	admin := e.principal(t, "admin")
	steward := e.principal(t, "tillitsvalgt")
	recruiter, code := referrer(t, e, "tillitsvalgt2")
	var recruiterEmail, recruiterName string
	if err := e.Store.DB().QueryRow(`SELECT email, first_name || ' ' || last_name FROM persons WHERE id = $1`, recruiter.PersonID).
		Scan(&recruiterEmail, &recruiterName); err != nil || recruiterEmail == "" {
		t.Fatalf("recruiter's e-mail %q: %v", recruiterEmail, err)
	}
	wps, err := e.Store.WorkplacesUnder(bg, admin, steward.Grants[0].UnitPath, 1)
	if err != nil || len(wps) == 0 {
		t.Fatalf("steward's workplace: %v", err)
	}
	wp := wps[0]

	// 1. Script in every field: refused with messages, nothing runs.
	payload := `"><img src=x onerror=alert(1)><script>alert(2)</script>`
	do(t, ctx, "open the join page", chromedp.Navigate(e.URL+"/bli-medlem"), chromedp.WaitVisible(chromedp.CSS("#join-form")),
		chromedp.Click(chromedp.CSS("#type-student")))
	fields := map[string]string{}
	for _, id := range []string{"first_name", "last_name", "email", "mobile", "postal_code", "fnr", "institution", "programme", "ref", "workplace_q"} {
		fields[id] = id + payload
	}
	fillJoin(t, ctx, "fill with script", fields)
	do(t, ctx, "submit bad", chromedp.Click(chromedp.CSS("#consent")), chromedp.Click(chromedp.CSS("#join-submit")), chromedp.WaitVisible(chromedp.CSS("#join-error")))
	if msg := run(t, ctx, "e-mail message", chromedp.Text(chromedp.CSS("#email-error"))); !strings.Contains(msg, "E-postadressen") {
		t.Errorf("e-mail message %q", msg)
	}
	if v := run(t, ctx, "kept input", chromedp.Value(chromedp.CSS("#first_name"))); v != "first_name"+payload {
		t.Errorf("first name not kept: %q", v)
	}
	errs.check(t, "join form with script")
	// The same applicant, now with valid contact fields; the names and
	// studies keep their script.
	fillJoin(t, ctx, "fix contact fields", map[string]string{"email": "xss@example.no", "mobile": "41234599", "postal_code": "7010",
		"fnr": "", "ref": "", "workplace_q": "", "graduation": time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
	do(t, ctx, "submit script names", chromedp.Click(chromedp.CSS("#join-submit")), chromedp.WaitVisible(chromedp.CSS("#join-done")))
	errs.check(t, "join with script in names")
	confirmByMail("xss@example.no", "Vi har mottatt innmeldingen din")
	errs.check(t, "confirm with script in names")

	// 2. The student, through the recruiter's referral link.
	student := "stine.student@example.no"
	do(t, ctx, "open referral link", chromedp.Navigate(e.URL+"/bli-medlem?ref="+code), chromedp.WaitVisible(chromedp.CSS("#referrer")))
	checkPhoneLayout(t, ctx, "join page")
	do(t, ctx, "choose student, search workplace",
		chromedp.Click(chromedp.CSS("#type-student")),
		chromedp.WaitVisible(chromedp.CSS("#institution")),
		chromedp.SendKeys(chromedp.CSS("#workplace_q"), wp.Orgnr),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#workplace-results input[value="%d"]`, wp.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#workplace-results input[value="%d"]`, wp.ID))),
	)
	fillJoin(t, ctx, "fill the form", map[string]string{"first_name": "Stine", "last_name": "Studentsen", "email": student,
		"mobile": "912 00 111", "postal_code": "7030", "institution": "NTNU", "programme": "Sykepleie",
		"graduation": time.Now().AddDate(2, 6, 0).Format("2006-01-02")})
	screenshot(t, ctx, "join-filled")
	do(t, ctx, "join", chromedp.Click(chromedp.CSS("#consent")), chromedp.Click(chromedp.CSS("#join-submit")), chromedp.WaitVisible(chromedp.CSS("#join-done")))
	errs.check(t, "join as a student")
	if n := countRows(t, e, `SELECT count(*) FROM persons WHERE email = $1`, student); n != 0 {
		t.Fatal("a person was created before the e-mail address was confirmed")
	}
	// The link arrives at the SMTP server; it opens a page with a button,
	// and the button confirms.
	confirmByMail(student, "Vi har mottatt innmeldingen din")
	checkPhoneLayout(t, ctx, "confirmed")
	errs.check(t, "confirm as a student")
	var personID, mid int64
	if err := e.Store.DB().QueryRow(`SELECT p.id, m.id FROM persons p JOIN memberships m ON m.person_id = p.id WHERE p.email = $1`, student).
		Scan(&personID, &mid); err != nil {
		t.Fatal(err)
	}
	// The workplace's shop steward has a welcome task.
	var owner int64
	if err := e.Store.DB().QueryRow(`SELECT owner_person_id FROM tasks WHERE person_id = $1 AND kind = 'welcome' AND status = 'open'`, personID).Scan(&owner); err != nil {
		t.Fatalf("no welcome task: %v", err)
	}
	if n := countRows(t, e, `SELECT count(*) FROM roles r JOIN workplaces w ON w.unit_id = r.unit_id
		WHERE w.id = $1 AND r.person_id = $2 AND r.role IN ('shop_steward', 'chief_shop_steward')`, wp.ID, owner); n == 0 {
		t.Errorf("the welcome task went to person %d, not a shop steward at %s", owner, wp.Name)
	}
	if sp := e.principal(t, "tillitsvalgt"); sp.PersonID == owner {
		day, err := e.Store.MyDay(bg, sp)
		if err != nil {
			t.Fatal(err)
		}
		welcomed := false
		for _, dt := range append(day.Today, day.Upcoming...) {
			welcomed = welcomed || dt.PersonID == personID && dt.Kind == model.TaskWelcome
		}
		if !welcomed {
			t.Error("the welcome task is not on the steward's Min dag")
		}
	}

	// 3. The admin sees both applications (script shown, not run) and
	// approves the student.
	signInBrowser(t, ctx, e, "admin")
	do(t, ctx, "applications", chromedp.Navigate(e.URL+"/applications"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#app-%d", mid))))
	if list := run(t, ctx, "list", chromedp.Text(chromedp.CSS("#applications"))); !strings.Contains(list, "first_name"+payload) {
		t.Errorf("the script applicant is not shown as text:\n%s", list)
	}
	var xssID int64
	e.Store.DB().QueryRow(`SELECT id FROM persons WHERE email = 'xss@example.no'`).Scan(&xssID)
	do(t, ctx, "script applicant's person page", chromedp.Navigate(fmt.Sprintf("%s/persons/%d", e.URL, xssID)),
		chromedp.WaitVisible(chromedp.CSS("#person-referral")))
	errs.check(t, "admin views the script applicant")
	do(t, ctx, "approve", chromedp.Navigate(e.URL+"/applications"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#app-%d form[action$="/approve"] button`, mid))), chromedp.WaitVisible(chromedp.CSS(".notice")))
	errs.check(t, "approve")

	// 4. The months pass, each paid (a student month counts as paid
	// anyway); the worker runs.
	st, err := e.Store.JoinSettings(bg)
	if err != nil {
		t.Fatal(err)
	}
	start := clock.now()
	for i := range st.CreditMonths {
		if err := e.Store.RecordPayment(bg, admin, storage.Payment{MembershipID: mid, Month: start.AddDate(0, i, 0), AmountOre: 0, Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := worker.RunOnce(bg, e.Store, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if cs, _ := e.Store.CreditsOf(bg, recruiter, recruiter.PersonID); cs.Total() != 0 {
		t.Fatal("credit before the months have passed")
	}
	clock.add(time.Until(start.AddDate(0, st.CreditMonths, 1)))
	if _, _, err := worker.RunOnce(bg, e.Store, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	sendMail()
	if m := smtp.WaitFor(t, recruiterEmail, 10*time.Second); !strings.HasPrefix(m.Subject, "Takk for at du vervet Stine") {
		t.Errorf("thank-you: %q", m.Subject)
	}

	// 5. The recruiter sees the credit, opts in, and is on the leaderboard.
	do(t, ctx, "sign out", openMenu(), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	signInBrowser(t, ctx, e, "tillitsvalgt2")
	do(t, ctx, "my referral page", chromedp.Navigate(e.URL+"/me/referral"), chromedp.WaitVisible(chromedp.CSS("#ref-link")))
	// Stine joined at another club, outside the recruiter's scope: counted, not named.
	if c := run(t, ctx, "credits", chromedp.Text(chromedp.CSS("#credits"))); strings.Contains(c, "Stine") || !strings.Contains(c, "område, uten navn: 1") {
		t.Errorf("credits: %q", c)
	}
	checkPhoneLayout(t, ctx, "referral page")
	do(t, ctx, "opt in", chromedp.Click(chromedp.CSS("#optin-on")), chromedp.WaitVisible(chromedp.CSS("#optin-off")))
	year := clock.now().Year()
	do(t, ctx, "leaderboard", chromedp.Navigate(fmt.Sprintf("%s/referral/leaderboard?year=%d", e.URL, year)), chromedp.WaitVisible(chromedp.CSS("#leaderboard")))
	if lb := run(t, ctx, "leaderboard", chromedp.Text(chromedp.CSS("#leaderboard"))); !strings.Contains(lb, recruiterName) {
		t.Errorf("leaderboard lacks %s:\n%s", recruiterName, lb)
	}
	screenshot(t, ctx, "leaderboard")
	errs.check(t, "recruiter")
}

// TestBrowserSearchLimitAndReferralButton: past the workplace search's
// limit the join page shows the message where the results go (htmx swaps
// the 429); a member without a referral link presses "Lag vervelenke" and
// has one.
func TestBrowserSearchLimitAndReferralButton(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{JoinSearchLimiter: auth.NewWindowLimiter(1, time.Minute), PublicURL: "https://medlem.forbundet.example"})
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	var orgnr string
	if err := e.Store.DB().QueryRow(`SELECT orgnr FROM workplaces ORDER BY id LIMIT 1`).Scan(&orgnr); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "search once", chromedp.Navigate(e.URL+"/bli-medlem?lang=pl"), chromedp.SendKeys(chromedp.CSS("#workplace_q"), orgnr),
		chromedp.WaitVisible(chromedp.CSS(`#workplace-results input[name="workplace_id"]`)))
	do(t, ctx, "search again", chromedp.SendKeys(chromedp.CSS("#workplace_q"), " "), chromedp.WaitVisible(chromedp.CSS("#workplace-limited")))
	if msg := run(t, ctx, "message", chromedp.Text(chromedp.CSS("#workplace-limited"))); !strings.Contains(msg, "Zbyt wiele wyszukiwań") {
		t.Errorf("limit message %q", msg)
	}
	// The browser logs the 429 itself; nothing else may fail.
	for _, m := range errs.take() {
		if !strings.Contains(m, "/bli-medlem/arbeidsplasser") {
			t.Error(m)
		}
	}

	signInBrowser(t, ctx, e, "tillitsvalgt")
	do(t, ctx, "make the referral link", chromedp.Navigate(e.URL+"/me/referral"), chromedp.Click(chromedp.CSS("#make-referral")),
		chromedp.WaitVisible(chromedp.CSS("#ref-link")))
	if link := run(t, ctx, "link", chromedp.Text(chromedp.CSS("#ref-link"))); !strings.HasPrefix(link, "https://medlem.forbundet.example/bli-medlem?ref=") {
		t.Errorf("link %q", link)
	}
	errs.check(t, "referral page")
}
