package register

import "github.com/verve-union/verve/internal/model"

// Count is one figure of a Report. Name is its JSON field and the end of
// its catalogue key (reg.count.<name>), so the command line, the page and
// the API name the same figures in the same order.
type Count struct {
	Name string
	N    int
}

// Counts are the report's figures in the order they are shown.
func (r *Report) Counts() []Count {
	return []Count{
		{"created", r.Created}, {"updated", r.Updated}, {"unchanged", r.Unchanged},
		{"units", r.Units}, {"workplaces", r.Workplaces},
		{"resigned", r.Resigned}, {"winbacks", r.Winbacks}, {"welcomes", r.Welcomes},
		{"job_changes", r.JobChanges}, {"dues_calls", r.DuesCalls},
		{"roles_started", r.RolesStarted}, {"roles_ended", r.RolesEnded}, {"matches", r.Matches},
	}
}

// Coded are the fields whose values the vocabulary maps, each with the
// model values a word can be mapped to.
func Coded(f Field) []string {
	switch f {
	case MemberType:
		return model.MembershipTypes.Strings()
	case MemberStatus:
		return model.List[model.MembershipStatus]{model.StatusActive, model.StatusArrears, model.StatusResigned}.Strings()
	case Roles:
		return model.Roles.Strings()
	case ResignReason:
		return model.List[model.LeaveReason](model.LeaveReasons).Strings()
	case Dues:
		return model.List[model.DuesStatus]{model.DuesPaid, model.DuesArrears, model.DuesDeductionStopped}.Strings()
	}
	return nil
}
