package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/merge"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// recordCandidate notes that personID (who just came in) may be
// candidateID (known before), for the people whose scope covers both to
// decide. Recording a pair twice keeps the first.
func (s *Storage) recordCandidate(ctx context.Context, tx *sql.Tx, personID, candidateID int64, source model.MatchSource, match model.MatchKey, importID int64) error {
	if personID == candidateID {
		return nil
	}
	var a, b string
	err := tx.QueryRowContext(ctx, `SELECT (SELECT unit_path FROM persons WHERE id = $1), (SELECT unit_path FROM persons WHERE id = $2)`,
		personID, candidateID).Scan(&a, &b)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO match_candidates (person_id, candidate_id, unit_path, source, match, import_id, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM match_candidates WHERE person_id = $1 AND candidate_id = $2)`,
		personID, candidateID, access.CommonPath(a, b), source, match, nullID(importID), s.now().UTC())
	return err
}

// PossibleMatch is an open possible match as its decider sees it: the
// newcomer and the known person side by side.
type PossibleMatch struct {
	ID        int64
	Source    model.MatchSource
	Match     model.MatchKey
	CreatedAt time.Time
	New       MatchSide
	Known     MatchSide
}

// MatchSide is one of the two persons of a possible match.
type MatchSide struct {
	PersonID     int64
	Name         string
	BirthDate    time.Time
	Email        string
	Mobile       string
	MemberStatus model.MembershipStatus
	Workplace    string
	Unit         string
}

// openMatches is the condition that possible match mc, joined with its
// persons by matchPersons, is open and that the user decides it
// (matchScope).
func openMatches(u *access.Principal, a *access.Args) string {
	return `n.id = mc.person_id AND k.id = mc.candidate_id AND mc.decision = '' AND ` + matchScope(u, a)
}

// matchPersons are the possible matches with their persons for
// openMatches. CROSS JOIN has SQLite read the few matches and look their
// persons up, rather than walk every person in the scope (the union's, for
// an admin's home) probing each for a match; PostgreSQL plans it as any
// join.
const matchPersons = ` match_candidates mc CROSS JOIN persons n CROSS JOIN persons k`

// matchScope is the condition that the user decides possible match mc:
// both its persons, n (who came in) and k (known before), lie in the
// user's scope now, by their unit or their workplace. The unit recorded
// with the pair, the lowest covering both when it was found, is not asked:
// a scope of several subtrees or a portfolio of workplaces (a coordinator
// for NAV offices in two regions) may cover both persons without it.
func matchScope(u *access.Principal, a *access.Args) string {
	sc := u.Scope(access.PersonWrite)
	return sc.FilterAt("n.unit_path", "n.workplace_id", a) + ` AND ` + sc.FilterAt("k.unit_path", "k.workplace_id", a)
}

// OpenMatchCount counts the open possible matches the user may decide.
func (s *Storage) OpenMatchCount(ctx context.Context, u *access.Principal) (int, error) {
	var a access.Args
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM`+matchPersons+` WHERE `+openMatches(u, &a), a...).Scan(&n)
	return n, err
}

// PossibleMatches lists the open possible matches the user may decide:
// those whose two persons lie in the user's scope (matchScope).
func (s *Storage) PossibleMatches(ctx context.Context, u *access.Principal, limit int) ([]PossibleMatch, error) {
	var a access.Args
	q := `SELECT mc.id, mc.source, mc.match, mc.created_at,
		n.id, n.first_name || ' ' || n.last_name, n.birth_date, n.email, n.mobile, n.member_status, COALESCE(nw.name, ''), nu.name,
		k.id, k.first_name || ' ' || k.last_name, k.birth_date, k.email, k.mobile, k.member_status, COALESCE(kw.name, ''), ku.name
		FROM` + matchPersons + `
		JOIN org_units nu ON nu.id = n.unit_id LEFT JOIN workplaces nw ON nw.id = n.workplace_id
		JOIN org_units ku ON ku.id = k.unit_id LEFT JOIN workplaces kw ON kw.id = k.workplace_id
		WHERE ` + openMatches(u, &a) + ` ORDER BY mc.created_at, mc.id LIMIT ` + a.Add(limit)
	rows, err := s.r.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	var out []PossibleMatch
	err = eachRow(rows, func() error {
		var m PossibleMatch
		var nb, kb sql.NullTime
		if err := rows.Scan(&m.ID, &m.Source, &m.Match, &m.CreatedAt,
			&m.New.PersonID, &m.New.Name, &nb, &m.New.Email, &m.New.Mobile, &m.New.MemberStatus, &m.New.Workplace, &m.New.Unit,
			&m.Known.PersonID, &m.Known.Name, &kb, &m.Known.Email, &m.Known.Mobile, &m.Known.MemberStatus, &m.Known.Workplace, &m.Known.Unit); err != nil {
			return err
		}
		m.New.BirthDate, m.Known.BirthDate = timeOf(nb), timeOf(kb)
		out = append(out, m)
		return nil
	})
	return out, err
}

// DecideMatch settles a possible match. model.MatchMerge merges the newcomer
// into the known person (see mergeTx); where merge.Retitle says so, the
// newcomer's ask becomes a welcome: "a member has started here". model.MatchDistinct lets both stand. Both persons must still
// be in the user's scope (matchScope); a pair with someone who has since
// moved out of it answers as one that does not exist.
func (s *Storage) DecideMatch(ctx context.Context, u *access.Principal, id int64, decision model.MatchDecision) error {
	if decision != model.MatchMerge && decision != model.MatchDistinct {
		return model.ErrorKey(model.EINVALID, "err.match.decision", "decision", decision)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var newID, knownID int64
		var source model.MatchSource
		var done model.MatchDecision
		args := access.Args{id}
		err := tx.QueryRowContext(ctx, `SELECT mc.person_id, mc.candidate_id, mc.source, mc.decision
			FROM match_candidates mc JOIN persons n ON n.id = mc.person_id JOIN persons k ON k.id = mc.candidate_id
			WHERE mc.id = $1 AND `+matchScope(u, &args), args...).Scan(&newID, &knownID, &source, &done)
		if err != nil {
			return notFound(err, "err.match.notfound")
		}
		if done != model.MatchOpen {
			return model.ErrorKey(model.ECONFLICT, "err.match.decided")
		}
		if decision == model.MatchDistinct {
			if _, err := tx.ExecContext(ctx, `UPDATE match_candidates SET decision = 'distinct', decided_at = $1, decided_by = $2 WHERE id = $3`,
				s.now().UTC(), nullID(u.UserID), id); err != nil {
				return err
			}
			return s.audit(ctx, tx, u, "distinct", "person", newID, nil, newID, "")
		}
		var knownStatus model.MembershipStatus
		if err := tx.QueryRowContext(ctx, `SELECT member_status FROM persons WHERE id = $1`, knownID).Scan(&knownStatus); err != nil {
			return err
		}
		if merge.Retitle(source, knownStatus) {
			if _, err := tx.ExecContext(ctx, `UPDATE tasks SET kind = $1, title = $2 WHERE person_id = $3 AND status = 'open' AND kind IN ($4, $5)`,
				model.TaskWelcome, pipeline.TitleWelcomeMember, newID, model.TaskWelcome, model.TaskAsk); err != nil {
				return err
			}
		}
		return s.mergeTx(ctx, tx, u, knownID, newID, merge.Decided(source))
	})
}
