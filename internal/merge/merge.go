// Package merge decides how two records of one person become one: the
// person known before (known) and the newcomer, found to be the same by an
// import, the join page or the register. Where the two collide:
//
//   - Memberships: a person has at most one current membership (Current).
//     Of two, the stronger status stays (active, then arrears, then
//     pending; on a tie the earlier start); the other becomes "merged",
//     ending the day of the merge, and hands its recruiter to the one that
//     stays if that has none (Settle). History (ended memberships, dues,
//     credits) moves unchanged.
//   - Pipeline entries at the same workplace become one: the known
//     person's, with the earlier first contact (Entries).
//   - Open employments at the same workplace become one: the earlier
//     start (Employments).
//   - Person fields: the known person's values stand; the newcomer's fill
//     what is blank. The newcomer's workplace, when it has one, becomes the
//     current one: it is the newer news, a member who changed job
//     (Combine).
//
// Storage loads the rows, asks these functions and writes what they say,
// in the merge's transaction (storage/merge.go).
package merge

import (
	"cmp"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Current lists the statuses in which a membership is current, strongest
// first.
var Current = model.List[model.MembershipStatus]{model.StatusActive, model.StatusArrears, model.StatusPending}

// Membership is a current membership of the merged person.
type Membership struct {
	ID        int64
	Status    model.MembershipStatus
	Start     time.Time
	Recruiter int64 // 0: none
}

// Settlement is what becomes of the current memberships.
type Settlement struct {
	Keep Membership // the one that stays, with the recruiter it ends up with
	// SetRecruiter tells that Keep had no recruiter and takes Keep.Recruiter
	// from one that goes.
	SetRecruiter bool
	Merged       []int64 // the ones that become merged, ending today
}

// Settle decides which of the person's current memberships stays (see the
// package comment). ok is false when there are none.
func Settle(current []Membership) (s Settlement, ok bool) {
	if len(current) == 0 {
		return s, false
	}
	ms := slices.Clone(current)
	slices.SortStableFunc(ms, func(a, b Membership) int {
		return cmp.Or(cmp.Compare(rank(a.Status), rank(b.Status)), a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	s.Keep = ms[0]
	for _, m := range ms[1:] {
		if s.Keep.Recruiter == 0 && m.Recruiter != 0 {
			s.Keep.Recruiter, s.SetRecruiter = m.Recruiter, true
		}
		s.Merged = append(s.Merged, m.ID)
	}
	return s, true
}

// rank orders the current statuses, strongest first; others after.
func rank(status model.MembershipStatus) int {
	if i := slices.Index(Current, status); i >= 0 {
		return i
	}
	return len(Current)
}

// Status is the merged person's member status: that of the membership that
// stays, else, with no current membership, that of the latest one not
// merged away (latest; "" if none), where a rejected application leaves
// no status.
func Status(s Settlement, ok bool, latest model.MembershipStatus) model.MembershipStatus {
	if ok {
		return s.Keep.Status
	}
	if latest == model.StatusRejected {
		return model.StatusNone
	}
	return latest
}

// Entry is a pipeline entry of either person.
type Entry struct {
	ID           int64
	WorkplaceID  int64
	FirstContact time.Time // zero: none yet
}

// Entries decides the pipeline entries at a workplace where both persons
// have one: the known person's stays, with the earlier first contact
// (update lists those whose first contact changes, with the new value),
// and the newcomer's go (drop).
func Entries(known, newcomer []Entry) (update []Entry, drop []int64) {
	for _, k := range known {
		first, both := k.FirstContact, false
		for _, n := range newcomer {
			if n.WorkplaceID != k.WorkplaceID {
				continue
			}
			both = true
			if !n.FirstContact.IsZero() && (first.IsZero() || n.FirstContact.Before(first)) {
				first = n.FirstContact
			}
		}
		if both && !first.Equal(k.FirstContact) {
			update = append(update, Entry{ID: k.ID, WorkplaceID: k.WorkplaceID, FirstContact: first})
		}
	}
	for _, n := range newcomer {
		if slices.ContainsFunc(known, func(k Entry) bool { return k.WorkplaceID == n.WorkplaceID }) {
			drop = append(drop, n.ID)
		}
	}
	return update, drop
}

// Employment is an open employment of the merged person.
type Employment struct {
	ID          int64
	WorkplaceID int64
	Start       time.Time
}

// Employments decides the person's open employments at the same
// workplace: the one begun first stays (on a tie the older record), the
// others go (drop).
func Employments(open []Employment) (drop []int64) {
	first := map[int64]Employment{}
	for _, e := range open {
		f, ok := first[e.WorkplaceID]
		if !ok || e.Start.Before(f.Start) || (e.Start.Equal(f.Start) && e.ID < f.ID) {
			first[e.WorkplaceID] = e
		}
	}
	for _, e := range open {
		if first[e.WorkplaceID].ID != e.ID {
			drop = append(drop, e.ID)
		}
	}
	return drop
}

// Person is the part of a person a merge combines. Zero values are blank.
type Person struct {
	Email, Mobile, OtherUnion        string
	Address, PostalCode, PostalPlace string
	BirthDate                        time.Time
	FnrHash                          string
	MemberNo                         string // the member register's number
	WorkplaceID, UnitID              int64
	UnitPath                         string
	LeaderboardOptIn                 bool
}

// Combine is the merged person: known's values, with the newcomer's where
// known has none, and the newcomer's workplace (and so unit) when it has
// one. The address goes as a whole: a postal code without its street is
// no address. Either opting in to the leaderboard is opting in.
func Combine(known, newcomer Person) Person {
	p := known
	for _, f := range []struct{ dst, src *string }{
		{&p.Email, &newcomer.Email}, {&p.Mobile, &newcomer.Mobile}, {&p.OtherUnion, &newcomer.OtherUnion}, {&p.FnrHash, &newcomer.FnrHash},
		{&p.MemberNo, &newcomer.MemberNo},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if p.Address == "" && p.PostalCode == "" {
		p.Address, p.PostalCode, p.PostalPlace = newcomer.Address, newcomer.PostalCode, newcomer.PostalPlace
	}
	if p.BirthDate.IsZero() {
		p.BirthDate = newcomer.BirthDate
	}
	if newcomer.WorkplaceID != 0 {
		p.WorkplaceID, p.UnitID, p.UnitPath = newcomer.WorkplaceID, newcomer.UnitID, newcomer.UnitPath
	}
	p.LeaderboardOptIn = known.LeaderboardOptIn || newcomer.LeaderboardOptIn
	return p
}

// AuditDetail is the audit log's line on a merge, in bokmål as the log
// keeps it: newcomer drop merged into known keep, on the ground why.
func AuditDetail(drop, keep int64, why string) string {
	return locale.T("nb", "audit.merge", "drop", drop, "keep", keep, "why", why)
}
