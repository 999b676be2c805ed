package storage

import (
	"context"
	"database/sql"
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
