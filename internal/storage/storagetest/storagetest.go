// Package storagetest gives each test a database of its own: a SQLite file
// in a temporary directory, or a fresh schema on the local PostgreSQL.
package storagetest

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

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// Engines are the database engines every storage test runs on.
var Engines = []string{"sqlite", "postgres"}

// DSN returns the address of an empty database of the given engine for t,
// removed when t ends. PostgreSQL tests skip when the server is unreachable
// (VERVE_TEST_POSTGRES, default the local server), unless
// VERVE_REQUIRE_POSTGRES=1 makes that a failure.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "verve.db")
	}
	base := os.Getenv("VERVE_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("VERVE_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (VERVE_REQUIRE_POSTGRES=1) but unreachable at %s: %v", base, err)
		}
		t.Skipf("PostgreSQL not reachable at %s (%v); skipping. Start it or set VERVE_TEST_POSTGRES.", base, err)
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
	// The fødselsnummer key of a PostgreSQL database lives outside it;
	// storage.Open takes key_file off the address.
	q.Set("key_file", filepath.Join(t.TempDir(), "verve.key"))
	u.RawQuery = q.Encode()
	return u.String()
}

// ServerDSN is dsn without the key_file parameter that only storage.Open
// understands, for tests that connect to PostgreSQL directly.
func ServerDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Del("key_file")
	u.RawQuery = q.Encode()
	return u.String()
}
