package ui

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/mail/mailtest"
)

// TestBrowserSignin is sign-in on a phone (390 px): a member asks for a
// link, reads it from a real SMTP server, opens it, confirms and lands
// signed in; the admin signs in with a password, enrols TOTP from the
// secret shown, keeps the recovery codes and signs in again with password
// and code. Every page fits the screen and passes axe.
func TestBrowserSignin(t *testing.T) {
	smtp := mailtest.Start(t)
	e := newJoinEnv(t, "sqlite", Config{})
	ctx := newBrowser(t)
	errs := watchPageErrors(t, ctx)
	axeSrc := readAxe(t)
	host, port := smtp.SMTPHostPort()
	sender, err := mail.NewSMTP(mail.Config{Host: host, Port: port, From: "post@forbundet.example.no", TLS: mail.TLSNone, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	deliver := mail.NewDeliverer(e.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
	check := func(where string) {
		t.Helper()
		checkPhoneLayout(t, ctx, where)
		checkAxe(t, ctx, axeSrc, where)
		errs.check(t, where)
	}

	// A member, by link.
	member := demoAddress(t, e, "")
	do(t, ctx, "ask for a link", chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`#link-form input[name="email"]`), member),
		chromedp.Click(chromedp.CSS(`#link-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("link-sent")))
	check("link sent")
	link := mailedLink(t, e, deliver, smtp, member, map[string]bool{})
	do(t, ctx, "open the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("signin-confirm")))
	check("link opened")
	do(t, ctx, "confirm", chromedp.Click(chromedp.ID("signin-confirm")), chromedp.WaitVisible(chromedp.ID("count-members")))
	screenshot(t, ctx, "signin-link-member")
	do(t, ctx, "own referral page", chromedp.Navigate(e.URL+"/me/referral"), chromedp.WaitReady(chromedp.CSS("main")))
	if loc := run(t, ctx, "location", chromedp.Location()); loc != e.URL+"/me/referral" {
		t.Fatalf("the member was sent to %s", loc)
	}
	do(t, ctx, "sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/logout"]').submit()`),
		chromedp.WaitVisible(chromedp.ID("link-form")))
	errs.allow(link) // refused: a 404
	do(t, ctx, "reopen the used link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("link-refused")))
	if msg := run(t, ctx, "refusal", chromedp.Text(chromedp.ID("link-refused"))); !strings.Contains(msg, "allerede brukt") {
		t.Errorf("a used link: %q", msg)
	}
	check("link refused")

	// The admin: password, then TOTP enrolment at first sign-in.
	password := func() {
		do(t, ctx, "admin's password", chromedp.Navigate(e.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "verve-demo"),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("totp-code")))
	}
	password()
	secret := run(t, ctx, "secret", chromedp.Text(chromedp.ID("totp-secret")))
	check("TOTP enrolment")
	screenshot(t, ctx, "signin-totp-enrol")
	code := func(d int64) string { return auth.TOTPCode(secret, auth.TOTPStep(e.Store.Now())+d) }
	errs.allow(e.URL + "/login/totp") // a wrong code answers 401
	do(t, ctx, "a wrong code", chromedp.SendKeys(chromedp.ID("totp-code"), "123456"),
		chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("totp-error")))
	check("wrong code")
	do(t, ctx, "the right code", chromedp.SendKeys(chromedp.ID("totp-code"), code(0)),
		chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("recovery-codes")))
	if n := run(t, ctx, "recovery codes", chromedp.Evaluate[int](`document.querySelectorAll("#recovery-codes li").length`)); n != auth.RecoveryCodes {
		t.Errorf("%d recovery codes shown", n)
	}
	check("recovery codes")
	screenshot(t, ctx, "signin-recovery-codes")
	do(t, ctx, "continue", chromedp.Click(chromedp.ID("recovery-continue")), chromedp.WaitVisible(chromedp.ID("count-members")))
	do(t, ctx, "sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/logout"]').submit()`),
		chromedp.WaitVisible(chromedp.ID("link-form")))

	password()
	if n := run(t, ctx, "secret shown again?", chromedp.Evaluate[int](`document.querySelectorAll("#totp-secret").length`)); n != 0 {
		t.Error("the enrolled admin was shown a secret")
	}
	check("TOTP code")
	do(t, ctx, "the next code", chromedp.SendKeys(chromedp.ID("totp-code"), code(1)),
		chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("count-members")))
}
