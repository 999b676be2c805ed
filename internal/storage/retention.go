package storage

// Retention: how long Verve keeps people who are not members is decided in
// internal/retention (erase dates, cutoffs, who is erased and what keeps
// them, what erasure does to a row); this file translates it into SQL and
// applies it set-wise.
//
// A pipeline entry's erase date (pipeline.erase_after) is set when the
// entry is created, contacted or closed (stampEraseDates), and the hourly
// StampEraseDates fills in what other write paths and older rows lack.
// EraseExpired, EraseRejected (applications.go) and PurgeMail (outbox.go)
// erase what has passed its date.
//
// A new kind of record about people (former members, event registrants,
// stand leads …) follows the same rules: give its table an erase_after DATE
// (NULL while the record must be kept), set it where the record is
// created, contacted and closed from a retention setting for that kind,
// fill in missing dates in StampEraseDates, add to retention the Cond that
// such a record within its period keeps its person (and, for a new Kind,
// the one that selects those whose dates have all passed) with its SQL in
// eraseKeep or eraseSelect, and list every new column that refers to a
// person in personRefs (merge.go) with the retention.Rule erasure applies.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/retention"
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
		now, limit := s.now().UTC(), pipeline.EscalateBefore(s.today(), st.EscalateAfterDays)
		args := access.Args{limit, now}
		cond := `id IN (SELECT t.id FROM tasks t` + taskPerson + ` WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due < $1
			AND t.kind IN ` + pipelineTaskKinds + ` AND ` + taskScope(u, access.TaskWrite, &args) + `)`
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

// stampEraseDates sets the erase date of the pipeline entries cond selects
// (as pl) that did not become a membership, as retention.EraseAfter says
// from the entry's creation and the last contact with the person. It
// returns how many entries it dated.
func (s *Storage) stampEraseDates(ctx context.Context, tx *sql.Tx, days int, cond string, args ...any) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT pl.id, pl.created_at, c.at FROM pipeline pl
		LEFT JOIN contacts c ON c.id = (SELECT c2.id FROM contacts c2 WHERE c2.person_id = pl.person_id ORDER BY c2.at DESC, c2.id DESC LIMIT 1)
		WHERE pl.outcome <> `+sqlWord(pipeline.OutcomeJoined)+` AND `+cond, args...)
	if err != nil {
		return 0, err
	}
	type stamp struct {
		id    int64
		erase time.Time
	}
	var stamps []stamp
	err = eachRow(rows, func() error {
		var st stamp
		var created time.Time
		var contact sql.NullTime
		if err := rows.Scan(&st.id, &created, &contact); err != nil {
			return err
		}
		st.erase = retention.EraseAfter(created, timeOf(contact), days)
		stamps = append(stamps, st)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, st := range stamps {
		if _, err := tx.ExecContext(ctx, `UPDATE pipeline SET erase_after = $1 WHERE id = $2`, date(st.erase), st.id); err != nil {
			return 0, err
		}
	}
	return len(stamps), nil
}

// StampEraseDates gives every pipeline entry that lacks one its erase date
// (retention.EraseAfter): entries from before the rule, and those made
// where the date is not set at once (employer lists). The worker runs it
// before EraseExpired.
func (s *Storage) StampEraseDates(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if n, err = s.stampEraseDates(ctx, tx, st.RetentionDays, `pl.erase_after IS NULL`); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, u, "update", "pipeline", 0, []string{"erase_after"}, 0, retention.StampedDetail(n))
	})
	return n, err
}

// EraseExpired erases the people in the pipeline whose every entry has
// passed its erase date, unless something keeps them (retention.Prospects).
func (s *Storage) EraseExpired(ctx context.Context, u *access.Principal) (int, error) {
	return s.eraseKind(ctx, u, retention.Prospects, date(s.today()))
}

// eraseSelect translates the condition of each retention.Kind that makes a
// person erasable into the query that selects such persons p, by their id,
// given the kind's moment as $1. TestEraseCondsTranslated fails when a kind
// has none.
var eraseSelect = map[retention.Cond]string{
	retention.AllEntriesPassed: `SELECT pl.person_id FROM pipeline pl JOIN persons p ON p.id = pl.person_id WHERE pl.erase_after < $1
		AND NOT EXISTS (SELECT 1 FROM pipeline o WHERE o.person_id = pl.person_id AND (o.erase_after IS NULL OR o.erase_after >= $1))`,
	retention.Rejected: `SELECT p.id FROM persons p
		WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id AND m.status = ` + sqlWord(model.StatusRejected) + `)`,
}

// eraseKeep translates each condition that keeps a person p, with the
// kind's moment as $1.
var eraseKeep = map[retention.Cond]string{
	retention.Member:        `p.member_status IN ` + currentStatuses,
	retention.HasStatus:     `p.member_status <> ` + sqlWord(model.StatusNone),
	retention.AnyMembership: `EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id)`,
	retention.OtherMembership: `EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id
		AND (m.status <> ` + sqlWord(model.StatusRejected) + ` OR m.decided_at IS NULL OR m.decided_at >= $1))`,
	retention.Recruiter: `EXISTS (SELECT 1 FROM memberships m WHERE m.recruited_by = p.id)`,
	retention.OpenEntry: `EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = p.id AND pl.outcome = ` + sqlWord(pipeline.Open) + `)`,
	retention.User:      `EXISTS (SELECT 1 FROM users us WHERE us.person_id = p.id)`,
	retention.Role:      `EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id)`,
	retention.TaskOwner: `EXISTS (SELECT 1 FROM tasks t WHERE t.owner_person_id = p.id)`,
}

// eraseQuery is the query selecting the persons of kind k: those for whom
// its Erase condition holds and none of its Keep conditions.
func eraseQuery(k retention.Kind) string {
	q := eraseSelect[k.Erase]
	for _, c := range k.Keep {
		q += `
		AND NOT (` + eraseKeep[c] + `)`
	}
	return q
}

// eraseKind erases the persons of kind k in u's scope; moment is the
// kind's (retention.Cond).
func (s *Storage) eraseKind(ctx context.Context, u *access.Principal, k retention.Kind, moment any) (int, error) {
	return s.eraseWhere(ctx, u, k.Reason(), eraseQuery(k), moment)
}

// eraseWhere erases every person in u's scope whose id the query selects,
// each in a short transaction of its own, so that one person who cannot be
// erased neither holds the writer long nor stops the others: the failure
// is audited and returned (joined with the others'), and the person is
// tried again next run. It returns how many were erased.
func (s *Storage) eraseWhere(ctx context.Context, u *access.Principal, reason, query string, args ...any) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	all := access.Args(slices.Clone(args))
	rows, err := s.r.QueryContext(ctx, `SELECT p.id FROM persons p WHERE p.id IN (`+query+`) AND `+
		u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &all)+` ORDER BY p.id`, all...)
	if err != nil {
		return 0, err
	}
	var ids []int64
	err = eachRow(rows, func() error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return 0, err
	}
	n, errs := 0, []error(nil)
	for _, id := range ids {
		if ctx.Err() != nil {
			return n, errors.Join(append(errs, ctx.Err())...)
		}
		erased, err := s.erasePerson(ctx, u, id, reason, query, args)
		if err != nil {
			errs = append(errs, fmt.Errorf("erase person %d: %w", id, err))
			// The erasure rolled back; its failure is recorded on its own,
			// tied to the person so that the entry goes when they do.
			if err := s.audit(ctx, s.w, u, "erase_failed", "person", id, nil, id, reason+": "+errorText(err)); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if erased {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// erasePerson erases one person in one transaction, if the query still
// selects them (they may have joined since the list was read): every row
// that refers to them is deleted, cleared or blanked as personRefs says,
// then the person, and the erasure is audited with the reason.
func (s *Storage) erasePerson(ctx context.Context, u *access.Principal, id int64, reason, query string, args []any) (bool, error) {
	erased := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a := access.Args(slices.Clone(args))
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM persons p WHERE p.id = `+a.Add(id)+` AND p.id IN (`+query+`) AND `+
			u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &a), a...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, r := range personRefs {
			var err error
			switch r.erase {
			case retention.Delete:
				_, err = tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s = $1`, r.table, r.column), id)
			case retention.Clear:
				_, err = tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = NULL WHERE %s = $1`, r.table, r.column, r.column), id)
			case retention.Blank:
				err = s.eraseAuditDetail(ctx, tx, id)
			}
			if err != nil {
				return fmt.Errorf("%s.%s: %w", r.table, r.column, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM persons WHERE id = $1`, id); err != nil {
			return err
		}
		erased = true
		return s.audit(ctx, tx, u, "erase", "person", id, nil, 0, reason)
	})
	return erased, err
}
