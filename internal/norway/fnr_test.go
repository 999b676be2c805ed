package norway

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// withControls appends both control digits to the first nine digits of a
// fødselsnummer, computed here independently of the package code. It fails
// the test if no control digit exists (remainder 1).
func withControls(t testing.TB, first9 string) string {
	t.Helper()
	s, ok := tryControls(first9)
	if !ok {
		t.Fatalf("%s has no valid control digits", first9)
	}
	return s
}

func tryControls(first9 string) (string, bool) {
	control := func(s string, w []int) (int, bool) {
		sum := 0
		for i, c := range s {
			sum += int(c-'0') * w[i]
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k, k != 10
	}
	k1, ok := control(first9, []int{3, 7, 6, 1, 8, 9, 4, 5, 2})
	if !ok {
		return "", false
	}
	s := first9 + strconv.Itoa(k1)
	k2, ok := control(s, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	if !ok {
		return "", false
	}
	return s + strconv.Itoa(k2), true
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseFnrValid(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		birth  time.Time
		female bool
		dnr    bool
	}{
		// Worked by hand: 0·3+1·7+0·6+1·1+9·8+0·9+1·4+2·5+4·2 = 102, 102 mod 11 = 3, k1 = 8;
		// 0·5+1·4+0·3+1·2+9·7+0·6+1·5+2·4+4·3+8·2 = 110, 110 mod 11 = 0, k2 = 0.
		{"01019012480", "01019012480", date(1990, 1, 1), true, false},
		{" 01019012480\t", "01019012480", date(1990, 1, 1), true, false},
		{"010190 12480", "01019012480", date(1990, 1, 1), true, false},
		{"15058543206", "15058543206", date(1985, 5, 15), true, false},
		{"31129949980", "31129949980", date(1999, 12, 31), false, false},
		// D-nummer: day + 40.
		{"41019012474", "41019012474", date(1990, 1, 1), true, true},
		{withControls(t, "710190123"), "", date(1990, 1, 31), false, true},
		// 500–749 with year 54–99: 1854–1899.
		{"31059961228", "31059961228", date(1899, 5, 31), true, false},
		{"01015450068", "01015450068", date(1854, 1, 1), true, false},
		// 500–999 with year 00–39: 2000–2039.
		{"01010050053", "01010050053", date(2000, 1, 1), true, false},
		{"31123999935", "31123999935", date(2039, 12, 31), false, false},
		// 900–999 with year 40–99: 1940–1999.
		{"12124591277", "12124591277", date(1945, 12, 12), true, false},
		{"01014099944", "01014099944", date(1940, 1, 1), false, false},
		// 29 February in leap years, including 2000 (divisible by 400).
		{"29029634538", "29029634538", date(1996, 2, 29), false, false},
		{withControls(t, "290200513"), "", date(2000, 2, 29), false, false},
		{withControls(t, "690296345"), "", date(1996, 2, 29), false, true},
	}
	for _, tt := range tests {
		f, err := ParseFnr(tt.in)
		if err != nil {
			t.Errorf("ParseFnr(%q): %v", tt.in, err)
			continue
		}
		want := tt.want
		if want == "" {
			want = tt.in
		}
		if f.String() != want {
			t.Errorf("ParseFnr(%q).String() = %q, want %q", tt.in, f.String(), want)
		}
		if !f.BirthDate().Equal(tt.birth) {
			t.Errorf("ParseFnr(%q).BirthDate() = %v, want %v", tt.in, f.BirthDate(), tt.birth)
		}
		if f.Female() != tt.female {
			t.Errorf("ParseFnr(%q).Female() = %v, want %v", tt.in, f.Female(), tt.female)
		}
		if f.IsDNumber() != tt.dnr {
			t.Errorf("ParseFnr(%q).IsDNumber() = %v, want %v", tt.in, f.IsDNumber(), tt.dnr)
		}
	}
}

func TestParseFnrErrors(t *testing.T) {
	valid := "01019012480"
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrFnrLength},
		{"ten digits", valid[:10], ErrFnrLength},
		{"twelve digits", valid + "0", ErrFnrLength},
		{"letter", "0101901248O", ErrFnrDigits},
		{"hyphen", "010190-12480", ErrFnrDigits},
		{"space in wrong place", "0101 9012480", ErrFnrDigits},
		{"two spaces", "010190  12480", ErrFnrDigits},
		{"space in individual number", "010190 124 80", ErrFnrDigits},
		{"non-ASCII digit", "０1019012480", ErrFnrDigits},
		{"wrong first control digit", "01019012490", ErrFnrControl},
		{"wrong second control digit", "01019012481", ErrFnrControl},
		{"swapped digits", "10019012480", ErrFnrControl},
		// 010190123: weighted sum 100, remainder 1, so no k1 works.
		{"k1 remainder 1", "01019012300", ErrFnrControl},
		{"k1 remainder 1, other k2", "01019012359", ErrFnrControl},
		{"29 Feb 1900", withControls(t, "290200012"), ErrFnrDate},
		{"29 Feb 1997", "29029734559", ErrFnrDate},
		{"29 Feb 2001", withControls(t, "290201512"), ErrFnrDate},
		{"31 April", withControls(t, "310490123"), ErrFnrDate},
		{"day 0", "00019012360", ErrFnrDate},
		{"day 32", "32019012351", ErrFnrDate},
		{"month 0", withControls(t, "010090124"), ErrFnrDate},
		{"month 13", "01139012328", ErrFnrDate},
		{"H-number (month+40)", "01539012300", ErrFnrDate},
		{"synthetic (month+80)", withControls(t, "018190124"), ErrFnrDate},
		{"D-number day 72", "72019012345", ErrFnrDate},
		{"D-number 31 Feb", withControls(t, "710290124"), ErrFnrDate},
		{"D-number day 40", withControls(t, "400190124"), ErrFnrDate},
		// Individual numbers outside every century range.
		{"750-899 with year 54-99", "01016080000", ErrFnrDate},
		{"500-899 with year 40-53", "01014560013", ErrFnrDate},
		{"500-749 with year 53", withControls(t, "010153500"), ErrFnrDate},
		{"900-999 with year 40 is 1940", "01014099944", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFnr(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseFnr(%q) error = %v, want %v", tt.in, err, tt.want)
			}
			if err != nil && f != (Fnr{}) {
				t.Errorf("ParseFnr(%q) returned %v with error", tt.in, f)
			}
		})
	}
}

func TestFnrErrorMessagesAreNorwegian(t *testing.T) {
	for err, want := range map[error]string{
		ErrFnrLength:  "fødselsnummeret må ha 11 siffer",
		ErrFnrControl: "fødselsnummeret har feil kontrollsiffer",
		ErrFnrDate:    "fødselsnummeret har en dato som ikke finnes",
	} {
		if err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	}
}

func TestGenerateFnr(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	start, end := date(1854, 1, 1), date(2039, 12, 31)
	span := int(end.Sub(start).Hours() / 24)
	// The century boundaries, leap days and a spread of random dates.
	dates := []time.Time{start, end, date(1899, 12, 31), date(1900, 1, 1), date(1939, 12, 31),
		date(1940, 1, 1), date(1999, 12, 31), date(2000, 1, 1), date(2000, 2, 29), date(1904, 2, 29)}
	for range 2000 {
		dates = append(dates, start.AddDate(0, 0, r.IntN(span+1)))
	}
	for _, d := range dates {
		for _, female := range []bool{false, true} {
			s := GenerateFnr(d, female, r)
			f, err := ParseFnr(s)
			if err != nil {
				t.Fatalf("GenerateFnr(%v, %v) = %q: %v", d.Format(time.DateOnly), female, s, err)
			}
			if !f.BirthDate().Equal(d) || f.Female() != female || f.IsDNumber() {
				t.Fatalf("GenerateFnr(%v, %v) = %q, parsed as %v female=%v dnr=%v",
					d.Format(time.DateOnly), female, s, f.BirthDate(), f.Female(), f.IsDNumber())
			}
		}
	}
}

func TestGenerateFnrDeterministic(t *testing.T) {
	gen := func() []string {
		r := rand.New(rand.NewPCG(42, 42))
		var out []string
		for i := range 20 {
			out = append(out, GenerateFnr(date(1950+i, time.Month(1+i%12), 1+i), i%2 == 0, r))
		}
		return out
	}
	a, b := gen(), gen()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed gave %q and %q", a[i], b[i])
		}
	}
}

func TestGenerateFnrOutOfRangePanics(t *testing.T) {
	for _, d := range []time.Time{date(1853, 12, 31), date(2040, 1, 1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GenerateFnr(%v) did not panic", d)
				}
			}()
			GenerateFnr(d, true, rand.New(rand.NewPCG(1, 1)))
		}()
	}
}

func FuzzParseFnr(f *testing.F) {
	for _, s := range []string{"01019012480", "010190 12480", "41019012474", "31059961228",
		"29029734559", "01019012300", "", " ", "abc", "010190 1248", "72019012345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fnr, err := ParseFnr(s)
		if err != nil {
			return
		}
		out := fnr.String()
		if len(out) != 11 {
			t.Fatalf("ParseFnr(%q).String() = %q", s, out)
		}
		again, err := ParseFnr(out)
		if err != nil {
			t.Fatalf("ParseFnr(%q) accepted, but its String %q is rejected: %v", s, out, err)
		}
		if again != fnr {
			t.Fatalf("round trip of %q changed %v to %v", s, fnr, again)
		}
		if y := fnr.BirthDate().Year(); y < 1854 || y > 2039 {
			t.Fatalf("ParseFnr(%q) birth year %d", s, y)
		}
		if fnr.IsDNumber() != (out[0] >= '4') {
			t.Fatalf("ParseFnr(%q).IsDNumber() = %v", s, fnr.IsDNumber())
		}
	})
}
