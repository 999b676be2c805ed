package ui

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo/demotest"
	"github.com/verve-union/verve/internal/model"
)

// signInBrowser signs the browser in as a demo user, with a recovery
// code where the user's roles need a second factor.
func signInBrowser(t *testing.T, ctx context.Context, e *testEnv, username string) {
	t.Helper()
	do(t, ctx, "sign in as "+username,
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "verve-demo"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#count-members, #totp-code`)),
	)
	if loc := run(t, ctx, "location", chromedp.Location()); strings.Contains(loc, "/login/totp") {
		do(t, ctx, "second factor for "+username,
			chromedp.SendKeys(chromedp.ID("totp-code"), demotest.SecondFactor(t, e.Store, username)),
			chromedp.Click(chromedp.CSS(`form[action="/login/totp"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("count-members")),
		)
	}
}

// TestBrowserNewHireFlow is the pipeline as a shop steward lives it, on a
// phone: upload the employer's list, check the preview, import, open Min
// dag, see the new colleagues, log a welcome with one tap and find the
// follow-up scheduled; the recruitment figures move with it.
func TestBrowserNewHireFlow(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	bg := context.Background()
	errs := watchPageErrors(t, ctx)
	steward := e.principal(t, "tillitsvalgt")
	admin := e.principal(t, "admin")
	wps, err := e.Store.WorkplacesUnder(bg, steward, steward.Grants[0].UnitPath, 1)
	if err != nil || len(wps) == 0 {
		t.Fatalf("steward's workplace: %v", err)
	}
	wp := wps[0]
	today := e.Store.Today()
	start := today.AddDate(0, 0, 2)
	list := "Ansatte som starter hos " + wp.Name + "\n\n" +
		"Etternavn;Fornavn;Mobil;E-post;Første arbeidsdag;Stilling\n" +
		"Ødegård;Åse;412 34 567;ase.odegard@example.no;" + start.Format("02.01.2006") + ";Sykepleier\n" +
		"Berg;Jonas;98765432;jonas.berg@example.no;" + start.Format("02.01.2006") + ";Fagarbeider\n" +
		"Lie;Mari;;mari.lie@example.no;" + start.Format("02.01.2006") + ";Renholder\n" +
		"Feil;Rad;12;ikke-epost;31.02.2026;\n"
	file := filepath.Join(t.TempDir(), "nyansatte.csv")
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	_, before, err := e.Store.Recruitment(bg, admin, today.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}

	signInBrowser(t, ctx, e, "tillitsvalgt")
	do(t, ctx, "open workplace, then the upload form",
		chromedp.Navigate(fmt.Sprintf("%s/workplaces/%d", e.URL, wp.ID)),
		chromedp.Click(chromedp.ID("import-link")),
		chromedp.WaitVisible(chromedp.ID("upload")),
		chromedp.SetUploadFiles(`input[type="file"]`, []string{file}),
	)
	checkPhoneLayout(t, ctx, "upload form")
	do(t, ctx, "upload", chromedp.Click(chromedp.CSS(`#upload button.primary`)))
	// The page polls while the list is read, then shows the preview.
	do(t, ctx, "preview", chromedp.WaitVisible(chromedp.ID("import-counts")))
	if n := run(t, ctx, "new count", chromedp.Text(chromedp.CSS("#count-new .n"))); n != "3" {
		t.Errorf("preview: %q new, want 3", n)
	}
	rowErrors := run(t, ctx, "row errors", chromedp.Text(chromedp.ID("row-errors")))
	for _, want := range []string{"Mobil", "E-post", "Første arbeidsdag"} {
		if !strings.Contains(rowErrors, want) {
			t.Errorf("row errors do not name column %s:\n%s", want, rowErrors)
		}
	}
	var persons int
	e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE email = 'ase.odegard@example.no'`).Scan(&persons)
	if persons != 0 {
		t.Fatal("the preview saved a person")
	}
	checkPhoneLayout(t, ctx, "preview")
	screenshot(t, ctx, "import-preview")
	do(t, ctx, "commit", chromedp.Click(chromedp.ID("commit")), chromedp.WaitVisible(chromedp.ID("import-done")))
	screenshot(t, ctx, "import-done")
	errs.check(t, "import")
	// The new hires are shared among the workplace's stewards; this one
	// takes theirs over.
	takeOver(t, e, steward, "Åse Ødegård", "Jonas Berg", "Mari Lie")

	// Min dag shows the new colleagues and their welcome tasks.
	do(t, ctx, "Min dag", chromedp.Navigate(e.URL+"/day"), chromedp.WaitVisible(chromedp.ID("new-colleagues")))
	colleagues := run(t, ctx, "new colleagues", chromedp.Text(chromedp.ID("new-colleagues")))
	for _, name := range []string{"Åse Ødegård", "Jonas Berg", "Mari Lie"} {
		if !strings.Contains(colleagues, name) {
			t.Errorf("Min dag lacks new colleague %s:\n%s", name, colleagues)
		}
	}
	d, err := e.Store.MyDay(bg, steward)
	if err != nil {
		t.Fatal(err)
	}
	var task *model.Task
	for _, dt := range d.Upcoming {
		if dt.PersonName == "Åse Ødegård" && dt.Kind == model.TaskWelcome {
			task = &dt.Task
		}
	}
	if task == nil {
		t.Fatalf("no welcome task for Åse Ødegård: %+v", d.Upcoming)
	}
	card := fmt.Sprintf("#task-%d", task.ID)
	if href := run(t, ctx, "call link", chromedp.AttributeValue(card+` a[href^="tel:"]`, "href")); href.Value != "tel:+4741234567" {
		t.Errorf("call link = %q", href.Value)
	}
	checkPhoneLayout(t, ctx, "Min dag")
	screenshot(t, ctx, "minday")

	// One tap logs the welcome; the card answers with the follow-up date.
	do(t, ctx, "log welcome", chromedp.Click(card+` button[value="gift"]`), chromedp.WaitVisible(card+".logged"))
	logged := run(t, ctx, "logged card", chromedp.Text(card))
	due := today.AddDate(0, 0, 5).Format("02.01.2006")
	if !strings.Contains(logged, "Oppfølging planlagt "+due) {
		t.Errorf("after logging: %q, want the follow-up on %s", logged, due)
	}
	if loc := run(t, ctx, "location", chromedp.Location()); loc != e.URL+"/day" {
		t.Errorf("logging reloaded the page to %s", loc)
	}
	d, _ = e.Store.MyDay(bg, steward)
	found := false
	for _, dt := range d.Upcoming {
		found = found || (dt.PersonID == task.PersonID && dt.Kind == model.TaskFollowUp && dt.Due.Equal(today.AddDate(0, 0, 5)))
	}
	if !found {
		t.Errorf("no follow-up for %s on %s in storage", task.PersonName, due)
	}
	screenshot(t, ctx, "minday-logged")
	errs.check(t, "Min dag")

	// The welcome shows in the recruitment figures.
	_, after, err := e.Store.Recruitment(bg, admin, today.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	if after.NewHires != before.NewHires+3 || after.Asked != before.Asked+1 || after.Lists != before.Lists+1 {
		t.Errorf("recruitment figures: before %+v, after %+v", before, after)
	}
	if !steward.Can(access.StatisticsRead) {
		if st, _ := get(t, e.login(t, "tillitsvalgt"), e.URL+"/recruitment"); st != http.StatusForbidden && st != http.StatusNotFound {
			t.Errorf("steward reading the recruitment view: %d", st)
		}
	}
}
