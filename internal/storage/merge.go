package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/retention"
)

// personRef is a column that refers to a person, and what erasing that
// person does to the rows it is in (retention.Rule).
type personRef struct {
	table, column string
	erase         retention.Rule
}

// personRefs lists every column that refers to a person. Merging moves
// each; erasing deletes, clears or blanks each as its rule says.
// TestMergeCoversEveryReference fails when a foreign key to persons is
// added without being listed here.
var personRefs = []personRef{
	{"memberships", "person_id", retention.Delete}, {"memberships", "recruited_by", retention.Clear},
	{"employments", "person_id", retention.Delete}, {"roles", "person_id", retention.Delete},
	{"contacts", "person_id", retention.Delete}, {"contacts", "by_person_id", retention.Clear},
	{"tasks", "person_id", retention.Delete}, {"tasks", "owner_person_id", retention.Clear}, // the task goes back to its unit
	{"users", "person_id", retention.Clear}, {"pipeline", "person_id", retention.Delete},
	{"outbox", "person_id", retention.Delete}, {"referral_codes", "person_id", retention.Delete},
	{"credits", "recruiter_id", retention.Delete}, {"reward_handouts", "person_id", retention.Delete},
	{"match_candidates", "person_id", retention.Delete}, {"match_candidates", "candidate_id", retention.Delete},
	{"applications", "person_id", retention.Delete},
	{"register_values", "person_id", retention.Delete}, {"register_missing", "person_id", retention.Delete},
	// No foreign key, but the erasure of a person follows it: the entry
	// stays, its personal values go.
	{"audit_log", "person_id", retention.Blank},
}

// mergeTx merges person dropID (the newcomer) into keepID (the person known
// before) inside tx: everything that refers to dropID moves to keepID, and
// dropID is deleted. why says in the audit log on what ground. Callers
// check scope. One merge serves the import, the join page and the register.
//
// The rules where the two collide:
//   - Memberships: a person has at most one current membership (active,
//     arrears or pending). Of two, the stronger status stays (active, then
//     arrears, then pending; on a tie the earlier start); the other becomes
//     "merged", ending today, and hands its recruiter to the one that stays
//     if that has none. History (ended memberships, dues, credits) moves
//     unchanged.
//   - Pipeline entries at the same workplace become one: the known
//     person's, with the earlier first contact.
//   - Open employments at the same workplace become one: the earlier start.
//   - Reward prizes handed to both for the same level count once.
//   - Person fields: the known person's values stand; the newcomer's fill
//     what is blank. The newcomer's workplace, when it has one, becomes the
//     current one: it is the newer news (a member who changed job).
//   - Referral codes: both keep working.
func (s *Storage) mergeTx(ctx context.Context, tx *sql.Tx, u *access.Principal, keepID, dropID int64, why string) error {
	if keepID == dropID {
		return model.ErrorKey(model.EINVALID, "err.merge.self")
	}
	var keep, drop mergePerson
	if err := keep.load(ctx, tx, keepID); err != nil {
		return notFound(err, "err.person.notfound")
	}
	if err := drop.load(ctx, tx, dropID); err != nil {
		return notFound(err, "err.person.notfound")
	}
	today := s.today()
	// Collisions first, so that the moves below cannot break a unique key.
	pre := []string{
		`UPDATE pipeline SET first_contact_at = (SELECT MIN(d.first_contact_at) FROM pipeline d
				WHERE d.person_id IN ($1, $2) AND d.workplace_id = pipeline.workplace_id)
			WHERE person_id = $1 AND workplace_id IN (SELECT workplace_id FROM pipeline WHERE person_id = $2)`,
		`DELETE FROM pipeline WHERE person_id = $2 AND workplace_id IN (SELECT workplace_id FROM pipeline WHERE person_id = $1)`,
		`DELETE FROM reward_handouts WHERE person_id = $2 AND level_id IN (SELECT level_id FROM reward_handouts WHERE person_id = $1)`,
		`DELETE FROM match_candidates WHERE (person_id = $1 AND candidate_id = $2) OR (person_id = $2 AND candidate_id = $1)`,
		`DELETE FROM match_candidates WHERE person_id = $2 AND candidate_id IN (SELECT candidate_id FROM match_candidates WHERE person_id = $1)`,
		`DELETE FROM match_candidates WHERE candidate_id = $2 AND person_id IN (SELECT person_id FROM match_candidates WHERE candidate_id = $1)`,
		// One register record per person: the known person's stands.
		`DELETE FROM register_values WHERE person_id = $2 AND EXISTS (SELECT 1 FROM register_values WHERE person_id = $1)`,
		`DELETE FROM register_missing WHERE person_id = $2 AND EXISTS (SELECT 1 FROM register_missing WHERE person_id = $1)`,
	}
	for _, q := range pre {
		if _, err := tx.ExecContext(ctx, q, keepID, dropID); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	}
	// Unique; the known person takes them below if they have none.
	var memberNo sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT member_no FROM persons WHERE id = $1`, dropID).Scan(&memberNo); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET fnr_hash = NULL, member_no = NULL WHERE id = $1`, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, r := range personRefs {
		q := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2`, r.table, r.column, r.column)
		if _, err := tx.ExecContext(ctx, q, keepID, dropID); err != nil {
			return fmt.Errorf("merge %s.%s: %w", r.table, r.column, err)
		}
	}
	post := []string{
		// Nobody recruits themselves.
		`UPDATE memberships SET recruited_by = NULL WHERE person_id = $1 AND recruited_by = $1`,
		`DELETE FROM employments WHERE person_id = $1 AND end_date IS NULL AND EXISTS (SELECT 1 FROM employments e
			WHERE e.person_id = $1 AND e.workplace_id = employments.workplace_id AND e.end_date IS NULL
			AND (e.start_date < employments.start_date OR (e.start_date = employments.start_date AND e.id < employments.id)))`,
	}
	for _, q := range post {
		if _, err := tx.ExecContext(ctx, q, keepID); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	}
	status, err := s.settleMemberships(ctx, tx, keepID, today)
	if err != nil {
		return err
	}
	keep.fillFrom(&drop)
	keep.status = status
	if err := keep.store(ctx, tx, s.now().UTC()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM persons WHERE id = $1`, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_no = $1 WHERE id = $2 AND member_no IS NULL`, memberNo, keepID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return s.audit(ctx, tx, u, "merge", "person", keepID, nil, keepID, locale.T("nb", "audit.merge", "drop", dropID, "keep", keepID, "why", why))
}

// settleMemberships leaves the person at most one current membership (see
// mergeTx) and returns the person's status.
func (s *Storage) settleMemberships(ctx context.Context, tx *sql.Tx, personID int64, today any) (model.MembershipStatus, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, status, COALESCE(recruited_by, 0) FROM memberships
		WHERE person_id = $1 AND status IN ('active', 'arrears', 'pending')
		ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'arrears' THEN 1 ELSE 2 END, start_date, id`, personID)
	if err != nil {
		return "", err
	}
	type cur struct {
		id, recruiter int64
		status        model.MembershipStatus
	}
	var current []cur
	err = eachRow(rows, func() error {
		var c cur
		if err := rows.Scan(&c.id, &c.status, &c.recruiter); err != nil {
			return err
		}
		current = append(current, c)
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(current) == 0 {
		// No current membership: the latest one tells, else none.
		var status model.MembershipStatus
		err := tx.QueryRowContext(ctx, `SELECT status FROM memberships WHERE person_id = $1 AND status <> 'merged'
			ORDER BY start_date DESC, id DESC LIMIT 1`, personID).Scan(&status)
		if err == sql.ErrNoRows {
			return "", nil
		}
		if status == model.StatusRejected {
			status = ""
		}
		return status, err
	}
	kept := current[0]
	for _, c := range current[1:] {
		if kept.recruiter == 0 && c.recruiter != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE memberships SET recruited_by = $1 WHERE id = $2`, c.recruiter, kept.id); err != nil {
				return "", err
			}
			kept.recruiter = c.recruiter
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET status = 'merged', end_date = $1 WHERE id = $2`, today, c.id); err != nil {
			return "", err
		}
	}
	return kept.status, nil
}

// mergePerson is the part of a person a merge combines.
type mergePerson struct {
	id                                                 int64
	first, last, email, mobile, address, postal, place string
	otherUnion, unitPath                               string
	status                                             model.MembershipStatus
	birth                                              sql.NullTime
	fnrHash                                            sql.NullString
	unitID                                             int64
	workplaceID                                        sql.NullInt64
	optIn                                              bool
}

func (p *mergePerson) load(ctx context.Context, tx *sql.Tx, id int64) error {
	p.id = id
	return tx.QueryRowContext(ctx, `SELECT first_name, last_name, email, mobile, address, postal_code, postal_place, other_union,
		member_status, unit_path, birth_date, fnr_hash, unit_id, workplace_id, leaderboard_opt_in FROM persons WHERE id = $1`, id).
		Scan(&p.first, &p.last, &p.email, &p.mobile, &p.address, &p.postal, &p.place, &p.otherUnion,
			&p.status, &p.unitPath, &p.birth, &p.fnrHash, &p.unitID, &p.workplaceID, &p.optIn)
}

// fillFrom takes the newcomer's values where p has none, and the
// newcomer's workplace when it has one.
func (p *mergePerson) fillFrom(d *mergePerson) {
	for _, f := range []struct{ dst, src *string }{
		{&p.email, &d.email}, {&p.mobile, &d.mobile}, {&p.otherUnion, &d.otherUnion},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if p.address == "" && p.postal == "" {
		p.address, p.postal, p.place = d.address, d.postal, d.place
	}
	if !p.birth.Valid {
		p.birth = d.birth
	}
	if !p.fnrHash.Valid {
		p.fnrHash = d.fnrHash
	}
	if d.workplaceID.Valid {
		p.workplaceID, p.unitID, p.unitPath = d.workplaceID, d.unitID, d.unitPath
	}
	p.optIn = p.optIn || d.optIn
}

func (p *mergePerson) store(ctx context.Context, tx *sql.Tx, now any) error {
	_, searchKey := personKeys(&model.Person{FirstName: p.first, LastName: p.last, Email: p.email, Mobile: p.mobile})
	_, err := tx.ExecContext(ctx, `UPDATE persons SET email = $1, mobile = $2, address = $3, postal_code = $4, postal_place = $5,
		other_union = $6, member_status = $7, unit_path = $8, birth_date = $9, fnr_hash = $10, unit_id = $11, workplace_id = $12,
		leaderboard_opt_in = $13, search_key = $14, updated_at = $15 WHERE id = $16`,
		p.email, p.mobile, p.address, p.postal, p.place, p.otherUnion, p.status, p.unitPath, date(timeOf(p.birth)), p.fnrHash, p.unitID,
		p.workplaceID, p.optIn, searchKey, now, p.id)
	return err
}
