package norway

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Errors returned by ParseFnr. They are distinct values so that callers can
// tell a typo (control digits) from a wrong length with errors.Is.
var (
	ErrFnrLength  = keyError("valid.fnr.length")
	ErrFnrDigits  = keyError("valid.fnr.digits")
	ErrFnrDate    = keyError("valid.fnr.date")
	ErrFnrControl = keyError("valid.fnr.control")
)

// Weights of the two mod-11 control digits, as published by Skatteetaten.
var (
	fnrWeights1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	fnrWeights2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// Fnr is a validated fødselsnummer or D-nummer. The zero value is not a valid
// number; obtain one from ParseFnr.
type Fnr struct {
	digits string
	birth  time.Time
}

// ParseFnr validates a fødselsnummer or D-nummer (11 digits, DDMMYY + 3-digit
// individual number + 2 control digits). Surrounding spaces and one space
// between the date and the individual number ("010190 12345") are accepted,
// since that is how people copy it from letters. H-numbers and synthetic test
// numbers are rejected: a member must be identifiable in Folkeregisteret.
func ParseFnr(s string) (Fnr, error) {
	s = strings.TrimSpace(s)
	if len(s) == 12 && s[6] == ' ' {
		s = s[:6] + s[7:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Fnr{}, ErrFnrDigits
		}
	}
	if len(s) != 11 {
		return Fnr{}, ErrFnrLength
	}
	if !fnrControlOK(s) {
		return Fnr{}, ErrFnrControl
	}
	birth, ok := fnrBirthDate(s)
	if !ok {
		return Fnr{}, ErrFnrDate
	}
	return Fnr{digits: s, birth: birth}, nil
}

// String returns the 11 digits without spaces.
func (f Fnr) String() string { return f.digits }

// BirthDate returns the date of birth at midnight UTC. For a D-nummer this is
// the date encoded in the number, which is normally the real birth date.
func (f Fnr) BirthDate() time.Time { return f.birth }

// IsDNumber reports whether f is a D-nummer, issued to people who are not
// (yet) registered as resident; the first digit has 4 added to it.
func (f Fnr) IsDNumber() bool { return f.digits != "" && f.digits[0] >= '4' }

// Female reports whether the legal gender encoded in the number is female
// (even ninth digit). Numbers issued from 2032 will no longer encode gender.
func (f Fnr) Female() bool { return f.digits != "" && (f.digits[8]-'0')%2 == 0 }

// fnrControlOK checks both control digits of an 11-digit string.
func fnrControlOK(s string) bool {
	k1, ok := mod11(s[:9], fnrWeights1[:])
	if !ok || int(s[9]-'0') != k1 {
		return false
	}
	k2, ok := mod11(s[:10], fnrWeights2[:])
	return ok && int(s[10]-'0') == k2
}

// mod11 computes a mod-11 control digit for digits with the given weights.
// ok is false when the remainder is 1, which has no valid control digit.
func mod11(digits string, weights []int) (digit int, ok bool) {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	switch r := sum % 11; r {
	case 0:
		return 0, true
	case 1:
		return 0, false
	default:
		return 11 - r, true
	}
}

// fnrBirthDate decodes the date and century of an 11-digit string whose
// characters are known to be digits.
func fnrBirthDate(s string) (time.Time, bool) {
	day := num(s[0:2])
	month := num(s[2:4])
	yy := num(s[4:6])
	individual := num(s[6:9])
	if day > 40 { // D-nummer
		day -= 40
	}
	century, ok := fnrCentury(individual, yy)
	if !ok {
		return time.Time{}, false
	}
	year := century + yy
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
}

// fnrCentury applies Skatteetaten's rules for which century an individual
// number belongs to.
func fnrCentury(individual, yy int) (int, bool) {
	switch {
	case individual <= 499:
		return 1900, true
	case individual <= 749 && yy >= 54:
		return 1800, true
	case individual >= 500 && yy <= 39:
		return 2000, true
	case individual >= 900 && yy >= 40:
		return 1900, true
	}
	return 0, false
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// GenerateFnr returns a valid (ordinary, not D-) fødselsnummer for the given
// birth date and gender, for demo and test data. The result is deterministic
// for a given r. It panics if birth is outside 1854–2039, which the number
// cannot encode.
func GenerateFnr(birth time.Time, female bool, r *rand.Rand) string {
	year := birth.Year()
	var lo, hi int // individual number range for the century
	switch {
	case year >= 1854 && year <= 1899:
		lo, hi = 500, 749
	case year >= 1900 && year <= 1999:
		lo, hi = 0, 499
	case year >= 2000 && year <= 2039:
		lo, hi = 500, 999
	default:
		panic(fmt.Sprintf("norway: GenerateFnr: birth year %d cannot be encoded", year))
	}
	date := fmt.Sprintf("%02d%02d%02d", birth.Day(), int(birth.Month()), year%100)
	// Walk all individual numbers from a random start so that the loop is
	// bounded even though roughly one in six fails the control digits.
	n := hi - lo + 1
	start := r.IntN(n)
	for i := range n {
		ind := lo + (start+i)%n
		if (ind%10%2 == 0) != female {
			continue
		}
		s := fmt.Sprintf("%s%03d", date, ind)
		k1, ok := mod11(s, fnrWeights1[:])
		if !ok {
			continue
		}
		s += string(rune('0' + k1))
		k2, ok := mod11(s, fnrWeights2[:])
		if !ok {
			continue
		}
		return s + string(rune('0'+k2))
	}
	panic("norway: GenerateFnr: no valid individual number for " + date)
}
