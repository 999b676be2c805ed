package ui

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// newJoinEnv is newEnv with the join form's limiter off and no minimum
// time to submit, so tests can post at once.
func newJoinEnv(t testing.TB, engine string, cfg Config) *testEnv {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := demo.Generate(ctx, s, demo.Options{Members: 1500, Seed: 7, Today: time.Now()}); err != nil {
		t.Fatal(err)
	}
	cfg.LoginLimiter = auth.Unlimited{}
	if cfg.JoinLimiter == nil {
		cfg.JoinLimiter = auth.Unlimited{}
	}
	if cfg.JoinMinDelay == 0 {
		cfg.JoinMinDelay = -1
	}
	h, err := New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testEnv{URL: srv.URL, Store: s}
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
	code, err := e.Store.ReferralCode(context.Background(), p, model.Actor{Username: "test"}, p.PersonID)
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

			// Referral page, QR codes, opt-in and leaderboard.
			if st, body := get(t, sc, e.URL+"/meg/verving"); st != 200 || !strings.Contains(body, code) {
				t.Errorf("/meg/verving: %d", st)
			}
			for path, ct := range map[string]string{"/meg/verving/qr.svg": "image/svg+xml", "/meg/verving/qr.png": "image/png"} {
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
			if st, _ := post(t, sc, e.URL+"/meg/verving/toppliste", url.Values{"on": {"1"}}); st != http.StatusSeeOther {
				t.Errorf("opt in: %d", st)
			}
			if on, _ := e.Store.LeaderboardOptIn(ctx, steward); !on {
				t.Error("not opted in")
			}
			if st, _ := get(t, sc, e.URL+"/verving/toppliste"); st != 200 {
				t.Errorf("leaderboard: %d", st)
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
			if st, body := get(t, ac, fmt.Sprintf("%s/persons/%d/verving", e.URL, applicant)); st != 200 || !strings.Contains(body, "02.2026: 350,00 kr") ||
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
	forged := fmt.Sprint(now.Add(-time.Minute).Unix()) + ".AAAAAAAAAAAAAAAAAAAAAA"
	for _, s := range []string{forged, "", "x.y", "123"} {
		if g.check(s, now) {
			t.Errorf("%q accepted", s)
		}
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
	if _, err := e.Store.ReferralCode(context.Background(), other, model.Actor{}, other.PersonID); err != nil {
		t.Fatal(err)
	}
	var mid int64
	if err := e.Store.DB().QueryRow(`SELECT id FROM memberships WHERE person_id = $1 ORDER BY id LIMIT 1`, other.PersonID).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	if steward.Scope(access.PersonRead).Contains(other.Grants[0].UnitPath) {
		t.Fatal("tillitsvalgt2 is inside tillitsvalgt's scope")
	}
	for _, path := range []string{"/persons/%d/verving", "/persons/%d/qr.svg", "/persons/%d/qr.png"} {
		if st, _ := get(t, sc, e.URL+fmt.Sprintf(path, other.PersonID)); st != 403 && st != 404 {
			t.Errorf("GET %s: %d", path, st)
		}
	}
	for path, form := range map[string]url.Values{
		fmt.Sprintf("/persons/%d/referral", other.PersonID):  {},
		fmt.Sprintf("/persons/%d/dues", other.PersonID):      {"membership_id": {fmt.Sprint(mid)}, "month": {"2026-01"}, "amount": {"1"}},
		fmt.Sprintf("/applications/%d/approve", mid):         {},
		fmt.Sprintf("/verving/premier/1/%d", other.PersonID): {"handed": {"1"}},
		fmt.Sprintf("/api/v1/memberships/%d/payments", mid):  {},
	} {
		if st, _ := post(t, sc, e.URL+path, form); st != 403 && st != 404 {
			t.Errorf("POST %s: %d", path, st)
		}
	}
	// Nothing was written on the way.
	if n := countRows(t, e, `SELECT count(*) FROM dues_payments`); n != 0 {
		t.Errorf("%d payments written", n)
	}
}
