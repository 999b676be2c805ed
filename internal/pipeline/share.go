package pipeline

import (
	"strings"
)

// Steward is a shop steward at a workplace, as Share sees them: the
// department their role names ("" for the whole workplace) and how many
// open tasks they hold.
type Steward struct {
	PersonID   int64
	Department string
	Open       int
}

// Share decides who welcomes each of a workplace's new hires, given in
// order with their departments: a steward whose role names the hire's
// department (compared without case or surrounding space), else one of
// the stewards for the whole workplace, else any steward. Among those it
// picks the one with the fewest open tasks, counting the ones handed out
// here, and on a tie the one listed first: so the hires go round in turn.
// With no stewards every owner is 0 (the caller's fallback).
func Share(stewards []Steward, departments []string) []int64 {
	out := make([]int64, len(departments))
	if len(stewards) == 0 {
		return out
	}
	load := make([]int, len(stewards))
	for i, s := range stewards {
		load[i] = s.Open
	}
	for i, d := range departments {
		d = norm(d)
		best := -1
		for _, pass := range []func(Steward) bool{
			func(s Steward) bool { return d != "" && norm(s.Department) == d },
			func(s Steward) bool { return norm(s.Department) == "" },
			func(Steward) bool { return true },
		} {
			for j, s := range stewards {
				if pass(s) && (best < 0 || load[j] < load[best]) {
					best = j
				}
			}
			if best >= 0 {
				break
			}
		}
		load[best]++
		out[i] = stewards[best].PersonID
	}
	return out
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
