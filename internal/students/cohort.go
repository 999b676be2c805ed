package students

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Cohort is a graduation cohort: the year and term of the expected
// graduation.
type Cohort struct {
	Year int
	Term int // 1 spring (January–June), 2 autumn (July–December)
}

// CohortOf is the cohort of an expected graduation on day d.
func CohortOf(d time.Time) Cohort {
	if d.Month() > time.June {
		return Cohort{d.Year(), 2}
	}
	return Cohort{d.Year(), 1}
}

// Graduate is a student membership whose expected graduation has passed,
// as storage reads it.
type Graduate struct {
	Institution string
	Graduation  time.Time
	Status      model.MembershipStatus
	End         time.Time // zero while the membership runs
}

// Outcome is how a graduate counts: not at all (counted false) when the
// membership ended more than half a year before the expected graduation
// (left during the studies) or never began (pending and the like);
// otherwise as converted, still a student member, or neither (left).
func (g Graduate) Outcome() (counted, converted, student bool) {
	if g.Status == model.StatusConverted {
		return true, true, false
	}
	ended := !g.End.IsZero()
	if ended && g.End.Before(g.Graduation.AddDate(0, -6, 0)) {
		return false, false, false
	}
	if !ended && !model.IsMember(g.Status) {
		return false, false, false
	}
	return true, false, !ended
}

// ConversionRow is one graduation cohort at one institution (Institution
// "" for the cohort as a whole): the student members who reached their
// expected graduation as members, how many moved to a working membership,
// and how many are still on a student membership.
type ConversionRow struct {
	Year        int
	Term        int // 1 spring (January–June), 2 autumn
	Institution string
	Graduated   int
	Converted   int
	Student     int
}

// Rate is the share converted, 0..1.
func (r ConversionRow) Rate() float64 {
	if r.Graduated == 0 {
		return 0
	}
	return float64(r.Converted) / float64(r.Graduated)
}

// Cohort is the cohort's key, such as "2026-1".
func (r ConversionRow) Cohort() string { return fmt.Sprintf("%d-%d", r.Year, r.Term) }

func (r *ConversionRow) add(converted, student bool) {
	r.Graduated++
	if converted {
		r.Converted++
	}
	if student {
		r.Student++
	}
}

// ConversionRates counts the graduates per cohort and institution: cohorts
// newest first, each with its total (Institution "") before its
// institutions in Norwegian order; and the total of all.
func ConversionRates(gs []Graduate) ([]ConversionRow, ConversionRow) {
	type key struct {
		c     Cohort
		inst  string
		whole bool
	}
	var total ConversionRow
	byKey := map[key]*ConversionRow{}
	add := func(k key, converted, student bool) {
		r := byKey[k]
		if r == nil {
			r = &ConversionRow{Year: k.c.Year, Term: k.c.Term, Institution: k.inst}
			byKey[k] = r
		}
		r.add(converted, student)
	}
	for _, g := range gs {
		counted, converted, student := g.Outcome()
		if !counted {
			continue
		}
		c := CohortOf(g.Graduation)
		add(key{c, g.Institution, false}, converted, student)
		add(key{c, "", true}, converted, student)
		total.add(converted, student)
	}
	whole := map[*ConversionRow]bool{}
	out := make([]*ConversionRow, 0, len(byKey))
	for k, r := range byKey {
		whole[r] = k.whole
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *ConversionRow) int {
		if c := cmp.Or(cmp.Compare(b.Year, a.Year), cmp.Compare(b.Term, a.Term)); c != 0 {
			return c
		}
		if whole[a] != whole[b] {
			if whole[a] {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(norway.SortKey(a.Institution), norway.SortKey(b.Institution)), strings.Compare(a.Institution, b.Institution))
	})
	rows := make([]ConversionRow, len(out))
	for i, r := range out {
		rows[i] = *r
	}
	return rows, total
}
