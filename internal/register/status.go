package register

import "github.com/verve-union/verve/internal/model"

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
