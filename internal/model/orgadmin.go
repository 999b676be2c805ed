package model

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/norway"
)

// singleHolder are the roles one person at a time holds on a unit: the
// club's chief shop steward and its leader. Shop stewards, board members
// and the others are many.
var singleHolder = map[RoleName]bool{RoleChiefShopSteward: true, RoleClubLeader: true}

// SingleHolderRoles lists the roles SingleHolder reports, for queries.
var SingleHolderRoles = List[RoleName]{RoleChiefShopSteward, RoleClubLeader}

// SingleHolder reports whether only one person may hold role on a unit at
// any one time, so that a new term must not overlap a current one.
func SingleHolder(role RoleName) bool { return singleHolder[role] }

// ValidateTerm checks a role's term: a known role, a start, an end (if
// any) after the start, and a department of one line. The end date is
// the first day without the role.
func (r *Role) ValidateTerm() error {
	var v Validation
	v.Check(r.Role.Valid(), "role", "err.role.unknown")
	v.Check(!r.StartDate.IsZero(), "start", "err.role.start")
	v.Check(r.EndDate.IsZero() || r.EndDate.After(r.StartDate), "end", "err.role.end")
	r.Department = strings.TrimSpace(r.Department)
	v.Check(utf8.RuneCountInString(r.Department) <= maxText && !strings.ContainsAny(r.Department, "\x00\r\n"), "department", "valid.toolong", "n", maxText)
	return v.Err()
}

// TermEndsWithin reports whether the term ends within days after today
// (and has not ended yet): an election or reappointment is due.
func (r *Role) TermEndsWithin(today time.Time, days int) bool {
	return !r.EndDate.IsZero() && r.EndDate.After(today) && !r.EndDate.After(today.AddDate(0, 0, days))
}

// ValidateUnit checks an org unit made or renamed by an admin: a name, and
// a kind below its parent's (a club under a branch, not a region under a
// club). parentKind is empty for the union itself.
func (o *OrgUnit) ValidateUnit(parentKind UnitKind) error {
	var v Validation
	o.Name = strings.TrimSpace(o.Name)
	v.Check(o.Name != "", "name", "err.unit.name")
	v.Check(utf8.RuneCountInString(o.Name) <= maxText && !strings.ContainsAny(o.Name, "\x00\r\n"), "name", "valid.toolong", "n", maxText)
	v.Check(o.Kind.Valid(), "kind", "err.unit.kind")
	if o.Kind.Valid() && parentKind != "" {
		v.Check(KindBelow(o.Kind, parentKind), "kind", "err.unit.kindbelow")
	}
	return v.Err()
}

// KindBelow reports whether a unit of kind may hang below one of parent:
// lower in UnitKinds, which runs from the top of the tree down.
func KindBelow(kind, parent UnitKind) bool {
	k, p := slices.Index(UnitKinds, kind), slices.Index(UnitKinds, parent)
	return k >= 0 && p >= 0 && k > p
}

// ValidateWorkplace checks a workplace made by an admin: a name and a valid
// organisasjonsnummer, normalised to its nine digits.
func (w *Workplace) ValidateWorkplace() error {
	var v Validation
	w.Name = strings.TrimSpace(w.Name)
	v.Check(w.Name != "", "name", "err.workplace.name")
	v.Check(utf8.RuneCountInString(w.Name) <= maxText && !strings.ContainsAny(w.Name, "\x00\r\n"), "name", "valid.toolong", "n", maxText)
	if err := w.ValidateOrgnr(); err != nil {
		v.AddFields(err)
	}
	return v.Err()
}

// ValidateOrgnr normalises the workplace's organisasjonsnummer.
func (w *Workplace) ValidateOrgnr() error {
	var v Validation
	orgnr, err := norway.NormalizeOrgnr(w.Orgnr)
	if err != nil {
		v.Add("orgnr", normKey(err))
	} else {
		w.Orgnr = orgnr
	}
	return v.Err()
}
