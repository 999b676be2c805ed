package norway

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
)

// orgnrControl computes the control digit for eight digits independently of
// the package code; ok is false when the remainder is 1.
func orgnrControl(first8 string) (digit string, ok bool) {
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range first8 {
		sum += int(c-'0') * w[i]
	}
	k := 11 - sum%11
	if k == 11 {
		k = 0
	}
	return strconv.Itoa(k), k != 10
}

func TestOrgnrExamplesHaveComputedControlDigits(t *testing.T) {
	// The numbers used below (923609016 is Equinor's) are checked with the helper
	// rather than trusted from memory.
	for _, n := range []string{"923609016", "984661185", "974760673", "889640782"} {
		if k, ok := orgnrControl(n[:8]); !ok || k != n[8:] {
			t.Fatalf("%s: computed control digit %q (ok=%v)", n, k, ok)
		}
	}
}

func TestNormalizeOrgnr(t *testing.T) {
	// An eight-digit prefix starting with 9 whose weighted sum leaves remainder 1.
	var noControl string
	for i := 9000000; i < 9100000; i++ {
		p := strconv.Itoa(i) + "0"
		if _, ok := orgnrControl(p); !ok {
			noControl = p
			break
		}
	}
	if noControl == "" {
		t.Fatal("found no prefix without control digit")
	}
	tests := []struct {
		in, want string
		err      error
	}{
		{"923609016", "923609016", nil},
		{"923 609 016", "923609016", nil},
		{" 984 661 185 ", "984661185", nil},
		{"974760673", "974760673", nil},
		{"889640782", "889640782", nil},
		{"92360901 6", "923609016", nil},
		{"923609017", "", ErrOrgnrControl},
		{"932609016", "", ErrOrgnrControl},
		{noControl + "0", "", ErrOrgnrControl},
		{noControl + "1", "", ErrOrgnrControl},
		{"123609016", "", ErrOrgnrPrefix},
		{"723609016", "", ErrOrgnrPrefix},
		{"92360901", "", ErrOrgnrLength},
		{"9236090160", "", ErrOrgnrLength},
		{"", "", ErrOrgnrLength},
		{"923-609-016", "", ErrOrgnrDigits},
		{"NO923609016", "", ErrOrgnrDigits},
		{"923609016MVA", "", ErrOrgnrDigits},
	}
	for _, tt := range tests {
		got, err := NormalizeOrgnr(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("NormalizeOrgnr(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
		if err := ValidateOrgnr(tt.in); !errors.Is(err, tt.err) {
			t.Errorf("ValidateOrgnr(%q) = %v, want %v", tt.in, err, tt.err)
		}
	}
}

func TestOrgnrErrorsNameTheField(t *testing.T) {
	for _, err := range []error{ErrOrgnrLength, ErrOrgnrDigits, ErrOrgnrPrefix, ErrOrgnrControl} {
		if got := err.Error(); len(got) < len("organisasjonsnummeret") || got[:len("organisasjonsnummeret")] != "organisasjonsnummeret" {
			t.Errorf("error %q does not start with the field name", got)
		}
	}
}

func TestGenerateOrgnr(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	firsts := map[byte]int{}
	for range 5000 {
		n := GenerateOrgnr(r)
		if err := ValidateOrgnr(n); err != nil {
			t.Fatalf("GenerateOrgnr() = %q: %v", n, err)
		}
		firsts[n[0]]++
	}
	if firsts['9'] == 0 || firsts['8'] == 0 || firsts['9'] < firsts['8'] {
		t.Errorf("first digits %v, want mostly 9 and some 8", firsts)
	}
	a := GenerateOrgnr(rand.New(rand.NewPCG(3, 4)))
	b := GenerateOrgnr(rand.New(rand.NewPCG(3, 4)))
	if a != b {
		t.Errorf("same seed gave %q and %q", a, b)
	}
}

func FuzzValidateOrgnr(f *testing.F) {
	for _, s := range []string{"923609016", "923 609 016", "923609017", "", "9", "abcdefghi", " 8 8 9 6 4 0 7 8 2 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeOrgnr(s)
		if (err == nil) != (ValidateOrgnr(s) == nil) {
			t.Fatalf("NormalizeOrgnr and ValidateOrgnr disagree on %q", s)
		}
		if err != nil {
			return
		}
		if len(n) != 9 {
			t.Fatalf("NormalizeOrgnr(%q) = %q", s, n)
		}
		again, err := NormalizeOrgnr(n)
		if err != nil || again != n {
			t.Fatalf("NormalizeOrgnr(%q) = %q, but re-normalising gives %q, %v", s, n, again, err)
		}
	})
}
