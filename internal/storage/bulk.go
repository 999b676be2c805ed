package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// Bulk loads many rows in one transaction with multi-row INSERTs prepared
// once per table: the generator's path, where ids are assigned by the
// caller. Nothing is visible to others until Commit, and a failure leaves
// the database as it was.
type Bulk struct {
	s       *Storage
	rows    int  // rows per batch
	deferFK bool // foreign keys are checked at commit, so tables flush independently
	ctx     context.Context
	tx      *sql.Tx
	tables  map[string]*bulkTable
	order   []string
}

type bulkTable struct {
	cols  int
	id    bool      // the first column is id, whose sequence Commit sets past the rows
	stmt  *sql.Stmt // for a full batch
	sql   string    // prefix "INSERT INTO t (cols) VALUES "
	buf   []any
	rows  int
	total int
}

// Batch sizes. SQLite (modernc) looks up each bound parameter's name by a
// linear scan, so a statement's cost grows with the square of its
// parameters: one prepared row per statement measured fastest there (3x
// the speed of 32-row batches). PostgreSQL gains from large batches, up
// to its limit of 65535 parameters.
const (
	sqliteBulkRows   = 1
	postgresBulkRows = 256
)

// Bulk starts a bulk load.
func (s *Storage) Bulk(ctx context.Context) (*Bulk, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	b := &Bulk{s: s, ctx: ctx, tx: tx, tables: map[string]*bulkTable{}, rows: postgresBulkRows}
	if s.dialect == SQLite {
		// Deferred, SQLite checks foreign keys once at commit (failing
		// it if any is broken), so a batch need not wait for its parents'.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			tx.Rollback()
			return nil, err
		}
		b.rows, b.deferFK = sqliteBulkRows, true
	}
	return b, nil
}

// Define declares a table and the columns Add will supply, in order.
// Tables must be defined parents first, so foreign keys hold at each flush.
func (b *Bulk) Define(table string, cols ...string) {
	b.tables[table] = &bulkTable{cols: len(cols), id: len(cols) > 0 && cols[0] == "id", sql: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "}
	b.order = append(b.order, table)
}

// Add buffers one row for table, flushing a full batch.
func (b *Bulk) Add(table string, values ...any) error {
	t := b.tables[table]
	if t == nil || len(values) != t.cols {
		return fmt.Errorf("bulk: %s: got %d values", table, len(values))
	}
	t.buf = append(t.buf, values...)
	t.rows++
	if t.rows < b.rows {
		return nil
	}
	if b.deferFK {
		return b.flush(table)
	}
	// Rows of tables defined earlier may be referenced by this batch.
	for _, name := range b.order {
		if err := b.flush(name); err != nil || name == table {
			return err
		}
	}
	return nil
}

func placeholders(rows, cols int) string {
	var sb strings.Builder
	n := 1
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range cols {
			if c > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n))
			n++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

func (b *Bulk) flush(table string) error {
	t := b.tables[table]
	if t.rows == 0 {
		return nil
	}
	var err error
	if t.rows == b.rows {
		if t.stmt == nil {
			if t.stmt, err = b.tx.PrepareContext(b.ctx, t.sql+placeholders(b.rows, t.cols)); err != nil {
				return fmt.Errorf("bulk %s: %w", table, err)
			}
		}
		_, err = t.stmt.ExecContext(b.ctx, t.buf...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, t.sql+placeholders(t.rows, t.cols), t.buf...)
	}
	if err != nil {
		return fmt.Errorf("bulk %s: %w", table, err)
	}
	t.total += t.rows
	t.buf, t.rows = t.buf[:0], 0
	return nil
}

// Flush writes every buffered row, parents first.
func (b *Bulk) Flush() error {
	for _, name := range b.order {
		if err := b.flush(name); err != nil {
			return err
		}
	}
	return nil
}

// Commit writes what is buffered, records the load in the audit log under
// u's name and commits. It returns the number of rows per table.
func (b *Bulk) Commit(u *access.Principal, what string) (map[string]int, error) {
	if err := b.Flush(); err != nil {
		b.Rollback()
		return nil, err
	}
	if b.tables["persons"] != nil {
		// The loaded persons' words (search.go): those who have none.
		err := refreshWords(b.ctx, b.tx, b.s.dialect, `NOT EXISTS (SELECT 1 FROM person_words w WHERE w.person_id = p.id)`)
		if err != nil {
			b.Rollback()
			return nil, err
		}
	}
	counts := map[string]int{}
	var seqs []string
	for _, name := range b.order {
		if b.tables[name].id {
			seqs = append(seqs, name)
		}
	}
	for name, t := range b.tables {
		counts[name] = t.total
		if t.stmt != nil {
			t.stmt.Close()
		}
	}
	if err := b.s.audit(b.ctx, b.tx, u, "bulk_load", what, 0, nil, 0, fmt.Sprint(counts)); err != nil {
		b.Rollback()
		return nil, err
	}
	if err := b.tx.Commit(); err != nil {
		return nil, err
	}
	if err := b.s.resetSequences(seqs...); err != nil {
		return counts, err
	}
	return counts, b.s.settleAfterLoad(b.ctx)
}

// triggerCounts are the tables the triggers keep counts in (00021,
// 00024, 00032): one row per unit path and workplace (and hour, or per
// subtree), updated for every row loaded (subtree_counts' members once
// per statement).
var triggerCounts = []string{"person_counts", "recruitment_counts", "recruitment_waits", "steward_counts", "subtree_counts"}

// settleAfterLoad leaves a PostgreSQL database after a bulk load as one
// that autovacuum has settled. The triggers update a count row once per
// person loaded, and each update leaves a dead row version: after a
// 1,000,000-member seed person_counts held about 20,000 live rows in
// 90 MB, which every union-wide count reads. VACUUM FULL rewrites those
// tables to their live rows (and the versions a transaction still open
// may see); ANALYZE gives the planner the loaded
// tables' statistics, which a fresh load has not yet got. SQLite updates
// in place and plans without statistics.
func (s *Storage) settleAfterLoad(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `VACUUM (FULL) `+strings.Join(triggerCounts, ", ")); err != nil {
		return fmt.Errorf("vacuum counts: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// Rollback abandons the load.
func (b *Bulk) Rollback() { b.tx.Rollback() }

// Empty reports whether the database holds no org units yet, so the demo
// can tell a fresh database from one it may reuse.
func (s *Storage) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM org_units`).Scan(&n)
	return n == 0, err
}

// PersonKeys exposes the sort and search keys for bulk loaders.
func PersonKeys(p *model.Person) (sortKey, searchKey string) { return personKeys(p) }
