package storage

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// engines runs fn once per database engine: SQLite in a temporary file and
// PostgreSQL in a schema of its own, so tests may run in parallel.
func engines(t *testing.T, fn func(t *testing.T, s *Storage)) {
	t.Helper()
	for _, e := range storagetest.Engines {
		t.Run(e, func(t *testing.T) {
			t.Parallel()
			fn(t, OpenTest(t, e))
		})
	}
}

// OpenTest opens an empty, migrated database of the given engine for t.
func OpenTest(t testing.TB, engine string) *Storage {
	t.Helper()
	s, err := Open(context.Background(), storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenRejectsBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "sqlite:"} {
		if _, err := Open(context.Background(), dsn); err == nil {
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
}

// TestSQLiteConnections: a new SQLite database has 8 KiB pages and WAL,
// and a reader cannot write.
func TestSQLiteConnections(t *testing.T) {
	s := OpenTest(t, "sqlite")
	var size int
	var mode string
	if err := s.r.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil || size != 8192 {
		t.Errorf("page size %d (%v), want 8192", size, err)
	}
	if err := s.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	if _, err := s.r.Exec(`INSERT INTO settings (key, value) VALUES ('x', 'y')`); err == nil {
		t.Error("a reader wrote")
	}
	// Readers keep a small page cache (readCache), the staging pool a
	// large one (stageCache), the writer SQLite's default.
	for _, c := range []struct {
		name string
		db   *sql.DB
		want string
	}{{"reader", s.r, readCache}, {"staging", s.st, stageCache}, {"writer", s.w, "-2000"}} {
		var cache string
		if err := c.db.QueryRow(`PRAGMA cache_size`).Scan(&cache); err != nil || cache != c.want {
			t.Errorf("%s's cache_size %s (%v), want %s", c.name, cache, err, c.want)
		}
	}
}

// TestPostgresConnections: no PostgreSQL connection compiles JIT nor
// starts parallel workers (serverSettings), unless the address says so
// itself.
func TestPostgresConnections(t *testing.T) {
	dsn := storagetest.DSN(t, "postgres")
	for _, c := range []struct {
		dsn, jit string
	}{{dsn, "off"}, {dsn + "&jit=on", "on"}} {
		s, err := Open(context.Background(), c.dsn)
		if err != nil {
			t.Fatal(err)
		}
		// Two connections at once: the pool's second, too.
		ctx := context.Background()
		var conns []*sql.Conn
		for range 2 {
			conn, err := s.r.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
			var jit string
			if err := conn.QueryRowContext(ctx, `SELECT current_setting('jit')`).Scan(&jit); err != nil {
				t.Fatal(err)
			}
			if jit != c.jit {
				t.Errorf("%s: jit %s, want %s", c.dsn, jit, c.jit)
			}
			var workers string
			if err := conn.QueryRowContext(ctx, `SELECT current_setting('max_parallel_workers_per_gather')`).Scan(&workers); err != nil {
				t.Fatal(err)
			}
			if workers != "0" {
				t.Errorf("%s: %s parallel workers per gather, want 0", c.dsn, workers)
			}
		}
		for _, conn := range conns {
			conn.Close()
		}
		s.Close()
	}
}

func TestDatesRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		d := time.Date(1987, 2, 28, 0, 0, 0, 0, time.UTC)
		ts := time.Date(2026, 11, 25, 13, 14, 15, 0, time.UTC)
		if _, err := s.w.Exec(`CREATE TABLE tt (d DATE, ts ` + map[Dialect]string{SQLite: "TIMESTAMP", Postgres: "TIMESTAMPTZ"}[s.dialect] + `, n DATE)`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.Exec(`INSERT INTO tt VALUES ($1, $2, $3)`, date(d), nullTime(ts), date(time.Time{})); err != nil {
			t.Fatal(err)
		}
		var gd, gts, gn sql.NullTime
		if err := s.r.QueryRow(`SELECT d, ts, n FROM tt WHERE d < $1`, date(d.AddDate(0, 0, 1))).Scan(&gd, &gts, &gn); err != nil {
			t.Fatal(err)
		}
		if !timeOf(gd).Equal(d) || !timeOf(gts).Equal(ts) || gn.Valid {
			t.Fatalf("got %v %v %v", gd, gts, gn)
		}
	})
}
