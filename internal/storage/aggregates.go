package storage

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
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
// on a snapshot, and writes those that differ (rebuildAggregates): the
// daily job's repair for anything that changed without the triggers (a
// table rebuilt by a migration, a restored backup). It returns how many
// counts it corrected.
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
	return model.SameDay(day, s.today()), nil
}

// dailyJobState reports whether the daily job counted today and whether
// it also mended (mendPeriods) today: a mend that failed after the count
// committed is tried again on the next run.
func (s *Storage) dailyJobState(ctx context.Context) (counted, mended bool, err error) {
	var day time.Time
	var mendedOn sql.NullTime
	if err := s.r.QueryRowContext(ctx, `SELECT day, mended FROM steward_counts_day`).Scan(&day, &mendedOn); err != nil {
		return false, false, err
	}
	counted = model.SameDay(day, s.today())
	return counted, counted && mendedOn.Valid && model.SameDay(mendedOn.Time, s.today()), nil
}

// countStewards counts steward_counts afresh, as its triggers (00024,
// 00035) keep it, on the day day (an argument or a query), for the units
// where holds.
func countStewards(day, where string) string {
	return `SELECT u.id AS unit_id,
		(SELECT count(*) FROM workplaces w WHERE w.unit_id = u.id) AS workplaces,
		(SELECT count(*) FROM roles r WHERE r.unit_id = u.id AND r.workplace_id IS NULL AND r.role IN ` + stewardRoles + `
			AND ` + inOffice("r", day) + `) AS stewards,
		(SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = u.id AND r.workplace_id IS NOT NULL AND r.role IN ` + stewardRoles + `
			AND ` + inOffice("r", day) + `) AS covered
		FROM org_units u WHERE ` + where
}

// countedDay is the day steward_counts counts, as its triggers read it.
const countedDay = "(SELECT day FROM steward_counts_day)"

// stewardRecount counts steward_counts afresh for the day in
// steward_counts_day and writes only the units whose counts differ: the
// triggers of 00032 roll each written row up to its subtree's rows.
var stewardRecount = []string{
	`DROP TABLE IF EXISTS fresh_steward_counts`,
	`CREATE TEMP TABLE fresh_steward_counts AS ` + countStewards(countedDay, "1 = 1"),
	`DELETE FROM steward_counts WHERE unit_id NOT IN (SELECT unit_id FROM fresh_steward_counts)`,
	`INSERT INTO steward_counts (unit_id, workplaces, stewards, covered) SELECT f.unit_id, f.workplaces, f.stewards, f.covered
		FROM fresh_steward_counts f WHERE NOT EXISTS (SELECT 1 FROM steward_counts c WHERE c.unit_id = f.unit_id
			AND c.workplaces = f.workplaces AND c.stewards = f.stewards AND c.covered = f.covered)
		ON CONFLICT (unit_id) DO UPDATE SET workplaces = excluded.workplaces, stewards = excluded.stewards, covered = excluded.covered`,
	`DROP TABLE fresh_steward_counts`,
}

// recountUnit counts one unit's steward_counts afresh ($1), writing it
// only where it differs, and deletes the row of a unit that is gone.
var recountUnit = []string{
	`INSERT INTO steward_counts (unit_id, workplaces, stewards, covered) ` + countStewards(countedDay, "u.id = $1") + `
		ON CONFLICT (unit_id) DO UPDATE SET workplaces = excluded.workplaces, stewards = excluded.stewards, covered = excluded.covered
		WHERE steward_counts.workplaces <> excluded.workplaces OR steward_counts.stewards <> excluded.stewards OR steward_counts.covered <> excluded.covered`,
	`DELETE FROM steward_counts WHERE unit_id = $1 AND NOT EXISTS (SELECT 1 FROM org_units WHERE id = $1)`,
}

// defaultRecountAllFrom is how many units turnDay recounts one by one
// (recountUnit). Past it (the first count, which finds every unit's day
// turned, or one after a long pause) it recounts them all in one pass
// (stewardRecount), which holds the writer for less than a statement per
// unit: at a million members 0.37 s against 5.7 s for 17,780 units.
const defaultRecountAllFrom = 1000

// dayTurned is the units with a steward's role that began or ended
// between two days ($1 before, $2 on or after): the units whose steward
// counts the day's turn changes.
var dayTurned = `SELECT DISTINCT unit_id FROM roles WHERE role IN ` + stewardRoles + `
	AND ((start_date > $1 AND start_date <= $2) OR (end_date > $1 AND end_date <= $2))`

// RebuildDailyCounts counts the steward counts for today and the
// recruitment figures afresh, once a day (rebuildDailyCounts): the
// worker's job for what changes by date, and the repair for any drift.
// It returns how many units it counted: 0 when the day was done, or
// counted and only its mend was left (mendDay).
func (s *Storage) RebuildDailyCounts(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	counted, mended, err := s.dailyJobState(ctx)
	switch {
	case err != nil || mended:
		return 0, err
	case counted:
		// The mend failed: mend only, rather than count the day again
		// on every run until the mend succeeds.
		return 0, s.mendDay(ctx)
	}
	return s.rebuildDailyCounts(ctx)
}

// oneIf is 1 where cond holds, else 0.
func oneIf(cond string) string { return `CASE WHEN ` + cond + ` THEN 1 ELSE 0 END` }

// dailyCounted are the tables of daily counts kept from the records
// themselves (not per period), counted afresh: the recruitment figures
// per workplace and hour (00024) and the open tasks (00031).
func dailyCounted(d Dialect) []counted {
	return []counted{
		{table: "recruitment_counts", keys: []string{"unit_path", "workplace_id", "hour"},
			values: []string{"lists", "last_list", "new_hires", "asked", "joined"},
			fresh: `SELECT unit_path, workplace_id, hour, SUM(lists) AS lists, MAX(last_list) AS last_list, SUM(new_hires) AS new_hires,
					SUM(asked) AS asked, SUM(joined) AS joined FROM (
				SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + ` AS hour, 1 AS lists, ` + secondsOf[d]("created_at") + ` AS last_list,
					0 AS new_hires, 0 AS asked, 0 AS joined FROM imports
				UNION ALL SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + `, 0, 0, 1, ` + oneIf("first_contact_at IS NOT NULL") + `, ` +
				oneIf("outcome = 'joined'") + ` FROM pipeline WHERE kind = 'newhire') c
				GROUP BY unit_path, workplace_id, hour`},
		{table: "recruitment_waits", keys: []string{"unit_path", "workplace_id", "hour", "minutes"}, values: []string{"entries"},
			fresh: `SELECT unit_path, workplace_id, ` + hourOf[d]("created_at") + ` AS hour, ` + waitMinutes[d] + ` AS minutes, count(*) AS entries
				FROM pipeline WHERE kind = 'newhire' AND first_contact_at IS NOT NULL GROUP BY 1, 2, 3, 4`},
		{table: "task_counts", keys: []string{"due", "kind"}, values: []string{"tasks"},
			fresh: `SELECT due, kind, count(*) AS tasks FROM tasks WHERE status = 'open' GROUP BY due, kind`},
		// A set: a row is added only for a task still open with that due
		// day, and taken away only from one that is not.
		{table: "open_tasks", keys: []string{"due", "task_id"}, fresh: `SELECT due, id AS task_id FROM tasks WHERE status = 'open'`,
			insertSQL: `INSERT INTO open_tasks (due, task_id) SELECT due, id FROM tasks WHERE id = $2 AND due = $1 AND status = 'open'
				ON CONFLICT (due, task_id) DO NOTHING`,
			deleteSQL: `DELETE FROM open_tasks WHERE due = $1 AND task_id = $2
				AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = $2 AND t.due = $1 AND t.status = 'open')`},
	}
}

// rebuildDailyCounts is RebuildDailyCounts' work, whether or not it ran
// today: countDay, then mendPeriods, and then it marks the day mended.
func (s *Storage) rebuildDailyCounts(ctx context.Context) (int, error) {
	n, err := s.countDay(ctx)
	if err != nil {
		return 0, err
	}
	return n, s.mendDay(ctx)
}

// mendDay mends the recruitment periods (mendPeriods) and marks the day
// mended, which with its count makes the daily job done (dailyJobState).
func (s *Storage) mendDay(ctx context.Context) error {
	if _, err := s.mendPeriods(ctx); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `UPDATE steward_counts_day SET mended = $1`, date(s.today()))
	return err
}

// countDay counts on a snapshot (recount.go) the records' figures and the
// steward counts on today; then, in one short write transaction, it
// writes the figures that differ, moves the day, recounts the units whose
// steward counts differed or whose stewards' terms began or ended since
// the last count, and moves the recruitment periods (shiftPeriods).
// Readers see the day and every figure for it change at once. It returns
// how many units steward_counts has.
func (s *Storage) countDay(ctx context.Context) (int, error) {
	today := date(s.today())
	tables := dailyCounted(s.dialect)
	stewards := counted{table: "steward_counts", keys: []string{"unit_id"}, values: []string{"workplaces", "stewards", "covered"},
		fresh: countStewards("$1", "1 = 1")}
	diffs := make([][]countDiff, len(tables))
	var units []countDiff
	err := s.snapshot(ctx, func(tx *sql.Tx) error {
		for i, t := range tables {
			var err error
			if diffs[i], err = t.diff(ctx, tx); err != nil {
				return err
			}
		}
		var err error
		units, err = stewards.diff(ctx, tx, today)
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for i, t := range tables {
			if _, err := t.apply(ctx, tx, diffs[i]); err != nil {
				return err
			}
		}
		if err := s.turnDay(ctx, tx, today, units); err != nil {
			return err
		}
		if err := s.shiftPeriods(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM steward_counts`).Scan(&n)
	})
	return n, err
}

// turnDay moves steward_counts' day to today and recounts the units whose
// counts the snapshot found different (drift, or the day) and those whose
// stewards' terms began or ended between the two days.
func (s *Storage) turnDay(ctx context.Context, tx *sql.Tx, today any, differed []countDiff) error {
	var last time.Time
	if err := tx.QueryRowContext(ctx, `SELECT day FROM steward_counts_day`).Scan(&last); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE steward_counts_day SET day = $1`, today); err != nil {
		return err
	}
	from, to := date(last), today
	if last.After(s.today()) {
		from, to = to, from
	}
	recount := map[any]bool{}
	for _, d := range differed {
		recount[d.key[0]] = true
	}
	turned, err := queryIDs(ctx, tx, dayTurned, from, to)
	if err != nil {
		return err
	}
	for _, id := range turned {
		recount[id] = true
	}
	if len(recount) > s.recountAllFrom {
		for _, q := range stewardRecount {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	for id := range recount {
		for _, q := range recountUnit {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// The recruitment page's figures per period (migration 00033), as sums
// over the hourly figures since each period's first hour. keys, when not
// empty, is a table of the (days, unit_path, workplace_id) to count, or
// for the union's figures of the (days, workplace_id).

func periodCounts(keys string) string {
	from := `recruitment_periods p JOIN recruitment_counts c ON c.hour >= p.since_hour`
	if keys != "" {
		from = keys + ` k JOIN recruitment_periods p ON p.days = k.days
			JOIN recruitment_counts c ON c.unit_path = k.unit_path AND c.workplace_id = k.workplace_id AND c.hour >= p.since_hour`
	}
	return `SELECT p.days, c.unit_path, c.workplace_id, SUM(c.lists) AS lists, MAX(c.last_list) AS last_list, SUM(c.new_hires) AS new_hires,
		SUM(c.asked) AS asked, SUM(c.joined) AS joined FROM ` + from + ` GROUP BY p.days, c.unit_path, c.workplace_id`
}

func periodWaits(keys string) string {
	from := `recruitment_periods p JOIN recruitment_waits c ON c.hour >= p.since_hour`
	if keys != "" {
		from = keys + ` k JOIN recruitment_periods p ON p.days = k.days
			JOIN recruitment_waits c ON c.unit_path = k.unit_path AND c.workplace_id = k.workplace_id AND c.hour >= p.since_hour`
	}
	return `SELECT p.days, c.unit_path, c.workplace_id, c.minutes, SUM(c.entries) AS entries FROM ` + from + `
		GROUP BY p.days, c.unit_path, c.workplace_id, c.minutes`
}

// inKeys is the condition that the row (days, workplace) is in keys, or
// true without keys.
func inKeys(keys, days, workplace string) string {
	if keys == "" {
		return "1 = 1"
	}
	return `(` + days + `, ` + workplace + `) IN (SELECT days, workplace_id FROM ` + keys + `)`
}

// unionWaits sums a table of period waits per workplace, and without
// keys for the union (workplace 0) too.
func unionWaits(waits, keys string) string {
	q := `SELECT days, workplace_id, minutes, SUM(entries) AS entries FROM ` + waits + ` WHERE ` + inKeys(keys, "days", "workplace_id") + `
		GROUP BY days, workplace_id, minutes`
	if keys != "" {
		return q
	}
	return q + ` UNION ALL SELECT days, 0, minutes, SUM(entries) FROM ` + waits + ` GROUP BY days, minutes`
}

// unionWaitsAdd adds (sign "") or takes away ("-") the histograms of the
// workplaces in shifted_union to or from the union's.
func unionWaitsAdd(sign string) string {
	return `INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries)
		SELECT days, 0, minutes, ` + sign + `SUM(entries) FROM recruitment_union_waits WHERE ` + inKeys("shifted_union", "days", "workplace_id") + `
		GROUP BY days, minutes ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = recruitment_union_waits.entries + excluded.entries`
}

// addToUnion adds an insert's sums to the union's row of the period.
func addToUnion(more ...string) string {
	var set []string
	for _, c := range append([]string{"lists", "new_hires", "asked", "joined"}, more...) {
		set = append(set, c+" = recruitment_union_counts."+c+" + excluded."+c)
	}
	return `ON CONFLICT (days, workplace_id) DO UPDATE SET ` + strings.Join(set, ", ")
}

// unionCounts sums a table of period counts per workplace, with its sort
// key and its median from a table of union waits.
func unionCounts(counts, waits, keys string) string {
	return `SELECT c.days, c.workplace_id, COALESCE(w.sort_key, '') AS sort_key, SUM(c.lists) AS lists, MAX(c.last_list) AS last_list,
			SUM(c.new_hires) AS new_hires, SUM(c.asked) AS asked, SUM(c.joined) AS joined, MIN(m.lo) AS lo, MIN(m.hi) AS hi
		FROM ` + counts + ` c LEFT JOIN workplaces w ON w.id = c.workplace_id
		LEFT JOIN (` + medianOf("days, workplace_id", `SELECT days, workplace_id, minutes, entries AS n FROM `+waits+`
			WHERE workplace_id <> 0 AND entries > 0 AND `+inKeys(keys, "days", "workplace_id")) + `) m ON m.days = c.days AND m.workplace_id = c.workplace_id
		WHERE ` + inKeys(keys, "c.days", "c.workplace_id") + `
		GROUP BY c.days, c.workplace_id, w.sort_key`
}

// unionTotal is the union's row (workplace 0) of each period from a
// table of the workplaces' rows: their sums and how many had a list or a
// new hire.
func unionTotal(counts, keys string) string {
	return `SELECT p.days, 0 AS workplace_id, '' AS sort_key, COALESCE(SUM(c.lists), 0) AS lists, COALESCE(MAX(c.last_list), 0) AS last_list,
			COALESCE(SUM(c.new_hires), 0) AS new_hires, COALESCE(SUM(c.asked), 0) AS asked, COALESCE(SUM(c.joined), 0) AS joined,
			COALESCE(SUM(` + oneIf("c.lists > 0 OR c.new_hires > 0") + `), 0) AS workplaces
		FROM recruitment_periods p LEFT JOIN ` + counts + ` c ON c.days = p.days AND c.workplace_id <> 0
		WHERE ` + inKeys(keys, "p.days", "0") + ` GROUP BY p.days`
}

const (
	unionCountsCols = `days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined, lo, hi`
	unionTotalCols  = `days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined, workplaces`
)

// shiftPeriods moves the recruitment periods to begin at today's midnight
// (RecruitmentSince) and counts afresh the figures that changes: those of
// the unit paths and workplaces with hours between a period's first hour
// and its new one (a day's), and the union's sums of their workplaces.
// Every other figure is the same for both first hours, kept by the
// triggers. A period new to the table counts everything since its first
// hour.
func (s *Storage) shiftPeriods(ctx context.Context, tx *sql.Tx) error {
	was := map[int64]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT days, since_hour FROM recruitment_periods`)
	if err != nil {
		return err
	}
	if err := eachRow(rows, func() error {
		var days, since int64
		err := rows.Scan(&days, &since)
		was[days] = since
		return err
	}); err != nil {
		return err
	}
	type move struct{ days, since, from, to int64 }
	var moves []move
	for _, days := range RecruitmentPeriods {
		since := RecruitmentSince(s.today(), days).Unix() / 3600
		old, ok := was[int64(days)]
		delete(was, int64(days))
		switch {
		case !ok:
			moves = append(moves, move{int64(days), since, since, math.MaxInt64})
		case old != since:
			moves = append(moves, move{int64(days), since, min(old, since), max(old, since)})
		}
	}
	// A period no longer offered goes.
	for days := range was {
		for _, t := range []string{"recruitment_periods", "recruitment_period_counts", "recruitment_period_waits", "recruitment_union_counts", "recruitment_union_waits"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE days = $1`, days); err != nil {
				return err
			}
		}
	}
	if len(moves) == 0 {
		return nil
	}
	temp := tempSchema[s.dialect]
	for _, q := range []string{
		// A run that failed on this connection may have left them.
		`DROP TABLE IF EXISTS ` + temp + `.shifted`,
		`DROP TABLE IF EXISTS ` + temp + `.shifted_union`,
		ddl(s.dialect, `CREATE TEMP TABLE shifted (days BIGINT NOT NULL, unit_path {{text_c}} NOT NULL, workplace_id BIGINT NOT NULL)`),
		`CREATE TEMP TABLE shifted_union (days BIGINT NOT NULL, workplace_id BIGINT NOT NULL)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for _, m := range moves {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO shifted (days, unit_path, workplace_id)
				SELECT CAST($1 AS BIGINT), unit_path, workplace_id FROM recruitment_counts WHERE hour >= $2 AND hour < $3
				UNION SELECT CAST($1 AS BIGINT), unit_path, workplace_id FROM recruitment_waits WHERE hour >= $2 AND hour < $3`, []any{m.days, m.from, m.to}},
			// A new period's union row, for the trigger to count into.
			{`INSERT INTO recruitment_union_counts (days, workplace_id, sort_key) VALUES ($1, 0, '') ON CONFLICT (days, workplace_id) DO NOTHING`, []any{m.days}},
			{`DELETE FROM recruitment_periods WHERE days = $1`, []any{m.days}},
			{`INSERT INTO recruitment_periods (days, since_hour) VALUES ($1, $2)`, []any{m.days, m.since}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
	}
	for _, q := range []string{
		`INSERT INTO shifted_union (days, workplace_id) SELECT DISTINCT days, workplace_id FROM shifted`,
		`DELETE FROM recruitment_period_counts WHERE (days, unit_path, workplace_id) IN (SELECT days, unit_path, workplace_id FROM shifted)`,
		`INSERT INTO recruitment_period_counts (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined) ` + periodCounts("shifted"),
		`DELETE FROM recruitment_period_waits WHERE (days, unit_path, workplace_id) IN (SELECT days, unit_path, workplace_id FROM shifted)`,
		`INSERT INTO recruitment_period_waits (days, unit_path, workplace_id, minutes, entries) ` + periodWaits("shifted"),
		// The union's row and histogram (workplace 0) lose what the
		// shifted workplaces' rows held, and gain what they hold anew:
		// summing every workplace's anew took a quarter of a second at a
		// million members. The trigger of 00033 counts the workplaces
		// with a list or a new hire as their rows go in.
		unionWaitsAdd("-"),
		`INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, new_hires, asked, joined, workplaces)
			SELECT days, 0, '', -SUM(lists), -SUM(new_hires), -SUM(asked), -SUM(joined), -SUM(` + oneIf("lists > 0 OR new_hires > 0") + `)
			FROM recruitment_union_counts WHERE ` + inKeys("shifted_union", "days", "workplace_id") + ` GROUP BY days ` + addToUnion("workplaces"),
		// The histograms first, while their workplaces have no rows for
		// their trigger to keep a median in; then the rows with their
		// medians.
		`DELETE FROM recruitment_union_counts WHERE ` + inKeys("shifted_union", "days", "workplace_id"),
		`DELETE FROM recruitment_union_waits WHERE ` + inKeys("shifted_union", "days", "workplace_id"),
		`INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) ` + unionWaits("recruitment_period_waits", "shifted_union"),
		`INSERT INTO recruitment_union_counts (` + unionCountsCols + `) ` + unionCounts("recruitment_period_counts", "recruitment_union_waits", "shifted_union"),
		unionWaitsAdd(""),
		`INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, new_hires, asked, joined)
			SELECT days, 0, '', SUM(lists), SUM(new_hires), SUM(asked), SUM(joined)
			FROM recruitment_union_counts WHERE ` + inKeys("shifted_union", "days", "workplace_id") + ` GROUP BY days ` + addToUnion(),
		// The latest list may be gone from the period.
		`UPDATE recruitment_union_counts SET last_list = COALESCE((SELECT MAX(c.last_list) FROM recruitment_union_counts c
			WHERE c.days = recruitment_union_counts.days AND c.workplace_id <> 0), 0)
			WHERE workplace_id = 0 AND days IN (SELECT days FROM shifted_union)`,
		`DROP TABLE shifted`,
		`DROP TABLE shifted_union`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// unionMedians counts afresh the median wait of each workplace whose
// histogram rows (recruitment_union_waits) were written: the median's
// trigger follows an inserted or updated row, but not a deleted one.
func unionMedians(ctx context.Context, tx *sql.Tx, written []countDiff) error {
	done := map[[2]any]bool{}
	for _, d := range written {
		k := [2]any{d.key[0], d.key[1]} // days, workplace_id
		if done[k] {
			continue
		}
		done[k] = true
		if _, err := tx.ExecContext(ctx, `UPDATE recruitment_union_counts SET (lo, hi) = (SELECT lo, hi FROM (`+medianOf("workplace_id",
			`SELECT workplace_id, minutes, entries AS n FROM recruitment_union_waits WHERE days = $1 AND workplace_id = $2 AND entries > 0`)+`) m)
			WHERE days = $1 AND workplace_id = $2 AND workplace_id <> 0`, k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// periodCounted are the recruitment figures per period, counted afresh
// from the hourly figures into TEMP tables named fresh_… (freshPeriods).
// The union's row (workplace 0) is counted from its workplaces' rows once
// those are written (mendPeriods).
var periodCounted = []counted{
	{table: "recruitment_period_counts", keys: []string{"days", "unit_path", "workplace_id"},
		values: []string{"lists", "last_list", "new_hires", "asked", "joined"}, fresh: "fresh_period_counts"},
	{table: "recruitment_period_waits", keys: []string{"days", "unit_path", "workplace_id", "minutes"}, values: []string{"entries"},
		fresh: "fresh_period_waits"},
	{table: "recruitment_union_waits", keys: []string{"days", "workplace_id", "minutes"}, values: []string{"entries"},
		fresh: "fresh_union_waits"},
	{table: "recruitment_union_counts", keys: []string{"days", "workplace_id"},
		values: []string{"lists", "last_list", "new_hires", "asked", "joined"}, extra: []string{"sort_key", "lo", "hi"},
		fresh: "fresh_union_counts", where: "COALESCE(f.workplace_id, c.workplace_id) <> 0"},
}

// unionTotals are the union's rows of the periods, compared only: where
// one differs, mendPeriods counts them afresh.
var unionTotals = counted{table: "recruitment_union_counts", keys: []string{"days", "workplace_id"},
	values: []string{"lists", "last_list", "new_hires", "asked", "joined", "workplaces"},
	fresh:  unionTotal("fresh_union_counts", ""), where: "COALESCE(f.workplace_id, c.workplace_id) = 0"}

// freshPeriods counts the periods' figures into TEMP tables, as the
// daily job once wrote them.
func freshPeriods(d Dialect) []string {
	temp := tempSchema[d]
	return []string{
		`DROP TABLE IF EXISTS ` + temp + `.fresh_period_counts`,
		`DROP TABLE IF EXISTS ` + temp + `.fresh_period_waits`,
		`DROP TABLE IF EXISTS ` + temp + `.fresh_union_waits`,
		`DROP TABLE IF EXISTS ` + temp + `.fresh_union_counts`,
		`CREATE TEMP TABLE fresh_period_counts AS ` + periodCounts(""),
		`CREATE TEMP TABLE fresh_period_waits AS ` + periodWaits(""),
		`CREATE TEMP TABLE fresh_union_waits AS ` + unionWaits("fresh_period_waits", ""),
		`CREATE TEMP TABLE fresh_union_counts AS ` + unionCounts("fresh_period_counts", "fresh_union_waits", ""),
	}
}

// mendPeriods mends drift in the periods' figures: it counts them afresh
// on a snapshot and writes those that differ (recount.go), then, in the
// same transaction, counts the union's rows afresh from its workplaces'
// if any of theirs differed. (A workplace's row changed by compare and set
// moves the union's count of workplaces by its trigger, so the union's
// rows cannot be set so themselves.)
// It returns how many rows differed.
func (s *Storage) mendPeriods(ctx context.Context) (int, error) {
	diffs := make([][]countDiff, len(periodCounted))
	var totals []countDiff
	err := s.snapshot(ctx, func(tx *sql.Tx) error {
		for _, q := range freshPeriods(s.dialect) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for i, t := range periodCounted {
			var err error
			if diffs[i], err = t.diff(ctx, tx); err != nil {
				return err
			}
		}
		var err error
		if totals, err = unionTotals.diff(ctx, tx); err != nil {
			return err
		}
		for _, t := range []string{"fresh_period_counts", "fresh_period_waits", "fresh_union_waits", "fresh_union_counts"} {
			if _, err := tx.ExecContext(ctx, `DROP TABLE `+t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := len(totals)
	for _, d := range diffs {
		n += len(d)
	}
	if n == 0 {
		return 0, nil
	}
	return n, s.inTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			// The union's rows first, as a user's write takes them (its
			// trigger adds to the union's row before the workplace's):
			// taken the other way, the two could deadlock.
			if _, err := tx.ExecContext(ctx, `SELECT 1 FROM recruitment_union_counts WHERE workplace_id = 0 FOR UPDATE`); err != nil {
				return err
			}
		}
		for i, t := range periodCounted {
			if _, err := t.apply(ctx, tx, diffs[i]); err != nil {
				return err
			}
			if t.table == "recruitment_union_waits" {
				if err := unionMedians(ctx, tx, diffs[i]); err != nil {
					return err
				}
			}
		}
		if len(diffs[len(diffs)-1]) == 0 && len(totals) == 0 {
			return nil
		}
		for _, q := range []string{
			`DELETE FROM recruitment_union_counts WHERE workplace_id = 0`,
			`INSERT INTO recruitment_union_counts (` + unionTotalCols + `) ` + unionTotal("recruitment_union_counts", ""),
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
