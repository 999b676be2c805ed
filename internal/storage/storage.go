// Package storage keeps Verve's data in SQLite or PostgreSQL through one
// database/sql code path with hand-written SQL, one file per aggregate.
//
// Storage holds SQL, transactions and scoping only: no user-visible text
// and no business decision. What a rule or workflow decides lives in model
// (settings, benefits, the decision on an application) and in packages
// named for it: what an outcome leads to and what Min dag shows (pipeline),
// who a row of an employer's list is and what it leads to (listmatch), how
// two records of one person combine (merge), who is erased when
// (retention), who gets a transfer task and what converting a student
// makes (students), credit, register, dues, joinmail. Storage is handed the
// decision, or translates a rule table into set-wise SQL (each with a test
// that every rule has its SQL), and applies it in one transaction.
//
// Storage names no text either (TestNoUserVisibleText, TestNoLocale): an
// error carries a catalogue key (model.ErrorKey, notFound; cliError for
// what only the command line shows), and a task title or an audit-log
// detail is picked by the package that decides (pipeline.TitleAsk,
// merge.AuditDetail, retention.Kind.Reason …).
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pseudonym"
)

// Storage is the database. For SQLite it holds one writer connection (SQLite
// has one writer; queuing in Go beats SQLITE_BUSY), a pool of readers and a
// small pool for long work on TEMP tables (st, see imports.go). PostgreSQL
// uses one pool for all three.
type Storage struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	// st connects like the writer but is not it: writing only a TEMP
	// table takes no write lock on the database, so a list is staged and
	// matched here while others write. The TEMP database is a file SQLite
	// unlinks as it opens it, so nothing of it outlives the connection; it
	// holds keyed hashes, never a fødselsnummer. (In memory instead, a
	// 300,000-row list took 516 MB against 190 MB.)
	st  *sql.DB
	now clock.Clock
	// stmts holds prepared statements of hot write paths (stmtcache.go).
	stmts sync.Map
	// rd runs hot read queries on r as prepared statements (stmtcache.go).
	rd *reads
	// once runs reads whose plan does not turn on their values (Min dag's
	// own): on PostgreSQL in a pool of its own whose sessions plan each
	// statement once for any values, where serverSettings has the others
	// plan every run. Min dag's queries, each with its scope's conditions,
	// took 2–3.5 ms each to plan and under 1 to run at a million members,
	// 15 ms a page. (A read-only transaction with SET LOCAL did this
	// before: three round trips of a page's seven.) On SQLite it is rd.
	once *reads
	// auth keeps sessions and principals in memory (authcache.go).
	auth authCache
	// The settings and join settings, kept for a few seconds (Min dag's,
	// credit.go's and the join form's every request reads them).
	settingsCache kept[Settings]
	joinCache     kept[JoinSettings]
	// key hashes fødselsnumre (keys.go); it lives outside the database.
	key *pseudonym.Key
	// beforeMerge, in tests, runs between an import's matching and its merge.
	beforeMerge func()
	// whileCounting, in tests, runs in a daily job's snapshot once it has
	// counted, before it writes what differs (recount.go).
	whileCounting func()
	// recountAllFrom is how many units' steward counts the daily job
	// recounts one by one; past it, all at once (stewardRecount).
	recountAllFrom int
}

// Open connects to the database named by dsn ("sqlite:PATH" or a
// postgres:// URL), applies pending migrations and loads the fødselsnummer
// key (see keys.go for where it is looked for).
func Open(ctx context.Context, dsn string) (*Storage, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options are what Open takes beyond the database's address.
type Options struct {
	// KeyFile is the file holding the fødselsnummer key, created on first
	// start. Empty: VERVE_KEY_FILE, else (SQLite) the database file's name
	// with ".key" added.
	KeyFile string
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, o Options) (*Storage, error) {
	dsn, keyFile := splitKeyFile(dsn)
	if o.KeyFile == "" {
		o.KeyFile = keyFile
	}
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadKey(ctx, dsn, o.KeyFile); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// stageCache is the page cache of a SQLite staging connection (s.st), in
// KiB as PRAGMA cache_size takes a negative size.
const stageCache = "-32768"

// readCache is the page cache of each SQLite reader (s.r), as stageCache.
// At a million members 200 stewards' Min dag read far more pages than
// any reader's cache holds, and the OS's page cache serves them: with
// 1 MiB instead of SQLite's default 2 the server kept 13 MB less and
// served as many pages a second, and the admin's pages stayed under
// 50 ms at p95 (docs/scale.md).
const readCache = "-1024"

func open(dsn string) (*Storage, error) {
	s := &Storage{now: time.Now, recountAllFrom: defaultRecountAllFrom}
	s.auth.s = s
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, model.ErrorKey(model.EINVALID, "cli.db.nofile")
		}
		s.dialect = SQLite
		// busy_timeout is generous so that writers wait behind a long import
		// instead of failing.
		q := url.Values{}
		// secure_delete overwrites deleted content, so an erased person or a
		// rolled-back list does not live on in free pages.
		// A new database gets pages of 8 KiB: a register's first load at
		// a million members took 82 s instead of 93 (fewer pages through
		// the WAL, a lower tree). The page size must come before WAL, which
		// fixes it: the driver runs the _pragma list in sorted order and
		// the _journal_mode key after it. An existing database keeps its own.
		q.Set("_journal_mode", "WAL")
		for _, p := range []string{"page_size(8192)", "busy_timeout(30000)", "foreign_keys(1)", "synchronous(NORMAL)", "secure_delete(1)"} {
			q.Add("_pragma", p)
		}
		dsn := "file:" + path + "?" + q.Encode()
		w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", dsn+"&_pragma=cache_size("+readCache+")&_query_only=1") // applied last, after WAL
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		s.rd = &reads{db: r, prepare: true}
		s.once = s.rd
		// Two lists are staged at a time, others queue. A merge inserts
		// its prospects all over persons' indexes; a 32 MB page cache (the
		// default is 2 MB) shortens the writer's hold (64 MB shortened it
		// further but took a 1,000,000-row import past 200 MB).
		st, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=cache_size("+stageCache+")")
		if err != nil {
			w.Close()
			r.Close()
			return nil, err
		}
		st.SetMaxOpenConns(2)
		st.SetMaxIdleConns(0) // a closed connection removes its temp file and cache
		s.w, s.r, s.st = w, r, st
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.dialect = Postgres
		db, err := sql.Open("pgx", withServerSettings(dsn))
		if err != nil {
			return nil, err
		}
		// Sized to the machine: more connections than cores only queue
		// in the server (each its own process and memory), not in Go.
		n := min(max(4*runtime.GOMAXPROCS(0), 8), 32)
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		s.w, s.r, s.st = db, db, db
		s.rd = &reads{db: db, pgx: true}
		// s.once: a few sessions, read-only, that plan each
		// statement once for any values.
		once, err := sql.Open("pgx", withServerSettings(withParams(dsn, map[string]string{
			"plan_cache_mode": "force_generic_plan", "default_transaction_read_only": "on"})))
		if err != nil {
			db.Close()
			return nil, err
		}
		once.SetMaxOpenConns(max(n/2, 2))
		once.SetMaxIdleConns(max(n/2, 2))
		s.once = &reads{db: once, pgx: true}
	default:
		return nil, model.ErrorKey(model.EINVALID, "cli.db.invalid", "dsn", strconv.Quote(dsn))
	}
	// Fail early on a wrong address or a locked file rather than on the
	// first request.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.dialect, err)
	}
	return s, nil
}

// serverSettings are PostgreSQL settings for Verve's connections, each
// for a plan that fits a million members:
//   - jit off: JIT compiled a query whose estimate passed its threshold on
//     every run, 0.2–0.3 s a run (a coordinator's search, the graduation
//     job), to save a few ms;
//   - plan_cache_mode force_custom_plan: pgx prepares each statement once
//     per connection, and after five runs PostgreSQL may plan it once for
//     any values, a plan that fits no search term nor scope (a member's
//     mobile number found in 410 ms by a scan of everyone in scope, 3 ms
//     planned for its value; the admin's /students 1.4 s, 87 ms). Planning
//     each run costs a fraction of a millisecond; loops of one statement
//     opt out (a register load, Min dag's, s.once);
//   - max_parallel_workers_per_gather 0: a page's query is one of many at
//     once, and workers only add their start to it (the admin's graduating
//     students at a million members: 90–170 ms with two workers, 17–21 ms
//     without).
var serverSettings = [][2]string{{"jit", "off"}, {"plan_cache_mode", "force_custom_plan"}, {"max_parallel_workers_per_gather", "0"}}

// withServerSettings adds serverSettings to a postgres:// dsn as run-time
// parameters, but not those the dsn sets itself.
func withServerSettings(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // sql.Open's parse reports it
	}
	q := u.Query()
	for _, kv := range serverSettings {
		if !q.Has(kv[0]) {
			q.Set(kv[0], kv[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// withParams is dsn with the parameters params set, whatever it sets.
func withParams(dsn string, params map[string]string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // sql.Open's parse reports it
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Migrate applies the embedded migrations that have not yet run.
func (s *Storage) Migrate(ctx context.Context) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if s.dialect == Postgres {
		return s.validateConstraints(ctx)
	}
	return nil
}

// validateConstraints checks the rows against any foreign key left NOT
// VALID: a register's first load adds them so and checks them once it has
// committed (settle), which a stopped process may not have reached.
func (s *Storage) validateConstraints(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, `SELECT conrelid::regclass::text, conname FROM pg_constraint
		WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		return err
	}
	var qs []string
	if err := eachRow(rows, func() error {
		var table, name string
		err := rows.Scan(&table, &name)
		qs = append(qs, `ALTER TABLE `+table+` VALIDATE CONSTRAINT `+name)
		return err
	}); err != nil {
		return err
	}
	for _, q := range qs {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// migrator is goose over the embedded migrations and the writer.
func (s *Storage) migrator() (*goose.Provider, error) {
	fsys, err := migrations(s.dialect)
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if s.dialect == Postgres {
		d = goose.DialectPostgres
	}
	// Migrations run in their numbers' order only: a new one takes a number
	// above every one that has landed (00025–00027 were never used).
	p, err := goose.NewProvider(d, s.w, fsys)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Close closes the connections.
func (s *Storage) Close() error {
	if s.rd != nil {
		s.rd.close()
	}
	err := s.w.Close()
	if s.once != nil && s.once != s.rd {
		err = errors.Join(err, s.once.db.Close())
	}
	if s.r != s.w {
		err = errors.Join(err, s.r.Close(), s.st.Close())
	}
	return err
}

// Dialect tells which engine is in use.
func (s *Storage) Dialect() Dialect { return s.dialect }

// DB returns the writer pool (tests use it to look at the database).
func (s *Storage) DB() *sql.DB { return s.w }

// SetClock replaces the clock, for tests and the deterministic demo. It is
// the one clock: pages and jobs read the time through Now and Today.
func (s *Storage) SetClock(now func() time.Time) { s.now = now }

// Now is the current time by the storage's clock.
func (s *Storage) Now() time.Time { return s.now() }

// Today is the current calendar day in Oslo, as every DATE column holds it
// (midnight UTC of the date).
func (s *Storage) Today() time.Time { return s.now.Today() }

// today is Today, for brevity in the SQL-heavy files.
func (s *Storage) today() time.Time { return s.now.Today() }

// inTx runs fn in a write transaction that commits only if fn succeeds.
func (s *Storage) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // after Commit a no-op; after a panic, frees the writer
	if err := fn(tx); err != nil {
		return err
	}
	err = tx.Commit()
	s.auth.changed()
	return err
}

// notFound maps sql.ErrNoRows to a user-facing ENOTFOUND error.
func notFound(err error, key string) error {
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return model.ErrorKey(model.ENOTFOUND, key)
}

// cliError is an error only the command line shows (model.CLIError).
func cliError(wrapped error, key string, args ...any) error {
	return model.CLIErrorKey(wrapped, key, args...)
}
