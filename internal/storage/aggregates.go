package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/verve-union/verve/internal/access"
)

// The aggregates (migration 00021) hold the figures pages would otherwise
// count over a million rows: person_counts per unit path and workplace,
// credit_counts per recruiter and year. Triggers keep them current in the
// transaction that changes persons or credits; RebuildAggregates counts
// them afresh. A scope's figure is the sum over its path ranges and
// workplaces (access.Scope.FilterAt), so a steward's count covers their
// scope only.

// creditYear is the UTC calendar year of credits.earned_at, as the
// migration's triggers compute it.
var creditYear = map[Dialect]string{
	SQLite:   `CAST(substr(earned_at, 1, 4) AS INTEGER)`,
	Postgres: `EXTRACT(YEAR FROM earned_at AT TIME ZONE 'UTC')::int`,
}

// countPersons counts person_counts afresh from persons, as the triggers
// keep them.
const countPersons = `SELECT unit_path, COALESCE(workplace_id, 0) AS workplace_id,
	SUM(CASE WHEN member_status IN ('active', 'arrears') THEN 1 ELSE 0 END) AS members,
	SUM(CASE WHEN member_status NOT IN ('active', 'arrears') AND other_union <> '' THEN 1 ELSE 0 END) AS other_union,
	SUM(CASE WHEN member_status NOT IN ('active', 'arrears') AND other_union = '' THEN 1 ELSE 0 END) AS non_members
	FROM persons GROUP BY unit_path, COALESCE(workplace_id, 0)`

// memberSum sums person_counts.members over the scope's paths and
// workplaces.
func (s *Storage) memberSum(ctx context.Context, scope access.Scope) (int, error) {
	var a access.Args
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(c.members), 0) FROM person_counts c WHERE `+
		scope.FilterAt("c.unit_path", "c.workplace_id", &a), a...).Scan(&n)
	return n, err
}

// RebuildAggregates counts the aggregates afresh from persons and credits,
// in one transaction: the daily job's repair for anything that changed
// without the triggers (a table rebuilt by a migration, a restored
// backup). It returns how many counts it corrected.
func (s *Storage) RebuildAggregates(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	// The worker runs every hour; a rebuild reads every person, so once a
	// day is enough (job_runs holds its last run under the worker's name).
	var last, failed sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT last_run_at, last_error_at FROM job_runs WHERE job = 'aggregates'`).Scan(&last, &failed)
	if err != nil && err != sql.ErrNoRows {
		return 0, err
	}
	if last.Valid && s.now().Sub(last.Time) < 23*time.Hour && !(failed.Valid && !failed.Time.Before(last.Time)) {
		return 0, nil
	}
	changed := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		changed = 0
		for _, q := range []string{
			// A run that failed on this connection may have left them.
			`DROP TABLE IF EXISTS fresh_person_counts`,
			`DROP TABLE IF EXISTS fresh_credit_counts`,
			`CREATE TEMP TABLE fresh_person_counts AS ` + countPersons,
			`CREATE TEMP TABLE fresh_credit_counts AS SELECT recruiter_id, ` + creditYear[s.dialect] + ` AS year, count(*) AS credits
				FROM credits GROUP BY 1, 2`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		// Only differing rows are rewritten, so a day without drift
		// writes nothing.
		for _, q := range []string{
			`SELECT count(*) FROM (SELECT unit_path, workplace_id, members, other_union, non_members FROM fresh_person_counts
				EXCEPT SELECT unit_path, workplace_id, members, other_union, non_members FROM person_counts WHERE members <> 0 OR other_union <> 0 OR non_members <> 0) d`,
			`SELECT count(*) FROM (SELECT recruiter_id, year, credits FROM fresh_credit_counts
				EXCEPT SELECT recruiter_id, year, credits FROM credit_counts WHERE credits <> 0) d`,
			`SELECT count(*) FROM (SELECT unit_path, workplace_id FROM person_counts WHERE members <> 0 OR other_union <> 0 OR non_members <> 0
				EXCEPT SELECT unit_path, workplace_id FROM fresh_person_counts) d`,
			`SELECT count(*) FROM (SELECT recruiter_id, year FROM credit_counts WHERE credits <> 0
				EXCEPT SELECT recruiter_id, year FROM fresh_credit_counts) d`,
		} {
			var n int
			if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return err
			}
			changed += n
		}
		if changed > 0 {
			for _, q := range []string{
				`DELETE FROM person_counts`,
				`INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) SELECT unit_path, workplace_id, members, other_union, non_members FROM fresh_person_counts`,
				`DELETE FROM credit_counts`,
				`INSERT INTO credit_counts (recruiter_id, year, credits) SELECT recruiter_id, year, credits FROM fresh_credit_counts`,
			} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `DROP TABLE fresh_person_counts`)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DROP TABLE fresh_credit_counts`)
		}
		return err
	})
	return changed, err
}
