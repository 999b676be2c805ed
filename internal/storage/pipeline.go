package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// OutcomeResult tells what logging an outcome set in motion.
type OutcomeResult struct {
	Task     model.Task  // the task, as it is now
	FollowUp *model.Task // the follow-up scheduled, if any
	// Invitation is the link that confirms the membership, sent to the
	// person when they joined (mailed if they have an address), for the
	// steward to hand over too; shown once, never stored.
	Invitation string
	Mailed     bool // the invitation went by e-mail
}

// LogOutcome records the outcome of a pipeline task in the user's scope
// and applies what pipeline.Decide makes of it, in one transaction: the
// contact, the pipeline entry's progress and erase date, the task's end or
// retry, the follow-up, the end of the employment, the membership.
func (s *Storage) LogOutcome(ctx context.Context, u *access.Principal, o pipeline.Outcome) (*OutcomeResult, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	res := &OutcomeResult{}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{o.TaskID}
		t := &res.Task
		var wid sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.kind, t.title, COALESCE(t.person_id, 0), t.workplace_id, t.unit_path, COALESCE(t.owner_person_id, 0), t.due, t.status
			FROM tasks t`+taskPerson+` WHERE t.id = $1 AND `+taskScope(u, access.TaskWrite, &args), args...).
			Scan(&t.ID, &t.Kind, &t.Title, &t.PersonID, &wid, &t.UnitPath, &t.OwnerID, &t.Due, &t.Status)
		if err != nil {
			return notFound(err, "err.task.notfound")
		}
		t.WorkplaceID = wid.Int64
		if t.Status != model.TaskOpen {
			return model.ErrorKey(model.ECONFLICT, "err.task.closed")
		}
		if !pipeline.HasOutcomes(*t) {
			return model.ErrorKey(model.EINVALID, "err.task.nooutcomes")
		}
		now, today := s.now().UTC(), s.today()
		plan := pipeline.Decide(*t, o, u.PersonID, today, st.FollowUpDays)
		if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (person_id, by_person_id, kind, at, note) VALUES ($1, $2, $3, $4, $5)`,
			t.PersonID, nullID(u.PersonID), string(plan.ContactKind), now, plan.Note); err != nil {
			return err
		}
		if err := s.ensurePipeline(ctx, tx, t, now); err != nil {
			return err
		}
		// Counted from this contact; joining clears it again below.
		if _, err := s.stampEraseDates(ctx, tx, st.RetentionDays, `pl.person_id = $1 AND pl.workplace_id = $2`, t.PersonID, t.WorkplaceID); err != nil {
			return err
		}
		if plan.FirstContact {
			if _, err := tx.ExecContext(ctx, `UPDATE pipeline SET first_contact_at = COALESCE(first_contact_at, $1) WHERE person_id = $2 AND workplace_id = $3`,
				now, t.PersonID, t.WorkplaceID); err != nil {
				return err
			}
		}
		if !plan.Retry.IsZero() {
			t.Due = plan.Retry
			if _, err := tx.ExecContext(ctx, `UPDATE tasks SET due = $1, escalated_at = NULL WHERE id = $2`, t.Due, t.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, u, "update", "task", t.ID, []string{"due"}, t.PersonID, plan.Note)
		}
		if f := plan.FollowUp; f != nil {
			f.CreatedAt = now
			if err := s.insertTask(ctx, tx, u, f); err != nil {
				return err
			}
			res.FollowUp = f
		}
		if plan.EndEmployment {
			if _, err := tx.ExecContext(ctx, `UPDATE employments SET end_date = $1 WHERE person_id = $2 AND workplace_id = $3 AND end_date IS NULL`,
				today, t.PersonID, t.WorkplaceID); err != nil {
				return err
			}
		}
		if plan.Invite {
			if err := s.checkRecruiter(ctx, tx, u, t.PersonID, plan.Recruiter); err != nil {
				return err
			}
			if res.Invitation, res.Mailed, err = s.invite(ctx, tx, u, t, o.MembershipType, plan.Recruiter, o.ConfirmURL); err != nil {
				return err
			}
		}
		if plan.Close {
			if err := s.closePipeline(ctx, tx, t, o.Result, plan.Reason, plan.Keep, now); err != nil {
				return err
			}
		}
		t.Status = plan.TaskStatus
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET status = $1, done_at = $2 WHERE id = $3`, t.Status, now, t.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "update", "task", t.ID, []string{"status", "outcome"}, t.PersonID, plan.Note)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ensurePipeline makes sure the person has a pipeline entry at the task's
// workplace; tasks made before there was a pipeline lack one.
func (s *Storage) ensurePipeline(ctx context.Context, tx *sql.Tx, t *model.Task, now time.Time) error {
	kind := pipeline.EntryKind(t.Kind)
	_, err := tx.ExecContext(ctx, `INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, start_date, created_at)
		SELECT $1, $2, $3, $4, (SELECT MAX(e.start_date) FROM employments e WHERE e.person_id = $1 AND e.workplace_id = $2), $5
		WHERE NOT EXISTS (SELECT 1 FROM pipeline WHERE person_id = $1 AND workplace_id = $2)`, t.PersonID, t.WorkplaceID, t.UnitPath, kind, now)
	return err
}

// closePipeline ends the person's pipeline entry with an outcome and
// cancels their other open pipeline tasks there; keep drops its erase date.
func (s *Storage) closePipeline(ctx context.Context, tx *sql.Tx, t *model.Task, outcome pipeline.Result, reason string, keep bool, now time.Time) error {
	erase := "erase_after"
	if keep {
		erase = "NULL"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pipeline SET outcome = $1, outcome_at = $2, decline_reason = $3, erase_after = `+erase+`
		WHERE person_id = $4 AND workplace_id = $5`, outcome, now, reason, t.PersonID, t.WorkplaceID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'cancelled', done_at = $1
		WHERE person_id = $2 AND workplace_id = $3 AND status = 'open' AND id <> $4 AND kind IN `+pipelineTaskKinds,
		now, t.PersonID, t.WorkplaceID, t.ID)
	return err
}

// checkRecruiter checks who is credited with recruiting personID: the
// user, or a member the user may read (personScope: one employed at a
// workplace in the user's scope besides their own too, as Colleagues
// offers them).
func (s *Storage) checkRecruiter(ctx context.Context, tx *sql.Tx, u *access.Principal, personID, recruiter int64) error {
	if recruiter != u.PersonID {
		var status model.MembershipStatus
		a := access.Args{recruiter}
		err := tx.QueryRowContext(ctx, `SELECT p.member_status FROM persons p WHERE p.id = $1 AND `+personScope(u, &a), a...).Scan(&status)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err != nil || recruiter == personID || !model.IsMember(status) {
			return model.ErrorKey(model.EINVALID, "err.recruiter.invalid")
		}
	}
	var status model.MembershipStatus
	if err := tx.QueryRowContext(ctx, `SELECT member_status FROM persons WHERE id = $1`, personID).Scan(&status); err != nil {
		return err
	}
	if model.IsMember(status) {
		return model.ErrorKey(model.ECONFLICT, "err.person.member")
	}
	return nil
}

// insertTask stores a new task and audits it.
func (s *Storage) insertTask(ctx context.Context, tx *sql.Tx, u *access.Principal, t *model.Task) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, t.Kind, t.Title, nullID(t.PersonID), nullID(t.WorkplaceID), t.UnitPath,
		nullID(t.OwnerID), date(t.Due), t.Status, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, u, "create", "task", t.ID, []string{"kind", "due", "owner"}, t.PersonID, "")
}

// StartAsking puts unorganised colleagues at a workplace into the pipeline
// with an ask task each. Members, members of other unions and those already
// being asked there are left out; it returns how many were added.
func (s *Storage) StartAsking(ctx context.Context, u *access.Principal, workplaceID int64, personIDs []int64) (int, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var path string
		err := tx.QueryRowContext(ctx, `SELECT o.path FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.id = $1`, workplaceID).Scan(&path)
		if err != nil || !u.Scope(access.TaskWrite).ContainsAt(path, workplaceID) {
			return model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
		}
		now, today := s.now().UTC(), s.today()
		for _, id := range personIDs {
			var status model.MembershipStatus
			var other string
			err := tx.QueryRowContext(ctx, `SELECT member_status, other_union FROM persons WHERE id = $1 AND workplace_id = $2
				AND NOT EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = persons.id AND pl.workplace_id = $2)`, id, workplaceID).Scan(&status, &other)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			if model.IsMember(status) || other != "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
				id, workplaceID, path, pipeline.EntryUnorganised, now); err != nil {
				return err
			}
			if _, err := s.stampEraseDates(ctx, tx, st.RetentionDays, `pl.person_id = $1 AND pl.workplace_id = $2`, id, workplaceID); err != nil {
				return err
			}
			owner, err := s.shareOwner(ctx, tx, workplaceID, "")
			if err != nil {
				return err
			}
			t := pipeline.Ask(id, workplaceID, path, owner, today)
			t.CreatedAt = now
			if err := s.insertTask(ctx, tx, u, &t); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}
