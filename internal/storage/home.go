package storage

import (
	"context"

	"github.com/verve-union/verve/internal/access"
)

// HomeCounts are the figures on the home page, for the user's scope.
type HomeCounts struct {
	Members             int
	NewHiresWaiting     int
	TasksDue            int
	WorkplacesNoSteward int
	Workplaces          int
}

// Home computes the home page figures for the user's scope.
func (s *Storage) Home(ctx context.Context, u *access.Principal) (*HomeCounts, error) {
	var h HomeCounts
	today := date(s.today())
	var err error
	if h.Members, err = s.memberSum(ctx, u.Scope(access.PersonRead)); err != nil {
		return nil, err
	}
	a := access.Args{today}
	if err := s.r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN t.kind = 'welcome' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.due <= $1 THEN 1 ELSE 0 END), 0)
		FROM tasks t`+taskPerson+` WHERE t.status = 'open' AND `+taskScope(u, access.TaskRead, &a), a...).Scan(&h.NewHiresWaiting, &h.TasksDue); err != nil {
		return nil, err
	}
	a = access.Args{today}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*),
		COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM roles r WHERE r.unit_id = w.unit_id AND (r.workplace_id IS NULL OR r.workplace_id = w.id) AND r.role IN `+stewardRoles+`
			AND (r.end_date IS NULL OR r.end_date > $1)) THEN 1 ELSE 0 END), 0)
		FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE `+workplaceFilter(u.Scope(access.WorkplaceRead), &a), a...).
		Scan(&h.Workplaces, &h.WorkplacesNoSteward); err != nil {
		return nil, err
	}
	return &h, nil
}
