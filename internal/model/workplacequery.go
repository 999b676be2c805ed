package model

import (
	"strings"
	"unicode/utf8"
)

// WorkplaceQuery is what a visitor typed to find their workplace on the
// join page: an organisasjonsnummer (nine digits, spaces allowed), or up to
// four words that must all occur in the name.
type WorkplaceQuery struct {
	Orgnr string
	Words []string // lower-case
}

// Limits of a name search: shorter asks match too much, longer ones are
// not typed by people.
const (
	workplaceQueryMinRunes = 2
	workplaceQueryMaxBytes = 100
	workplaceQueryMaxWords = 4
)

// ParseWorkplaceQuery reads q; ok is false when q asks for nothing (empty,
// too short or too long), and the search should find nothing.
func ParseWorkplaceQuery(q string) (wq WorkplaceQuery, ok bool) {
	q = strings.TrimSpace(q)
	if digits := strings.ReplaceAll(q, " ", ""); len(digits) == 9 && strings.Trim(digits, "0123456789") == "" {
		return WorkplaceQuery{Orgnr: digits}, true
	}
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 || utf8.RuneCountInString(q) < workplaceQueryMinRunes || len(q) > workplaceQueryMaxBytes {
		return WorkplaceQuery{}, false
	}
	if len(words) > workplaceQueryMaxWords {
		words = words[:workplaceQueryMaxWords]
	}
	return WorkplaceQuery{Words: words}, true
}
