package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegisterUpload is the register load as a union admin does it
// on a phone: find Medlemsregister in the menu, upload the export, read
// the preview (figures, the row that fails and why, the word to map),
// map the word, store the export. The preview passes axe.
func TestBrowserRegisterUpload(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowserTimeout(t, 2*time.Minute)
	errs := watchPageErrors(t, ctx)
	axeSrc := readAxe(t)
	// One row with a word to map, one with an error (the last member, whom
	// no row names as recruiter).
	export := sampleRegister(t, 40)
	export = setCell(t, export, 3, "Medlemstype", "Æresmedlem")
	export = setCell(t, export, 40, "E-post", "ikke-en-adresse")
	file := filepath.Join(t.TempDir(), "medlemsregister.csv")
	if err := os.WriteFile(file, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	members := func() (n int) {
		e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL`).Scan(&n)
		return n
	}

	signInBrowser(t, ctx, e, "admin")
	do(t, ctx, "open Medlemsregister from the menu", openMenu(),
		chromedp.Click(chromedp.CSS(`header nav a[href="/register"]`)),
		chromedp.WaitVisible(chromedp.ID("reg-upload")),
		chromedp.SetUploadFiles(`#reg-upload input[type="file"]`, []string{file}))
	checkPhoneLayout(t, ctx, "register page")
	checkAxe(t, ctx, axeSrc, "register page")
	do(t, ctx, "upload", chromedp.Click(chromedp.CSS(`#reg-upload button.primary`)))
	do(t, ctx, "preview", chromedp.WaitVisible(chromedp.ID("reg-counts")))
	rowErrors := run(t, ctx, "row errors", chromedp.Text(chromedp.ID("row-errors")))
	for _, want := range []string{"Medlemstype", "Æresmedlem", "E-post"} {
		if !strings.Contains(rowErrors, want) {
			t.Errorf("row errors lack %s:\n%s", want, rowErrors)
		}
	}
	if n := members(); n != 0 {
		t.Fatalf("the preview stored %d members", n)
	}
	settle(t, ctx, "preview")
	checkPhoneLayout(t, ctx, "preview")
	checkAxe(t, ctx, axeSrc, "preview")
	screenshot(t, ctx, "register-preview")

	do(t, ctx, "map the word", chromedp.SetValue(chromedp.CSS(`select[name="word_0"]`), "ordinary"),
		chromedp.Click(chromedp.CSS(`#reg-words button`)),
		// The new preview has no word left to map.
		chromedp.WaitNotPresent(chromedp.ID("reg-words")),
		chromedp.WaitVisible(chromedp.ID("reg-counts")))
	if n := digits(run(t, ctx, "created", chromedp.Text(chromedp.CSS("#count-created .n")))); n != 39 {
		t.Errorf("after mapping the word: %d new members, want 39 (one row has a bad e-mail)", n)
	}
	do(t, ctx, "save", chromedp.Click(chromedp.ID("reg-commit")), chromedp.WaitVisible(chromedp.CSS("#reg-done, #reg-error")))
	if msg := run(t, ctx, "result", chromedp.Text(chromedp.CSS("#reg-done, #reg-error"))); !strings.Contains(msg, "lagret") {
		t.Fatalf("save: %s", msg)
	}
	checkPhoneLayout(t, ctx, "stored")
	screenshot(t, ctx, "register-done")
	if n := members(); n != 39 {
		t.Errorf("%d members stored, want 39", n)
	}
	// The page lists the load.
	do(t, ctx, "register page", chromedp.Navigate(e.URL+"/register"), chromedp.WaitVisible(chromedp.ID("reg-loads")))
	checkPhoneLayout(t, ctx, "register page after a load")
	checkAxe(t, ctx, axeSrc, "register page after a load")
	errs.check(t, "register")
}
