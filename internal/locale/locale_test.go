package locale

import (
	"strings"
	"testing"
)

func TestEveryKeyHasBokmal(t *testing.T) {
	for k, m := range catalog {
		if m["nb"] == "" {
			t.Errorf("%s has no bokmål text", k)
		}
		if m["en"] == "" {
			t.Errorf("%s has no English text", k)
		}
	}
}

func TestFallbacks(t *testing.T) {
	if got := T("en", "nav.home"); got != "Home" {
		t.Errorf("en nav.home = %q", got)
	}
	if got := T("pl", "nav.home"); got != "Hjem" {
		t.Errorf("unknown language should fall back to bokmål, got %q", got)
	}
	if got := T("nb", "no.such.key"); !strings.Contains(got, "no.such.key") {
		t.Errorf("missing key should show itself, got %q", got)
	}
}
