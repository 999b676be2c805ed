package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// axeTags are the rule sets axe checks: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is one failed axe rule on a page, with the nodes it failed on.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target json.RawMessage `json:"target"` // CSS selectors; nested for shadow DOM
		HTML   string          `json:"html"`
	} `json:"nodes"`
}

// blocking tells whether a violation fails the test: serious or critical.
func (v axeViolation) blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n    %s %s", n.Target, n.HTML)
	}
	return b.String()
}

// readAxe returns the vendored axe-core (see testdata/README.md).
func readAxe(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// runAxe checks the page in ctx with axe-core and returns its violations.
// The script goes in through the DevTools protocol, which the page's CSP
// (script-src 'self') does not govern; it stays until the next navigation.
func runAxe(t *testing.T, ctx context.Context, axeSrc, where string) []axeViolation {
	t.Helper()
	if !run(t, ctx, where+": axe loaded?", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		do(t, ctx, where+": inject axe", chromedp.Evaluate[chromedp.Void](axeSrc))
	}
	tags, _ := json.Marshal(axeTags)
	return run(t, ctx, where+": axe.run", chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: `+string(tags)+`},
		resultTypes: ["violations"],
	}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 160)})),
	})))`, chromedp.EvalAwaitPromise))
}

// checkAxe fails the test for every serious or critical violation on the
// page and logs the others. It returns the number of each.
func checkAxe(t *testing.T, ctx context.Context, axeSrc, where string) (blocking, other int) {
	t.Helper()
	for _, v := range runAxe(t, ctx, axeSrc, where) {
		if v.blocking() {
			blocking++
			t.Errorf("%s: axe: %s", where, v)
		} else {
			other++
			t.Logf("%s: axe (not failing): %s", where, v)
		}
	}
	return blocking, other
}

// settle waits until htmx has no request in flight, so that axe sees the
// page as the user does once it has loaded.
func settle(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		busy := run(t, ctx, where+": htmx busy?", chromedp.Evaluate[bool](`document.readyState !== "complete" || document.querySelector(".htmx-request") !== null`))
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: htmx requests still running after 5 s", where)
			return
		}
	}
}

// pageShape is a URL's path with numbers and tokens replaced, so that a
// crawl visits one workplace, one person and one import rather than all.
func pageShape(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		digits := strings.Trim(s, "0123456789") == ""
		if s != "" && (digits || len(s) >= 16) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// sameOriginPage keeps the links of base's origin that lead to an HTML page
// (not a download, an image, the API or a fragment of the same page).
func sameOriginPage(base *url.URL, href string) (*url.URL, bool) {
	u, err := base.Parse(href)
	if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
		return nil, false
	}
	if strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/static/") || path.Ext(u.Path) != "" {
		return nil, false
	}
	u.Fragment = ""
	return u, true
}

// demoUsers are the demo's users, one for each role.
var demoUsers = []string{"admin", "vervekoordinator", "radgiver", "studieleder", "styremedlem", "tillitsvalgt", "hovedtillitsvalgt", "tillitsvalgt2",
	"koordinator-nav", "radgiver-portefolje"}

// TestBrowserAccessible checks Verve with axe-core on a phone (390 px):
// the public pages, and for every demo role, in bokmål and in English, the
// pages reachable from the menu and the home page, a few links deep (one
// page of each kind: one workplace, one person, one import). Serious and
// critical violations of WCAG 2.1 A/AA fail the test. The signed-in header
// must stay one compact row whose menu opens with a tap. Pages that need
// an action first are TestBrowserAccessibleAfterActions'.
func TestBrowserAccessible(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowserTimeout(t, 8*time.Minute) // every role twice, on two shared cores
	errs := watchPageErrors(t, ctx)
	axeSrc := readAxe(t)

	// Every demo user is in the list above; a small demo union may lack some.
	only := os.Getenv("VERVE_AXE_USERS") // to iterate on a few: admin,tillitsvalgt
	var users []string
	found := 0
	for _, u := range demoUsers {
		if _, err := e.Store.UserByUsername(context.Background(), u); err != nil {
			t.Logf("the demo union has no user %s: %v", u, err)
			continue
		}
		found++
		if only == "" || slices.Contains(strings.Split(only, ","), u) {
			users = append(users, u)
		}
	}
	var total int
	if err := e.Store.DB().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&total); err != nil || total != found {
		t.Errorf("the demo has %d users (%v), demoUsers names %d of them; add the others", total, err, found)
	}

	a := &axeRun{t: t, ctx: ctx, src: axeSrc, errs: errs, summary: map[string]string{}}
	defer a.logSummary()

	// The CSP does not keep axe out, and axe does see a violation.
	do(t, ctx, "open login", chromedp.Navigate(e.URL+"/login"))
	do(t, ctx, "break the page", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("label:has(input[name=password])").replaceWith(document.querySelector("input[name=password]"))`))
	probe := runAxe(t, ctx, axeSrc, "probe")
	if !slices.ContainsFunc(probe, func(v axeViolation) bool { return v.ID == "label" && v.blocking() }) {
		t.Fatalf("axe missed an input without a label: %v", probe)
	}
	errs.take()

	// Public pages.
	a.visit("login", e.URL+"/login")
	for _, lang := range []string{"nb", "en", "pl"} {
		a.visit("join "+lang, e.URL+"/bli-medlem?lang="+lang)
	}

	// Pages the crawl may miss: a person whose dues are in arrears (a
	// coloured badge).
	var arrears int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM persons WHERE member_status = 'arrears' ORDER BY id LIMIT 1`).Scan(&arrears); err != nil {
		t.Fatalf("a person in arrears: %v", err)
	}
	extra := map[string][]string{"admin": {fmt.Sprintf("/persons/%d", arrears)}}

	// Every role in bokmål, then in English, the language a session takes
	// from the user's locale at sign-in: the header and the tables must
	// hold the longer English words too.
	for _, lang := range []string{"nb", "en"} {
		setLocale(t, e, lang)
		for _, user := range users {
			a.crawl(e, user, lang, extra[user])
		}
	}
}

// signOutBrowser ends the browser's session by dropping its cookies.
func signOutBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign out", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
}

// setLocale makes lang every user's language from the next sign-in on.
func setLocale(t *testing.T, e *testEnv, lang string) {
	t.Helper()
	if _, err := e.Store.DB().Exec(`UPDATE users SET locale = $1`, lang); err != nil {
		t.Fatal(err)
	}
}

// axeRun checks pages of one browser with axe and keeps a summary line for
// each, which it logs at the end.
type axeRun struct {
	t       *testing.T
	ctx     context.Context
	src     string // axe-core
	errs    *pageErrors
	summary map[string]string
}

// check checks the page the browser shows, once htmx has settled: axe, the
// phone layout and the browser's errors.
func (a *axeRun) check(where string) {
	a.t.Helper()
	settle(a.t, a.ctx, where)
	b, o := checkAxe(a.t, a.ctx, a.src, where)
	checkPhoneLayout(a.t, a.ctx, where)
	a.errs.check(a.t, where)
	a.summary[where] = fmt.Sprintf("%d serious/critical, %d other", b, o)
}

// visit opens u and checks it.
func (a *axeRun) visit(where, u string) {
	a.t.Helper()
	do(a.t, a.ctx, where+": open "+u, chromedp.Navigate(u))
	a.check(where)
}

func (a *axeRun) logSummary() {
	for _, k := range slices.Sorted(maps.Keys(a.summary)) {
		a.t.Logf("%-60s %s", k, a.summary[k])
	}
}

// crawl signs user in, with the session in lang (the user's locale), checks
// the home page with its header and menu, and then the pages reachable
// from it a few links deep, one page of each kind, and the extra paths.
func (a *axeRun) crawl(e *testEnv, user, lang string, extra []string) {
	t, ctx := a.t, a.ctx
	t.Helper()
	base, err := url.Parse(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	who := user
	if lang != "nb" {
		who = lang + " " + user
	}
	signOutBrowser(t, ctx)
	signInBrowser(t, ctx, e, user)
	if got := run(t, ctx, who+": page language", chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
		t.Fatalf("%s: the home page is in %q, want %q", who, got, lang)
	}
	var roles []string
	for _, g := range e.principal(t, user).Grants {
		roles = append(roles, string(g.Role))
	}
	t.Logf("%s: roles %v", who, roles)
	settle(t, ctx, who+" home")
	checkHeader(t, ctx, a.src, who, user == "admin")
	if lang == "nb" {
		screenshotIf(t, ctx, user, "header-"+user)
	}

	// Crawl: the home page's links (menu included) and, a few links
	// further, pages of kinds not seen yet.
	home, _ := sameOriginPage(base, "/")
	seen := map[string]bool{pageShape(home): true}
	type link struct {
		u     *url.URL
		depth int
		from  string
	}
	var queue []link
	add := func(from string, hrefs []string, depth int) {
		for _, h := range hrefs {
			u, ok := sameOriginPage(base, h)
			if !ok || seen[pageShape(u)] {
				continue
			}
			seen[pageShape(u)] = true
			queue = append(queue, link{u, depth, from})
		}
	}
	hrefs := `Array.from(document.querySelectorAll("a[href]:not([download])"), a => a.getAttribute("href"))`
	add("/", run(t, ctx, who+": home links", chromedp.Evaluate[[]string](hrefs)), 1)
	for _, u := range extra {
		queue = append(queue, link{&url.URL{Scheme: base.Scheme, Host: base.Host, Path: u}, 3, "(extra)"})
	}
	const maxPages = 30
	for n := 0; len(queue) > 0; n++ {
		l := queue[0]
		queue = queue[1:]
		if n == maxPages {
			t.Errorf("%s: more than %d kinds of page; raise maxPages", who, maxPages)
			break
		}
		where := who + " " + l.u.RequestURI()
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(l.u.String()))
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if resp.Status != 200 {
			t.Errorf("%s: status %d for a link on %s", where, resp.Status, l.from)
			a.errs.take() // the browser's log of the failed load
			continue
		}
		if !strings.HasPrefix(resp.MimeType, "text/html") {
			continue
		}
		a.check(where)
		if l.depth < 3 {
			add(l.u.RequestURI(), run(t, ctx, where+": links", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main a[href]:not([download])"), a => a.getAttribute("href"))`)), l.depth+1)
		}
	}
}

// checkHeader checks the signed-in header on the home page: one row of at
// most 80 px on the phone, whose menu button opens the navigation, and no
// axe violation with the menu open; with desktop, also on a wide screen.
func checkHeader(t *testing.T, ctx context.Context, axeSrc, user string, desktop bool) {
	t.Helper()
	where := user + " home"
	h := run(t, ctx, where+": header height", chromedp.Evaluate[float64](`document.querySelector("body > header").getBoundingClientRect().height`))
	if h >= 80 {
		t.Errorf("%s: the header is %.0f px high on a 390 px phone, want under 80", where, h)
	}
	t.Logf("%s: header %.0f px", where, h)
	b, o := checkAxe(t, ctx, axeSrc, where)
	if nav := run(t, ctx, where+": menu visible", chromedp.Evaluate[bool](`document.querySelector("header nav").checkVisibility()`)); nav {
		t.Errorf("%s: the navigation shows before the menu is opened", where)
	}
	do(t, ctx, where+": open the menu", openMenu())
	b2, o2 := checkAxe(t, ctx, axeSrc, where+" (menu open)")
	screenshotIf(t, ctx, user, "menu-"+user)
	do(t, ctx, where+": close the menu", chromedp.Click(chromedp.CSS(`header details.menu > summary`)))
	if nav := run(t, ctx, where+": menu visible", chromedp.Evaluate[bool](`document.querySelector("header nav").checkVisibility()`)); nav {
		t.Errorf("%s: the navigation still shows after the menu is closed", where)
	}
	t.Logf("%s: %d serious/critical, %d other; menu open: %d, %d", where, b, o, b2, o2)

	// On a desktop screen the navigation shows in the header, no button.
	if desktop {
		do(t, ctx, where+": desktop", chromedp.EmulateViewport(1280, 800))
		if nav := run(t, ctx, where+": desktop menu", chromedp.Evaluate[bool](`document.querySelector("header nav").checkVisibility() &&
			!document.querySelector("header details.menu > summary").checkVisibility()`)); !nav {
			t.Errorf("%s: on a desktop screen the navigation is not in the header", where)
		}
		checkAxe(t, ctx, axeSrc, where+" (desktop)")
		viewScreenshot(t, ctx, "desktop-"+strings.ReplaceAll(user, " ", "-"))
		do(t, ctx, where+": phone", chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile))
	}
}

// screenshotIf takes a screenshot for the users whose pages the README shows.
func screenshotIf(t *testing.T, ctx context.Context, user, name string) {
	t.Helper()
	if user == "tillitsvalgt" || user == "admin" {
		viewScreenshot(t, ctx, name)
	}
}
