package register

import (
	"time"

	"github.com/verve-union/verve/internal/model"
)

// Status is the membership status a row leaves, given the status the
// register gives (rec; "" when it gives none): a member keeps the
// register's current status (active or in arrears), else is active; one
// who is not a member keeps the register's own status when it is no
// member's (resigned, removed …), else is resigned.
func (p Plan) Status(rec model.MembershipStatus) model.MembershipStatus {
	switch {
	case p.Member && model.IsMember(rec):
		return rec
	case p.Member:
		return model.StatusActive
	case rec != "" && !model.IsMember(rec):
		return rec
	}
	return model.StatusResigned
}

// Membership is the membership a row of a load (first: the first load)
// starts in status: of the register's type (retired when the plan
// retires the member, ordinary when the register gives none), from the
// register's join date (today when it gives none, or when a later load
// brings the join as news), ending, for one who is no member, on the
// register's resignation date or else today (zero end: it runs).
func (p Plan) Membership(first bool, r Record, status model.MembershipStatus, today time.Time) (typ model.MembershipType, start, end time.Time) {
	typ = r.Type
	switch {
	case p.Retire:
		typ = model.TypeRetired
	case typ == "":
		typ = model.TypeOrdinary
	}
	start = r.Joined
	if start.IsZero() || (!first && p.Join) {
		start = today
	}
	if !model.IsMember(status) {
		end = r.Resigned
		if end.IsZero() {
			end = today
		}
	}
	return typ, start, end
}
