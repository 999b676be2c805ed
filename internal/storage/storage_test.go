package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// engines runs fn once per database engine: SQLite in a temporary file and
// PostgreSQL in a schema of its own, so tests may run in parallel.
func engines(t *testing.T, fn func(t *testing.T, s *Storage)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenTest(t, "sqlite"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenTest(t, "postgres"))
	})
}

// OpenTest opens an empty, migrated database of the given engine for t.
// PostgreSQL tests skip when the server is unreachable, unless
// VERVE_REQUIRE_POSTGRES=1 makes that a failure.
func OpenTest(t testing.TB, engine string) *Storage {
	t.Helper()
	ctx := context.Background()
	if engine == "sqlite" {
		s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "verve.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	base := os.Getenv("VERVE_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		err = admin.PingContext(pctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("VERVE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (VERVE_REQUIRE_POSTGRES=1) but unreachable at %s: %v", base, err)
		}
		t.Skipf("PostgreSQL not reachable at %s (%v); skipping. Set VERVE_TEST_POSTGRES or start the server.", base, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(ctx, u.String())
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
