package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// getHost fetches url with a forged Host header and c's cookies (a
// client's jar would pick them by that Host).
func getHost(t *testing.T, c *http.Client, url, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Host = host
	for _, k := range c.Jar.Cookies(req.URL) {
		req.AddCookie(k)
	}
	resp, body := send(t, &http.Client{}, req)
	return resp.StatusCode, body
}

// TestMyReferralMadeByPost: opening /me/referral makes nothing; the
// button's POST makes the code once, audited; the link, the QR code and
// the person page's link come from --public-url whatever Host the request
// names.
func TestMyReferralMadeByPost(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			const public = "https://medlem.forbundet.example"
			e := newJoinEnv(t, engine, Config{PublicURL: public + "/"})
			steward := e.principal(t, "tillitsvalgt")
			sc := e.login(t, "tillitsvalgt")
			codes := func() int {
				return countRows(t, e, `SELECT count(*) FROM referral_codes WHERE person_id = $1`, steward.PersonID)
			}
			audits := func() int {
				return countRows(t, e, `SELECT count(*) FROM audit_log WHERE entity = 'referral_code' AND entity_id = $1`, steward.PersonID)
			}

			for range 2 {
				if st, body := get(t, sc, e.URL+"/me/referral"); st != 200 || !strings.Contains(body, `id="make-referral"`) || strings.Contains(body, `id="ref-link"`) {
					t.Fatalf("/me/referral without a code: %d", st)
				}
			}
			if st, _ := get(t, sc, e.URL+"/me/referral/qr.svg"); st != http.StatusNotFound {
				t.Errorf("QR code without a code: %d", st)
			}
			if codes() != 0 || audits() != 0 {
				t.Fatal("a GET made a referral code")
			}

			// From another site, or without a session: refused.
			req, _ := http.NewRequest("POST", e.URL+"/me/referral", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := sc.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST: %v %v", resp.Status, err)
			} else {
				resp.Body.Close()
			}
			if st, _ := post(t, anon(), e.URL+"/me/referral", url.Values{}); st != http.StatusUnauthorized {
				t.Errorf("POST without a session: %d", st)
			}
			if codes() != 0 {
				t.Fatal("a refused POST made a referral code")
			}

			for range 2 {
				resp, err := sc.PostForm(e.URL+"/me/referral", url.Values{})
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me/referral" {
					t.Fatalf("make: %d %s", resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			if codes() != 1 || audits() != 1 {
				t.Fatalf("%d codes, %d audit entries, want one each", codes(), audits())
			}
			code, err := e.Store.ExistingReferralCode(t.Context(), steward, steward.PersonID)
			if err != nil || code == "" {
				t.Fatal(code, err)
			}
			link := public + "/bli-medlem?ref=" + code

			st, body := getHost(t, sc, e.URL+"/me/referral", "evil.example")
			if st != 200 || !strings.Contains(body, `href="`+link+`"`) || strings.Contains(body, "evil.example") || strings.Contains(body, `id="make-referral"`) {
				t.Errorf("/me/referral with a forged Host: %d\n%s", st, body)
			}
			want, err := qrSVG(link)
			if err != nil {
				t.Fatal(err)
			}
			if st, svg := getHost(t, sc, e.URL+"/me/referral/qr.svg", "evil.example"); st != 200 || svg != string(want) {
				t.Errorf("QR code with a forged Host: %d, not the public link", st)
			}
			ac := e.login(t, "admin")
			person := fmt.Sprintf("%s/persons/%d", e.URL, steward.PersonID)
			if st, body := getHost(t, ac, person+"/referral", "evil.example"); st != 200 || !strings.Contains(body, `href="`+link+`"`) || strings.Contains(body, "evil.example") {
				t.Errorf("person referral section with a forged Host: %d\n%s", st, body)
			}
			if st, svg := getHost(t, ac, person+"/qr.svg", "evil.example"); st != 200 || svg != string(want) {
				t.Errorf("person QR code with a forged Host: %d", st)
			}
		})
	}
}

// TestReferralLinkWithoutPublicURL: without --public-url the link is on
// the host the request came to (documented in the README).
func TestReferralLinkWithoutPublicURL(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{})
	_, code := referrer(t, e, "tillitsvalgt")
	sc := e.login(t, "tillitsvalgt")
	if _, body := get(t, sc, e.URL+"/me/referral"); !strings.Contains(body, `href="`+e.URL+"/bli-medlem?ref="+code+`"`) {
		t.Errorf("link not on the request's host:\n%s", body)
	}
}
