package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"strings"
)

// The daily jobs count the aggregates afresh without holding SQLite's one
// writer while they count (a million persons took it for seconds, and every
// page that writes waited): they count on a read snapshot, with the rows as
// they stood in it, and then, in a short write transaction, write only the
// rows that differ, each only where it still holds the value the snapshot
// saw (compare and set). The triggers change these counts by adding to
// them, so a row that still holds what the snapshot saw has had nothing
// added since, or changes that cancel out, and its fresh count is still
// right; a row a trigger changed in between is left as it is, right as far
// as the triggers go, for the next run to look at again.

// counted is a table of counts kept by triggers and its fresh count.
type counted struct {
	table string
	// keys is the table's primary key; values are its counts, compared
	// and set; extra are columns a new row takes (from its key).
	keys, values, extra []string
	// fresh is a query or table with the same columns.
	fresh string
	// where, if set, limits the rows compared: a condition on f (the
	// fresh row) and c (the table's). (Not a subquery of the table: SQLite
	// then joins it without its index, 33,000 rows in minutes.)
	where string
	// insertSQL and deleteSQL, if set, add and delete a row of a set (no
	// values) from its key, checking that it still belongs or not.
	insertSQL, deleteSQL string
}

// countDiff is one row whose count differs from its fresh count: the
// key, then extra, the fresh values and the values seen, each with
// whether the row was there.
type countDiff struct {
	key, extra        []any
	fresh, seen       []int64
	hasFresh, hasSeen bool
}

// diffSQL reads the rows where the table and its fresh count differ, a
// missing row being one of zeros.
func (c counted) diffSQL() string {
	var cols, on, differ []string
	for _, k := range c.keys {
		cols = append(cols, "COALESCE(f."+k+", c."+k+")")
		on = append(on, "f."+k+" = c."+k)
	}
	for _, x := range c.extra {
		cols = append(cols, "COALESCE(f."+x+", c."+x+")")
	}
	for _, side := range []string{"f", "c"} {
		cols = append(cols, "CASE WHEN "+side+"."+c.keys[0]+" IS NULL THEN 0 ELSE 1 END")
		for _, v := range c.values {
			cols = append(cols, "CAST(COALESCE("+side+"."+v+", 0) AS BIGINT)")
		}
	}
	for _, v := range c.values {
		differ = append(differ, "COALESCE(f."+v+", 0) <> COALESCE(c."+v+", 0)")
	}
	if len(c.values) == 0 { // a set: a row on one side only
		differ = []string{"f." + c.keys[0] + " IS NULL", "c." + c.keys[0] + " IS NULL"}
	}
	fresh := c.fresh
	if strings.Contains(fresh, " ") {
		fresh = "(" + fresh + ")"
	}
	where := "(" + strings.Join(differ, " OR ") + ")"
	if c.where != "" {
		where += " AND " + c.where
	}
	return `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + fresh + ` f FULL JOIN ` + c.table + ` c ON ` +
		strings.Join(on, " AND ") + ` WHERE ` + where
}

// diff reads the differing rows in tx.
func (c counted) diff(ctx context.Context, tx *sql.Tx, args ...any) ([]countDiff, error) {
	rows, err := tx.QueryContext(ctx, c.diffSQL(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []countDiff
	for rows.Next() {
		d := countDiff{key: make([]any, len(c.keys)), extra: make([]any, len(c.extra)),
			fresh: make([]int64, len(c.values)), seen: make([]int64, len(c.values))}
		var dest []any
		for i := range d.key {
			dest = append(dest, &d.key[i])
		}
		for i := range d.extra {
			dest = append(dest, &d.extra[i])
		}
		var hasFresh, hasSeen int
		dest = append(dest, &hasFresh)
		for i := range d.fresh {
			dest = append(dest, &d.fresh[i])
		}
		dest = append(dest, &hasSeen)
		for i := range d.seen {
			dest = append(dest, &d.seen[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		d.hasFresh, d.hasSeen = hasFresh == 1, hasSeen == 1
		out = append(out, d)
	}
	return out, rows.Err()
}

// apply writes the differing rows in tx, each only where it still holds
// what was seen, and returns how many it wrote. A row seen missing is
// written where it is still missing or all zeros; a row with no fresh
// count is deleted.
func (c counted) apply(ctx context.Context, tx *sql.Tx, diffs []countDiff) (int, error) {
	if len(diffs) == 0 {
		return 0, nil
	}
	n := 0
	params := func(from int, cols []string) []string {
		out := make([]string, len(cols))
		for i := range cols {
			out[i] = "$" + strconv.Itoa(from+i)
		}
		return out
	}
	nk, nv := len(c.keys), len(c.values)
	keyIs := strings.Join(equal("", c.keys, params(1, c.keys)), " AND ")
	seenIs := strings.Join(equal(c.table+".", c.values, params(nk+1, c.values)), " AND ")
	stmts := map[string]string{
		"update": `UPDATE ` + c.table + ` SET ` + strings.Join(equal("", c.values, params(nk+nv+1, c.values)), ", ") +
			` WHERE ` + keyIs + ` AND ` + seenIs,
		"delete": `DELETE FROM ` + c.table + ` WHERE ` + keyIs + ` AND ` + seenIs,
	}
	insertCols := append(append(append([]string{}, c.keys...), c.values...), c.extra...)
	var excluded []string
	for _, v := range c.values {
		excluded = append(excluded, v+" = excluded."+v)
	}
	insert := `INSERT INTO ` + c.table + ` (` + strings.Join(insertCols, ", ") + `) VALUES (` +
		strings.Join(append(append(params(1, c.keys), params(nk+nv+1, c.values)...), params(nk+2*nv+1, c.extra)...), ", ") + `) ON CONFLICT (` +
		strings.Join(c.keys, ", ") + `) DO `
	if nv == 0 {
		stmts["insert"] = insert + `NOTHING`
	} else {
		stmts["insert"] = insert + `UPDATE SET ` + strings.Join(excluded, ", ") + ` WHERE ` + seenIs
	}
	if c.insertSQL != "" {
		stmts["insert"], stmts["delete"] = c.insertSQL, c.deleteSQL
	}
	prepared := map[string]*sql.Stmt{}
	for _, d := range diffs {
		op := "update"
		switch {
		case !d.hasSeen:
			op = "insert"
		case !d.hasFresh:
			op = "delete"
		}
		st := prepared[op]
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(ctx, stmts[op]); err != nil {
				return n, err
			}
			defer st.Close()
			prepared[op] = st
		}
		args := append([]any{}, d.key...)
		for _, v := range d.seen {
			args = append(args, v)
		}
		if op != "delete" {
			for _, v := range d.fresh {
				args = append(args, v)
			}
		}
		if op == "insert" {
			args = append(args, d.extra...)
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return n, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(k)
	}
	return n, nil
}

// equal is "alias.col = val" for each pair.
func equal(alias string, cols, vals []string) []string {
	out := make([]string, len(cols))
	for i, col := range cols {
		out[i] = alias + col + " = " + vals[i]
	}
	return out
}

// snapshot runs fn in a transaction that reads one snapshot of the
// database and writes nothing but TEMP tables: on SQLite a deferred one on
// the staging pool, which takes no write lock; on PostgreSQL a repeatable
// read one.
func (s *Storage) snapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := s.st.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.dialect == SQLite {
		// A count reads each page once and needs none of the stage's page
		// cache (stageCache), which SQLite also lets each sorter of a
		// GROUP BY fill: at a million members the daily jobs took the
		// server from 47 to 200 MB with it, and to 72 MB with SQLite's
		// default, in the same time (BenchmarkDailyJobsWriterHold).
		defer func() {
			// A connection whose cache could not be given back is
			// dropped, not staged on.
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+stageCache); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
		if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -2000`); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: s.dialect == SQLite})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if s.whileCounting != nil {
		s.whileCounting()
	}
	return tx.Commit()
}
