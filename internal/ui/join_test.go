package ui

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/demo/demotest"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/server/middleware"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// newJoinEnv is newEnv with the join form's limiter off and no minimum
// time to submit, so tests can post at once.
func newJoinEnv(t testing.TB, engine string, cfg Config, stack ...middleware.Options) *testEnv {
	t.Helper()
	return newJoinEnvLog(t, engine, cfg, discard(), stack...)
}

// newJoinEnvLog is newJoinEnv logging to log.
func newJoinEnvLog(t testing.TB, engine string, cfg Config, log *slog.Logger, stack ...middleware.Options) *testEnv {
	t.Helper()
	s := demotest.Open(t, engine, demo.Options{Members: 1500, Seed: 7, Today: time.Now()})
	cfg.LoginLimiter = auth.Unlimited{}
	if cfg.JoinLimiter == nil {
		cfg.JoinLimiter = auth.Unlimited{}
	}
	if cfg.JoinMinDelay == 0 {
		cfg.JoinMinDelay = -1
	}
	h, root := newTestHandlerLog(t, s, cfg, log, stack...)
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return &testEnv{URL: srv.URL, Store: s, h: h}
}

func anon() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var stampRE = regexp.MustCompile(`name="stamp" value="([^"]+)"`)

// joinForm fetches the join page and returns a valid form to post.
func joinForm(t *testing.T, c *http.Client, base string, extra url.Values) url.Values {
	t.Helper()
	st, body := get(t, c, base+"/bli-medlem")
	if st != 200 {
		t.Fatalf("join page: %d", st)
	}
	m := stampRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no stamp on the join page")
	}
	f := url.Values{"stamp": {html.UnescapeString(m[1])}, "first_name": {"Sara"}, "last_name": {"Søker"}, "email": {"sara.soker@example.no"},
		"mobile": {"915 55 123"}, "postal_code": {"7010"}, "type": {"ordinary"}, "consent": {"1"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// referrer is a demo user's person with a referral code.
func referrer(t *testing.T, e *testEnv, username string) (*access.Principal, string) {
	t.Helper()
	p := e.principal(t, username)
	code, err := e.Store.ReferralCode(context.Background(), p, p.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	return p, code
}

func TestJoinPageAndApplications(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newJoinEnv(t, engine, Config{})
			ctx := context.Background()
			c := anon()
			for lang, want := range map[string]string{"": "Bli medlem", "?lang=en": "Join the union", "?lang=pl": "Zapisz się do związku"} {
				st, body := get(t, c, e.URL+"/bli-medlem"+lang)
				if st != 200 || !strings.Contains(body, want) || !strings.Contains(body, `for="email"`) {
					t.Errorf("join page %q: %d, lacks %q", lang, st, want)
				}
			}
			if _, body := get(t, c, e.URL+"/bli-medlem?lang=pl"); !strings.Contains(body, `<html lang="pl">`) {
				t.Error("Polish page not marked lang=pl")
			}

			// Workplace search: at most ten, name and municipality only.
			admin := e.principal(t, "admin")
			steward, code := referrer(t, e, "tillitsvalgt")
			wps, err := e.Store.WorkplacesUnder(ctx, admin, steward.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 {
				t.Fatal(err)
			}
			wp := wps[0]
			_, res := get(t, c, e.URL+"/bli-medlem/arbeidsplasser?workplace_q="+url.QueryEscape(wp.Orgnr))
			if !strings.Contains(res, html.EscapeString(wp.Name)) || strings.Contains(res, wp.Orgnr) {
				t.Errorf("search by orgnr: %s", res)
			}
			_, res = get(t, c, e.URL+"/bli-medlem/arbeidsplasser?workplace_q=a")
			if n := strings.Count(res, `name="workplace_id"`); n > 10 {
				t.Errorf("%d results", n)
			}

			// Every field wrong, with script in each: messages by the
			// fields, input kept, nothing executable.
			payload := `"><img src=x onerror=alert(1)><script>alert(2)</script>`
			bad := joinForm(t, c, e.URL, url.Values{"consent": nil, "type": {"student"}})
			for _, k := range []string{"first_name", "last_name", "email", "mobile", "postal_code", "fnr", "institution", "programme", "graduation", "ref", "workplace_q"} {
				bad.Set(k, k+payload)
			}
			st, body := post(t, c, e.URL+"/bli-medlem", bad)
			if st != 400 {
				t.Fatalf("bad form: %d", st)
			}
			for _, id := range []string{"email-error", "mobile-error", "postal_code-error", "fnr-error", "graduation-error", "consent-error"} {
				if !strings.Contains(body, `id="`+id+`"`) {
					t.Errorf("no %s", id)
				}
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Error("payload not escaped")
			}
			if !strings.Contains(body, html.EscapeString("first_name"+payload)) && !strings.Contains(body, "first_name&#34;&gt;&lt;img") {
				t.Error("input not kept")
			}

			// Honeypot: told it went well, nothing stored.
			before := countRows(t, e, `SELECT count(*) FROM memberships`)
			hp := joinForm(t, c, e.URL, url.Values{"website": {"http://spam"}})
			if st, _ := post(t, c, e.URL+"/bli-medlem", hp); st != http.StatusSeeOther {
				t.Errorf("honeypot: %d", st)
			}
			if countRows(t, e, `SELECT count(*) FROM memberships`) != before {
				t.Error("honeypot stored an application")
			}

			// A good application via a referral link.
			if _, body := get(t, c, e.URL+"/bli-medlem?ref="+code); !strings.Contains(body, `id="referrer"`) {
				t.Error("referral link does not show the recruiter")
			}
			good := joinForm(t, c, e.URL, url.Values{"ref": {code}, "workplace_id": {fmt.Sprint(wp.ID)}})
			if st, body := post(t, c, e.URL+"/bli-medlem", good); st != http.StatusSeeOther {
				t.Fatalf("good form: %d %s", st, body)
			}
			// Nothing until the link in the e-mail is used: it shows a
			// button, and the button confirms.
			if n := countRows(t, e, `SELECT count(*) FROM persons WHERE email = 'sara.soker@example.no'`); n != 0 {
				t.Fatal("a person was created before the e-mail address was confirmed")
			}
			link := outboxLink(t, e, "sara.soker@example.no")
			if st, body := get(t, c, link); st != 200 || !strings.Contains(body, `id="join-confirm-button"`) {
				t.Fatalf("confirmation page: %d %s", st, body)
			}
			if n := countRows(t, e, `SELECT count(*) FROM persons WHERE email = 'sara.soker@example.no'`); n != 0 {
				t.Fatal("opening the link confirmed")
			}
			if st, body := post(t, c, link, url.Values{}); st != 200 || !strings.Contains(body, `id="join-confirmed"`) {
				t.Fatalf("confirm: %d %s", st, body)
			}
			var mid, recruiter int64
			if err := e.Store.DB().QueryRow(`SELECT m.id, m.recruited_by FROM memberships m JOIN persons p ON p.id = m.person_id
				WHERE p.email = 'sara.soker@example.no' AND m.status = 'pending'`).Scan(&mid, &recruiter); err != nil {
				t.Fatal(err)
			}
			if recruiter != steward.PersonID {
				t.Errorf("recruiter %d, want %d", recruiter, steward.PersonID)
			}

			// The union sees and approves it; a steward may not.
			sc := e.login(t, "tillitsvalgt")
			if st, _ := get(t, sc, e.URL+"/applications"); st != 403 {
				t.Errorf("steward /applications: %d", st)
			}
			if st, _ := post(t, sc, fmt.Sprintf("%s/applications/%d/approve", e.URL, mid), url.Values{}); st != 403 {
				t.Errorf("steward approves: %d", st)
			}
			rc := e.login(t, "radgiver")
			if st, _ := get(t, rc, e.URL+"/applications"); st != 200 {
				t.Errorf("advisor /applications: %d", st)
			}
			ac := e.login(t, "admin")
			if st, body := get(t, ac, e.URL+"/applications"); st != 200 || !strings.Contains(body, fmt.Sprintf(`id="app-%d"`, mid)) {
				t.Errorf("admin /applications: %d", st)
			}
			if st, _ := post(t, ac, fmt.Sprintf("%s/applications/%d/reject", e.URL, mid), url.Values{}); st != 400 {
				t.Errorf("reject without reason: %d", st)
			}
			if st, _ := post(t, ac, fmt.Sprintf("%s/applications/%d/approve", e.URL, mid), url.Values{}); st != http.StatusSeeOther {
				t.Errorf("approve: %d", st)
			}
			if n := countRows(t, e, `SELECT count(*) FROM memberships WHERE id = $1 AND status = 'active'`, mid); n != 1 {
				t.Error("not approved")
			}

			// To the member register: refused from another site, then the
			// file once; the next export is empty.
			req, _ := http.NewRequest("GET", e.URL+"/applications/export", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := ac.Do(req); err != nil || resp.StatusCode != 403 {
				t.Errorf("cross-site export: %v %v", resp.Status, err)
			} else {
				resp.Body.Close()
			}
			if _, body := get(t, ac, e.URL+"/applications"); !strings.Contains(body, `id="register-export"`) {
				t.Error("no export link on /applications")
			}
			st, csvBody := get(t, ac, e.URL+"/applications/export")
			if st != 200 || !strings.HasPrefix(csvBody, "\uFEFFFornavn;Etternavn;Fødselsdato;Fødselsnummer") || !strings.Contains(csvBody, "Sara;Søker;") ||
				!strings.Contains(csvBody, wp.Orgnr) {
				t.Errorf("export: %d\n%s", st, csvBody)
			}
			if _, again := get(t, ac, e.URL+"/applications/export"); strings.Contains(again, "Sara") {
				t.Error("exported twice")
			}

			// Referral page, QR codes, opt-in and leaderboard.
			if st, body := get(t, sc, e.URL+"/me/referral"); st != 200 || !strings.Contains(body, code) {
				t.Errorf("/me/referral: %d", st)
			}
			for path, ct := range map[string]string{"/me/referral/qr.svg": "image/svg+xml", "/me/referral/qr.png": "image/png"} {
				resp, err := sc.Get(e.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || len(b) < 200 {
					t.Errorf("%s: %d %s %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
				}
			}
			if st, _ := post(t, sc, e.URL+"/me/referral/opt-in", url.Values{"on": {"1"}}); st != http.StatusSeeOther {
				t.Errorf("opt in: %d", st)
			}
			if on, _ := e.Store.LeaderboardOptIn(ctx, steward); !on {
				t.Error("not opted in")
			}
			if st, body := get(t, sc, e.URL+"/referral/leaderboard"); st != 200 || !strings.Contains(body, `<option value="-1">Mitt område</option>`) {
				t.Errorf("leaderboard: %d, or no choice of the steward's own area", st)
			}
			if st, body := get(t, sc, e.URL+"/referral/leaderboard?unit=-1"); st != 200 || !strings.Contains(body, `<option value="-1" selected>`) {
				t.Errorf("leaderboard of the steward's area: %d", st)
			}

			// Dues: by hand (the steward may not), by API, by CSV.
			if st, _ := post(t, sc, fmt.Sprintf("%s/persons/%d/dues", e.URL, recruiter), url.Values{"membership_id": {fmt.Sprint(mid)}, "month": {"2026-01"}, "amount": {"300"}}); st != 403 {
				t.Errorf("steward records dues: %d", st)
			}
			resp, err := ac.Post(fmt.Sprintf("%s/api/v1/memberships/%d/payments", e.URL, mid), "application/json", strings.NewReader(`{"month":"2026-02","amount":350}`))
			if err != nil || resp.StatusCode != 201 {
				t.Errorf("API payment: %v %v", resp.Status, err)
			}
			resp.Body.Close()
			var applicant int64
			e.Store.DB().QueryRow(`SELECT person_id FROM memberships WHERE id = $1`, mid).Scan(&applicant)
			if st, body := get(t, ac, fmt.Sprintf("%s/persons/%d/referral", e.URL, applicant)); st != 200 || !strings.Contains(body, "02.2026: 350,00 kr") ||
				!strings.Contains(body, `id="dues-form"`) {
				t.Errorf("person referral section: %d %s", st, body)
			}
			resp, err = ac.Post(fmt.Sprintf("%s/api/v1/memberships/%d/payments", e.URL, mid), "application/json", strings.NewReader(`{"month":"2026-02","amount":350}`))
			if err != nil || resp.StatusCode != 409 {
				t.Errorf("same month again by API: %v %v", resp.Status, err)
			}
			resp.Body.Close()
		})
	}
}

var confirmLinkRE = regexp.MustCompile(`https?://[^/\s]+/(?:bli-medlem/bekreft|join/confirm)/[A-Za-z0-9_-]+\?lang=[a-z]+`)

// outboxLink returns the confirmation link in the latest e-mail queued to
// addr.
func outboxLink(t *testing.T, e *testEnv, addr string) string {
	t.Helper()
	var body string
	if err := e.Store.DB().QueryRow(`SELECT text_body FROM outbox WHERE to_addr = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`,
		addr, model.MailJoinLink).Scan(&body); err != nil {
		t.Fatalf("no confirmation e-mail to %s: %v", addr, err)
	}
	link := confirmLinkRE.FindString(body)
	if link == "" {
		t.Fatalf("no link in %q", body)
	}
	return link
}

func countRows(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestJoinGuard(t *testing.T) {
	g := newJoinGuard(3 * time.Second)
	now := time.Now()
	if g.check(g.stamp(now), now) {
		t.Error("sent at once, accepted")
	}
	if !g.check(g.stamp(now.Add(-5*time.Second)), now) {
		t.Error("five seconds old, refused")
	}
	if g.check(g.stamp(now.Add(-25*time.Hour)), now) {
		t.Error("a day old, accepted")
	}
	forged := fmt.Sprint(now.Add(-time.Minute).Unix()) + ".AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
	for _, s := range []string{forged, "", "x.y", "123", "1.2.3"} {
		if g.check(s, now) {
			t.Errorf("%q accepted", s)
		}
	}
	s := g.stamp(now.Add(-time.Minute))
	if !g.check(s, now) || g.check(s, now) {
		t.Error("a stamp is not good exactly once")
	}
}

// TestJoinGuardForgetsWithinBounds fills the memory of used stamps: it
// stays bounded, and no used stamp works again, even forgotten ones.
func TestJoinGuardForgetsWithinBounds(t *testing.T) {
	g := newJoinGuard(0)
	g.maxUsed = 8
	now := time.Now()
	var used []string
	for i := range 50 {
		s := g.stamp(now.Add(time.Duration(i-50) * time.Minute))
		if !g.check(s, now) {
			t.Fatalf("stamp %d refused", i)
		}
		used = append(used, s)
		if len(g.used) > g.maxUsed {
			t.Fatalf("%d ids remembered, at most %d", len(g.used), g.maxUsed)
		}
	}
	for i, s := range used {
		if g.check(s, now) {
			t.Errorf("stamp %d accepted twice", i)
		}
	}
	if !g.check(g.stamp(now.Add(-time.Second)), now) {
		t.Error("a new stamp refused")
	}
	// Expired ids go first: a day later the memory is free again.
	later := now.Add(stampLife + time.Hour)
	for i := range 8 {
		if !g.check(g.stamp(later.Add(time.Duration(i-10)*time.Second)), later) {
			t.Fatalf("later stamp %d refused", i)
		}
	}
	if len(g.used) > g.maxUsed {
		t.Errorf("%d ids remembered", len(g.used))
	}
}

// TestJoinStampSingleUse posts the same form twice: the second post is
// answered as a forged stamp is, and makes no second application or mail.
func TestJoinStampSingleUse(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{})
	c := anon()
	f := joinForm(t, c, e.URL, url.Values{"email": {"to.ganger@example.no"}})
	if st, body := post(t, c, e.URL+"/bli-medlem", f); st != http.StatusSeeOther {
		t.Fatalf("first post: %d %s", st, body)
	}
	st, replay := post(t, c, e.URL+"/bli-medlem", f)
	f.Set("stamp", fmt.Sprint(time.Now().Add(-time.Minute).Unix())+".AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")
	fst, forged := post(t, c, e.URL+"/bli-medlem", f)
	same := func(s string) string { return stampRE.ReplaceAllString(s, "STAMP") }
	if st != http.StatusBadRequest || st != fst || same(replay) != same(forged) || !strings.Contains(replay, `value="to.ganger@example.no"`) {
		t.Errorf("replay: %d, forged: %d, same page: %v", st, fst, same(replay) == same(forged))
	}
	if n := countRows(t, e, `SELECT count(*) FROM applications WHERE email = 'to.ganger@example.no'`); n != 1 {
		t.Errorf("%d applications", n)
	}
	if n := countRows(t, e, `SELECT count(*) FROM outbox WHERE to_addr = 'to.ganger@example.no'`); n != 1 {
		t.Errorf("%d e-mails queued", n)
	}
}

// TestJoinSearchLimit: the public workplace search answers 429 with a
// message in the page's language once an address has searched too often;
// another address (through a trusted proxy) still gets results.
func TestJoinSearchLimit(t *testing.T) {
	proxies, err := auth.ParseProxies("127.0.0.1/32, ::1/128")
	if err != nil {
		t.Fatal(err)
	}
	e := newJoinEnv(t, "sqlite", Config{JoinSearchLimiter: auth.NewWindowLimiter(3, time.Minute)}, middleware.Options{Proxies: proxies})
	var name string
	if err := e.Store.DB().QueryRow(`SELECT name FROM workplaces ORDER BY id LIMIT 1`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	search := func(from, lang string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.URL+"/bli-medlem/arbeidsplasser?workplace_q="+url.QueryEscape(name)+"&lang="+lang, nil)
		req.Header.Set("X-Forwarded-For", from)
		resp, body := send(t, http.DefaultClient, req)
		return resp.StatusCode, resp.Header.Get("Retry-After"), body
	}
	for range 3 {
		if st, _, body := search("198.51.100.7", "nb"); st != 200 || !strings.Contains(body, html.EscapeString(name)) {
			t.Fatalf("within the limit: %d", st)
		}
	}
	for lang, want := range map[string]string{"nb": "For mange søk", "en": "Too many searches", "pl": "Zbyt wiele wyszukiwań"} {
		st, retry, body := search("198.51.100.7", lang)
		if st != http.StatusTooManyRequests || retry == "" || !strings.Contains(body, want) || !strings.Contains(body, `id="workplace-results"`) ||
			strings.Contains(body, html.EscapeString(name)) {
			t.Errorf("%s over the limit: %d %q\n%s", lang, st, retry, body)
		}
	}
	if st, _, _ := search("198.51.100.8", "nb"); st != 200 {
		t.Errorf("another address: %d", st)
	}
}

func TestJoinRateLimitKeepsInput(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{JoinLimiter: auth.NewWindowLimiter(1, time.Hour)})
	c := anon()
	f := joinForm(t, c, e.URL, url.Values{"email": {"ikke-epost"}})
	post(t, c, e.URL+"/bli-medlem", f)
	st, body := post(t, c, e.URL+"/bli-medlem", f)
	if st != http.StatusTooManyRequests || !strings.Contains(body, `value="ikke-epost"`) {
		t.Errorf("second post: %d", st)
	}
}

// TestJoinRoutesStayInScope asks, as a shop steward of one club, for the
// referral, QR, dues and application routes of persons in other clubs, and
// expects 403 or 404 every time.
func TestJoinRoutesStayInScope(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{})
	sc := e.login(t, "tillitsvalgt")
	steward := e.principal(t, "tillitsvalgt")
	other := e.principal(t, "tillitsvalgt2")
	if _, err := e.Store.ReferralCode(context.Background(), other, other.PersonID); err != nil {
		t.Fatal(err)
	}
	var mid int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM memberships WHERE person_id = $1 ORDER BY id LIMIT 1`, other.PersonID).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	if steward.Scope(access.PersonRead).Contains(other.Grants[0].UnitPath) {
		t.Fatal("tillitsvalgt2 is inside tillitsvalgt's scope")
	}
	for _, path := range []string{"/persons/%d/referral", "/persons/%d/qr.svg", "/persons/%d/qr.png"} {
		if st, _ := get(t, sc, e.URL+fmt.Sprintf(path, other.PersonID)); st != 403 && st != 404 {
			t.Errorf("GET %s: %d", path, st)
		}
	}
	for path, form := range map[string]url.Values{
		fmt.Sprintf("/persons/%d/referral", other.PersonID):   {},
		fmt.Sprintf("/persons/%d/dues", other.PersonID):       {"membership_id": {fmt.Sprint(mid)}, "month": {"2026-01"}, "amount": {"1"}},
		fmt.Sprintf("/applications/%d/approve", mid):          {},
		fmt.Sprintf("/referral/rewards/1/%d", other.PersonID): {"handed": {"1"}},
		fmt.Sprintf("/api/v1/memberships/%d/payments", mid):   {},
		"/applications/matches/1/merge":                       {},
	} {
		if st, _ := post(t, sc, e.URL+path, form); st != 403 && st != 404 {
			t.Errorf("POST %s: %d", path, st)
		}
	}
	if st, _ := get(t, sc, e.URL+"/applications/export"); st != 403 {
		t.Errorf("GET /applications/export: %d", st)
	}
	// Nothing was written on the way.
	if n := countRows(t, e, `SELECT count(*) FROM dues_payments`); n != 0 {
		t.Errorf("%d payments written", n)
	}
}

// joinPost posts a join form and follows its redirect by hand: the
// status, where it points and the page it leads to.
func joinPost(t *testing.T, c *http.Client, base string, f url.Values) string {
	t.Helper()
	resp, err := c.Post(base+"/bli-medlem", "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	st, page := get(t, c, base+resp.Header.Get("Location"))
	return fmt.Sprintf("%d %s\n%s\n%d\n%s", resp.StatusCode, resp.Header.Get("Location"), b, st, page)
}

// tableDump is every row of persons, memberships and tasks.
func tableDump(t *testing.T, e *testEnv) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, first_name, last_name, email, mobile, postal_code, COALESCE(fnr_hash, ''), COALESCE(workplace_id, 0), member_status, updated_at FROM persons ORDER BY id`,
		`SELECT id, person_id, type, status, COALESCE(recruited_by, 0) FROM memberships ORDER BY id`,
		`SELECT id, person_id, kind, status, COALESCE(owner_person_id, 0) FROM tasks ORDER BY id`,
	} {
		b.WriteString(storagetest.Dump(t, e.Store.DB(), q))
	}
	return b.String()
}

// TestJoinRevealsNothing is issue 9's done-when: a member's fødselsnummer
// or e-mail typed on the join page gives the same page and, read back from
// a real SMTP server, the same e-mail text as a stranger's; until the link
// is used nobody changes; forged, expired and replayed links are refused
// with a clear message and change nothing.
func TestJoinRevealsNothing(t *testing.T) {
	smtp := mailtest.Start(t)
	host, port := smtp.SMTPHostPort()
	sender, err := mail.NewSMTP(mail.Config{Host: host, Port: port, From: "post@forbundet.example.no", TLS: mail.TLSNone, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newJoinEnv(t, engine, Config{})
			ctx := context.Background()
			clock := &movableClock{}
			e.Store.SetClock(clock.now)
			deliver := mail.NewDeliverer(e.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
			deliver.Now = clock.now
			admin := e.principal(t, "admin")
			wps, err := e.Store.WorkplacesUnder(ctx, admin, admin.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 {
				t.Fatal(err)
			}
			member := &model.Person{FirstName: "Mona", LastName: "Medlem", MemberStatus: model.StatusActive, Email: "mona." + engine + "@example.no",
				Mobile: "41222222", Fnr: "01019012480", WorkplaceID: wps[0].ID}
			if err := e.Store.CreatePerson(ctx, admin, member); err != nil {
				t.Fatal(err)
			}
			before := tableDump(t, e)

			c := anon()
			form := func(email, fnr string) url.Values {
				return joinForm(t, c, e.URL, url.Values{"first_name": {"Ola"}, "last_name": {"Olsen"}, "email": {email}, "fnr": {fnr}})
			}
			stranger := "ola." + engine + "@example.no"
			strangerFnr := norway.GenerateFnr(time.Date(1978, 5, 15, 0, 0, 0, 0, time.UTC), false, rand.New(rand.NewPCG(9, 9)))
			cases := []struct{ what, email, fnr string }{
				{"a stranger", stranger, strangerFnr},
				{"a member's fødselsnummer", "fremmed." + engine + "@example.no", member.Fnr},
				{"a member's e-mail", member.Email, ""},
				{"the stranger again", stranger, strangerFnr},
			}
			var firstPage string
			for i, k := range cases {
				page := joinPost(t, c, e.URL, form(k.email, k.fnr))
				if i == 0 {
					firstPage = page
					if !strings.HasPrefix(page, "303 /bli-medlem/takk") || !strings.Contains(page, `id="join-done"`) {
						t.Fatalf("thank-you: %s", page)
					}
				} else if page != firstPage {
					t.Errorf("%s: the page differs:\n%s\n---\n%s", k.what, page, firstPage)
				}
			}
			if _, _, err := deliver.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			var firstMail string
			links := map[string]string{}
			for i, k := range cases {
				n := 0 // the how-manieth e-mail to this address
				for _, o := range cases[:i+1] {
					if o.email == k.email {
						n++
					}
				}
				m := waitMessages(t, smtp, k.email, n)[n-1]
				text := confirmLinkRE.ReplaceAllString(m.Text, "LINK")
				if i == 0 {
					firstMail = m.Subject + "\n" + text
					if m.Subject != "Bekreft innmeldingen din" || !strings.Contains(text, "Hei Ola,") || !strings.Contains(text, "LINK") {
						t.Errorf("confirmation e-mail: %s", firstMail)
					}
				} else if m.Subject+"\n"+text != firstMail {
					t.Errorf("%s: the e-mail differs:\n%s\n---\n%s", k.what, m.Subject+"\n"+text, firstMail)
				}
				links[k.what] = confirmLinkRE.FindString(m.Text)
			}
			if tableDump(t, e) != before {
				t.Fatal("an unconfirmed application changed persons, memberships or tasks")
			}

			// Refused links: forged, expired, replayed.
			refused := func(what, link string, status int, msg string) {
				t.Helper()
				for _, method := range []string{"GET", "POST"} {
					var st int
					var body string
					if method == "GET" {
						st, body = get(t, c, link)
					} else {
						st, body = post(t, c, link, url.Values{})
					}
					if st != status || !strings.Contains(body, msg) || !strings.Contains(body, `id="link-refused"`) {
						t.Errorf("%s link, %s: %d, lacks %q", what, method, st, msg)
					}
				}
			}
			refused("forged", e.URL+"/bli-medlem/bekreft/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en", 404, "The link is not valid")
			clock.add(49 * time.Hour)
			refused("expired", links["a member's e-mail"], 410, "Lenken er utløpt")
			clock.add(-49 * time.Hour)
			if tableDump(t, e) != before {
				t.Fatal("a refused link changed something")
			}
			if st, body := post(t, c, links["a stranger"], url.Values{}); st != 200 || !strings.Contains(body, "Innmeldingen er bekreftet") {
				t.Fatalf("confirm: %d", st)
			}
			after := tableDump(t, e)
			refused("replayed", links["a stranger"], 409, "Lenken er allerede brukt")
			if tableDump(t, e) != after {
				t.Fatal("a replayed link changed something")
			}

			// The applicant who typed the member's number: a new person, and
			// the approver sees the possible match and decides it.
			if st, _ := post(t, c, links["a member's fødselsnummer"], url.Values{}); st != 200 {
				t.Fatalf("confirm: %d", st)
			}
			var matchID int64
			if err := e.Store.DB().QueryRow(`SELECT id FROM match_candidates WHERE candidate_id = $1 AND source = 'join' AND match = 'fnr'`, member.ID).Scan(&matchID); err != nil {
				t.Fatal(err)
			}
			ac := e.login(t, "admin")
			if st, body := get(t, ac, e.URL+"/applications"); st != 200 || !strings.Contains(body, "Mulig samme person som") ||
				!strings.Contains(body, fmt.Sprintf(`action="/applications/matches/%d/merge"`, matchID)) {
				t.Errorf("/applications does not show the possible match: %d", st)
			}
			if st, _ := post(t, ac, fmt.Sprintf("%s/applications/matches/%d/distinct", e.URL, matchID), url.Values{}); st != http.StatusSeeOther {
				t.Errorf("decide: %d", st)
			}
			if n := countRows(t, e, `SELECT count(*) FROM match_candidates WHERE id = $1 AND decision = 'distinct'`, matchID); n != 1 {
				t.Error("not decided")
			}
		})
	}
}

// waitMessages waits for at least n messages to addr and returns them,
// oldest first.
func waitMessages(t *testing.T, smtp *mailtest.Server, addr string, n int) []mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out []mailtest.Message
		ms, err := smtp.Messages(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if slices.Contains(m.To, addr) {
				out = append(out, m)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages to %s, want %d", len(out), addr, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
