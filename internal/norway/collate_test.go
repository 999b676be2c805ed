package norway

import (
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"ÆSIR ØYE ÅSEN":       "æsir øye åsen",
		"  Per   Ødegård\t":   "per ødegård",
		"A\u030asen":          "åsen", // decomposed å
		"Åse-Marie\nØstby":    "åse-marie østby",
		"":                    "",
		"   ":                 "",
		"ÉLODIE MÜLLER":       "élodie müller",
		"Ola\u00a0Nordmann":   "ola nordmann",
		"STRØMMEN BRANNVESEN": "strømmen brannvesen",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortKeyOrder(t *testing.T) {
	// Each name must sort strictly before the next.
	ordered := []string{
		"1. mai-komiteen",
		"Aas",
		"Aasen",
		"Berg",
		"Berg Hansen",
		"Berg-Olsen",
		"Bergan",
		"Odegard",
		"Olsen",
		"Yilmaz",
		"Zahl",
		"Æsir",
		"Ødegård",
		"Øye",
		"Ås",
		"Åsen",
	}
	for i := 1; i < len(ordered); i++ {
		a, b := SortKey(ordered[i-1]), SortKey(ordered[i])
		if a >= b {
			t.Errorf("SortKey(%q) = %q is not before SortKey(%q) = %q", ordered[i-1], a, ordered[i], b)
		}
	}
	shuffled := slices.Clone(ordered)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, func(a, b string) int { return strings.Compare(SortKey(a), SortKey(b)) })
	if !slices.Equal(shuffled, ordered) {
		t.Errorf("sorted by key: %q", shuffled)
	}
}

func TestSortKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zahl", "zahl"},
		{"Æsir", "{sir"},
		{"Øye", "|ye"},
		{"Åsen", "}sen"},
		{"ÅSEN", "}sen"},
		{"A\u030asen", "}sen"}, // decomposed å still sorts as å, not as a
		{"Ødegård", "|deg}rd"},
		{"Odegard", "odegard"},
		{"Aas", "aas"},
		{"Ås", "}s"},
		{"Märta", "m{rta"},
		{"Björk", "bj|rk"},
		{"Müller", "myller"},
		{"Hélène", "helene"},
		{"José Ñúñez", "jose nunez"},
		{"Çelik", "celik"},
		{"Łukasz Straße", "lukasz strasse"},
		{"Berg-Olsen", "berg olsen"},
		{"  Berg  -  Olsen ", "berg olsen"},
		{"O'Brien", "obrien"},
		{"St. Hanshaugen 2", "st hanshaugen 2"},
		{"Ĳssel ǅemal", "ijssel dzemal"},
		{"Иван", "~~~~"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SortKey(tt.in); got != tt.want {
			t.Errorf("SortKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSortKeyIgnoresCaseAndIsASCII(t *testing.T) {
	for _, s := range []string{"Ødegård", "ÆRØ", "Åsa Ås", "Müller-Lüdenscheidt", "Ærlige Øyvind Åmli", "Ĳssel ǅemal"} {
		lower, upper := SortKey(strings.ToLower(s)), SortKey(strings.ToUpper(s))
		if lower != upper || lower != SortKey(s) {
			t.Errorf("SortKey differs by case for %q: %q vs %q", s, lower, upper)
		}
		for i := 0; i < len(lower); i++ {
			if lower[i] >= 0x80 {
				t.Errorf("SortKey(%q) = %q is not ASCII", s, lower)
			}
		}
	}
	if SortKey("Ødegård") == SortKey("Odegard") {
		t.Error("Ødegård and Odegard have the same key")
	}
}

func FuzzSortKey(f *testing.F) {
	for _, s := range []string{"Ødegård", "A\u030asen", "  Berg - Olsen ", "Иван", "ĳ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := SortKey(s)
		for i := 0; i < len(k); i++ {
			if k[i] < ' ' || k[i] > '~' {
				t.Fatalf("SortKey(%q) = %q has non-printable or non-ASCII byte", s, k)
			}
		}
		if strings.TrimSpace(k) != k || strings.Contains(k, "  ") {
			t.Fatalf("SortKey(%q) = %q has stray spaces", s, k)
		}
	})
}
