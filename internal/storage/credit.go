package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/credit"
	"github.com/verve-union/verve/internal/model"
)

// EarnCredits records the credits recruits have now earned their
// recruiters (package credit decides which), with a thank-you e-mail
// queued in the same transaction. It returns how many were earned. Only
// recruits in u's scope are considered; the worker runs it as System.
func (s *Storage) EarnCredits(ctx context.Context, u *access.Principal) (int, error) {
	return s.earnCreditsBy(ctx, u, creditBatch)
}

// creditBatch is how many candidates EarnCredits looks at at a time.
const creditBatch = 2000

// earnCreditsBy is EarnCredits, looking at batch candidates at a time.
func (s *Storage) earnCreditsBy(ctx context.Context, u *access.Principal, batch int) (int, error) {
	st, err := s.JoinSettings(ctx)
	if err != nil {
		return 0, err
	}
	earned := 0
	// Batch by batch, in membership order: at a million members about
	// 290,000 recruits who have not earned (most never paid enough) are
	// asked about every run, and holding them all took the server's heap
	// past 100 MB.
	for after := int64(0); ; {
		cands, err := s.creditCandidates(ctx, u, st.CreditMonths, after, batch)
		if err != nil || len(cands) == 0 {
			return earned, err
		}
		after = cands[len(cands)-1].id
		n, err := s.earnCredits(ctx, u, st.CreditMonths, cands)
		earned += n
		if err != nil || len(cands) < batch {
			return earned, err
		}
	}
}

// creditCandidate is a recruit who may have earned a credit.
type creditCandidate struct {
	id, person, recruiter int64
	credit.Recruit
}

// creditCandidates are the next batch of memberships after the one
// with id after that may earn their recruiter a credit now, set-wise:
// what credit.Earns asks but the dues.
func (s *Storage) creditCandidates(ctx context.Context, u *access.Principal, months int, after int64, batch int) ([]creditCandidate, error) {
	args := access.Args{credit.Due(s.today(), months), model.StatusActive, after}
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, m.person_id, m.recruited_by, m.type, m.status, m.start_date FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.recruited_by IS NOT NULL AND m.status = $2 AND m.start_date <= $1 AND m.id > $3
		AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.membership_id = m.id)
		AND NOT EXISTS (SELECT 1 FROM credits c JOIN memberships o ON o.id = c.membership_id WHERE o.person_id = m.person_id)
		AND `+u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &args)+`
		ORDER BY m.id LIMIT `+args.Add(batch), args...)
	if err != nil {
		return nil, err
	}
	cands := make([]creditCandidate, 0, batch)
	err = eachRow(rows, func() error {
		c := creditCandidate{Recruit: credit.Recruit{Recruited: true}}
		if err := rows.Scan(&c.id, &c.person, &c.recruiter, &c.Type, &c.Status, &c.Start); err != nil {
			return err
		}
		cands = append(cands, c)
		return nil
	})
	return cands, err
}

// earnCredits records the credits of the candidates who have earned one
// (credit.Earns, with their dues of the last months), each in a
// transaction of its own with its thank-you e-mail.
func (s *Storage) earnCredits(ctx context.Context, u *access.Principal, n int, cands []creditCandidate) (int, error) {
	today := s.today()
	var payers []duesWindow
	for _, c := range cands {
		if credit.PaysDues(c.Type) {
			from, to := credit.Window(c.Start, n)
			payers = append(payers, duesWindow{c.id, from, to})
		}
	}
	paid, err := s.paidInWindows(ctx, payers)
	if err != nil {
		return 0, err
	}
	earned := 0
	for _, c := range cands {
		if !credit.Earns(c.Recruit, today, n, paid[c.id]) {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)
				ON CONFLICT (membership_id) DO NOTHING RETURNING id`, c.id, c.recruiter, s.now().UTC()).Scan(&id)
			if err == sql.ErrNoRows {
				return nil // another worker got there first
			}
			if err != nil {
				return err
			}
			earned++
			if err := s.audit(ctx, tx, u, "create", "credit", id, []string{"membership_id", "recruiter_id"}, c.recruiter, ""); err != nil {
				return err
			}
			var first, last, email, recruit string
			var total int
			if err := tx.QueryRowContext(ctx, `SELECT r.first_name, r.last_name, r.email, p.first_name,
				(SELECT count(*) FROM credits x WHERE x.recruiter_id = r.id)
				FROM persons r, persons p WHERE r.id = $1 AND p.id = $2`, c.recruiter, c.person).Scan(&first, &last, &email, &recruit, &total); err != nil {
				return err
			}
			if email == "" {
				return nil
			}
			// In bokmål: Verve keeps no language for a recruiter.
			subject, body := credit.Thanks("nb", first, recruit, n, total)
			_, err = s.queueMail(ctx, tx, model.Mail{ToAddr: email, ToName: first + " " + last, Kind: model.MailRecruiterThanks, PersonID: c.recruiter,
				Subject: subject, TextBody: body})
			return err
		})
		if err != nil {
			return earned, err
		}
	}
	return earned, nil
}

// duesWindow is the months [from, to) a membership must have paid.
type duesWindow struct {
	membership int64
	from, to   time.Time
}

// paidInWindows counts each membership's paid months within its window,
// set-wise: a query per 500 memberships (inIDs), those of close windows
// together so that each query reads few months beyond them.
func (s *Storage) paidInWindows(ctx context.Context, ws []duesWindow) (map[int64]int, error) {
	slices.SortFunc(ws, func(a, b duesWindow) int { return a.from.Compare(b.from) })
	out := map[int64]int{}
	for chunk := range slices.Chunk(ws, 500) {
		win := map[int64]duesWindow{}
		lo, hi := chunk[0].from, chunk[0].to
		for _, w := range chunk {
			win[w.membership] = w
			if w.to.After(hi) {
				hi = w.to
			}
		}
		ids := make([]int64, len(chunk))
		for i, w := range chunk {
			ids[i] = w.membership
		}
		rows, err := s.r.QueryContext(ctx, `SELECT membership_id, month FROM dues_payments WHERE month >= $1 AND month < $2
			AND `+inIDs[s.dialect]("membership_id", "$3"), lo, hi, idsArg(s.dialect, ids))
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var id int64
			var month time.Time
			if err := rows.Scan(&id, &month); err != nil {
				return err
			}
			if w := win[id]; !month.Before(w.from) && month.Before(w.to) {
				out[id]++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Credit is a recruit that counted for a recruiter.
type Credit struct {
	MembershipID int64
	Recruit      string
	EarnedAt     time.Time
}

// Credits are a recruiter's recruits that counted, as one user may see
// them: named when the recruit is in the user's scope, otherwise only
// counted. The count is the recruiter's own figure (the leaderboard and
// the thank-you e-mail give it too) and names no one.
type Credits struct {
	Named  []Credit // newest first
	Others int      // recruits outside the user's scope
}

// Total is how many recruits counted.
func (c Credits) Total() int { return len(c.Named) + c.Others }

// CreditsOf lists the credits of a recruiter who is the user or a person
// the user may read; anyone else is not found.
func (s *Storage) CreditsOf(ctx context.Context, u *access.Principal, recruiterID int64) (Credits, error) {
	var out Credits
	a := access.Args{recruiterID}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM persons p WHERE p.id = $1 AND `+selfOr(u, access.PersonRead, &a), a...).Scan(&n); err != nil {
		return out, err
	}
	if n == 0 {
		return out, model.ErrorKey(model.ENOTFOUND, "err.credit.person.notfound")
	}
	a = access.Args{recruiterID}
	rows, err := s.r.QueryContext(ctx, `SELECT c.membership_id, p.first_name || ' ' || p.last_name, c.earned_at,
		CASE WHEN `+personScope(u, &a)+` THEN 1 ELSE 0 END
		FROM credits c JOIN memberships m ON m.id = c.membership_id JOIN persons p ON p.id = m.person_id
		WHERE c.recruiter_id = $1 ORDER BY c.earned_at DESC, c.id DESC`, a...)
	if err != nil {
		return out, err
	}
	err = eachRow(rows, func() error {
		var c Credit
		var visible int
		if err := rows.Scan(&c.MembershipID, &c.Recruit, &c.EarnedAt, &visible); err != nil {
			return err
		}
		if visible == 0 {
			out.Others++
			return nil
		}
		c.EarnedAt = c.EarnedAt.UTC()
		out.Named = append(out.Named, c)
		return nil
	})
	return out, err
}

// Leader is one line of a leaderboard.
type Leader struct {
	Rank     int
	PersonID int64
	Name     string
	Recruits int
}

// LeaderboardMine as the unit ranks the recruiters in the user's own
// scope: their roles' subtrees and a portfolio's workplaces.
const LeaderboardMine = -1

// Leaderboard ranks the recruiters below the unit (the whole union for 0,
// the user's scope for LeaderboardMine) by credits earned in year, showing
// only those who opted in. Their consent is to be shown to the union's
// signed-in members and officers, across scopes; anyone else (nil) sees
// nothing.
func (s *Storage) Leaderboard(ctx context.Context, u *access.Principal, unitID int64, year, limit int) ([]Leader, error) {
	if u == nil {
		return nil, model.ErrorKey(model.EUNAUTH, "err.credit.login")
	}
	a := access.Args{year}
	var where string
	if unitID == LeaderboardMine {
		where = u.Scope(access.PersonRead).FilterAt("r.unit_path", "r.workplace_id", &a)
	} else {
		path := "/"
		if unitID != 0 {
			err := s.r.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, unitID).Scan(&path)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, model.ErrorKey(model.ENOTFOUND, "err.credit.unit.notfound")
			} else if err != nil {
				return nil, err
			}
		}
		where = access.Scope{Paths: []string{path}}.Filter("r.unit_path", &a)
	}
	// From the year's counts (aggregates.go), not the credits.
	q := `SELECT r.id, r.first_name || ' ' || r.last_name, c.credits FROM credit_counts c JOIN persons r ON r.id = c.recruiter_id
		WHERE c.year = $1 AND c.credits > 0 AND r.leaderboard_opt_in = TRUE AND ` + where + `
		ORDER BY c.credits DESC, r.sort_key LIMIT ` + a.Add(limit)
	rows, err := s.r.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	var out []Leader
	err = eachRow(rows, func() error {
		var l Leader
		if err := rows.Scan(&l.PersonID, &l.Name, &l.Recruits); err != nil {
			return err
		}
		l.Rank = len(out) + 1
		out = append(out, l)
		return nil
	})
	return out, err
}

// RewardLevel is a prize for recruiting a number of members, union-wide
// (UnitID 0) or within one unit.
type RewardLevel struct {
	ID       int64
	UnitID   int64
	UnitName string
	UnitPath string
	Recruits int
	Prize    string
}

// RewardLevels lists the levels, union-wide first.
func (s *Storage) RewardLevels(ctx context.Context) ([]RewardLevel, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT l.id, COALESCE(l.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.path, '/'), l.recruits, l.prize
		FROM reward_levels l LEFT JOIN org_units u ON u.id = l.unit_id ORDER BY COALESCE(u.path, ''), l.recruits`)
	if err != nil {
		return nil, err
	}
	var out []RewardLevel
	err = eachRow(rows, func() error {
		var l RewardLevel
		if err := rows.Scan(&l.ID, &l.UnitID, &l.UnitName, &l.UnitPath, &l.Recruits, &l.Prize); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// SaveRewardLevel adds a level: union-wide ones by union admins, a unit's
// by those who may edit persons there.
func (s *Storage) SaveRewardLevel(ctx context.Context, u *access.Principal, l *RewardLevel) error {
	var v model.Validation
	l.Prize = strings.TrimSpace(l.Prize)
	v.Check(l.Recruits >= 1 && l.Recruits <= 1000, "recruits", "valid.reward.recruits")
	v.Check(l.Prize != "" && utf8.RuneCountInString(l.Prize) <= 200 && utf8.ValidString(l.Prize), "prize", "valid.reward.prize")
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if l.UnitID == 0 {
			if !u.UnionWide(access.UserAdmin) {
				return model.ErrorKey(model.EFORBIDDEN, "err.credit.union.forbidden")
			}
		} else {
			var path string
			err := tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, l.UnitID).Scan(&path)
			if err != nil || !u.Scope(access.PersonWrite).Contains(path) {
				return model.ErrorKey(model.EFORBIDDEN, "err.credit.unit.forbidden")
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO reward_levels (unit_id, recruits, prize) VALUES ($1, $2, $3) RETURNING id`,
			nullID(l.UnitID), l.Recruits, l.Prize).Scan(&l.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "reward_level", l.ID, []string{"unit_id", "recruits", "prize"}, 0, l.Prize)
	})
}

// Award is a recruiter who reached a level, and whether the prize was
// handed out.
type Award struct {
	Level     RewardLevel
	PersonID  int64
	Name      string
	Recruits  int
	HandedOut bool
}

// Awards lists, for every level, the recruiters in the user's scope who
// reached it (credits since the start, within the level's unit).
func (s *Storage) Awards(ctx context.Context, u *access.Principal) ([]Award, error) {
	levels, err := s.RewardLevels(ctx)
	if err != nil {
		return nil, err
	}
	var out []Award
	for _, l := range levels {
		a := access.Args{l.ID, l.Recruits}
		q := `SELECT r.id, r.first_name || ' ' || r.last_name, count(*),
			EXISTS (SELECT 1 FROM reward_handouts h WHERE h.level_id = $1 AND h.person_id = r.id)
			FROM credits c JOIN persons r ON r.id = c.recruiter_id
			WHERE ` + access.Scope{Paths: []string{l.UnitPath}}.Filter("r.unit_path", &a) + ` AND ` + u.Scope(access.PersonRead).FilterAt("r.unit_path", "r.workplace_id", &a) + `
			GROUP BY r.id, r.first_name, r.last_name, r.sort_key HAVING count(*) >= $2 ORDER BY r.sort_key`
		rows, err := s.r.QueryContext(ctx, q, a...)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			w := Award{Level: l}
			if err := rows.Scan(&w.PersonID, &w.Name, &w.Recruits, &w.HandedOut); err != nil {
				return err
			}
			out = append(out, w)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetHandedOut records whether the level's prize was handed out to the
// person, who must be in the user's scope.
func (s *Storage) SetHandedOut(ctx context.Context, u *access.Principal, levelID, personID int64, handed bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{personID}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM persons p WHERE p.id = $1 AND `+u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &args),
			args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.ErrorKey(model.ENOTFOUND, "err.credit.person.notfound")
		}
		var err error
		if handed {
			_, err = tx.ExecContext(ctx, `INSERT INTO reward_handouts (level_id, person_id, handed_out_at) VALUES ($1, $2, $3)
				ON CONFLICT (level_id, person_id) DO NOTHING`, levelID, personID, s.now().UTC())
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM reward_handouts WHERE level_id = $1 AND person_id = $2`, levelID, personID)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "update", "reward_handout", levelID, []string{"handed_out"}, personID, "")
	})
}

// UnitChoice is an org unit offered in a leaderboard's area menu.
type UnitChoice struct {
	ID   int64
	Kind model.UnitKind
	Name string
}

// LeaderboardChoices lists the units the leaderboard offers, in tree
// order: the regions and branches, the clubs below the chosen unit (or
// beside it, a club chosen), and the clubs the user's roles sit on or act
// on. A union's clubs are tens of
// thousands, too many for one list.
func (s *Storage) LeaderboardChoices(ctx context.Context, u *access.Principal, unitID int64) ([]UnitChoice, error) {
	a := access.Args{unitID}
	var paths []string
	for _, g := range u.Grants {
		paths = append(paths, g.Paths()...)
	}
	mine := "1 = 0"
	if len(paths) > 0 {
		ph := make([]string, len(paths))
		for i, p := range paths {
			ph[i] = a.Add(p)
		}
		mine = "path IN (" + strings.Join(ph, ", ") + ")"
	}
	return s.unitChoices(ctx, `SELECT id, kind, name, path FROM org_units WHERE kind IN ('region', 'branch')
		UNION SELECT id, kind, name, path FROM org_units WHERE kind = 'club' AND parent_id IN
			(SELECT id FROM org_units WHERE id = $1 UNION SELECT parent_id FROM org_units WHERE id = $1 AND kind = 'club')
		UNION SELECT id, kind, name, path FROM org_units WHERE kind = 'club' AND `+mine+` ORDER BY 4`, a...)
}

// LeaderboardUnits lists the regions, branches and clubs in tree order.
func (s *Storage) LeaderboardUnits(ctx context.Context) ([]UnitChoice, error) {
	return s.unitChoices(ctx, `SELECT id, kind, name, path FROM org_units WHERE kind IN ('region', 'branch', 'club') ORDER BY path`)
}

// unitChoices reads units as id, kind, name and path.
func (s *Storage) unitChoices(ctx context.Context, q string, args ...any) ([]UnitChoice, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []UnitChoice
	err = eachRow(rows, func() error {
		var c UnitChoice
		var path string
		if err := rows.Scan(&c.ID, &c.Kind, &c.Name, &path); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
