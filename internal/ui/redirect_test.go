package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/demo"
)

func TestSafeNextStaysOnSite(t *testing.T) {
	hostile := []string{
		"//evil.example", "///evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
		"\t//evil.example", " //evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
		"https://evil.example", "http:evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
		"data:text/html,<script>alert(1)</script>", "evil.example", "", ".//evil.example", "/%2fevil.example",
		"/%5Cevil.example", "/%2F%2Fevil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\u2028/evil.example",
		"//evil.example/%2e%2e", "/ /evil.example\t", "//@evil.example", "https:/\\evil.example",
	}
	for _, next := range hostile {
		got := safeNext(next)
		if got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
		// What a browser does with the Location header: resolve it against
		// the page, after dropping tabs and newlines.
		cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		base, _ := url.Parse("https://verve.example/login")
		u, err := base.Parse(cleaned)
		if err != nil || u.Host != "verve.example" {
			t.Errorf("safeNext(%q) = %q leads to %v", next, got, u)
		}
	}
	for _, ok := range []string{"/", "/day", "/persons/12#kontakter", "/recruitment?from=2026-01-01&sort=name", "/bli-medlem?lang=en"} {
		if got := safeNext(ok); got != ok {
			t.Errorf("safeNext(%q) = %q, want it kept", ok, got)
		}
	}
}

// TestRedirectsAfterSignInAndLanguageNeverLeaveSite sends hostile next
// values through the real sign-in and language handlers.
func TestRedirectsAfterSignInAndLanguageNeverLeaveSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.login(t, "tillitsvalgt")
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/\n//evil.example"} {
		resp, err := c.PostForm(e.URL+"/login", url.Values{"username": {"tillitsvalgt"}, "password": {demo.Password}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("sign-in with next=%q: %d to %q", next, resp.StatusCode, loc)
		}
		resp, err = c.PostForm(e.URL+"/lang", url.Values{"next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("language switch with next=%q: %d to %q", next, resp.StatusCode, loc)
		}
	}
}
