package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/merge"
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
	{"applications", "person_id", retention.Delete}, {"applications", "invited_person_id", retention.Delete},
	{"applications", "recruited_by", retention.Clear}, {"signin_links", "person_id", retention.Delete},
	{"register_values", "person_id", retention.Delete}, {"register_missing", "person_id", retention.Delete},
	// The newcomer's words go before the move (mergeTx); the kept
	// person's are written afresh from the merged key.
	{"person_words", "person_id", retention.Delete},
	// No foreign key, but the erasure of a person follows it: the entry
	// stays, its personal values go.
	{"audit_log", "person_id", retention.Blank},
}

// mergeTx merges person dropID (the newcomer) into keepID (the person known
// before) inside tx: everything that refers to dropID moves to keepID, and
// dropID is deleted. why says in the audit log on what ground. Callers
// check scope. One merge serves the import, the join page and the register.
// Where the two collide, package merge decides; this applies it. Both
// referral codes keep working.
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
	// Collisions first, so that the moves below cannot break a unique key.
	if err := mergeEntries(ctx, tx, keepID, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := mergePrizes(ctx, tx, keepID, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := mergeCandidates(ctx, tx, keepID, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, table := range []string{"register_values", "register_missing"} {
		if err := mergeRegister(ctx, tx, table, keepID, dropID); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	}
	// Unique; the known person takes them below if they have none.
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET fnr_hash = NULL, member_no = NULL WHERE id = $1`, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM person_words WHERE person_id = $1`, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, r := range personRefs {
		q := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2`, r.table, r.column, r.column)
		if _, err := tx.ExecContext(ctx, q, keepID, dropID); err != nil {
			return fmt.Errorf("merge %s.%s: %w", r.table, r.column, err)
		}
	}
	// Nobody recruits themselves.
	if _, err := tx.ExecContext(ctx, `UPDATE memberships SET recruited_by = NULL WHERE person_id = $1 AND recruited_by = $1`, keepID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := mergeEmployments(ctx, tx, keepID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	status, err := s.settleMemberships(ctx, tx, keepID, s.today())
	if err != nil {
		return err
	}
	if model.IsMember(status) || status == model.StatusPending {
		if err := s.memberJoined(ctx, tx, u, keepID); err != nil {
			return err
		}
	}
	keep.Person = merge.Combine(keep.Person, drop.Person)
	if err := keep.store(ctx, tx, status, s.now().UTC()); err != nil {
		return err
	}
	if err := s.refreshPersonWords(ctx, tx, keepID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM persons WHERE id = $1`, dropID); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return s.audit(ctx, tx, u, "merge", "person", keepID, nil, keepID, merge.AuditDetail(dropID, keepID, why))
}

// mergeEntries makes the two persons' pipeline entries at the same
// workplace one, as merge.Entries says.
func mergeEntries(ctx context.Context, tx *sql.Tx, keepID, dropID int64) error {
	load := func(id int64) ([]merge.Entry, error) {
		rows, err := tx.QueryContext(ctx, `SELECT id, workplace_id, first_contact_at FROM pipeline WHERE person_id = $1`, id)
		if err != nil {
			return nil, err
		}
		var out []merge.Entry
		err = eachRow(rows, func() error {
			var e merge.Entry
			var first sql.NullTime
			if err := rows.Scan(&e.ID, &e.WorkplaceID, &first); err != nil {
				return err
			}
			e.FirstContact = timeOf(first)
			out = append(out, e)
			return nil
		})
		return out, err
	}
	known, err := load(keepID)
	if err != nil {
		return err
	}
	newcomer, err := load(dropID)
	if err != nil {
		return err
	}
	update, drop := merge.Entries(known, newcomer)
	for _, e := range update {
		if _, err := tx.ExecContext(ctx, `UPDATE pipeline SET first_contact_at = $1 WHERE id = $2`, e.FirstContact, e.ID); err != nil {
			return err
		}
	}
	return deleteIDs(ctx, tx, "pipeline", drop)
}

// mergePrizes deletes the newcomer's reward handouts merge.Prizes drops.
func mergePrizes(ctx context.Context, tx *sql.Tx, keepID, dropID int64) error {
	levels := func(id int64) ([]int64, error) {
		return queryIDs(ctx, tx, `SELECT level_id FROM reward_handouts WHERE person_id = $1`, id)
	}
	known, err := levels(keepID)
	if err != nil {
		return err
	}
	newcomer, err := levels(dropID)
	if err != nil {
		return err
	}
	for _, l := range merge.Prizes(known, newcomer) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM reward_handouts WHERE person_id = $1 AND level_id = $2`, dropID, l); err != nil {
			return err
		}
	}
	return nil
}

// mergeCandidates deletes the possible matches merge.Candidates drops.
func mergeCandidates(ctx context.Context, tx *sql.Tx, keepID, dropID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, person_id, candidate_id FROM match_candidates
		WHERE person_id IN ($1, $2) OR candidate_id IN ($1, $2)`, keepID, dropID)
	if err != nil {
		return err
	}
	var cs []merge.Candidate
	err = eachRow(rows, func() error {
		var c merge.Candidate
		if err := rows.Scan(&c.ID, &c.Person, &c.Candidate); err != nil {
			return err
		}
		cs = append(cs, c)
		return nil
	})
	if err != nil {
		return err
	}
	return deleteIDs(ctx, tx, "match_candidates", merge.Candidates(keepID, dropID, cs))
}

// mergeRegister deletes the newcomer's row of table (one a person) when
// merge.Register says so.
func mergeRegister(ctx context.Context, tx *sql.Tx, table string, keepID, dropID int64) error {
	has, err := queryIDs(ctx, tx, `SELECT person_id FROM `+table+` WHERE person_id IN ($1, $2)`, keepID, dropID)
	if err != nil {
		return err
	}
	if merge.Register(slices.Contains(has, keepID), slices.Contains(has, dropID)) {
		_, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE person_id = $1`, dropID)
	}
	return err
}

// mergeEmployments makes the person's open employments at the same
// workplace one, as merge.Employments says.
func mergeEmployments(ctx context.Context, tx *sql.Tx, personID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, workplace_id, start_date FROM employments WHERE person_id = $1 AND end_date IS NULL`, personID)
	if err != nil {
		return err
	}
	var open []merge.Employment
	err = eachRow(rows, func() error {
		var e merge.Employment
		if err := rows.Scan(&e.ID, &e.WorkplaceID, &e.Start); err != nil {
			return err
		}
		open = append(open, e)
		return nil
	})
	if err != nil {
		return err
	}
	return deleteIDs(ctx, tx, "employments", merge.Employments(open))
}

// deleteIDs deletes the rows of table with these ids.
func deleteIDs(ctx context.Context, tx *sql.Tx, table string, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// settleMemberships leaves the person at most one current membership, as
// merge.Settle says, and returns the person's status (merge.Status).
func (s *Storage) settleMemberships(ctx context.Context, tx *sql.Tx, personID int64, today any) (model.MembershipStatus, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, status, start_date, COALESCE(recruited_by, 0) FROM memberships
		WHERE person_id = $1 AND status IN `+sqlSet(merge.Current...), personID)
	if err != nil {
		return "", err
	}
	var current []merge.Membership
	err = eachRow(rows, func() error {
		var m merge.Membership
		if err := rows.Scan(&m.ID, &m.Status, &m.Start, &m.Recruiter); err != nil {
			return err
		}
		current = append(current, m)
		return nil
	})
	if err != nil {
		return "", err
	}
	settled, ok := merge.Settle(current)
	if !ok {
		// No current membership: the latest one not merged away tells.
		var latest model.MembershipStatus
		err := tx.QueryRowContext(ctx, `SELECT status FROM memberships WHERE person_id = $1 AND status <> `+sqlWord(model.StatusMerged)+`
			ORDER BY start_date DESC, id DESC LIMIT 1`, personID).Scan(&latest)
		if err != nil && err != sql.ErrNoRows {
			return "", err
		}
		return merge.Status(settled, ok, latest), nil
	}
	if settled.SetRecruiter {
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET recruited_by = $1 WHERE id = $2`, settled.Keep.Recruiter, settled.Keep.ID); err != nil {
			return "", err
		}
	}
	for _, id := range settled.Merged {
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET status = `+sqlWord(model.StatusMerged)+`, end_date = $1 WHERE id = $2`, today, id); err != nil {
			return "", err
		}
	}
	return merge.Status(settled, ok, ""), nil
}

// mergePerson is the part of a person a merge combines, and the name its
// search key is made from.
type mergePerson struct {
	id          int64
	first, last string
	merge.Person
}

func (p *mergePerson) load(ctx context.Context, tx *sql.Tx, id int64) error {
	var birth sql.NullTime
	var fnrHash, memberNo sql.NullString
	var workplaceID sql.NullInt64
	p.id = id
	err := tx.QueryRowContext(ctx, `SELECT first_name, last_name, email, mobile, address, postal_code, postal_place, other_union,
		unit_path, birth_date, fnr_hash, member_no, unit_id, workplace_id, leaderboard_opt_in FROM persons WHERE id = $1`, id).
		Scan(&p.first, &p.last, &p.Email, &p.Mobile, &p.Address, &p.PostalCode, &p.PostalPlace, &p.OtherUnion,
			&p.UnitPath, &birth, &fnrHash, &memberNo, &p.UnitID, &workplaceID, &p.LeaderboardOptIn)
	p.BirthDate, p.FnrHash, p.MemberNo, p.WorkplaceID = timeOf(birth), fnrHash.String, memberNo.String, workplaceID.Int64
	return err
}

// store writes the person back, with member status status.
func (p *mergePerson) store(ctx context.Context, tx *sql.Tx, status model.MembershipStatus, now any) error {
	_, searchKey := personKeys(&model.Person{FirstName: p.first, LastName: p.last, Email: p.Email, Mobile: p.Mobile})
	_, err := tx.ExecContext(ctx, `UPDATE persons SET email = $1, mobile = $2, address = $3, postal_code = $4, postal_place = $5,
		other_union = $6, member_status = $7, unit_path = $8, birth_date = $9, fnr_hash = $10, unit_id = $11, workplace_id = $12,
		leaderboard_opt_in = $13, search_key = $14, updated_at = $15, member_no = $16 WHERE id = $17`,
		p.Email, p.Mobile, p.Address, p.PostalCode, p.PostalPlace, p.OtherUnion, status, p.UnitPath, date(p.BirthDate), nullStr(p.FnrHash), p.UnitID,
		nullID(p.WorkplaceID), p.LeaderboardOptIn, searchKey, now, nullStr(p.MemberNo), p.id)
	return err
}
