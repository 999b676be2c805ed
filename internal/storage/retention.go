package storage

import (
	"context"
	"database/sql"

	"github.com/verve-union/verve/internal/access"
)

// EscalateOverdue marks pipeline tasks overdue by more than the union's
// limit as escalated, which puts them on the region coordinator's
// "Min dag". Only tasks in u's scope are touched; the worker runs it as
// System. It returns how many it escalated.
func (s *Storage) EscalateOverdue(ctx context.Context, u *access.Principal) (int, error) {
	if u == nil {
		return 0, nil // nil may do nothing: no task lies in its scope
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now, limit := s.now().UTC(), s.today().AddDate(0, 0, -st.EscalateAfterDays)
		args := access.Args{limit, now}
		cond := `id IN (SELECT t.id FROM tasks t` + taskPerson + ` WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due < $1
			AND t.kind IN ('welcome', 'ask', 'follow_up') AND ` + taskScope(u, access.TaskWrite, &args) + `)`
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $2, `+args.Add(nullID(u.UserID))+`, `+args.Add(u.Username)+`, 'escalate', 'task', id, 'escalated_at', person_id, '', '' FROM tasks WHERE `+cond,
			args...); err != nil {
			return err
		}
		// The update names neither user placeholder, the last two arguments.
		r, err := tx.ExecContext(ctx, `UPDATE tasks SET escalated_at = $2 WHERE `+cond, args[:len(args)-2]...)
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), err
}

// EraseExpired erases the prospects who said no or left once their
// retention period is over: the person, their contacts, tasks, employments
// and pipeline entries, and the personal values in the audit log. Anyone
// who has since become a member, or is being asked elsewhere, is kept.
func (s *Storage) EraseExpired(ctx context.Context, u *access.Principal) (int, error) {
	return s.eraseWhere(ctx, u, "oppbevaringstiden er ute", `SELECT DISTINCT pl.person_id FROM pipeline pl JOIN persons p ON p.id = pl.person_id
		WHERE pl.erase_after < $1 AND pl.outcome IN ('declined', 'left') AND p.member_status NOT IN ('active', 'arrears')
		AND NOT EXISTS (SELECT 1 FROM pipeline o WHERE o.person_id = pl.person_id AND (o.outcome = '' OR o.erase_after >= $1))
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = pl.person_id)
		AND NOT EXISTS (SELECT 1 FROM users us WHERE us.person_id = pl.person_id)`, date(s.today()))
}

// eraseWhere erases, in one transaction, every person the query selects:
// their memberships, contacts, tasks, employments, pipeline entries and
// roles, the person, and the personal values the audit log kept about
// them; each erasure is itself audited with the reason. Only persons in
// u's scope are erased, whatever the query selects.
func (s *Storage) eraseWhere(ctx context.Context, u *access.Principal, reason, query string, args ...any) (int, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		all := access.Args(args)
		rows, err := tx.QueryContext(ctx, `SELECT p.id FROM persons p WHERE p.id IN (`+query+`) AND `+
			u.Scope(access.PersonWrite).Filter("p.unit_path", &all)+` ORDER BY p.id`, all...)
		if err != nil {
			return err
		}
		err = eachRow(rows, func() error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			for _, q := range []string{
				`DELETE FROM memberships WHERE person_id = $1`,
				`DELETE FROM contacts WHERE person_id = $1`,
				`UPDATE contacts SET by_person_id = NULL WHERE by_person_id = $1`,
				`DELETE FROM tasks WHERE person_id = $1`,
				`DELETE FROM employments WHERE person_id = $1`,
				`DELETE FROM pipeline WHERE person_id = $1`,
				`DELETE FROM roles WHERE person_id = $1`,
				`DELETE FROM persons WHERE id = $1`,
			} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return err
				}
			}
			if err := s.eraseAuditDetail(ctx, tx, id); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, u, "erase", "person", id, nil, 0, reason); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}
