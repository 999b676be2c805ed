package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"strings"

	"github.com/verve-union/verve/internal/model"
)

// referralAlphabet leaves out letters and digits that are easily confused
// (0/O, 1/I/L), since people also type codes from a poster.
const referralAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newReferralCode is ten characters from 31: about 49 bits, unguessable
// for anyone limited by the join form's rate limit.
func newReferralCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = referralAlphabet[int(b[i])%len(referralAlphabet)]
	}
	return string(b)
}

// ReferralCode returns the person's referral code, making one the first
// time. Callers check that the user may act for the person.
func (s *Storage) ReferralCode(ctx context.Context, a model.Actor, personID int64) (string, error) {
	if code, err := s.ExistingReferralCode(ctx, personID); err != nil || code != "" {
		return code, err
	}
	var code string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Another request may have made one meanwhile.
		err := tx.QueryRowContext(ctx, `SELECT code FROM referral_codes WHERE person_id = $1`, personID).Scan(&code)
		if err != sql.ErrNoRows {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT member_status FROM persons WHERE id = $1`, personID).Scan(&status); err != nil {
			return notFound(err, "personen")
		}
		if !model.IsMember(status) {
			return model.Errorf(model.ECONFLICT, "Bare medlemmer kan verve.")
		}
		code = newReferralCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO referral_codes (person_id, code, created_at) VALUES ($1, $2, $3)`,
			personID, code, s.now().UTC()); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "create", "referral_code", personID, []string{"code"}, personID, "")
	})
	return code, err
}

// ExistingReferralCode returns the person's code, or "" if none was made.
func (s *Storage) ExistingReferralCode(ctx context.Context, personID int64) (string, error) {
	var code string
	err := s.r.QueryRowContext(ctx, `SELECT code FROM referral_codes WHERE person_id = $1`, personID).Scan(&code)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return code, err
}

// Referrer is what the public join page may show of a recruiter: first
// name, last initial and workplace.
type Referrer struct {
	Name      string
	Workplace string
}

// ReferrerByCode looks up the recruiter behind a code; ok is false when
// the code is unknown.
func (s *Storage) ReferrerByCode(ctx context.Context, code string) (Referrer, bool, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || len(code) > 20 {
		return Referrer{}, false, nil
	}
	var first, last string
	var r Referrer
	err := s.r.QueryRowContext(ctx, `SELECT p.first_name, p.last_name, COALESCE(w.name, '') FROM referral_codes c
		JOIN persons p ON p.id = c.person_id LEFT JOIN workplaces w ON w.id = p.workplace_id WHERE c.code = $1`, code).Scan(&first, &last, &r.Workplace)
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r.Name = first
	if l := []rune(last); len(l) > 0 {
		r.Name += " " + string(l[0]) + "."
	}
	return r, true, nil
}

// SetLeaderboardOptIn records whether the person wants to be shown on the
// recruiting leaderboards. Callers check that the user is the person.
func (s *Storage) SetLeaderboardOptIn(ctx context.Context, a model.Actor, personID int64, on bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE persons SET leaderboard_opt_in = $1, updated_at = $2 WHERE id = $3`, on, s.now().UTC(), personID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return notFound(sql.ErrNoRows, "personen")
		}
		return s.audit(ctx, tx, a, "update", "person", personID, []string{"leaderboard_opt_in"}, personID, "")
	})
}

// LeaderboardOptIn reports whether the person opted in.
func (s *Storage) LeaderboardOptIn(ctx context.Context, personID int64) (bool, error) {
	var on bool
	err := s.r.QueryRowContext(ctx, `SELECT leaderboard_opt_in FROM persons WHERE id = $1`, personID).Scan(&on)
	return on, notFound(err, "personen")
}
