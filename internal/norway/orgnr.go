package norway

import (
	"math/rand/v2"
	"strings"
)

// Errors returned by ValidateOrgnr and NormalizeOrgnr.
var (
	ErrOrgnrLength  = keyError("err.orgnr.length")
	ErrOrgnrDigits  = keyError("err.orgnr.digits")
	ErrOrgnrPrefix  = keyError("err.orgnr.prefix")
	ErrOrgnrControl = keyError("err.orgnr.control")
)

var orgnrWeights = [8]int{3, 2, 7, 6, 5, 4, 3, 2}

// ValidateOrgnr checks an organisasjonsnummer from Enhetsregisteret: nine
// digits starting with 8 or 9 whose last digit is a mod-11 control digit.
// Spaces anywhere are ignored, so the printed form "923 609 016" is accepted.
func ValidateOrgnr(s string) error {
	_, err := NormalizeOrgnr(s)
	return err
}

// NormalizeOrgnr validates s like ValidateOrgnr and returns the nine digits
// without spaces, the form to store and to look up in Brønnøysundregistrene.
func NormalizeOrgnr(s string) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrOrgnrDigits
		}
	}
	if len(s) != 9 {
		return "", ErrOrgnrLength
	}
	if s[0] != '8' && s[0] != '9' {
		return "", ErrOrgnrPrefix
	}
	k, ok := mod11(s, orgnrWeights[:])
	if !ok || int(s[8]-'0') != k {
		return "", ErrOrgnrControl
	}
	return s, nil
}

// GenerateOrgnr returns a random valid organisasjonsnummer for demo data,
// mostly starting with 9 like most registered units. It is deterministic for
// a given r. Generated numbers may belong to real organisations.
func GenerateOrgnr(r *rand.Rand) string {
	for {
		b := make([]byte, 9)
		b[0] = '9'
		if r.IntN(10) == 0 {
			b[0] = '8'
		}
		for i := 1; i < 8; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
		if k, ok := mod11(string(b[:8]), orgnrWeights[:]); ok {
			b[8] = byte('0' + k)
			return string(b)
		}
	}
}
