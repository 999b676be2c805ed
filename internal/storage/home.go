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
	// Union-wide, the open tasks are summed from task_counts (per due day
	// and kind, migration 00031); a scoped reader's are counted, as their
	// persons' scope decides too.
	a := access.Args{today}
	q := `SELECT COALESCE(SUM(CASE WHEN kind = 'welcome' THEN tasks ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN due <= $1 THEN tasks ELSE 0 END), 0) FROM task_counts`
	if !taskUnionWide(u, access.TaskRead) {
		q = `SELECT COALESCE(SUM(CASE WHEN t.kind = 'welcome' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.due <= $1 THEN 1 ELSE 0 END), 0)
		FROM tasks t` + taskPerson + ` WHERE t.status = 'open' AND ` + taskScope(u, access.TaskRead, &a)
	}
	if err := s.r.QueryRowContext(ctx, q, a...).Scan(&h.NewHiresWaiting, &h.TasksDue); err != nil {
		return nil, err
	}
	h.Workplaces, h.WorkplacesNoSteward, err = s.stewardless(ctx, u.Scope(access.WorkplaceRead))
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// stewardless counts the workplaces in the scope and those whose unit has
// no shop steward in office (nor one of their own): from subtree_counts,
// a few rows, when the daily job counted steward_counts for today and the
// scope is subtrees only; a portfolio's workplaces, or a day not yet
// counted, are counted on request.
func (s *Storage) stewardless(ctx context.Context, sc access.Scope) (all, none int, err error) {
	current, err := s.dailyCountsCurrent(ctx)
	if err != nil {
		return 0, 0, err
	}
	var a access.Args
	q := `SELECT COALESCE(SUM(workplaces), 0), COALESCE(SUM(stewardless), 0) FROM subtree_counts WHERE ` + subtreeFilter(sc.Paths, &a)
	if !current || len(sc.Workplaces) > 0 {
		a = access.Args{date(s.today())}
		q = `SELECT count(*),
		COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM roles r WHERE r.unit_id = w.unit_id AND (r.workplace_id IS NULL OR r.workplace_id = w.id)
			AND r.role IN ` + stewardRoles + ` AND ` + inOffice("r", "$1") + `) THEN 1 ELSE 0 END), 0)
		FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE ` + workplaceFilter(sc, &a)
	}
	err = s.r.QueryRowContext(ctx, q, a...).Scan(&all, &none)
	return all, none, err
}
