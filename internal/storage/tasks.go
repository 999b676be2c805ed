package storage

import (
	"context"
	"database/sql"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

const taskColumns = `t.id, t.kind, t.title, COALESCE(t.person_id, 0), COALESCE(p.first_name || ' ' || p.last_name, ''),
	COALESCE(t.workplace_id, 0), t.unit_path, COALESCE(t.owner_person_id, 0), t.due, t.status, t.created_at, t.done_at`

// taskScope is the condition that the task t, joined with its person as
// p, is one u may use with perm: the task lies in u's scope for perm and
// its person, if it has one, is one u may read. A task about a person who
// has moved out of reach is neither shown nor actionable; one employed at
// a workplace in u's scope besides their own is in reach (personScope).
func taskScope(u *access.Principal, perm access.Permission, a *access.Args) string {
	// Union-wide both ways, every task and person lies in scope: no
	// condition, and no join of persons needed for it.
	if taskUnionWide(u, perm) {
		return "1 = 1"
	}
	return u.Scope(perm).FilterAt("t.unit_path", "t.workplace_id", a) + ` AND (t.person_id IS NULL OR ` + personScope(u, a) + `)`
}

// taskPerson joins a task's person for taskScope.
const taskPerson = ` LEFT JOIN persons p ON p.id = t.person_id`

// taskUnionWide reports whether u may use perm on every task and read
// every person: one database holds one union, under its root.
func taskUnionWide(u *access.Principal, perm access.Permission) bool {
	return u.UnionWide(perm) && u.UnionWide(access.PersonRead)
}

func (s *Storage) tasks(ctx context.Context, cond string, args ...any) ([]model.Task, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks t`+taskPerson+` WHERE `+cond+
		` ORDER BY t.due, t.id LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	var out []model.Task
	err = eachRow(rows, func() error {
		var t model.Task
		var done sql.NullTime
		if err := rows.Scan(&t.ID, &t.Kind, &t.Title, &t.PersonID, &t.PersonName, &t.WorkplaceID, &t.UnitPath, &t.OwnerID,
			&t.Due, &t.Status, &t.CreatedAt, &done); err != nil {
			return err
		}
		t.DoneAt = timeOf(done)
		out = append(out, t)
		return nil
	})
	return out, err
}

// DueTasks lists the open tasks in the user's scope due on or before the
// given number of days from today, earliest first.
func (s *Storage) DueTasks(ctx context.Context, u *access.Principal, days int) ([]model.Task, error) {
	a := access.Args{date(s.today().AddDate(0, 0, days))}
	if taskUnionWide(u, access.TaskRead) {
		// The first of the union's open tasks are read in due order from
		// open_tasks (migration 00031), before their persons are joined.
		return s.tasks(ctx, `t.id IN (SELECT task_id FROM open_tasks WHERE due <= $1 ORDER BY due, task_id LIMIT 200)`, a...)
	}
	return s.tasks(ctx, `t.status = 'open' AND t.due <= $1 AND `+taskScope(u, access.TaskRead, &a), a...)
}

// CompleteTask marks an open task in the user's scope as done. A pipeline
// task closed this way leaves its entry open without an answer: the entry
// gets its erase date, so the person is not kept forever.
func (s *Storage) CompleteTask(ctx context.Context, u *access.Principal, id int64) error {
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var args access.Args
		var personID, workplaceID sql.NullInt64
		var status model.TaskStatus
		err := tx.QueryRowContext(ctx, `SELECT t.person_id, t.workplace_id, t.status FROM tasks t`+taskPerson+` WHERE t.id = `+args.Add(id)+` AND `+
			taskScope(u, access.TaskWrite, &args), args...).Scan(&personID, &workplaceID, &status)
		if err != nil {
			return notFound(err, "err.task.notfound")
		}
		if status != model.TaskOpen {
			return model.ErrorKey(model.ECONFLICT, "err.task.closed")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_at = $1 WHERE id = $2`, s.now().UTC(), id); err != nil {
			return err
		}
		if _, err := s.stampEraseDates(ctx, tx, st.RetentionDays, `pl.person_id = $1 AND pl.workplace_id = $2`, personID, workplaceID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "update", "task", id, []string{"status", "done_at"}, personID.Int64, "")
	})
}
