package norway

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in the form used for case-insensitive search: Unicode
// lower case (SQLite's lower() only folds ASCII, so "ÅSEN" would not match
// "åsen"), NFC-normalised so that a decomposed "å" equals a precomposed one,
// trimmed and with runs of white space collapsed to one space.
func Fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}

// SortKey returns an ASCII key whose plain byte order (ORDER BY on a text
// column, sort.Strings) is Norwegian alphabetical order, ignoring case:
// a–z, then æ, ø, å. Those three are mapped to '{', '|' and '}', which follow
// 'z' in ASCII. As in Norwegian dictionaries, ä sorts as æ; ö, ő and œ as
// ø; and ü as y. Other accented Latin letters sort as their base letter
// (é as e). Digits are kept and sort before letters; spaces and hyphens
// become one space, which sorts before both; other punctuation is dropped.
// Letters from other scripts become '~' so they sort last. The double-a
// rule (Aa as Å) is deliberately not applied: "Aas" sorts under A.
func SortKey(s string) string {
	var b strings.Builder
	space := false // a separator is pending
	emit := func(str string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(str)
	}
	// NFC first, so å/æ/ø are single runes and are mapped here before any
	// decomposition would turn å into a + ring.
	for _, r := range norm.NFC.String(s) {
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			emit(string(r))
		case r == 'æ' || r == 'ä' || r == 'ǽ':
			emit("{")
		case r == 'ø' || r == 'ö' || r == 'ő' || r == 'ǿ' || r == 'œ':
			emit("|")
		case r == 'å' || r == 'ǻ':
			emit("}")
		case r == 'ü' || r == 'ű':
			emit("y")
		case unicode.IsSpace(r) || r == '-' || r == '‐' || r == '–':
			space = true
		case unicode.IsLetter(r):
			emit(baseLetters(r))
		}
	}
	return b.String()
}

// special holds Latin letters that do not decompose to a base letter.
var special = map[rune]string{
	'ß': "ss", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i", 'ŋ': "n",
}

// baseLetters maps a lower-case letter other than a–z, æ, ø and å to ASCII
// letters by compatibility decomposition (so ĳ becomes ij), dropping accents.
func baseLetters(r rune) string {
	if s, ok := special[r]; ok {
		return s
	}
	var out []byte
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case d >= 'a' && d <= 'z':
			out = append(out, byte(d))
		case unicode.Is(unicode.Mn, d):
			// accent: drop
		default:
			return "~"
		}
	}
	if len(out) == 0 {
		return "~"
	}
	return string(out)
}
