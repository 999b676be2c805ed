// Package storagetest gives each test a database of its own: a SQLite file
// in a temporary directory, or a fresh schema on the local PostgreSQL.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"github.com/verve-union/verve/internal/norway"
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

// fnrLike finds runs of 11 digits: what a fødselsnummer in clear looks like.
var fnrLike = regexp.MustCompile(`\d{11}`)

// ClearFnrs returns every valid fødselsnummer or D-number found in clear in
// any column of any table of the database (engine "sqlite" or "postgres"),
// as "table: number". Verve keeps only keyed hashes, so a test expects none.
func ClearFnrs(t testing.TB, db *sql.DB, engine string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var tables []string
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var found []string
	for _, table := range tables {
		eachValues(t, db, `SELECT * FROM "`+table+`"`, nil, func(vals []any) {
			for _, v := range vals {
				var s string
				switch v := v.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				case int64:
					s = strconv.FormatInt(v, 10)
				default:
					continue
				}
				for _, m := range fnrLike.FindAllString(s, -1) {
					if _, err := norway.ParseFnr(m); err == nil {
						found = append(found, table+": "+m)
					}
				}
			}
		})
	}
	return found
}

// Dump returns every row q selects as text, a line per row with the values
// tab-separated: for comparing a database before and after.
func Dump(t testing.TB, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var b strings.Builder
	eachValues(t, db, q, args, func(vals []any) {
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v\t", v)
		}
		b.WriteString("\n")
	})
	return b.String()
}

// eachValues calls fn with the values of every row q selects.
func eachValues(t testing.TB, db *sql.DB, q string, args []any, fn func([]any)) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fn(vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// BenchDSN is the seeded database VERVE_BENCH_DB names for a benchmark (a
// SQLite path, sqlite:path, or a PostgreSQL address); without one it
// skips b.
func BenchDSN(b testing.TB) string {
	b.Helper()
	dsn := os.Getenv("VERVE_BENCH_DB")
	if dsn == "" {
		b.Skip("VERVE_BENCH_DB names no seeded database")
	}
	if !strings.Contains(dsn, ":") || strings.HasPrefix(dsn, "/") {
		dsn = "sqlite:" + dsn
	}
	return dsn
}
