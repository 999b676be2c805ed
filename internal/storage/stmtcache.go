package storage

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// warm prepares the queries on SQLite's writer connection, once per
// Storage. It must run outside a transaction, which holds that only
// connection. Use it on hot paths (the join form). PostgreSQL needs none:
// pgx caches prepared statements per connection by itself.
func (s *Storage) warm(ctx context.Context, qs ...string) error {
	if s.dialect != SQLite {
		return nil
	}
	for _, q := range qs {
		if _, ok := s.stmts.Load(q); ok {
			continue
		}
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		if _, loaded := s.stmts.LoadOrStore(q, st); loaded {
			st.Close()
		}
	}
	return nil
}

// stmtQuerier is what both a *sql.Tx and a *sql.Stmt bound to one offer.
type stmtQuerier interface {
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

// txQuery runs q in tx as a prepared statement would be run.
type txQuery struct {
	tx *sql.Tx
	q  string
}

func (t txQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.q, args...)
}

func (t txQuery) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.q, args...)
}

// prepared returns q bound to tx: on SQLite the statement warm prepared,
// parsed once for all transactions on the one writer connection; else the
// plain query (pgx prepares and caches it per connection).
func (s *Storage) prepared(ctx context.Context, tx *sql.Tx, q string) (stmtQuerier, error) {
	if st, ok := s.stmts.Load(q); ok {
		return tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	return txQuery{tx, q}, nil
}

// maxReadStmts bounds the statements a reads keeps: the hot queries'
// texts differ only by the shape of a scope, so a few dozen cover them.
const maxReadStmts = 256

// reads runs the hot read queries (Min dag, sign-in) on the reader pool
// as prepared statements, kept by query text for the Storage's life, so
// that SQLite parses each once per connection rather than per request
// (the parse was a tenth of a Min dag's cost). On PostgreSQL it passes
// the query through: pgx prepares and caches statements per connection.
type reads struct {
	db      *sql.DB
	prepare bool
	// pgx: the pool is PostgreSQL's, whose batches go as one (batch).
	pgx   bool
	stmts sync.Map // query text → *sql.Stmt
	n     atomic.Int32
}

// stmt is q prepared on the pool, or nil: not preparing, the cache full,
// or the prepare failed (the plain query then reports the error).
func (r *reads) stmt(ctx context.Context, q string) *sql.Stmt {
	if !r.prepare {
		return nil
	}
	if st, ok := r.stmts.Load(q); ok {
		return st.(*sql.Stmt)
	}
	if r.n.Load() >= maxReadStmts {
		return nil
	}
	st, err := r.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if old, loaded := r.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return old.(*sql.Stmt)
	}
	r.n.Add(1)
	return st
}

// QueryContext is sql.DB's, through the prepared statement.
func (r *reads) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.QueryContext(ctx, q, args...)
}

// QueryRowContext is sql.DB's, through the prepared statement.
func (r *reads) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.QueryRowContext(ctx, q, args...)
}

// close closes the statements, before the pool.
func (r *reads) close() {
	r.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}
