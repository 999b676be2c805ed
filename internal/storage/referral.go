package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"strings"

	"github.com/verve-union/verve/internal/access"
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

// selfOr is the condition that the person p is the user themself or lies
// in the user's scope for perm: a member without any role still has their
// own referral link, credits and leaderboard choice. For person:read it is
// whom Person finds (personScope): a member employed at a second workplace
// too, by that workplace's steward.
func selfOr(u *access.Principal, perm access.Permission, a *access.Args) string {
	var scope string
	if perm == access.PersonRead {
		scope = personScope(u, a)
	} else {
		scope = u.Scope(perm).FilterAt("p.unit_path", "p.workplace_id", a)
	}
	if !u.IsSelf(u.PersonID) {
		return scope
	}
	return "(p.id = " + a.Add(u.PersonID) + " OR " + scope + ")"
}

// ReferralCode returns the person's referral code, making one the first
// time: for the user themself or a person they may edit.
func (s *Storage) ReferralCode(ctx context.Context, u *access.Principal, personID int64) (string, error) {
	// Most visits find the code made already; no write transaction then.
	code, err := s.ExistingReferralCode(ctx, u, personID)
	if err != nil || code != "" {
		return code, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{personID}
		var status model.MembershipStatus
		if err := tx.QueryRowContext(ctx, `SELECT p.member_status, COALESCE(c.code, '') FROM persons p LEFT JOIN referral_codes c ON c.person_id = p.id
			WHERE p.id = $1 AND `+selfOr(u, access.PersonWrite, &args), args...).Scan(&status, &code); err != nil {
			return notFound(err, "err.person.notfound")
		}
		if code != "" {
			return nil
		}
		if !model.IsMember(status) {
			return model.ErrorKey(model.ECONFLICT, "ref.membersonly")
		}
		code = newReferralCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO referral_codes (person_id, code, created_at) VALUES ($1, $2, $3)`,
			personID, code, s.now().UTC()); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "referral_code", personID, []string{"code"}, personID, "")
	})
	return code, err
}

// ExistingReferralCode returns the code of the user or of a person they
// may read, or "" if none was made (or the person is out of reach).
func (s *Storage) ExistingReferralCode(ctx context.Context, u *access.Principal, personID int64) (string, error) {
	code, _, err := s.ReferralState(ctx, u, personID)
	return code, err
}

// ReferralState is ExistingReferralCode and whether the person is a
// member, whom ReferralCode would give a code.
func (s *Storage) ReferralState(ctx context.Context, u *access.Principal, personID int64) (code string, member bool, err error) {
	a := access.Args{personID}
	var status model.MembershipStatus
	err = s.r.QueryRowContext(ctx, `SELECT COALESCE(c.code, ''), p.member_status FROM persons p LEFT JOIN referral_codes c ON c.person_id = p.id
		WHERE p.id = $1 AND `+selfOr(u, access.PersonRead, &a), a...).Scan(&code, &status)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return code, model.IsMember(status), err
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

// SetLeaderboardOptIn records whether the user wants to be shown on the
// recruiting leaderboards: a choice only the person makes for themself.
func (s *Storage) SetLeaderboardOptIn(ctx context.Context, u *access.Principal, on bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if u == nil || u.PersonID == 0 {
			return notFound(sql.ErrNoRows, "err.person.notfound")
		}
		res, err := tx.ExecContext(ctx, `UPDATE persons SET leaderboard_opt_in = $1, updated_at = $2 WHERE id = $3`, on, s.now().UTC(), u.PersonID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return notFound(sql.ErrNoRows, "err.person.notfound")
		}
		return s.audit(ctx, tx, u, "update", "person", u.PersonID, []string{"leaderboard_opt_in"}, u.PersonID, "")
	})
}

// LeaderboardOptIn reports whether the user opted in.
func (s *Storage) LeaderboardOptIn(ctx context.Context, u *access.Principal) (bool, error) {
	if u == nil || u.PersonID == 0 {
		return false, notFound(sql.ErrNoRows, "err.person.notfound")
	}
	var on bool
	err := s.r.QueryRowContext(ctx, `SELECT leaderboard_opt_in FROM persons WHERE id = $1`, u.PersonID).Scan(&on)
	return on, notFound(err, "err.person.notfound")
}
