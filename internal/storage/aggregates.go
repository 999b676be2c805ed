package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
)

// The aggregates (migration 00021) hold the figures pages would otherwise
// count over a million rows: person_counts per unit path and workplace,
// credit_counts per recruiter and year. Triggers keep them current in the
// transaction that changes persons or credits; RebuildAggregates counts
// them afresh. A scope's figure is the sum over its path ranges and
// workplaces (access.Scope.FilterAt), so a steward's count covers their
// scope only. employment_counts (migration 00022) adds, per workplace,
// the members employed there besides their own workplace, so that a
// member with two employers counts at each workplace's density.
// subtree_counts (migration 00032) rolls the members and the steward
// counts up per unit path, so that a subtree's figures are one row (the
// union's a row per region).

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

// countEmployments counts employment_counts afresh from employments: the
// members employed at a workplace besides their own (00022).
const countEmployments = `SELECT e.workplace_id, count(*) AS members
	FROM employments e JOIN persons p ON p.id = e.person_id
	WHERE e.end_date IS NULL AND p.member_status IN ('active', 'arrears') AND (p.workplace_id IS NULL OR p.workplace_id <> e.workplace_id)
	GROUP BY e.workplace_id`

// subtreeCounts counts subtree_counts (migration 00032) as the migration
// fills it, from a table of person_counts' shape and from steward_counts:
// per path below the root ('/1/4/', '/1/4/17/' …) the figures at or below
// it, per root path ('/1/') those of the root itself.
var subtreeCounts = map[Dialect]func(table string) string{
	SQLite: func(table string) string {
		// A path's prefixes end at its segments, found by instr: a
		// path's segments are distinct unit ids (as the triggers do).
		segments := `'["' || replace(trim(s.up, '/'), '/', '","') || '"]'`
		return `SELECT substr(s.up, 1, instr(s.up, '/' || j.value || '/') + length(j.value) + 1) AS path, j.key + 1 AS depth,
				SUM(s.members) AS members, SUM(s.workplaces) AS workplaces, SUM(s.stewardless) AS stewardless
			FROM (` + subtreeSources(table) + `) s, json_each(` + segments + `) j
			WHERE j.value <> '' AND (j.key >= 1 OR j.key = json_array_length(` + segments + `) - 1)
			GROUP BY 1, 2 HAVING SUM(s.members) <> 0 OR SUM(s.workplaces) <> 0 OR SUM(s.stewardless) <> 0`
	},
	Postgres: func(table string) string {
		return `SELECT x.path, x.depth, SUM(s.members) AS members, SUM(s.workplaces) AS workplaces, SUM(s.stewardless) AS stewardless
			FROM (` + subtreeSources(table) + `) s, subtree_prefixes(s.up) x
			GROUP BY x.path, x.depth HAVING SUM(s.members) <> 0 OR SUM(s.workplaces) <> 0 OR SUM(s.stewardless) <> 0`
	},
}

// subtreeSources are the figures per unit path that subtree_counts rolls
// up: the members of person_counts (or its fresh count), the workplaces
// and those without a steward of steward_counts.
func subtreeSources(table string) string {
	return `SELECT up, SUM(members) AS members, SUM(workplaces) AS workplaces, SUM(stewardless) AS stewardless FROM (
		SELECT unit_path AS up, members, 0 AS workplaces, 0 AS stewardless FROM ` + table + `
		UNION ALL SELECT u.path, 0, c.workplaces, ` + stewardlessOf("c") + ` FROM steward_counts c JOIN org_units u ON u.id = c.unit_id) a
		GROUP BY up`
}

// stewardlessOf is a steward_counts row's workplaces without a shop
// steward in office: all of them, less those with one of their own,
// when the unit has none; none when it has.
func stewardlessOf(c string) string {
	return `CASE WHEN ` + c + `.stewards = 0 THEN ` + c + `.workplaces - ` + c + `.covered ELSE 0 END`
}

// subtreeFilter returns the condition on subtree_counts' path and depth
// that picks a scope's rows: a subtree below the root is its row; a root
// (or '/') is its own row and its regions' (depth up to 2), which hold
// everything below them. Principal.Scope leaves out subtrees inside
// another, so nothing is counted twice.
func subtreeFilter(paths []string, a *access.Args) string {
	if len(paths) == 0 {
		return "1 = 0"
	}
	parts := make([]string, len(paths))
	for i, p := range paths {
		if strings.Count(p, "/") > 2 {
			parts[i] = "path = " + a.Add(p)
		} else {
			// depth IN, not <=: SQLite, unanalysed, would otherwise read
			// the subtree's rows by path.
			parts[i] = "(depth IN (1, 2) AND " + access.Scope{Paths: []string{p}}.Filter("path", a) + ")"
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// memberSum sums the members in the scope: a few rows of subtree_counts.
// A scope with workplaces of its own (a portfolio) sums person_counts over
// its paths and workplaces, which may lie inside the paths.
func (s *Storage) memberSum(ctx context.Context, scope access.Scope) (int, error) {
	var a access.Args
	var n int
	q := `SELECT COALESCE(SUM(members), 0) FROM subtree_counts WHERE ` + subtreeFilter(scope.Paths, &a)
	if len(scope.Workplaces) > 0 {
		a = nil
		q = `SELECT COALESCE(SUM(c.members), 0) FROM person_counts c WHERE ` + scope.FilterAt("c.unit_path", "c.workplace_id", &a)
	}
	err := s.r.QueryRowContext(ctx, q, a...).Scan(&n)
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
	// A rebuild reads every person, so once a day is enough.
	if done, err := s.ranToday(ctx, "aggregates"); err != nil || done {
		return 0, err
	}
	return s.rebuildAggregates(ctx)
}

// aggregates are the tables RebuildAggregates counts afresh, the persons'
// counted into the TEMP table fresh_person_counts first (two of them
// read it).
func aggregates(d Dialect) []counted {
	return []counted{
		{table: "person_counts", keys: []string{"unit_path", "workplace_id"}, values: []string{"members", "other_union", "non_members"},
			fresh: "fresh_person_counts"},
		{table: "subtree_counts", keys: []string{"path"}, values: []string{"members", "workplaces", "stewardless"}, extra: []string{"depth"},
			fresh: subtreeCounts[d]("fresh_person_counts")},
		{table: "credit_counts", keys: []string{"recruiter_id", "year"}, values: []string{"credits"},
			fresh: `SELECT recruiter_id, ` + creditYear[d] + ` AS year, count(*) AS credits FROM credits GROUP BY 1, 2`},
		{table: "employment_counts", keys: []string{"workplace_id"}, values: []string{"members"}, fresh: countEmployments},
	}
}

// rebuildAggregates is RebuildAggregates' work, whenever it last ran: it
// counts on a snapshot and writes the differing rows (see recount.go), so
// a day without drift writes nothing.
func (s *Storage) rebuildAggregates(ctx context.Context) (int, error) {
	tables := aggregates(s.dialect)
	diffs := make([][]countDiff, len(tables))
	err := s.snapshot(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			// A run that failed on this connection may have left it.
			`DROP TABLE IF EXISTS ` + tempSchema[s.dialect] + `.fresh_person_counts`,
			`CREATE TEMP TABLE fresh_person_counts AS ` + countPersons,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for i, t := range tables {
			var err error
			if diffs[i], err = t.diff(ctx, tx); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DROP TABLE fresh_person_counts`)
		return err
	})
	if err != nil {
		return 0, err
	}
	if s.beforeApply != nil {
		s.beforeApply()
	}
	changed := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		changed = 0
		for i, t := range tables {
			n, err := t.apply(ctx, tx, diffs[i])
			if err != nil {
				return err
			}
			changed += n
		}
		return nil
	})
	return changed, err
}

// ranToday reports whether the worker's job ran, and did not fail, in the
// last 23 hours (job_runs holds its last run under the worker's name): a
// daily job's check, as the worker runs every hour.
func (s *Storage) ranToday(ctx context.Context, job string) (bool, error) {
	var last, failed sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT last_run_at, last_error_at FROM job_runs WHERE job = $1`, job).Scan(&last, &failed)
	if err != nil && err != sql.ErrNoRows {
		return false, err
	}
	return last.Valid && s.now().Sub(last.Time) < 23*time.Hour && !(failed.Valid && !failed.Time.Before(last.Time)), nil
}

// MendElsewhere puts right, once a day, the employments' marks (00039)
// that concurrent writers on PostgreSQL may leave wrong (a person placed
// at a workplace while it moves to another unit), writing only wrong
// ones. It returns how many it put right.
func (s *Storage) MendElsewhere(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	if done, err := s.ranToday(ctx, "elsewhere"); err != nil || done {
		return 0, err
	}
	res, err := s.w.ExecContext(ctx, mendElsewhere)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// The daily counts (migration 00024) are the recruitment figures per
// workplace and hour, and the steward count per unit. Triggers keep them
// current; the daily job counts them afresh for the day, and a page reads
// them only when that ran today (dailyCountsCurrent): the steward count
// depends on the day (roles end on a date), and a fresh migration leaves
// the tables empty until the job's first run.

// hourOf is the hour since 1970 (UTC) of a timestamp column, and
// secondsOf its second, as migration 00024's triggers compute them.
var hourOf = map[Dialect]func(col string) string{
	SQLite:   func(col string) string { return `CAST(strftime('%s', substr(` + col + `, 1, 19)) AS INTEGER) / 3600` },
	Postgres: func(col string) string { return `floor(extract(epoch FROM ` + col + `) / 3600)::bigint` },
}

var secondsOf = map[Dialect]func(col string) string{
	SQLite:   func(col string) string { return `CAST(strftime('%s', substr(` + col + `, 1, 19)) AS INTEGER)` },
	Postgres: func(col string) string { return `floor(extract(epoch FROM ` + col + `))::bigint` },
}

// waitMinutes is the whole minutes from a pipeline entry's start date (or
// its entry) to its first contact, 0 when asked before the first day.
var waitMinutes = map[Dialect]string{
	SQLite: `max(0, (CAST(strftime('%s', substr(first_contact_at, 1, 19)) AS INTEGER) -
		CAST(strftime('%s', substr(COALESCE(start_date, created_at), 1, 19)) AS INTEGER)) / 60)`,
	Postgres: `greatest(0, floor(extract(epoch FROM first_contact_at - COALESCE(start_date::timestamp AT TIME ZONE 'UTC', created_at)) / 60))::bigint`,
}

// dailyCountsCurrent reports whether the daily job counted steward_counts
// and the recruitment figures for today.
func (s *Storage) dailyCountsCurrent(ctx context.Context) (bool, error) {
	var day time.Time
	if err := s.r.QueryRowContext(ctx, `SELECT day FROM steward_counts_day`).Scan(&day); err != nil {
		return false, err
	}
	y, m, d := s.today().Date()
	dy, dm, dd := day.Date()
	return y == dy && m == dm && d == dd, nil
}

// stewardRecount counts steward_counts afresh for the day in
// steward_counts_day, as its triggers (00024, 00035) keep it, and writes
// only the units whose counts differ: the triggers of 00032 roll each
// written row up to its subtree's rows.
var stewardRecount = []string{
	`DROP TABLE IF EXISTS fresh_steward_counts`,
	`CREATE TEMP TABLE fresh_steward_counts AS SELECT u.id AS unit_id,
		(SELECT count(*) FROM workplaces w WHERE w.unit_id = u.id) AS workplaces,
		(SELECT count(*) FROM roles r WHERE r.unit_id = u.id AND r.workplace_id IS NULL AND r.role IN ` + stewardRoles + `
			AND ` + inOffice("r", "(SELECT day FROM steward_counts_day)") + `) AS stewards,
		(SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = u.id AND r.workplace_id IS NOT NULL AND r.role IN ` + stewardRoles + `
			AND ` + inOffice("r", "(SELECT day FROM steward_counts_day)") + `) AS covered
		FROM org_units u`,
	`DELETE FROM steward_counts WHERE unit_id NOT IN (SELECT unit_id FROM fresh_steward_counts)`,
	`INSERT INTO steward_counts (unit_id, workplaces, stewards, covered) SELECT f.unit_id, f.workplaces, f.stewards, f.covered
		FROM fresh_steward_counts f WHERE NOT EXISTS (SELECT 1 FROM steward_counts c WHERE c.unit_id = f.unit_id
			AND c.workplaces = f.workplaces AND c.stewards = f.stewards AND c.covered = f.covered)
		ON CONFLICT (unit_id) DO UPDATE SET workplaces = excluded.workplaces, stewards = excluded.stewards, covered = excluded.covered`,
	`DROP TABLE fresh_steward_counts`,
}

// RebuildDailyCounts counts the steward counts for today and the
// recruitment figures afresh, once a day: the worker's job for what
// changes by date, and the repair for any drift. It returns how many
// units it counted (0 when already current).
func (s *Storage) RebuildDailyCounts(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	if ok, err := s.dailyCountsCurrent(ctx); err != nil || ok {
		return 0, err
	}
	return s.rebuildDailyCounts(ctx)
}

// rebuildDailyCounts is RebuildDailyCounts' work, whether or not it ran
// today.
func (s *Storage) rebuildDailyCounts(ctx context.Context) (int, error) {
	d := s.dialect
	when := func(cond string) string { return `CASE WHEN ` + cond + ` THEN 1 ELSE 0 END` }
	units := 0
	// The recruitment page's periods (migration 00033) from today.
	var periods string
	var periodArgs []any
	for i, days := range RecruitmentPeriods {
		if i > 0 {
			periods += ", "
		}
		periods += fmt.Sprintf("($%d, $%d)", 2*i+1, 2*i+2)
		periodArgs = append(periodArgs, days, RecruitmentSince(s.today(), days).Unix()/3600)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		today := date(s.today())
		if _, err := tx.ExecContext(ctx, `UPDATE steward_counts_day SET day = $1`, today); err != nil {
			return err
		}
		for _, q := range stewardRecount {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			// The periods go first: with none, the triggers of 00033
			// have nothing to add the recounted hours to.
			{`DELETE FROM recruitment_periods`, nil},
			{`DELETE FROM recruitment_counts`, nil},
			{`INSERT INTO recruitment_counts (unit_path, workplace_id, hour, lists, last_list, new_hires, asked, joined)
				SELECT unit_path, workplace_id, hour, SUM(lists), MAX(last_list), SUM(new_hires), SUM(asked), SUM(joined) FROM (
					SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + ` AS hour, 1 AS lists, ` + secondsOf[d]("created_at") + ` AS last_list,
						0 AS new_hires, 0 AS asked, 0 AS joined FROM imports
					UNION ALL SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + `, 0, 0, 1, ` + when("first_contact_at IS NOT NULL") + `, ` +
				when("outcome = 'joined'") + ` FROM pipeline WHERE kind = 'newhire') c
				GROUP BY unit_path, workplace_id, hour`, nil},
			{`DELETE FROM recruitment_waits`, nil},
			{`INSERT INTO recruitment_waits (unit_path, workplace_id, hour, minutes, entries)
				SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + `, ` + waitMinutes[d] + `, count(*)
				FROM pipeline WHERE kind = 'newhire' AND first_contact_at IS NOT NULL GROUP BY 1, 2, 3, 4`, nil},
			{`INSERT INTO recruitment_periods (days, since_hour) VALUES ` + periods, periodArgs},
			{`DELETE FROM recruitment_period_counts`, nil},
			{`INSERT INTO recruitment_period_counts (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined)
				SELECT p.days, c.unit_path, c.workplace_id, SUM(c.lists), MAX(c.last_list), SUM(c.new_hires), SUM(c.asked), SUM(c.joined)
				FROM recruitment_counts c JOIN recruitment_periods p ON c.hour >= p.since_hour GROUP BY p.days, c.unit_path, c.workplace_id`, nil},
			{`DELETE FROM recruitment_period_waits`, nil},
			{`INSERT INTO recruitment_period_waits (days, unit_path, workplace_id, minutes, entries)
				SELECT p.days, c.unit_path, c.workplace_id, c.minutes, SUM(c.entries)
				FROM recruitment_waits c JOIN recruitment_periods p ON c.hour >= p.since_hour GROUP BY p.days, c.unit_path, c.workplace_id, c.minutes`, nil},
			// The union's histograms first, while it has no rows for
			// their trigger to keep a median in; then its rows with
			// their medians, then workplace 0 from them (whose trigger
			// counts nothing while it is missing).
			{`DELETE FROM recruitment_union_counts`, nil},
			{`DELETE FROM recruitment_union_waits`, nil},
			{`INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries)
				SELECT days, workplace_id, minutes, SUM(entries) FROM recruitment_period_waits GROUP BY days, workplace_id, minutes`, nil},
			{`INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries)
				SELECT days, 0, minutes, SUM(entries) FROM recruitment_period_waits GROUP BY days, minutes`, nil},
			{`INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined, lo, hi)
				SELECT c.days, c.workplace_id, COALESCE(w.sort_key, ''), SUM(c.lists), MAX(c.last_list), SUM(c.new_hires), SUM(c.asked), SUM(c.joined), MIN(m.lo), MIN(m.hi)
				FROM recruitment_period_counts c LEFT JOIN workplaces w ON w.id = c.workplace_id
				LEFT JOIN (` + medianOf("days, workplace_id", `SELECT days, workplace_id, minutes, entries AS n FROM recruitment_union_waits
					WHERE workplace_id <> 0 AND entries > 0`) + `) m ON m.days = c.days AND m.workplace_id = c.workplace_id
				GROUP BY c.days, c.workplace_id, w.sort_key`, nil},
			{`INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined, workplaces)
				SELECT p.days, 0, '', COALESCE(SUM(c.lists), 0), COALESCE(MAX(c.last_list), 0), COALESCE(SUM(c.new_hires), 0), COALESCE(SUM(c.asked), 0),
					COALESCE(SUM(c.joined), 0), COALESCE(SUM(` + when("c.lists > 0 OR c.new_hires > 0") + `), 0)
				FROM recruitment_periods p LEFT JOIN recruitment_union_counts c ON c.days = p.days GROUP BY p.days`, nil},
			// The open tasks (migration 00031) depend on no day, but are
			// counted afresh too: it mends drift and drops past days.
			{`DELETE FROM task_counts`, nil},
			{`INSERT INTO task_counts (due, kind, tasks) SELECT due, kind, count(*) FROM tasks WHERE status = 'open' GROUP BY due, kind`, nil},
			{`DELETE FROM open_tasks`, nil},
			{`INSERT INTO open_tasks (due, task_id) SELECT due, id FROM tasks WHERE status = 'open'`, nil},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM steward_counts`).Scan(&units)
	})
	return units, err
}
