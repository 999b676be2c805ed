package main

import (
	"context"
	"encoding/csv"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// exportPerson is a row of a generated register export the test signs in as.
type exportPerson struct{ email, employer string }

// pickFromExport returns, from a generated export, an active chief shop
// steward who is their club's only one, and an active member without a
// role; each with an e-mail address no one else in the file has, so that
// a link can be sent to it.
func pickFromExport(t *testing.T, file string) (chief, member exportPerson) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	rows = rows[1:]
	emails, chiefs := map[string]int{}, map[string]int{}
	isChief := func(row []string) bool {
		return strings.EqualFold(row[col["Verv"]], "hovedtillitsvalgt") && row[col["Verv til"]] == "" && row[col["Klubbkode"]] != ""
	}
	for _, row := range rows {
		emails[row[col["E-post"]]]++
		if isChief(row) {
			chiefs[row[col["Klubbkode"]]]++
		}
	}
	for _, row := range rows {
		e := row[col["E-post"]]
		if row[col["Status"]] != "Aktiv" || e == "" || emails[e] != 1 {
			continue
		}
		switch {
		case chief.email == "" && isChief(row) && chiefs[row[col["Klubbkode"]]] == 1:
			chief = exportPerson{e, row[col["Arbeidsgiver"]]}
		case member.email == "" && row[col["Verv"]] == "":
			member = exportPerson{e, row[col["Arbeidsgiver"]]}
		}
	}
	if chief.email == "" || member.email == "" {
		t.Fatalf("no chief shop steward (%q) or plain member (%q) in the export", chief.email, member.email)
	}
	return chief, member
}

// TestDone14 is issue 14's done-when, end to end: an empty database, the
// first admin by `verve user add`, a register export by `verve import
// register`, and the server `verve serve` runs with a real SMTP server.
// The admin signs in with password and enrols TOTP; a chief shop steward
// and a plain member from the export each sign in by a mailed link: the
// steward lands on the home page listing their workplace (which opens),
// the member on "Meg", whose referral section shows their link (made there
// with one click when they have none yet, as every imported member).
func TestDone14(t *testing.T) {
	smtp := mailtest.Start(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "register.csv")
	if out, err := runArgs(t, "register", "sample", "--members", "1500", "--today", "2026-11-25", file); err != nil {
		t.Fatalf("register sample: %v\n%s", err, out)
	}
	chief, member := pickFromExport(t, file)
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			db := storagetest.DSN(t, engine)
			if out, err := runArgs(t, "user", "add", "--db", db, "--username", "admin", "--password", "langt-passord"); err != nil {
				t.Fatalf("user add: %v\n%s", err, out)
			}
			if out, err := runArgs(t, "import", "register", "--db", db, file); err != nil || !strings.Contains(out, "Lagret") {
				t.Fatalf("import register: %v\n%s", err, out)
			}
			base := serveForTest(t, db, smtp)

			// The admin: password, then TOTP enrolment, recovery codes, home.
			c := jarClient()
			st, loc := postForm(t, c, base+"/login", url.Values{"username": {"admin"}, "password": {"langt-passord"}, "next": {"/"}})
			if st != http.StatusSeeOther || loc != "/login/totp" {
				t.Fatalf("admin password: %d → %q", st, loc)
			}
			_, page := getPage(t, c, base+"/login/totp")
			m := regexp.MustCompile(`id="totp-secret" class="secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no TOTP enrolment at first sign-in: %s", page)
			}
			code := auth.TOTPCode(m[1], auth.TOTPStep(time.Now()))
			st, body := postPage(t, c, base+"/login/totp", url.Values{"code": {code}})
			codes := regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllString(body, -1)
			if st != http.StatusOK || len(codes) != auth.RecoveryCodes || !strings.Contains(body, `href="/"`) {
				t.Fatalf("TOTP enrolled: %d, %d recovery codes", st, len(codes))
			}
			if st, _ := getPage(t, c, base+"/"); st != http.StatusOK {
				t.Fatalf("admin's home after enrolment: %d", st)
			}

			// The chief steward: link by mail, confirm, home with their workplace.
			c, landing := signInByLink(t, base, smtp, chief.email)
			if landing != "/" {
				t.Fatalf("chief steward sent to %q", landing)
			}
			// Their workplace is listed under "my workplaces", and opens.
			st, body = getPage(t, c, base+"/")
			wp := regexp.MustCompile(`<a href="(/workplaces/\d+)">` + regexp.QuoteMeta(html.EscapeString(chief.employer)) + `</a>`).FindStringSubmatch(body)
			if st != http.StatusOK || wp == nil {
				t.Fatalf("chief steward's home: %d, without a link to their workplace %q", st, chief.employer)
			}
			if st, body := getPage(t, c, base+wp[1]); st != http.StatusOK || !strings.Contains(body, html.EscapeString(chief.employer)) {
				t.Fatalf("chief steward's workplace %s: %d", wp[1], st)
			}

			// The member: link by mail, confirm, on to "Meg" with a referral link.
			c, landing = signInByLink(t, base, smtp, member.email)
			if st, loc := getRedirect(t, c, base+landing); st != http.StatusSeeOther || loc != "/me" {
				t.Fatalf("member's landing %q: %d → %q, want /me", landing, st, loc)
			}
			_, body = getPage(t, c, base+"/me")
			if !strings.Contains(body, `id="me-referral"`) {
				t.Fatalf("no referral section on the member's page: %s", body)
			}
			if !regexp.MustCompile(`id="me-ref-link" href="https?://[^"]+"`).MatchString(body) {
				t.Fatalf("no referral link on the member's page: %s", body)
			}
		})
	}
}

// serveForTest runs serve, as `verve serve --db db` with SMTP at smtp,
// until the test ends, and returns its base URL.
func serveForTest(t *testing.T, db string, smtp *mailtest.Server) string {
	t.Helper()
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	host, port := smtp.SMTPHostPort()
	cfg := serveConfig{publicURL: base, uploadDir: t.TempDir(),
		smtp: mail.Config{Host: host, Port: port, From: "post@forbundet.example.no", TLS: mail.TLSNone, Timeout: 10 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, store, ln, cfg, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		store.Close()
	})
	return base
}

var linkRE = regexp.MustCompile(`https?://[^\s/]+/login/link/[A-Za-z0-9_-]{43}`)

// signInByLink asks for a link for addr, reads it from smtp, opens it and
// confirms; it returns the signed-in client and where it was sent.
func signInByLink(t *testing.T, base string, smtp *mailtest.Server, addr string) (*http.Client, string) {
	t.Helper()
	c := jarClient()
	if st, body := postPage(t, c, base+"/login/link", url.Values{"email": {addr}}); st != http.StatusOK || !strings.Contains(body, `id="link-sent"`) {
		t.Fatalf("asking for a link for %s: %d", addr, st)
	}
	var link string
	for deadline := time.Now().Add(15 * time.Second); link == ""; time.Sleep(50 * time.Millisecond) {
		ms, err := smtp.Messages(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			// One mailpit serves both engines' servers: this server's link.
			if l := linkRE.FindString(m.Text); slices.Contains(m.To, addr) && strings.HasPrefix(l, base+"/") {
				link = l
			}
		}
		if link == "" && time.Now().After(deadline) {
			t.Fatalf("no sign-in link mailed to %s", addr)
		}
	}
	if st, body := getPage(t, c, link); st != http.StatusOK || !strings.Contains(body, `id="signin-confirm"`) {
		t.Fatalf("opening the link: %d", st)
	}
	st, loc := postForm(t, c, link, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("confirming the link: %d", st)
	}
	return c, loc
}

func jarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func getPage(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, body := do(t, c, http.MethodGet, u, nil)
	return resp.StatusCode, body
}

func getRedirect(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, _ := do(t, c, http.MethodGet, u, nil)
	return resp.StatusCode, resp.Header.Get("Location")
}

func postPage(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, body := do(t, c, http.MethodPost, u, form)
	return resp.StatusCode, body
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, _ := do(t, c, http.MethodPost, u, form)
	return resp.StatusCode, resp.Header.Get("Location")
}
