package ui

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// findBrowser returns the path of a Chromium or Chrome binary, or "".
func findBrowser() string {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium with a phone-sized window and returns
// a chromedp context for one tab. The whole test gets 60 seconds. Without a
// browser the test is skipped, or fails when VERVE_REQUIRE_BROWSER=1.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserTimeout(t, 60*time.Second)
}

// newBrowserTimeout is newBrowser for a test that may take up to timeout.
func newBrowserTimeout(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		msg := "no Chromium or Chrome found (tried /usr/bin/chromium, chromium, chromium-browser, google-chrome); install chromium to run the browser tests"
		if os.Getenv("VERVE_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancelTimeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	// Start the browser now, so that a broken install fails here. Headless
	// Chromium keeps its window at least 500 px wide, so the phone's
	// 390 px viewport is emulated as well.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return bctx
}

// pageErrors collects JavaScript exceptions, console.error calls and browser
// log entries of level error (CSP violations and failed loads among them).
type pageErrors struct {
	mu      sync.Mutex
	msgs    []string
	allowed map[string]bool // URLs whose failed load (e.g. an expected 404) is fine
}

func watchPageErrors(t *testing.T, ctx context.Context) *pageErrors {
	t.Helper()
	pe := &pageErrors{allowed: map[string]bool{}}
	err := chromedp.Listen(ctx, func(ev any) {
		pe.mu.Lock()
		defer pe.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			pe.msgs = append(pe.msgs, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, text))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					if a.Description != "" {
						parts = append(parts, a.Description)
					} else {
						parts = append(parts, string(a.Value))
					}
				}
				pe.msgs = append(pe.msgs, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			en := ev.Entry
			if en.Level != log.EntryLevelError {
				return
			}
			if en.Source == log.EntrySourceNetwork && pe.allowed[en.URL] {
				return
			}
			pe.msgs = append(pe.msgs, fmt.Sprintf("log %s error at %s: %s", en.Source, en.URL, en.Text))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return pe
}

// allow lets a failed load of url pass, for pages expected to answer 4xx.
func (pe *pageErrors) allow(url string) {
	pe.mu.Lock()
	pe.allowed[url] = true
	pe.mu.Unlock()
}

// take returns the errors seen since the last call and forgets them.
func (pe *pageErrors) take() []string {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	msgs := pe.msgs
	pe.msgs = nil
	return msgs
}

// check fails the test for every error seen since the last check.
func (pe *pageErrors) check(t *testing.T, where string) {
	t.Helper()
	for _, m := range pe.take() {
		t.Errorf("%s: %s", where, m)
	}
}

// screenshot saves a full-page PNG to $VERVE_SCREENSHOTS, or to a temporary
// directory of the test.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	savePNG(t, name, buf)
}

// viewScreenshot is screenshot of what the screen shows, without scrolling.
func viewScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	savePNG(t, name, buf)
}

// savePNG writes a screenshot to $VERVE_SCREENSHOTS, or to a temporary
// directory of the test.
func savePNG(t *testing.T, name string, buf []byte) {
	t.Helper()
	dir := os.Getenv("VERVE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// run runs an action that returns a value and fails the test on an error.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs actions without a value and fails the test on an error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// openMenu opens the header's menu on a phone and waits for the navigation.
func openMenu() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(`header details.menu > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`header nav`)),
	)
}

// checkPhoneLayout fails when the page is wider than the phone screen, or
// when the stylesheet or htmx did not load (for example blocked by the CSP).
func checkPhoneLayout(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	type layout struct {
		Scroll int  `json:"scroll"`
		Inner  int  `json:"inner"`
		HTMX   bool `json:"htmx"`
		CSS    bool `json:"css"`
	}
	m := run(t, ctx, where+": layout", chromedp.Evaluate[layout](`({
		scroll: document.documentElement.scrollWidth,
		inner: window.innerWidth,
		htmx: typeof window.htmx !== "undefined",
		css: getComputedStyle(document.body).marginTop === "0px",
	})`))
	if m.Inner != 390 {
		t.Errorf("%s: viewport is %d px wide, want the phone's 390", where, m.Inner)
	}
	if m.Scroll > m.Inner {
		t.Errorf("%s: page is %d px wide on a %d px screen (scrolls sideways)", where, m.Scroll, m.Inner)
	}
	if m.Inner != 390 || m.Scroll > m.Inner {
		wide := run(t, ctx, where+": wide elements", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *"))
			.filter(el => el.getBoundingClientRect().right > 391 && el.checkVisibility() && !el.closest(".scroll"))
			.slice(-3).map(el => el.outerHTML.slice(0, 120))`))
		t.Errorf("%s: wider than the phone: %q", where, wide)
	}
	if !m.HTMX {
		t.Errorf("%s: htmx did not load", where)
	}
	if !m.CSS {
		t.Errorf("%s: style.css did not apply", where)
	}
}

// digits keeps the digits of s, dropping thousands separators.
func digits(s string) int {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	n, _ := strconv.Atoi(b.String())
	return n
}

// TestBrowserStewardFlow signs in as a shop steward in a real browser on a
// phone-sized screen, follows the links from the home page to the own
// workplace and a member, and checks that a person of another club is not
// shown. No JavaScript error or CSP violation may occur on the way.
func TestBrowserStewardFlow(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	bg := context.Background()
	steward := e.principal(t, "tillitsvalgt")
	admin := e.principal(t, "admin")
	errs := watchPageErrors(t, ctx)

	// Expected values from storage.
	counts, err := e.Store.Home(bg, steward)
	if err != nil {
		t.Fatal(err)
	}
	if all, err := e.Store.Home(bg, admin); err != nil || all.Members <= counts.Members {
		t.Fatalf("the union's members (%v, %v) must outnumber the steward's %d", all, err, counts.Members)
	}
	ownWPs, err := e.Store.WorkplacesUnder(bg, steward, steward.Grants[0].UnitPath, 5)
	if err != nil || len(ownWPs) == 0 {
		t.Fatalf("steward's workplaces: %v, %v", ownWPs, err)
	}
	other := e.principal(t, "tillitsvalgt2")
	if steward.Scope(access.PersonRead).Contains(other.Grants[0].UnitPath) {
		t.Fatalf("tillitsvalgt2's club %s is inside tillitsvalgt's scope", other.Grants[0].UnitPath)
	}
	otherWPs, err := e.Store.WorkplacesUnder(bg, admin, other.Grants[0].UnitPath, 1)
	if err != nil || len(otherWPs) == 0 {
		t.Fatalf("other club's workplaces: %v, %v", otherWPs, err)
	}
	otherPersons, err := e.Store.PersonsAtWorkplace(bg, admin, otherWPs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var stranger *model.Person
	for _, p := range otherPersons {
		if p.Email != "" {
			stranger = p
			break
		}
	}
	if stranger == nil {
		t.Fatalf("no person with an e-mail address at %s", otherWPs[0].Name)
	}

	// Not signed in: the home page sends the browser to the sign-in form.
	do(t, ctx, "open home", chromedp.Navigate(e.URL+"/"))
	if loc := run(t, ctx, "location", chromedp.Location()); !strings.HasPrefix(loc, e.URL+"/login") {
		t.Fatalf("without a session / went to %s, want /login", loc)
	}
	checkPhoneLayout(t, ctx, "login")
	errs.check(t, "login page")

	// Sign in.
	do(t, ctx, "fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "tillitsvalgt"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "verve-demo"),
	)
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("after sign-in: status %d", resp.Status)
	}
	if loc := run(t, ctx, "location", chromedp.Location()); loc != e.URL+"/" {
		t.Fatalf("after sign-in at %s, want /", loc)
	}

	// Home: the member count is the steward's, not the union's.
	do(t, ctx, "wait for tiles", chromedp.WaitVisible(chromedp.ID("count-members")))
	members := run(t, ctx, "member tile", chromedp.Text(chromedp.CSS("#count-members .n")))
	if got := digits(members); got != counts.Members || counts.Members == 0 {
		t.Errorf("member tile shows %q, want %d", members, counts.Members)
	}
	for _, id := range []string{"count-newhires", "count-tasks", "count-nosteward"} {
		do(t, ctx, "tile "+id, chromedp.WaitVisible(chromedp.ID(id)))
	}
	checkPhoneLayout(t, ctx, "home")
	screenshot(t, ctx, "home")
	errs.check(t, "home page")

	// "Min arbeidsplass" links to the steward's workplace.
	links := run(t, ctx, "workplace links", chromedp.Nodes(chromedp.CSS(`ul.results a[href^="/workplaces/"]`)))
	wp := ownWPs[0]
	if href := links[0].AttributeValue("href"); href != fmt.Sprintf("/workplaces/%d", wp.ID) {
		t.Fatalf("first workplace link = %s, want /workplaces/%d", href, wp.ID)
	}
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`ul.results a[href^="/workplaces/"]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("open workplace: %v, %v", resp, err)
	}
	if h1 := run(t, ctx, "workplace h1", chromedp.Text(chromedp.CSS("h1"))); h1 != wp.Name {
		t.Errorf("workplace h1 = %q, want %q", h1, wp.Name)
	}
	if n := run(t, ctx, "#wp-members", chromedp.Text(chromedp.ID("wp-members"))); digits(n) != wp.Members {
		t.Errorf("#wp-members = %q, want %d", n, wp.Members)
	}
	do(t, ctx, "density", chromedp.WaitVisible(chromedp.ID("wp-density")))
	checkPhoneLayout(t, ctx, "workplace")
	screenshot(t, ctx, "workplace")
	errs.check(t, "workplace page")

	// The first member in the table opens the person page.
	persons, err := e.Store.PersonsAtWorkplace(bg, steward, wp.ID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*model.Person{}
	for _, p := range persons {
		byID[fmt.Sprintf("/persons/%d", p.ID)] = p
	}
	first := run(t, ctx, "member links", chromedp.Nodes(chromedp.CSS(`#members tbody a[href^="/persons/"]`)))
	p := byID[first[0].AttributeValue("href")]
	if p == nil {
		t.Fatalf("member link %s is not a person at %s", first[0].AttributeValue("href"), wp.Name)
	}
	resp, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`#members tbody a[href^="/persons/"]`)))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("open person: %v, %v", resp, err)
	}
	if h1 := run(t, ctx, "person h1", chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, p.Name()) {
		t.Errorf("person h1 = %q, want %q", h1, p.Name())
	}
	checkPhoneLayout(t, ctx, "person")
	screenshot(t, ctx, "person")
	errs.check(t, "person page")

	// A person of another club is not found, by URL in the browser...
	strangerURL := fmt.Sprintf("%s/persons/%d", e.URL, stranger.ID)
	errs.allow(strangerURL) // the browser logs the 404 as a failed load
	resp, err = chromedp.Run(ctx, chromedp.NavigateResponse(strangerURL))
	if err != nil {
		t.Fatalf("open other club's person: %v", err)
	}
	if resp.Status != http.StatusNotFound {
		t.Errorf("other club's person: status %d in the browser, want 404", resp.Status)
	}
	if h1 := run(t, ctx, "error h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Noe gikk galt" {
		t.Errorf("error page h1 = %q", h1)
	}
	if msg := run(t, ctx, "error text", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(msg, "Fant ikke personen.") {
		t.Errorf("error page says %q, want Fant ikke personen.", msg)
	}
	if page := run(t, ctx, "error page html", chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(page, stranger.Email) {
		t.Errorf("404 page shows the other club's person %d", stranger.ID)
	}
	checkPhoneLayout(t, ctx, "not found")
	screenshot(t, ctx, "notfound")
	errs.check(t, "not-found page")

	// ...and by a plain HTTP client with the same user.
	if st, body := get(t, e.login(t, "tillitsvalgt"), strangerURL); st != http.StatusNotFound || strings.Contains(body, stranger.Email) {
		t.Errorf("plain client: status %d for another club's person, e-mail shown: %v", st, strings.Contains(body, stranger.Email))
	}

	// The watcher above is not deaf: an inline script, which the CSP refuses,
	// and a thrown error both show up.
	do(t, ctx, "probe",
		chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.createElement("script");
			s.textContent = "window.inlineRan = true";
			document.body.appendChild(s);
			setTimeout(() => { throw new Error("verve-probe") }, 0);
		})()`))
	if ran := run(t, ctx, "inline script", chromedp.Evaluate[bool](`window.inlineRan === true`)); ran {
		t.Error("the CSP let an inline script run")
	}
	var probe string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		probe += strings.Join(errs.take(), "\n") + "\n"
		if strings.Contains(probe, "Content Security Policy") && strings.Contains(probe, "verve-probe") {
			break
		}
	}
	if !strings.Contains(probe, "Content Security Policy") || !strings.Contains(probe, "verve-probe") {
		t.Errorf("the error watcher missed the CSP violation or the exception; it saw:\n%s", probe)
	}
}
