package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccessibleAfterActions checks with axe-core, on a phone, the
// pages a crawl cannot reach because they follow an action: the join page
// with validation errors and the pages after it (thanks, the confirmation
// link, confirmed) in every language it offers; a steward's new-hire
// import preview with row errors and with a mapping error, in bokmål and
// English; and forms posted invalid (settings, the join settings, a
// contact), in bokmål and English. Serious and critical violations fail,
// and each message shows in the page's language.
func TestBrowserAccessibleAfterActions(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{})
	ctx := newBrowserTimeout(t, 3*time.Minute)
	errs := watchPageErrors(t, ctx)
	a := &axeRun{t: t, ctx: ctx, src: readAxe(t), errs: errs, summary: map[string]string{}}
	defer func() { a.t = t; a.logSummary() }() // the subtests set a.t to theirs
	// A refused form answers 422, which the browser logs as a failed load.
	for _, p := range []string{"/bli-medlem", "/join", "/settings", "/applications/settings"} {
		errs.allow(e.URL + p)
	}

	t.Run("join", func(t *testing.T) {
		a.t = t
		graduation := time.Now().AddDate(2, 0, 0).Format("2006-01-02")
		for _, c := range []struct{ lang, path, mobileMsg string }{
			{"nb", "/bli-medlem", "mobilnummer"},
			{"en", "/join", "mobile number"},
			{"pl", "/bli-medlem", "Numer komórki"},
		} {
			where := "join " + c.lang
			do(t, ctx, where+": open", chromedp.Navigate(e.URL+c.path+"?lang="+c.lang), chromedp.WaitVisible(chromedp.CSS("#join-form")),
				chromedp.Click(chromedp.CSS("#type-student")), chromedp.WaitVisible(chromedp.CSS("#institution")))
			// Wrong contact fields and no consent: refused, each field with
			// its message in the page's language.
			fillJoin(t, ctx, where, map[string]string{"first_name": "Kari", "last_name": "Nordmann", "email": "kari@", "mobile": "123",
				"postal_code": "12", "fnr": "12345678901", "institution": "NTNU", "programme": "Sykepleie", "graduation": graduation})
			do(t, ctx, where+": submit", chromedp.Click(chromedp.CSS("#join-submit")), chromedp.WaitVisible(chromedp.CSS("#join-error")))
			for _, id := range []string{"email", "mobile", "postal_code", "fnr", "consent"} {
				if n := run(t, ctx, where+": "+id+" error", chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll("#%s-error").length`, id))); n != 1 {
					t.Errorf("%s: no message for %s", where, id)
				}
			}
			if msg := run(t, ctx, where+": mobile message", chromedp.Text(chromedp.CSS("#mobile-error"))); !strings.Contains(msg, c.mobileMsg) {
				t.Errorf("%s: the mobile message %q is not in %s", where, msg, c.lang)
			}
			a.check(where + " (errors)")

			// Put right: the thanks page, then the link from the e-mail,
			// its button and the confirmed page.
			addr := "axe." + c.lang + "@example.no"
			fillJoin(t, ctx, where, map[string]string{"email": addr, "mobile": "41234560", "postal_code": "7010", "fnr": ""})
			do(t, ctx, where+": join", chromedp.Click(chromedp.CSS("#consent")), chromedp.Click(chromedp.CSS("#join-submit")),
				chromedp.WaitVisible(chromedp.CSS("#join-done")))
			a.check(where + " (thanks)")
			do(t, ctx, where+": open the link", chromedp.Navigate(outboxLink(t, e, addr)), chromedp.WaitVisible(chromedp.CSS("#join-confirm-button")))
			a.check(where + " (confirm)")
			do(t, ctx, where+": confirm", chromedp.Click(chromedp.CSS("#join-confirm-button")), chromedp.WaitVisible(chromedp.CSS("#join-confirmed")))
			a.check(where + " (confirmed)")
			if got := run(t, ctx, where+": language", chromedp.Evaluate[string](`document.documentElement.lang`)); got != c.lang {
				t.Errorf("%s: the confirmed page is in %q", where, got)
			}
		}
	})

	t.Run("import", func(t *testing.T) {
		a.t = t
		steward := e.principal(t, "tillitsvalgt")
		wps, err := e.Store.WorkplacesUnder(context.Background(), steward, steward.Grants[0].UnitPath, 1)
		if err != nil || len(wps) == 0 {
			t.Fatalf("steward's workplace: %v", err)
		}
		start := e.Store.Today().AddDate(0, 0, 2).Format("02.01.2006")
		list := "Etternavn;Fornavn;Mobil;E-post;Første arbeidsdag;Avdeling\n" +
			"Ødegård;Åse;412 34 567;ase.axe@example.no;" + start + ";Sengepost\n" +
			"Berg;Jonas;98765432;jonas.axe@example.no;" + start + ";Poliklinikk\n" +
			"Feil;Rad;12;ikke-epost;31.02.2026;Sengepost\n"
		file := filepath.Join(t.TempDir(), "nyansatte.csv")
		if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ lang, field string }{{"nb", "«Arbeidssted»"}, {"en", "“Location”"}} {
			where := "import " + c.lang
			setLocale(t, e, c.lang)
			signOutBrowser(t, ctx)
			signInBrowser(t, ctx, e, "tillitsvalgt")
			do(t, ctx, where+": upload", chromedp.Navigate(fmt.Sprintf("%s/workplaces/%d", e.URL, wps[0].ID)),
				chromedp.Click(chromedp.ID("import-link")), chromedp.WaitVisible(chromedp.ID("upload")),
				chromedp.SetUploadFiles(`input[type="file"]`, []string{file}),
				chromedp.Click(chromedp.CSS(`#upload button.primary`)), chromedp.WaitVisible(chromedp.ID("import-counts")),
				chromedp.WaitVisible(chromedp.ID("row-errors")))
			a.check(where + " (preview)")
			// Routing by a field no column holds: the mapping error names
			// the field in the page's language.
			do(t, ctx, where+": route by location", chromedp.Click(chromedp.CSS(`#review details > summary`)),
				chromedp.SetValue(chromedp.CSS(`select[name="route_by"]`), "location"),
				chromedp.Click(chromedp.CSS(`#review button[value="preview"]`)), chromedp.WaitVisible(chromedp.ID("mapping-error")))
			if msg := run(t, ctx, where+": mapping error", chromedp.Text(chromedp.ID("mapping-error"))); !strings.Contains(msg, c.field) {
				t.Errorf("%s: mapping error %q does not name %s", where, msg, c.field)
			}
			a.check(where + " (mapping error)")
		}
		setLocale(t, e, "nb")
	})

	t.Run("forms", func(t *testing.T) {
		a.t = t
		var person int64
		if err := e.Store.DB().QueryRow(`SELECT id FROM persons ORDER BY id LIMIT 1`).Scan(&person); err != nil {
			t.Fatal(err)
		}
		errs.allow(fmt.Sprintf("%s/persons/%d/contacts", e.URL, person))
		for _, lang := range []string{"nb", "en"} {
			setLocale(t, e, lang)
			signOutBrowser(t, ctx)
			signInBrowser(t, ctx, e, "admin")
			// The browser would refuse the values itself; the server must
			// answer them too, with messages beside the fields.
			where := "settings " + lang
			do(t, ctx, where+": post invalid", chromedp.Navigate(e.URL+"/settings"),
				chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("form").forEach(f => f.noValidate = true)`),
				chromedp.SetValue(chromedp.ID("follow_up_days"), "0"),
				chromedp.Evaluate[chromedp.Void](`document.getElementById("privacy_notice").value = ""`),
				chromedp.Click(chromedp.CSS(`form[action="/settings"] button.primary`)),
				chromedp.WaitVisible(chromedp.ID("follow_up_days-error")))
			a.check(where + " (errors)")
			where = "applications settings " + lang
			do(t, ctx, where+": post invalid", chromedp.Navigate(e.URL+"/applications"),
				chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("form").forEach(f => f.noValidate = true)`),
				chromedp.SetValue(chromedp.ID("credit_months"), "99"),
				chromedp.Click(chromedp.CSS(`form[action="/applications/settings"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`#credit_months[aria-invalid="true"]`)))
			a.check(where + " (errors)")
			// A contact of a kind the form does not offer.
			where = "contact " + lang
			do(t, ctx, where+": post invalid", chromedp.Navigate(fmt.Sprintf("%s/persons/%d", e.URL, person)),
				chromedp.Evaluate[chromedp.Void](`document.querySelector("select[name=kind]").add(new Option("?", "carrier-pigeon", true, true))`),
				chromedp.Click(chromedp.CSS(`form[action$="/contacts"] button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action$="/contacts"] .field-error`)))
			a.check(where + " (errors)")
		}
		setLocale(t, e, "nb")
	})
}
