package ui

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
)

var fieldErrorRE = regexp.MustCompile(`<span class="field-error" id="([a-z_]+)-error">([^<]*)</span>`)

// TestJoinErrorsInLanguage submits the join form with every field wrong in
// English and Polish and expects each field's message, and the form's, in
// that language, and no Norwegian message anywhere on the page.
func TestJoinErrorsInLanguage(t *testing.T) {
	e := newJoinEnv(t, "sqlite", Config{})
	long := strings.Repeat("x", 201)
	want := map[string]string{
		"first_name": "valid.first_name.required", "last_name": "valid.toolong", "email": "valid.email",
		"mobile": "valid.mobile.norway", "postal_code": "valid.postal_code", "fnr": "valid.fnr.digits",
		"institution": "valid.institution", "programme": "valid.programme", "graduation": "valid.date",
		"workplace": "valid.workplace", "ref": "valid.toolong", "consent": "valid.consent",
	}
	var norwegian []string
	for _, k := range append([]string{"valid.form"}, valuesOf(want)...) {
		norwegian = append(norwegian, locale.N("nb", k, 200))
	}
	for _, c := range []struct{ lang, path string }{{"en", "/join"}, {"pl", "/bli-medlem"}, {"en", "/bli-medlem"}} {
		t.Run(c.lang+c.path, func(t *testing.T) {
			cl := anon()
			f := joinForm(t, cl, e.URL, url.Values{"lang": {c.lang}, "first_name": {" "}, "last_name": {long}, "email": {"ikke-epost"},
				"mobile": {"12345678"}, "postal_code": {"12"}, "fnr": {"1234567890a"}, "type": {"student"}, "institution": {""},
				"programme": {""}, "graduation": {"snart"}, "workplace_id": {"x"}, "ref": {long}, "consent": {""}})
			st, body := post(t, cl, e.URL+c.path, f)
			if st != http.StatusBadRequest {
				t.Fatalf("post: %d", st)
			}
			if msg := locale.T(c.lang, "valid.form"); !strings.Contains(body, `id="join-error">`+html.EscapeString(msg)+"<") {
				t.Errorf("the form's message is not %q", msg)
			}
			got := map[string]string{}
			for _, m := range fieldErrorRE.FindAllStringSubmatch(body, -1) {
				got[m[1]] = html.UnescapeString(m[2])
			}
			for field, key := range want {
				if w := locale.N(c.lang, key, 200); got[field] != w {
					t.Errorf("%s: %q, want %q", field, got[field], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("fields with messages: %v", got)
			}
			for _, nb := range norwegian {
				if strings.Contains(html.UnescapeString(body), nb) {
					t.Errorf("Norwegian on the %s page: %q", c.lang, nb)
				}
			}
		})
	}
}

func valuesOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
