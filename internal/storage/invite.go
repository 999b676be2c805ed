package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/joinmail"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// inviteLinkTTL is how long an invitation to join works: longer than the
// join page's own link, since the steward may hand it over on paper.
const inviteLinkTTL = 14 * 24 * time.Hour

// invite sends the task's person an invitation to join: an application
// prefilled from what Verve holds about them, with the recruiter, which
// they confirm with consent on the join page (ConfirmApplication). An
// earlier open invitation of theirs is replaced. It returns the link,
// and whether it was mailed (the person has an e-mail address).
func (s *Storage) invite(ctx context.Context, tx *sql.Tx, u *access.Principal, t *model.Task, typ model.MembershipType, recruiter int64, confirmURL string) (string, bool, error) {
	if !strings.HasPrefix(confirmURL, "http://") && !strings.HasPrefix(confirmURL, "https://") {
		return "", false, model.ErrorKey(model.EINTERNAL, "err.application.nolink")
	}
	app := model.Application{Type: typ, WorkplaceID: t.WorkplaceID, Lang: "nb", ConfirmURL: confirmURL}
	p := &app.Person
	if err := tx.QueryRowContext(ctx, `SELECT first_name, last_name, email, mobile, postal_code FROM persons WHERE id = $1`, t.PersonID).
		Scan(&p.FirstName, &p.LastName, &p.Email, &p.Mobile, &p.PostalCode); err != nil {
		return "", false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM applications WHERE invited_person_id = $1 AND confirmed_at IS NULL`, t.PersonID); err != nil {
		return "", false, err
	}
	token, hash := newLinkToken()
	now := s.now().UTC()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO applications (token_hash, created_at, expires_at, first_name, last_name, email, mobile, postal_code,
		type, workplace_id, lang, invited_person_id, recruited_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		hash, now, now.Add(inviteLinkTTL), p.FirstName, p.LastName, p.Email, p.Mobile, p.PostalCode, typ, nullID(t.WorkplaceID), app.Lang,
		t.PersonID, nullID(recruiter)).Scan(&id)
	if err != nil {
		return "", false, err
	}
	if err := s.audit(ctx, tx, u, "create", "application", id, []string{"invited_person_id", "recruited_by", "type"}, t.PersonID, ""); err != nil {
		return "", false, err
	}
	link := joinmail.Invitation(&app, token)
	if p.Email == "" {
		return link.Link, false, nil
	}
	_, err = s.queueMail(ctx, tx, link.Mail)
	return link.Link, err == nil, err
}

// Invitation is what the join page shows of an invitation to join: the
// details it was prefilled with, for the person to check and confirm.
type Invitation struct {
	FirstName, LastName string
	Email, Mobile       string
	Workplace           string
	Recruiter           string
	Type                model.MembershipType
}

// InvitationByLink returns the invitation behind a confirmation link, or
// nil when the link belongs to an application from the join page. A
// refused link is refused as CheckApplicationLink says.
func (s *Storage) InvitationByLink(ctx context.Context, token string) (*Invitation, error) {
	id, err := s.linkState(ctx, s.r, token)
	if err != nil {
		return nil, err
	}
	var in Invitation
	var invited sql.NullInt64
	err = s.r.QueryRowContext(ctx, `SELECT a.invited_person_id, a.first_name, a.last_name, a.email, a.mobile, a.type, COALESCE(w.name, ''),
		COALESCE(r.first_name || ' ' || r.last_name, '') FROM applications a LEFT JOIN workplaces w ON w.id = a.workplace_id
		LEFT JOIN persons r ON r.id = a.recruited_by WHERE a.id = $1`, id).
		Scan(&invited, &in.FirstName, &in.LastName, &in.Email, &in.Mobile, &in.Type, &in.Workplace, &in.Recruiter)
	if err != nil || !invited.Valid {
		return nil, err
	}
	return &in, nil
}

// invitedPerson is the known person an application invites, or 0 for an
// application from the join page.
func invitedPerson(ctx context.Context, tx *sql.Tx, applicationID int64) (int64, error) {
	var id sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT invited_person_id FROM applications WHERE id = $1`, applicationID).Scan(&id)
	return id.Int64, err
}

// confirmInvite confirms an invitation (its link claimed already): the
// invited person gets a membership from the join page, pending or active
// as res.Status says, credited to who asked them, and the mail saying so.
func (s *Storage) confirmInvite(ctx context.Context, tx *sql.Tx, u *access.Principal, applicationID, personID int64, res *model.ApplicationResult) error {
	now, today := s.now().UTC(), s.today()
	var p model.Person
	var typ model.MembershipType
	var lang string
	var recruiter sql.NullInt64
	var status model.MembershipStatus
	err := tx.QueryRowContext(ctx, `SELECT p.first_name, p.last_name, p.email, p.member_status, a.type, a.lang, a.recruited_by
		FROM applications a JOIN persons p ON p.id = a.invited_person_id WHERE a.id = $1`, applicationID).
		Scan(&p.FirstName, &p.LastName, &p.Email, &status, &typ, &lang, &recruiter)
	if err != nil {
		return err
	}
	// Joined meanwhile, by another way: the invitation has done its work.
	if model.IsMember(status) || status == model.StatusPending {
		return ErrLinkUsed
	}
	p.ID, res.PersonID, res.RecruiterID = personID, personID, recruiter.Int64
	var decided any
	if res.Status == model.StatusActive {
		decided = now
	}
	err = tx.QueryRowContext(ctx, qMembershipInsert, personID, typ, res.Status, today, nullID(res.RecruiterID), "", "", nil, now, decided, lang).
		Scan(&res.MembershipID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_status = $1, other_union = '', updated_at = $2 WHERE id = $3`, res.Status, now, personID); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, u, "create", "membership", res.MembershipID, []string{"type", "status", "start_date", "recruited_by"}, personID,
		"invitasjon bekreftet"); err != nil {
		return err
	}
	if err := s.memberJoined(ctx, tx, u, personID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET person_id = $1, membership_id = $2, first_name = '', last_name = '',
		email = '', mobile = '', postal_code = '' WHERE id = $3`, personID, res.MembershipID, applicationID); err != nil {
		return err
	}
	if p.Email == "" {
		return nil
	}
	_, err = s.queueMail(ctx, tx, joinmail.Confirmed(lang, &p, personID, res.Status))
	return err
}

// memberJoined closes the person's open pipeline entries as joined (kept:
// members are not erased), cancels the open pipeline tasks of those
// entries (asking a member to join is done) and marks a call to win them
// back done (pipeline.JoinFulfils). Every path that gives a person
// a membership calls it, in the same transaction.
func (s *Storage) memberJoined(ctx context.Context, tx *sql.Tx, u *access.Principal, personID int64) error {
	now := s.now().UTC()
	r, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'cancelled', done_at = $1
		WHERE person_id = $2 AND status = 'open' AND kind IN `+pipelineTaskKinds+`
		AND EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = tasks.person_id AND pl.workplace_id = tasks.workplace_id AND pl.outcome = $3)`,
		now, personID, pipeline.Open)
	if err != nil {
		return err
	}
	tasks, err := r.RowsAffected()
	if err != nil {
		return err
	}
	// A winback call for someone who is back is done, whoever opened it
	// (the register, a steward).
	r, err = tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_at = $1 WHERE person_id = $2 AND status = 'open' AND kind IN `+joinFulfils, now, personID)
	if err != nil {
		return err
	}
	done, err := r.RowsAffected()
	if err != nil {
		return err
	}
	tasks += done
	r, err = tx.ExecContext(ctx, `UPDATE pipeline SET outcome = $1, outcome_at = $2, erase_after = NULL WHERE person_id = $3 AND outcome = $4`,
		pipeline.OutcomeJoined, now, personID, pipeline.Open)
	if err != nil {
		return err
	}
	entries, err := r.RowsAffected()
	if err != nil || entries+tasks == 0 {
		return err
	}
	return s.audit(ctx, tx, u, "update", "pipeline", personID, []string{"outcome", "tasks"}, personID, string(pipeline.OutcomeJoined))
}
