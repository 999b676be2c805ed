package locale

import (
	"slices"
	"strings"
	"testing"
)

// joinLanguages are the languages of the public join page: the interface's
// and Polish, for the many migrant workers.
var joinLanguages = append(slices.Clone(Languages), "pl")

// TestEveryKeyHasEveryLanguage: every text is in every interface language,
// and every text of the join page in Polish too.
func TestEveryKeyHasEveryLanguage(t *testing.T) {
	for k, m := range catalog {
		want := Languages
		if strings.HasPrefix(k, "join.") {
			want = joinLanguages
		}
		for _, l := range want {
			if strings.TrimSpace(m[l]) == "" {
				t.Errorf("%s has no %s text", k, l)
			}
		}
	}
}

// TestNoStrayLanguages: the catalogue holds only the languages Verve offers
// somewhere, and Polish only where it is offered (the join page), so a
// typo such as "nn" or "no" cannot hide a missing text.
func TestNoStrayLanguages(t *testing.T) {
	for k, m := range catalog {
		for l := range m {
			if !slices.Contains(joinLanguages, l) {
				t.Errorf("%s has a text in %q, a language Verve does not offer", k, l)
			}
			if l == "pl" && !strings.HasPrefix(k, "join.") {
				t.Errorf("%s has Polish outside the join page", k)
			}
		}
	}
}

// TestPartsDoNotOverlap: the catalogue files each add their own keys, so
// that no file silently replaces another's text when they are merged.
func TestPartsDoNotOverlap(t *testing.T) {
	parts := map[string]map[string]map[string]string{"join.go": joinCatalog, "matches.go": matchesCatalog}
	seen := map[string]string{}
	for name, part := range parts {
		for k := range part {
			if other, ok := seen[k]; ok {
				t.Errorf("%s is in both %s and %s", k, name, other)
			}
			seen[k] = name
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
}
