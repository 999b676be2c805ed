package storage

import (
	"context"
	"database/sql"
)

// warm prepares the queries on the writer pool, once per Storage. It must
// run outside a transaction: on SQLite the transaction holds the only
// writer connection. Use it on hot paths (the join form).
func (s *Storage) warm(ctx context.Context, qs ...string) error {
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

// prepared returns q bound to tx: the statement warm prepared, so SQLite
// (one writer connection) parses it once for all transactions and each
// PostgreSQL connection once; else prepared for this transaction only.
func (s *Storage) prepared(ctx context.Context, tx *sql.Tx, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(q); ok {
		return tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	return tx.PrepareContext(ctx, q)
}
