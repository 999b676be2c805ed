package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
)

// SessionStore keeps the web sessions in the sessions table. scs reads the
// session on every request; on SQLite those reads go through the reader
// pool, so that a page never queues behind the one writer (a long import's
// merge, say). PostgreSQL has one pool and readers that never wait.
//
// Neither store runs its own cleanup goroutine, which nothing would stop:
// the server calls DeleteExpiredSessions.
//
// The store answers from memory what it has read before (authcache.go).
func (s *Storage) SessionStore() scs.Store {
	var store scs.Store = postgresstore.NewWithCleanupInterval(s.w, 0)
	if s.dialect != Postgres {
		store = sqliteSessions{SQLite3Store: sqlite3store.NewWithCleanupInterval(s.w, 0), r: s.rd}
	}
	return cachedSessions{store: store, cache: &s.auth}
}

// DeleteExpiredSessions deletes the sessions past their expiry, as the
// scs stores' own cleanup would: SQLite keeps expiry as a Julian day.
func (s *Storage) DeleteExpiredSessions(ctx context.Context) error {
	q := `DELETE FROM sessions WHERE expiry < current_timestamp`
	if s.dialect != Postgres {
		q = `DELETE FROM sessions WHERE expiry < julianday('now')`
	}
	_, err := s.w.ExecContext(ctx, q)
	s.auth.changed()
	return err
}

// sqliteSessions is sqlite3store, which writes (Commit, Delete, the
// cleanup of expired sessions) through the writer, with Find on the
// readers.
type sqliteSessions struct {
	*sqlite3store.SQLite3Store
	r *reads
}

// Find is sqlite3store's Find: sqlite3store keeps expiry as a Julian day.
func (s sqliteSessions) Find(token string) ([]byte, bool, error) {
	var b []byte
	err := s.r.QueryRowContext(context.Background(), `SELECT data FROM sessions WHERE token = $1 AND julianday('now') < expiry`, token).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}
