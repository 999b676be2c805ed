// Package listmatch decides who each row of an employer's list is and what
// the list does with them: which keys name a known person for certain and
// which only flag a possible match, which keys make a row a repeat of an
// earlier one, which class a row gets, and what each class leads to.
//
// Storage matches a list of 30,000 rows set-wise in SQL: it translates
// these tables into its statements (storage/imports.go) and decides
// nothing itself. Classify is the same decision for one row, for tests and
// for reading.
package listmatch

import (
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// Kind is the kind of an employer's list (imports.kind).
type Kind string

// Kinds of employer list.
const (
	Newhires Kind = "newhires" // new hires: each gets a welcome task
	Staff    Kind = "staff"    // the full staff list: the unorganised get ask tasks
)

// Kinds lists the kinds; the schema checks new rows against it
// (migration 00014).
var Kinds = model.List[Kind]{Newhires, Staff}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return Kinds.Valid(k) }

// Keys a row may match a known person by (model.MatchKeys).
const (
	KeyFnr       = model.MatchFnr       // the same fødselsnummer
	KeyEmail     = model.MatchEmail     // the same e-mail address
	KeyWorkplace = model.MatchWorkplace // an open pipeline entry at the row's workplace, same name and birth date (or neither has one)
	KeyMobile    = model.MatchMobile    // the same mobile number
	KeyNameBirth = model.MatchNameBirth // the same name and birth date, anywhere
	// KeyConfirmed marks a possible match a person has confirmed
	// (DecideMerge); it lives only in an import's staging table.
	KeyConfirmed model.MatchKey = "confirmed"
)

// Key is one way a row may match a known person.
type Key struct {
	Name    model.MatchKey
	Certain bool // the match is taken; else the row is flagged for a person to decide
}

// Keys are tried in this order, strongest first; a row takes the first
// that matches anyone.
var Keys = []Key{
	{KeyFnr, true},
	{KeyEmail, true},
	{KeyWorkplace, true},
	{KeyMobile, false},
	{KeyNameBirth, false},
}

// Possible lists the keys that only flag a match.
func Possible() []model.MatchKey {
	var out []model.MatchKey
	for _, k := range Keys {
		if !k.Certain {
			out = append(out, k.Name)
		}
	}
	return out
}

// RepeatKeys are the keys, in order, by which a row repeats an earlier row
// of the same list. The workplace and the mobile number are not: two
// people may share a workplace, and a family a phone.
var RepeatKeys = []model.MatchKey{KeyFnr, KeyEmail, KeyNameBirth}

// Class is the class of a row. Classes live only in the staging table of
// one import, never in the database file.
type Class string

// Classes of row, decided by matching against the persons Verve already
// knows.
const (
	ClassNew        Class = "new"         // unknown: becomes a prospect
	ClassExisting   Class = "existing"    // a known non-member: joins the pipeline
	ClassPipeline   Class = "pipeline"    // already being asked here: nothing new
	ClassMember     Class = "member"      // already a member: not asked
	ClassStudent    Class = "student"     // a student member: due for conversion
	ClassOtherUnion Class = "other_union" // member of another union: not asked
	ClassFlagged    Class = "flagged"     // a possible match a person must decide
	ClassDuplicate  Class = "duplicate"   // repeats an earlier row of the same list
)

// Classes lists the classes in report order.
var Classes = model.List[Class]{ClassNew, ClassExisting, ClassPipeline, ClassMember, ClassStudent, ClassOtherUnion, ClassFlagged, ClassDuplicate}

// Fact is something storage finds out about a row.
type Fact string

const (
	Repeat        Fact = "repeat"         // it repeats an earlier row of the list
	Unmatched     Fact = "unmatched"      // it matched nobody (or was decided to be someone new)
	PossibleMatch Fact = "possible"       // it matched by a possible key only, undecided
	StudentMember Fact = "student_member" // the person has a current student membership
	Member        Fact = "member"         // the person is a member
	OtherUnion    Fact = "other_union"    // the person is in another union
	InPipeline    Fact = "in_pipeline"    // the person has a pipeline entry at the row's workplace
)

// Rule gives a row with Fact the class Class.
type Rule struct {
	Fact  Fact
	Class Class
}

// Rules are tried in order: the first whose fact holds decides the class,
// and a row none holds for is Otherwise. A member is never asked, nor is
// a member of another union; a student member is to be converted, not
// welcomed.
var Rules = []Rule{
	{Repeat, ClassDuplicate},
	{Unmatched, ClassNew},
	{PossibleMatch, ClassFlagged},
	{StudentMember, ClassStudent},
	{Member, ClassMember},
	{OtherUnion, ClassOtherUnion},
	{InPipeline, ClassPipeline},
}

// Otherwise is the class of a known person none of the rules hold for.
const Otherwise = ClassExisting

// Classify is the class of a row with the given facts.
func Classify(facts ...Fact) Class {
	for _, r := range Rules {
		if slices.Contains(facts, r.Fact) {
			return r.Class
		}
	}
	return Otherwise
}

// Pipeline lists the classes whose rows join the pipeline: each gets an
// employment at the workplace, a pipeline entry and a task. A new row's
// person is created first, as a prospect.
var Pipeline = model.List[Class]{ClassNew, ClassExisting}

// Due is when the task of a row that joins the pipeline is due, on day
// today: on the day they start, or today for someone who has started or
// has no start date on the list. (A Convert task is due today.)
func Due(start, today time.Time) time.Time {
	if start.After(today) {
		return start
	}
	return today
}

// Convert is the class whose rows get a task to talk about moving from
// student to ordinary membership, unless one is open already. The task is
// the conversion job's (students.TaskTitle): one kind, one title.
const Convert = ClassStudent

// Decisions on a flagged row.
const (
	DecideMerge = "merge" // it is the matched person
	DecideNew   = "new"   // it is someone else
)

// Entry is what a list puts into the pipeline for a row that joins it.
type Entry struct {
	Kind     pipeline.Entry // the pipeline entry's kind
	TaskKind model.TaskKind
	Title    string
}

// EntryFor is what a list of kind puts into the pipeline: a new hire is
// welcomed, an unorganised colleague asked.
func EntryFor(kind Kind) Entry {
	if kind == Staff {
		return Entry{pipeline.EntryUnorganised, model.TaskAsk, pipeline.TitleAsk}
	}
	return Entry{pipeline.EntryNewHire, model.TaskWelcome, pipeline.TitleWelcomeNew}
}

// Matched is how many rows of a list with these class counts were matched
// to known persons: all but the new, the flagged and the repeated.
func Matched(rows int, counts map[Class]int) int {
	return rows - counts[ClassNew] - counts[ClassFlagged] - counts[ClassDuplicate]
}

// ClubOwner is the importing user u, when they are a shop steward or club
// leader for workplace, at path: by the unit, further subtrees or
// workplaces of that role. Whoever fetched the list makes the welcome. 0
// leaves the tasks to the workplace's usual owner.
func ClubOwner(u *access.Principal, path string, workplace int64) int64 {
	if u == nil || u.PersonID == 0 {
		return 0
	}
	for _, g := range u.Grants {
		switch g.Role {
		case model.RoleShopSteward, model.RoleChiefShopSteward, model.RoleClubLeader:
			if (access.Scope{Paths: g.Paths(), Workplaces: g.Workplaces}).ContainsAt(path, workplace) {
				return u.PersonID
			}
		}
	}
	return 0
}

// AuditDetail is a list's line in the audit log, in bokmål as the log
// keeps it: its name and counts, never a personal value.
func AuditDetail(file string, rows int, counts map[Class]int, rejected int) string {
	return locale.T("nb", "audit.import", "file", file, "rows", rows, "new", counts[ClassNew], "matched", Matched(rows, counts),
		"flagged", counts[ClassFlagged], "duplicate", counts[ClassDuplicate], "rejected", rejected)
}
