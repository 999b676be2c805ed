package model

import "slices"

// List is the valid values of one of the typed words stored in the
// database (Source, MembershipStatus, RoleName …), in display order. The
// schema checks new rows against the same lists (migrations 00013, 00014).
type List[T ~string] []T

// Valid reports whether v is in the list.
func (l List[T]) Valid(v T) bool { return slices.Contains(l, v) }

// Strings returns the values as plain strings, for messages and flags.
func (l List[T]) Strings() []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = string(v)
	}
	return out
}

// MatchSource is where the newcomer of a possible match came from
// (match_candidates.source).
type MatchSource string

const (
	MatchFromImport   MatchSource = "import"   // a row of an employer's list
	MatchFromJoin     MatchSource = "join"     // an application from the join page
	MatchFromRegister MatchSource = "register" // a new member in a register load (migration 00015 checks it)
)

// MatchSources lists the sources of a possible match.
var MatchSources = List[MatchSource]{MatchFromImport, MatchFromJoin, MatchFromRegister}

// Valid reports whether s is one of MatchSources.
func (s MatchSource) Valid() bool { return MatchSources.Valid(s) }

// MatchKey is what a newcomer and a known person were found to share
// (match_candidates.match).
type MatchKey string

const (
	MatchFnr       MatchKey = "fnr"
	MatchEmail     MatchKey = "email"
	MatchWorkplace MatchKey = "workplace" // same name and birth date in an open pipeline entry at the same workplace
	MatchMobile    MatchKey = "mobile"
	MatchNameBirth MatchKey = "name_birth"
)

// MatchKeys lists the keys, strongest first.
var MatchKeys = List[MatchKey]{MatchFnr, MatchEmail, MatchWorkplace, MatchMobile, MatchNameBirth}

// Valid reports whether k is one of MatchKeys.
func (k MatchKey) Valid() bool { return MatchKeys.Valid(k) }

// MatchDecision is what someone decided about a possible match
// (match_candidates.decision).
type MatchDecision string

const (
	MatchOpen     MatchDecision = ""         // not decided yet
	MatchMerge    MatchDecision = "merge"    // the same person: the newcomer merges into the known one
	MatchDistinct MatchDecision = "distinct" // two people: both stand
)

// MatchDecisions lists the decisions a user can make (MatchOpen is not
// one; a merged pair's row goes with the merged person).
var MatchDecisions = List[MatchDecision]{MatchMerge, MatchDistinct}

// Valid reports whether d is one of MatchDecisions.
func (d MatchDecision) Valid() bool { return MatchDecisions.Valid(d) }
