package locale

import (
	"slices"
	"strings"
	"testing"
)

// needs is the languages key must have a text in: bokmål and English for
// everything but the command line (bokmål only), and Polish for the public
// join page, the mail to applicants, validation and error messages a
// visitor can see.
func needs(key string) []string {
	switch {
	case strings.HasPrefix(key, "cli."):
		return []string{"nb"}
	case polish(key):
		return AllLanguages
	}
	return Languages
}

func polish(key string) bool {
	for _, p := range []string{"join.", "valid.", "error."} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// texts is every text of an entry: the plain text or each plural form.
func texts(t text) []string {
	if t.forms == nil {
		return []string{t.s}
	}
	var out []string
	for _, s := range t.forms {
		out = append(out, s)
	}
	return out
}

// TestEveryKeyHasEveryLanguage: every key has a text in each language it
// needs, with every placeholder the bokmål text has, and a counted text
// has the plural forms of each language.
func TestEveryKeyHasEveryLanguage(t *testing.T) {
	if len(catalog["nb"]) < 400 {
		t.Fatalf("only %d bokmål texts; did the catalogue load?", len(catalog["nb"]))
	}
	for key, nb := range catalog["nb"] {
		var want []string
		for _, s := range texts(nb) {
			for _, p := range Placeholders(s) {
				if !slices.Contains(want, p) {
					want = append(want, p)
				}
			}
		}
		for _, l := range needs(key) {
			e, ok := catalog[l][key]
			if !ok {
				t.Errorf("%s has no %s text", key, l)
				continue
			}
			if (e.forms == nil) != (nb.forms == nil) {
				t.Errorf("%s is counted in one language and not in %s", key, l)
			}
			if e.forms != nil {
				for _, f := range PluralForms(l) {
					if strings.TrimSpace(e.forms[f]) == "" {
						t.Errorf("%s has no %s form in %s", key, f, l)
					}
				}
			}
			for _, s := range texts(e) {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s has an empty %s text", key, l)
				}
				for _, p := range want {
					if p != "n" && !strings.Contains(s, "{"+p+"}") {
						t.Errorf("%s in %s lacks {%s}: %q", key, l, p, s)
					}
				}
			}
		}
	}
}

// TestNoStrayKeys: no language has a key bokmål lacks, and Polish only
// where it is offered, so a typo in a key cannot hide a missing text.
func TestNoStrayKeys(t *testing.T) {
	for _, l := range AllLanguages {
		for key := range catalog[l] {
			if _, ok := catalog["nb"][key]; !ok {
				t.Errorf("%s has %s, which bokmål lacks", l, key)
			}
			if l == "pl" && !polish(key) {
				t.Errorf("%s has Polish outside the join page", key)
			}
		}
	}
}

func TestSupported(t *testing.T) {
	for _, l := range Languages {
		if !Supported(l) {
			t.Errorf("Languages offers %s but Supported refuses it", l)
		}
	}
	for _, l := range []string{"", "pl", "nn", "NB"} {
		if Supported(l) {
			t.Errorf("Supported(%q) for the interface", l)
		}
	}
	if Languages[0] != "nb" {
		t.Errorf("the default language is %s, want nb", Languages[0])
	}
}

func TestFallbacks(t *testing.T) {
	if got := T("en", "nav.home"); got != "Home" {
		t.Errorf("en nav.home = %q", got)
	}
	if got := T("pl", "nav.home"); got != "Hjem" {
		t.Errorf("a language without the text should fall back to bokmål, got %q", got)
	}
	if got := T("pl", "join.title"); got != "Zapisz się do związku" {
		t.Errorf("pl join.title = %q", got)
	}
	if got := T("nb", "no.such.key"); !strings.Contains(got, "no.such.key") {
		t.Errorf("missing key should show itself, got %q", got)
	}
	if got := N("pl", "import.newprospects", 2); got != "2 nye kolleger har fått en velkomstoppgave." {
		t.Errorf("a counted text missing in pl should count in bokmål, got %q", got)
	}
}

func TestArguments(t *testing.T) {
	if got := T("nb", "cli.import.header", "workplace", "Kantina", "orgnr", "974760673", "format", "CSV", "row", 2); got != "Kantina (974760673): CSV, overskrifter på rad 2" {
		t.Errorf("arguments: %q", got)
	}
	if got := T("en", "join.mail.body.confirm"); !strings.Contains(got, "{link}") {
		t.Errorf("a placeholder without a value should stay: %q", got)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"nb", 0, "other"}, {"nb", 1, "one"}, {"nb", 2, "other"}, {"en", 1, "one"}, {"en", 5, "other"},
		{"pl", 0, "many"}, {"pl", 1, "one"}, {"pl", 2, "few"}, {"pl", 4, "few"}, {"pl", 5, "many"}, {"pl", 11, "many"},
		{"pl", 12, "many"}, {"pl", 14, "many"}, {"pl", 21, "many"}, {"pl", 22, "few"}, {"pl", 104, "few"}, {"pl", 112, "many"},
	} {
		if got := Plural(c.lang, c.n); got != c.want {
			t.Errorf("Plural(%s, %d) = %s, want %s", c.lang, c.n, got, c.want)
		}
	}
}

// TestCountsReadRight: real counted texts for 1, 2 and 5 (and 12 and 22,
// where Polish differs) in every language they are shown in.
func TestCountsReadRight(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		n         int
		want      string
	}{
		{"nb", "import.newprospects", 1, "1 ny kollega har fått en velkomstoppgave."},
		{"nb", "import.newprospects", 2, "2 nye kolleger har fått en velkomstoppgave."},
		{"nb", "import.newprospects", 5, "5 nye kolleger har fått en velkomstoppgave."},
		{"en", "import.newprospects", 1, "1 new colleague got a welcome task."},
		{"en", "import.newprospects", 2, "2 new colleagues got a welcome task."},
		{"en", "import.newprospects", 5, "5 new colleagues got a welcome task."},
		{"nb", "valid.toolong", 1, "Feltet kan ha høyst 1 tegn."},
		{"nb", "valid.toolong", 2, "Feltet kan ha høyst 2 tegn."},
		{"nb", "valid.toolong", 5, "Feltet kan ha høyst 5 tegn."},
		{"en", "valid.toolong", 1, "The field can have at most 1 character."},
		{"en", "valid.toolong", 2, "The field can have at most 2 characters."},
		{"en", "valid.toolong", 5, "The field can have at most 5 characters."},
		{"pl", "valid.toolong", 1, "Pole może mieć najwyżej 1 znak."},
		{"pl", "valid.toolong", 2, "Pole może mieć najwyżej 2 znaki."},
		{"pl", "valid.toolong", 5, "Pole może mieć najwyżej 5 znaków."},
		{"pl", "valid.toolong", 12, "Pole może mieć najwyżej 12 znaków."},
		{"pl", "valid.toolong", 22, "Pole może mieć najwyżej 22 znaki."},
		{"pl", "valid.toolong", 200, "Pole może mieć najwyżej 200 znaków."},
		{"nb", "cli.import.class.new", 1, "ny (blir prospekt med velkomstoppgave)"},
		{"nb", "cli.import.class.new", 2, "nye (blir prospekter med velkomstoppgave)"},
		{"nb", "cli.import.class.new", 5, "nye (blir prospekter med velkomstoppgave)"},
	} {
		if got := N(c.lang, c.key, c.n); got != c.want {
			t.Errorf("N(%s, %s, %d) = %q, want %q", c.lang, c.key, c.n, got, c.want)
		}
	}
}

func TestAccept(t *testing.T) {
	for h, want := range map[string]string{
		"": "nb", "en-GB,en;q=0.9": "en", "pl-PL,pl;q=0.9,en;q=0.8": "pl", "nb-NO": "nb", "no": "nb", "nn-NO,nn;q=0.9": "nb",
		"de-DE": "nb", "fr;q=0.9,en;q=0.8": "en", "garbage;;": "nb",
	} {
		if got := Accept(h); got != want {
			t.Errorf("Accept(%q) = %s, want %s", h, got, want)
		}
	}
}

// label is a Translatable argument: a key translated in T's language.
type label string

func (l label) In(lang string) string { return T(lang, string(l)) }

func TestTranslatableArgument(t *testing.T) {
	if got := T("en", "import.route.nocolumn", "field", label("import.field.location")); got != "Choose which column is “Location”, or do not route the rows." {
		t.Errorf("en: %q", got)
	}
	if got := T("nb", "import.route.nocolumn", "field", label("import.field.location")); !strings.Contains(got, "«Arbeidssted»") {
		t.Errorf("nb: %q", got)
	}
}
