package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

var signinLinkRE = regexp.MustCompile(`https?://[^\s/]+/login/link/[A-Za-z0-9_-]{43}`)

// demoAddress is the e-mail address `verve demo` would send user's link
// to ("" for the plain member).
func demoAddress(t testing.TB, e *testEnv, user string) string {
	t.Helper()
	as, err := e.Store.DemoSigninAddresses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a[0] == user {
			return a[1]
		}
	}
	t.Fatalf("no address for %q in %v", user, as)
	return ""
}

// mailedLink delivers the outbox to smtp until a sign-in link to this
// server that is not in seen has arrived for addr (the link is queued in
// the background), and returns it, adding it to seen.
func mailedLink(t *testing.T, e *testEnv, deliver *mail.Deliverer, smtp *mailtest.Server, addr string, seen map[string]bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, _, err := deliver.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		ms, err := smtp.Messages(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			link := signinLinkRE.FindString(m.Text)
			if !slices.Contains(m.To, addr) || !strings.HasPrefix(link, e.URL+"/") || seen[link] {
				continue
			}
			if m.Subject != "Innloggingslenke til Verve" {
				t.Fatalf("sign-in e-mail %q: %s", m.Subject, m.Text)
			}
			seen[link] = true
			return link
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new sign-in link to %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSigninLinkThroughSMTP is issue 14's done-when for links: a chief
// shop steward and a plain member each ask for a link, read it from a
// real SMTP server, open it (which signs no one in), confirm, and land
// signed in: the steward on their workplace, the member with their own
// referral page and nothing else. The form answers the same for an
// unknown and a shared address, which get no mail; a used link is
// refused.
func TestSigninLinkThroughSMTP(t *testing.T) {
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
			deliver := mail.NewDeliverer(e.Store, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
			admin := e.principal(t, "admin")
			wps, err := e.Store.WorkplacesUnder(ctx, admin, admin.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 {
				t.Fatal(err)
			}
			shared := "delt." + engine + "@example.no"
			for _, n := range []string{"En", "To"} {
				p := &model.Person{FirstName: "Delt", LastName: n, MemberStatus: model.StatusActive, Email: shared, WorkplaceID: wps[0].ID}
				if err := e.Store.CreatePerson(ctx, admin, p); err != nil {
					t.Fatal(err)
				}
			}
			// A chief shop steward of the demo steward's club, with no user yet.
			tv := e.principal(t, "tillitsvalgt")
			swps, err := e.Store.WorkplacesUnder(ctx, tv, tv.Grants[0].UnitPath, 1)
			if err != nil || len(swps) == 0 {
				t.Fatal(err)
			}
			chiefP := &model.Person{FirstName: "Hege", LastName: "Hovedtillitsvalgt", MemberStatus: model.StatusActive, Email: "hege." + engine + "@example.no", WorkplaceID: swps[0].ID}
			if err := e.Store.CreatePerson(ctx, admin, chiefP); err != nil {
				t.Fatal(err)
			}
			// One chief shop steward at a time: the demo's hands over to Hege.
			start := e.Store.Today().AddDate(0, -1, 0)
			if _, err := e.Store.DB().Exec(`UPDATE roles SET end_date = $1 WHERE unit_id = $2 AND role = $3 AND (end_date IS NULL OR end_date > $1)`,
				start, tv.Grants[0].UnitID, string(model.RoleChiefShopSteward)); err != nil {
				t.Fatal(err)
			}
			if err := e.Store.AddRole(ctx, admin, &model.Role{PersonID: chiefP.ID, Role: model.RoleChiefShopSteward, UnitID: tv.Grants[0].UnitID, StartDate: start}); err != nil {
				t.Fatal(err)
			}
			member, chief := demoAddress(t, e, ""), chiefP.Email

			c := anon()
			seen := map[string]bool{}
			var first string
			for _, addr := range []string{member, "ukjent." + engine + "@example.no", shared, chief} {
				st, body := post(t, c, e.URL+"/login/link", url.Values{"email": {addr}})
				if st != http.StatusOK || !strings.Contains(body, `id="link-sent"`) {
					t.Fatalf("%s: %d %s", addr, st, body)
				}
				if first == "" {
					first = body
				} else if body != first {
					t.Errorf("the answer for %s differs", addr)
				}
			}

			for _, addr := range []string{member, chief} {
				link := mailedLink(t, e, deliver, smtp, addr, seen)
				path := strings.TrimPrefix(link, e.URL)
				c := anon()
				if st, body := get(t, c, link); st != http.StatusOK || !strings.Contains(body, `id="signin-confirm"`) {
					t.Fatalf("opening the link: %d %s", st, body)
				}
				if st, _ := get(t, c, e.URL+"/"); st != http.StatusSeeOther {
					t.Fatalf("opening the link signed in: %d", st)
				}
				if st, _ := post(t, c, e.URL+path, nil); st != http.StatusSeeOther {
					t.Fatalf("confirming: %d", st)
				}
				if st, body := get(t, c, e.URL+"/me/referral"); st != http.StatusOK {
					t.Fatalf("signed in by link, /me/referral: %d %s", st, body)
				}
				if st, body := post(t, anon(), e.URL+path, nil); st != http.StatusNotFound || !strings.Contains(body, "allerede brukt") {
					t.Errorf("a used link: %d %s", st, body)
				}
			}

			// The member sees only themselves; the steward lands on their workplace.
			if st, _ := get(t, e.linkClient(t, deliver, smtp, member, seen), e.URL+"/search?q=a"); st != http.StatusForbidden {
				t.Errorf("a member searched the register: %d", st)
			}
			st, body := get(t, e.linkClient(t, deliver, smtp, chief, seen), e.URL+"/")
			if st != http.StatusOK || !strings.Contains(body, swps[0].Name) {
				t.Errorf("the steward's landing page: %d, without their workplace", st)
			}

			// Neither the unknown nor the shared address got mail.
			ms, err := smtp.Messages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				for _, to := range m.To {
					if strings.HasPrefix(to, "ukjent.") || to == shared {
						t.Errorf("mail to %s", to)
					}
				}
			}
		})
	}
}

// linkClient signs in by a mailed link and returns the client.
func (e *testEnv) linkClient(t *testing.T, deliver *mail.Deliverer, smtp *mailtest.Server, addr string, seen map[string]bool) *http.Client {
	t.Helper()
	c := anon()
	if st, _ := post(t, c, e.URL+"/login/link", url.Values{"email": {addr}}); st != http.StatusOK {
		t.Fatalf("asking for a link: %d", st)
	}
	if st, _ := post(t, c, mailedLink(t, e, deliver, smtp, addr, seen), nil); st != http.StatusSeeOther {
		t.Fatalf("confirming: %d", st)
	}
	return c
}

// TestSecondFactor: an admin enrols TOTP at first sign-in and gets
// recovery codes; until then no page opens. A wrong code, a replayed code
// and a recovery code used twice are refused with clear messages.
func TestSecondFactor(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := anon()
	signin := func() {
		t.Helper()
		resp, err := c.PostForm(e.URL+"/login", url.Values{"username": {"admin"}, "password": {"verve-demo"}, "next": {"/audit"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
			t.Fatalf("password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if st, _ := get(t, c, e.URL+"/audit"); st != http.StatusSeeOther {
			t.Fatalf("a page opened before the second factor: %d", st)
		}
	}
	signin()
	_, page := get(t, c, e.URL+"/login/totp")
	m := regexp.MustCompile(`id="totp-secret" class="secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `src="/login/totp/qr.svg"`) {
		t.Fatalf("enrolment page: %s", page)
	}
	secret := m[1]
	if st, svg := get(t, c, e.URL+"/login/totp/qr.svg"); st != http.StatusOK || !strings.Contains(svg, "<svg") {
		t.Fatalf("QR code: %d", st)
	}
	code := func(d int64) string { return auth.TOTPCode(secret, auth.TOTPStep(e.Store.Now())+d) }
	if st, body := post(t, c, e.URL+"/login/totp", url.Values{"code": {"000000"}}); st != http.StatusUnauthorized || !strings.Contains(body, "Feil kode") {
		t.Fatalf("wrong code: %d", st)
	}
	st, body := post(t, c, e.URL+"/login/totp", url.Values{"code": {code(0)}})
	codes := regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllStringSubmatch(body, -1)
	if st != http.StatusOK || len(codes) != auth.RecoveryCodes || !strings.Contains(body, `href="/audit"`) {
		t.Fatalf("enrolled: %d, %d recovery codes", st, len(codes))
	}
	if st, _ := get(t, c, e.URL+"/audit"); st != http.StatusOK {
		t.Fatalf("after enrolment: %d", st)
	}

	c = anon()
	signin()
	if _, page := get(t, c, e.URL+"/login/totp"); strings.Contains(page, "totp-secret") {
		t.Fatal("an enrolled user was shown a new secret")
	}
	if st, body := post(t, c, e.URL+"/login/totp", url.Values{"code": {code(0)}}); st != http.StatusUnauthorized || !strings.Contains(body, "allerede brukt") {
		t.Fatalf("replayed code: %d", st)
	}
	if st, _ := post(t, c, e.URL+"/login/totp", url.Values{"code": {strings.ToUpper(codes[0][1])}}); st != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", st)
	}
	c = anon()
	signin()
	if st, body := post(t, c, e.URL+"/login/totp", url.Values{"code": {codes[0][1]}}); st != http.StatusUnauthorized || !strings.Contains(body, "gjenopprettingskoden er allerede brukt") {
		t.Fatalf("recovery code twice: %d", st)
	}
	if st, _ := post(t, c, e.URL+"/login/totp", url.Values{"code": {code(1)}}); st != http.StatusSeeOther {
		t.Fatalf("the next code: %d", st)
	}

	// A club's steward needs no second factor.
	resp, err := anon().PostForm(e.URL+"/login", url.Values{"username": {"tillitsvalgt"}, "password": {"verve-demo"}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("steward sent to %s", resp.Header.Get("Location"))
	}
}
