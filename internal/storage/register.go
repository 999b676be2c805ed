package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/sync/errgroup"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/register"
)

// Where a role or an employment came from: a register load opens and
// closes only the register's own, never one appointed or recorded in Verve.
const fromRegister = "register"

// mayLoadRegister: a union-wide admin or a System principal.
func mayLoadRegister(u *access.Principal) error {
	if u == nil || !(u.System || u.UnionWide(access.UserAdmin)) {
		return model.ErrorKey(model.EFORBIDDEN, "err.register.forbidden")
	}
	return nil
}

// SyncRegister loads a register export from src: the first load into a
// database where no person has a member number yet creates the org tree,
// workplaces, persons, memberships, employments and the register's roles,
// and no tasks; a later load applies only the fields the register changed
// since the last load, with the consequences register.Decide gives. Rows
// the Source rejects and rows storage cannot apply (an unknown recruiter,
// a fødselsnummer on another member number, a role for a non-member) are
// reported and skipped; when more than the allowed share fail, or on a dry
// run, nothing is committed. All else commits in one transaction.
func (s *Storage) SyncRegister(ctx context.Context, u *access.Principal, src register.Source, opt register.Options) (*register.Report, error) {
	if err := mayLoadRegister(u); err != nil {
		return nil, err
	}
	st, err := s.RegisterSettings(ctx)
	if err != nil {
		return nil, err
	}
	js, err := s.JoinSettings(ctx)
	if err != nil {
		return nil, err
	}
	// The transaction runs on a connection of its own, so that PostgreSQL
	// can COPY into it (copyBulk).
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	limit := int64(regMemoryLimit)
	if s.dialect == Postgres {
		limit = regMemoryLimitPG
	}
	defer lowerMemoryLimit(limit)()
	if s.dialect == SQLite {
		restore, err := loadCache(ctx, conn)
		if err != nil {
			return nil, err
		}
		defer restore()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // after Commit a no-op
	if s.dialect == Postgres {
		// The load's statements look up one row by a key, many thousand
		// times: one plan for all values fits them, and planning each run
		// (serverSettings) took the month at 100k from 15,900 rows/s to 10,400.
		if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = auto`); err != nil {
			return nil, err
		}
	}
	run := &regRun{s: s, ctx: ctx, conn: conn, tx: tx, u: u, st: st, opt: opt, creditMonths: js.CreditMonths,
		rep: &register.Report{}, now: s.now().UTC(), today: s.today(), stmts: map[string]*sql.Stmt{},
		seen: map[uint64]int64{}, branchParent: map[string]int64{},
		hashKey: s.registerKey()}
	defer run.close()
	rep := run.rep
	if err := run.load(src); err != nil {
		return nil, err
	}
	if rep.Refused = register.Refuse(rep.Rows, rep.Failed, st.MaxFailShare(opt)); rep.Refused || opt.DryRun {
		return rep, nil // rolled back
	}
	run.close()
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	rep.Committed = true
	if err := s.settle(ctx, run.checks); err != nil {
		return rep, model.ErrorKey(model.EINTERNAL, "register.settle", "err", err.Error())
	}
	return rep, nil
}

// settle runs a committed first load's checks (regRun.check), each
// table's in order on one connection, two tables at a time: validating
// a foreign key and ANALYZE take a lock that lets other users read and
// write the table meanwhile, but not another check of it.
func (s *Storage) settle(ctx context.Context, checks map[string][]string) error {
	if len(checks) == 0 {
		return nil
	}
	// The largest tables first, so that the two connections end near
	// together.
	rows, err := s.w.QueryContext(ctx, `SELECT t FROM unnest($1::text[]) t ORDER BY pg_relation_size(t::regclass) DESC`, slices.Collect(maps.Keys(checks)))
	if err != nil {
		return err
	}
	var tables []string
	if err := eachRow(rows, func() error {
		var t string
		err := rows.Scan(&t)
		tables = append(tables, t)
		return err
	}); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, t := range tables {
		g.Go(func() error {
			for _, q := range checks[t] {
				if _, err := s.w.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// The SQLite page cache of a load's connection, while it writes rows and
// while it sorts (words, counts, indexes). With the writer's default of
// 2 MB a load's transaction outgrows the cache at once: its dirty pages
// spill to the WAL and are read back for each insert into the persons'
// unique fødselsnummer index (random keys); 64 MB took a million members'
// rows from 63 s to 48. A sort takes as much memory again as the cache
// (its runs are the cache's size), so the load sorts with 16 MB: at 64 MB
// the peak RSS reached 425 MB (issue 12 allows 300).
const (
	regCacheKiB     = 65536
	regSortCacheKiB = 16384
)

// regMemoryLimit holds the Go heap of a load near what it uses: with the
// runtime's default (twice the live heap) a million members' maps and rows
// in flight took 176 MB, and the page cache above would not fit beside
// them.
const regMemoryLimit = 128 << 20

// regMemoryLimitPG is regMemoryLimit on PostgreSQL, where no page cache
// shares the process: at 128 MB the collector took 1.4 s of a million
// members' 29 s of CPU, at 200 MB 0.8 s (peak RSS 150 → 210 MB).
const regMemoryLimitPG = 200 << 20

// loadCache enlarges conn's page cache for a load and returns what sets it
// back: the connection goes back to the writer's pool.
func loadCache(ctx context.Context, conn *sql.Conn) (func(), error) {
	var was int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&was); err != nil {
		return nil, err
	}
	if err := setCache(ctx, conn, -regCacheKiB); err != nil {
		return nil, err
	}
	return func() { setCache(context.WithoutCancel(ctx), conn, was) }, nil
}

// setCache sets the page cache of a SQLite connection: pages, or KiB when
// negative.
func setCache(ctx context.Context, ex execer, size int64) error {
	_, err := ex.ExecContext(ctx, `PRAGMA cache_size = `+strconv.FormatInt(size, 10))
	return err
}

// lowerMemoryLimit lowers the Go runtime's soft memory limit to at most
// limit and returns what restores it.
func lowerMemoryLimit(limit int64) func() {
	was := debug.SetMemoryLimit(-1)
	if was <= limit {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(was) }
}

// regRun is one load in progress.
type regRun struct {
	s            *Storage
	ctx          context.Context
	conn         *sql.Conn
	tx           *sql.Tx
	u            *access.Principal
	st           register.Settings
	opt          register.Options
	creditMonths int
	rep          *register.Report
	now, today   time.Time
	first        bool
	loadID       int64
	root         unitRef
	units        map[unitKey]unitRef
	coded        map[int64]bool     // the units with a code
	workplaces   map[string]unitRef // orgnr → the workplace (id) and its unit's path
	provisional  map[string]bool    // orgnr → created this load for a further employer, not yet placed
	held         map[string]string  // a first load's workplaces for a further employer, orgnr → name: written at the end (writeHeld)
	seen         map[uint64]int64   // member number (regKey) → person, this load
	branchParent map[string]int64   // branch code → its region, this load
	missing      map[int64]bool     // listed as missing by an earlier complete load
	kept         map[uint64]keptRow // a later load: the members' kept hashes, by member number (regKey)
	back         []int64            // of those, the ones this load has
	recruits     []recruit
	candidates   []candidate // possible matches, recorded once the new persons are written
	// The persons without a member number (prospects, applicants,
	// members Verve made), by keys of their identifiers (regKey), so a
	// new row finds its echo or possible match without a query.
	byFnr, byEmail, byMobile, byNameBirth map[uint64]int64
	prefetched                            map[string]*known   // this batch's known members by number (PostgreSQL)
	bulk                                  bulkSink            // the first load writes new members in batches
	counts                                []string            // what counts afresh what the dropped triggers kept, before the indexes
	indexes                               []string            // what rebuilds the indexes, triggers and foreign keys dropped for the first load
	checks                                map[string][]string // PostgreSQL: what checks a first load's tables once it has committed, by table (settle)
	ids                                   map[string]*idBlock // PostgreSQL: ids reserved for bulk rows, per table
	nextIDs                               map[string]int64    // SQLite: the next id per table
	hashKey                               []byte
	stmts                                 map[string]*sql.Stmt
	tasks                                 int
	column                                func(register.Field) string // a field's header in the file, for row errors
}

type unitKey struct {
	parent int64
	kind   model.UnitKind
	key    string // "c:"+code or "n:"+folded name
}

type unitRef struct {
	id, unitID int64 // a unit: its id; a workplace: its id and its unit's
	path       string
}

// keptRow is a member as the last load left them: the person and a key
// of the hashes kept (regKey), to know an unchanged row without a query.
type keptRow struct {
	person int64
	hashes uint64
}

// unchanged returns the person of a row whose every value is as the last
// load kept it: its hashes equal the kept ones, so register.Rebase would
// find no change (a column the file lacks hashes as unseen, and differs).
func (r *regRun) unchanged(row readRow) (int64, bool) {
	k, ok := r.kept[regKey("no", row.rec.MemberNo)]
	return k.person, ok && k.hashes == regKey("hashes", row.fresh)
}

// keep reads, on a later load, every member's kept hashes in one query:
// most rows of a month's export are unchanged, and then need no other.
func (r *regRun) keep() error {
	r.kept = map[uint64]keptRow{}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT p.member_no, p.id, v.hashes FROM persons p JOIN register_values v ON v.person_id = p.id
		WHERE p.member_no IS NOT NULL`)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var no, hashes string
		var k keptRow
		err := rows.Scan(&no, &k.person, &hashes)
		k.hashes = regKey("hashes", hashes)
		r.kept[regKey("no", no)] = k
		return err
	})
}

// recruit is a recruiter's member number not yet found: it may come later
// in the file.
type recruit struct {
	line       int
	person     int64
	membership int64
	memberNo   string
	paidUpTo   time.Time
}

// candidate is a possible match found by a row.
type candidate struct {
	person, known int64
	match         model.MatchKey
}

func (r *regRun) close() {
	for q, st := range r.stmts {
		st.Close()
		delete(r.stmts, q)
	}
	if r.bulk != nil {
		r.bulk.close()
	}
}

// bulkSink writes rows of regBulkTables in batches, parents first.
type bulkSink interface {
	Add(table string, values ...any) error
	Flush() error
	close()
}

func (b *Bulk) close() {
	for _, t := range b.tables {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
}

// copyBulk is the bulkSink of PostgreSQL: COPY on the load's connection,
// inside its transaction, a chunk per table at a time. Each COPY runs on a
// goroutine of its own while the load goes on with the next rows (a third
// of a first load's time was spent waiting for them); a query of the
// load's meanwhile waits for the connection, which database/sql locks.
type copyBulk struct {
	ctx  context.Context
	conn *sql.Conn
	rows map[string]*copyRows // by table, of regBulkTables
	busy chan error           // the COPY in flight, if any: its outcome
}

// newCopyBulk reads the column types of regBulkTables for the encoder.
func newCopyBulk(ctx context.Context, conn *sql.Conn, tx *sql.Tx) (*copyBulk, error) {
	c := &copyBulk{ctx: ctx, conn: conn, rows: map[string]*copyRows{}}
	for _, t := range regBulkTables {
		rows, err := newCopyRows(ctx, tx, t.table, t.cols)
		if err != nil {
			return nil, err
		}
		c.rows[t.table] = rows
	}
	return c, nil
}

func (c *copyBulk) Add(table string, values ...any) error {
	rows := c.rows[table]
	if err := rows.add(values); err != nil {
		return err
	}
	if rows.n < copyChunk {
		return nil
	}
	return c.flush(table)
}

// flush starts copying the rows held of regBulkTables up to table (all
// for ""), in their order: a row may refer to rows of the tables before
// it. It waits for the COPY before, and returns when the new one holds
// the connection, so that a query the load makes next runs after it and
// sees its rows.
func (c *copyBulk) flush(upTo string) error {
	type copying struct {
		sql  string
		data []byte
	}
	var copies []copying
	for _, t := range regBulkTables {
		if rows := c.rows[t.table]; rows.n > 0 {
			copies = append(copies, copying{`COPY ` + t.table + ` (` + strings.Join(t.cols, ", ") + `) FROM STDIN (FORMAT binary)`, rows.take()})
		}
		if t.table == upTo {
			break
		}
	}
	if len(copies) == 0 {
		return nil
	}
	if err := c.wait(); err != nil {
		return err
	}
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- c.conn.Raw(func(dc any) error {
			close(started)
			pc := dc.(*stdlib.Conn).Conn().PgConn()
			for _, cp := range copies {
				if _, err := pc.CopyFrom(c.ctx, bytes.NewReader(cp.data), cp.sql); err != nil {
					return err
				}
			}
			return nil
		})
	}()
	select {
	case <-started:
		c.busy = done
		return nil
	case err := <-done: // the connection could not be had
		return err
	}
}

// wait waits for the COPY in flight and returns its error.
func (c *copyBulk) wait() error {
	if c.busy == nil {
		return nil
	}
	err := <-c.busy
	c.busy = nil
	return err
}

func (c *copyBulk) Flush() error {
	if err := c.flush(""); err != nil {
		return err
	}
	return c.wait()
}

func (c *copyBulk) close() { c.wait() }

// regKey is the 64-bit key of an identifier in the in-memory indexes:
// FNV-1a of the kind and the value. A collision could only suggest a
// possible match for a human to decide, or ask the database in vain.
func regKey(kind, v string) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range []string{kind, "\x00", v} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	return h
}

// nameBirth is the key of a name with a birth date, case and accents
// folded as search folds them.
func nameBirth(first, last string, birth time.Time) string {
	return norway.Fold(first+" "+last) + "\x00" + birth.Format(time.DateOnly)
}

// regBulkTables are the tables the first load writes in batches, parents
// first, with their columns (id first where the load assigns it).
var regBulkTables = []struct {
	table string
	cols  []string
	few   bool // tens of thousands of rows at most: its constraints stay (dropForeignKeys)
}{
	{"org_units", []string{"id", "parent_id", "kind", "name", "sort_key", "path", "code"}, true},
	{"workplaces", []string{"id", "unit_id", "name", "sort_key", "orgnr"}, true},
	{"persons", []string{"id", "first_name", "last_name", "sort_key", "search_key", "birth_date", "fnr_hash", "email", "mobile", "address",
		"postal_code", "postal_place", "unit_id", "unit_path", "workplace_id", "member_status", "created_at", "updated_at", "member_no", "address_protection"}, false},
	{"memberships", []string{"id", "person_id", "type", "status", "start_date", "end_date", "dues_status", "paid_up_to", "recruited_by"}, false},
	{"employments", []string{"person_id", "workplace_id", "start_date", "source", "elsewhere"}, false},
	{"roles", []string{"person_id", "role", "unit_id", "start_date", "end_date", "source"}, false},
	{"register_values", []string{"person_id", "hashes", "load_id"}, false},
	{"person_words", []string{"word", "sort_key", "person_id", "unit_path"}, false}, // on PostgreSQL (create)
	{"dues_payments", []string{"membership_id", "month", "amount_ore", "source", "recorded_at"}, false},
	{"audit_log", auditColumns, true},
}

// add writes a row of one of regBulkTables: batched on the first load,
// at once otherwise. With an id column the load assigns the id and
// returns it; values are the other columns.
func (r *regRun) add(table string, values ...any) (int64, error) {
	var cols []string
	for _, t := range regBulkTables {
		if t.table == table {
			cols = t.cols
		}
	}
	withID := cols[0] == "id"
	if r.bulk == nil {
		if withID {
			cols = cols[1:]
		}
		q := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES ` + placeholders(1, len(cols))
		if withID {
			return r.insert(q, values...)
		}
		return 0, r.exec(q, values...)
	}
	if !withID {
		return 0, r.bulk.Add(table, values...)
	}
	id, err := r.nextID(table)
	if err != nil {
		return 0, err
	}
	return id, r.bulk.Add(table, append([]any{id}, values...)...)
}

// audit records a change to a unit or workplace (no person's) in the
// audit log: with the bulk rows on the first load, as Storage.audit does.
func (r *regRun) audit(action, entity string, id int64, fields []string, detail string) error {
	if r.bulk == nil {
		return r.s.audit(r.ctx, r.tx, r.u, action, entity, id, fields, 0, detail)
	}
	_, err := r.add("audit_log", r.s.auditRow(r.u, action, entity, id, fields, 0, detail)...)
	return err
}

// written writes the bulk rows held so far (the first load), before a
// statement that may change one of them.
func (r *regRun) written() error {
	if r.bulk == nil {
		return nil
	}
	return r.bulk.Flush()
}

// nextID reserves an id for a bulk row: from the table's sequence on
// PostgreSQL, in blocks that grow from a thousand (so others inserting
// meanwhile get other ids, and a small load does not leave a large gap),
// after the largest on SQLite (the load holds the only writer).
func (r *regRun) nextID(table string) (int64, error) {
	if r.s.dialect == SQLite {
		if _, ok := r.nextIDs[table]; !ok {
			var max int64
			if err := r.tx.QueryRowContext(r.ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&max); err != nil {
				return 0, err
			}
			r.nextIDs[table] = max + 1
		}
		id := r.nextIDs[table]
		r.nextIDs[table]++
		return id, nil
	}
	src := r.ids[table]
	if src == nil {
		// The sequence is named once: pg_get_serial_sequence in the query
		// below ran for every row (7.3 of a million members' 85 s).
		src = &idBlock{}
		if err := r.tx.QueryRowContext(r.ctx, `SELECT pg_get_serial_sequence($1, 'id')`, table).Scan(&src.seq); err != nil {
			return 0, err
		}
		r.ids[table] = src
	}
	if len(src.ids) == 0 {
		// Each query waits for the COPY in flight on the connection:
		// 2,000 blocks of a thousand took 8.8 s at a million members.
		src.size = min(max(2*src.size, 1000), 65536)
		rows, err := r.tx.QueryContext(r.ctx, `SELECT nextval(`+sqlString(src.seq)+`::regclass) FROM generate_series(1, `+strconv.Itoa(src.size)+`)`)
		if err != nil {
			return 0, err
		}
		err = eachRow(rows, func() error {
			var id int64
			err := rows.Scan(&id)
			src.ids = append(src.ids, id)
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	id := src.ids[0]
	src.ids = src.ids[1:]
	return id, nil
}

// idBlock is a PostgreSQL table's ids reserved for a load.
type idBlock struct {
	seq  string  // the sequence
	size int     // of the last block
	ids  []int64 // what is left of it
}

// stmt prepares q once per load.
func (r *regRun) stmt(q string) (*sql.Stmt, error) {
	if st, ok := r.stmts[q]; ok {
		return st, nil
	}
	st, err := r.tx.PrepareContext(r.ctx, q)
	if err != nil {
		return nil, err
	}
	r.stmts[q] = st
	return st, nil
}

func (r *regRun) exec(q string, args ...any) error {
	st, err := r.stmt(q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(r.ctx, args...)
	return err
}

func (r *regRun) row(q string, args ...any) (*sql.Row, error) {
	st, err := r.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(r.ctx, args...), nil
}

// insert runs an INSERT and returns the new row's id. SQLite gets it
// without RETURNING, which would make it keep a statement journal for
// every row.
func (r *regRun) insert(q string, args ...any) (int64, error) {
	if r.s.dialect == SQLite {
		st, err := r.stmt(q)
		if err != nil {
			return 0, err
		}
		res, err := st.ExecContext(r.ctx, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	var id int64
	row, err := r.row(q+` RETURNING id`, args...)
	if err == nil {
		err = row.Scan(&id)
	}
	return id, err
}

// scan runs a one-row query; found is false for no row.
func (r *regRun) scan(q string, args []any, dest ...any) (found bool, err error) {
	row, err := r.row(q, args...)
	if err != nil {
		return false, err
	}
	err = row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (r *regRun) reject(rec register.Record, col register.Field, value string, key string, args ...any) {
	e := model.RowReason(rec.Line, key, args...)
	e.Column, e.Value = r.column(col), value
	r.rep.Errors = append(r.rep.Errors, e)
	r.rep.Failed++
}

// load reads every row, applies it, resolves the recruiters and, for a
// complete export, lists the members it lacks.
func (r *regRun) load(src register.Source) (err error) {
	defer func() {
		// A COPY that failed leaves the transaction aborted: its error
		// says why, the query that found it aborted does not.
		if c, ok := r.bulk.(*copyBulk); ok && err != nil {
			if cerr := c.wait(); cerr != nil {
				err = cerr
			}
		}
	}()
	r.column = func(f register.Field) string { return register.ColumnOf(src, f) }
	if err := r.prepare(); err != nil {
		return err
	}
	done := make(chan struct{})
	chunks := r.read(src, done)
	defer func() {
		// The caller may close src once the load returns: the reading
		// stops first.
		close(done)
		for range chunks {
		}
	}()
	batch := make([]readRow, 0, regBatch)
	for chunk := range chunks {
		for _, row := range chunk.rows {
			r.rep.Rows++
			if len(row.problems) > 0 {
				r.rep.Errors = append(r.rep.Errors, row.problems...)
				r.rep.Failed++
			} else if batch = append(batch, row); len(batch) == regBatch {
				if err := r.applyBatch(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
			if r.opt.Progress != nil && r.rep.Rows%1000 == 0 {
				r.opt.Progress(r.rep.Rows)
			}
		}
		if chunk.err != nil {
			return chunk.err
		}
	}
	if err := r.applyBatch(batch); err != nil {
		return err
	}
	if r.opt.Progress != nil {
		r.opt.Progress(r.rep.Rows)
	}
	if r.bulk != nil {
		if err := r.writeHeld(); err != nil {
			return err
		}
		if err := r.bulk.Flush(); err != nil {
			return err
		}
		// What follows writes at once.
		r.bulk.close()
		r.bulk = nil
	}
	if r.s.dialect == SQLite {
		if err := setCache(r.ctx, r.tx, -regSortCacheKiB); err != nil {
			return err
		}
	}
	for _, def := range append(r.counts, r.indexes...) {
		if _, err := r.tx.ExecContext(r.ctx, def); err != nil {
			return err
		}
	}
	for _, c := range r.candidates {
		if err := r.s.recordCandidate(r.ctx, r.tx, c.person, c.known, model.MatchFromRegister, c.match, 0); err != nil {
			return err
		}
	}
	if err := r.resolveRecruiters(); err != nil {
		return err
	}
	for _, id := range r.back {
		if err := r.exec(`DELETE FROM register_missing WHERE person_id = $1`, id); err != nil {
			return err
		}
	}
	if r.opt.Complete {
		if err := r.listMissing(); err != nil {
			return err
		}
	}
	rep := r.rep
	rep.Unknown = register.UnknownOf(src)
	// Recruiters are checked last; the report lists its errors by row.
	slices.SortStableFunc(rep.Errors, func(a, b model.RowError) int { return a.Line - b.Line })
	if err := r.exec(`UPDATE register_loads SET rows_read = $1, rows_failed = $2, created = $3, updated = $4, resigned = $5, tasks = $6 WHERE id = $7`,
		rep.Rows, rep.Failed, rep.Created, rep.Updated, rep.Resigned, r.tasks, r.loadID); err != nil {
		return err
	}
	return r.s.audit(r.ctx, r.tx, r.u, "import", "register", r.loadID, nil, 0, rep.LoadDetail(r.tasks))
}

// readRow is a row as read, with its hashes (register.Hasher.Fresh) and
// its fødselsnummer's (Storage.FnrHash).
type readRow struct {
	rec      register.Record
	problems []model.RowError
	fresh    string
	fnrHash  any
}

// readChunk is rows read, and the error that ended the reading.
type readChunk struct {
	rows []readRow
	err  error
}

// read reads src on a goroutine of its own and hashes its rows on another,
// so that parsing and hashing (more than half of a first load's own CPU
// time) run beside the writing and beside each other. It stops at the
// end, an error, or when done closes.
func (r *regRun) read(src register.Source, done <-chan struct{}) <-chan readChunk {
	parsed := make(chan readChunk, 2)
	go func() {
		defer close(parsed)
		var c readChunk
		for {
			rec, problems, err := src.Next()
			if err == io.EOF {
				err = nil
			} else if err == nil {
				if c.rows = append(c.rows, readRow{rec: rec, problems: problems}); len(c.rows) < regBatch {
					continue
				}
			}
			c.err = err
			select {
			case parsed <- c:
			case <-done:
				return
			}
			if err != nil || len(c.rows) < regBatch {
				return
			}
			c = readChunk{rows: make([]readRow, 0, regBatch)}
		}
	}()
	out := make(chan readChunk, 2)
	h := register.NewHasher(r.hashKey)
	go func() {
		defer close(out)
		for c := range parsed {
			for i := range c.rows {
				if row := &c.rows[i]; len(row.problems) == 0 {
					row.fresh, row.fnrHash = h.Fresh(row.rec), r.s.FnrHash(row.rec.Fnr)
				}
			}
			select {
			case out <- c:
			case <-done:
				return
			}
		}
	}()
	return out
}

// dropIndexes drops the indexes of the tables the first load fills, but
// their primary keys, to build them again once the rows are in
// (r.indexes): much faster than keeping them up to date row by row. A
// member number or fødselsnummer on two rows then fails the load when
// its unique index is built, committing nothing; the reader refuses them
// first. The load's own lookups use the primary keys and, for a person
// Verve had before, the id. Inside the load's transaction: if it rolls
// back, the indexes are back as well. (SQLite keeps the indexes of
// UNIQUE columns, which cannot be dropped.)
func (r *regRun) dropIndexes() error {
	// On SQLite, first the members' words (search.go), in one statement
	// once the rows are in, before their index is built: every person with
	// a member number has come with this load (rekey refreshed those it
	// updated; writing them again does no harm). PostgreSQL COPYs them with
	// their person instead (create): its statement took a fifth of the
	// first load, where a COPY overlaps with the rows being applied.
	if r.s.dialect == SQLite {
		r.indexes = append(r.indexes, wordsRefresh(r.s.dialect, `p.member_no IS NOT NULL`)...)
	}
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ` + regIndexTables
	if r.s.dialect == Postgres {
		// Those of constraints go with their constraint (dropForeignKeys).
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
			WHERE t.relnamespace = current_schema()::regnamespace AND t.relname IN ` + regIndexTables + `
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)`
	}
	rows, err := r.tx.QueryContext(r.ctx, q)
	if err != nil {
		return err
	}
	var names []string
	err = eachRow(rows, func() error {
		var name, def string
		err := rows.Scan(&name, &def)
		names, r.indexes = append(names, name), append(r.indexes, def)
		return err
	})
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := r.tx.ExecContext(r.ctx, `DROP INDEX `+n); err != nil {
			return err
		}
	}
	if err := r.dropTriggers(); err != nil {
		return err
	}
	if r.s.dialect != Postgres {
		return nil
	}
	if err := r.dropForeignKeys(); err != nil {
		return err
	}
	// Statistics once committed (settle): the tables had none, and the
	// next load planned its lookup of a member's membership with the
	// status index besides the person's (a scan of every current
	// membership, 15 ms per changed row at a million members) until
	// autovacuum came round to them.
	for _, t := range regBulkTables {
		r.check(t.table, `ANALYZE `+t.table)
	}
	return nil
}

// check adds a statement for settle to run on table once the load has
// committed.
func (r *regRun) check(table, q string) {
	if r.checks == nil {
		r.checks = map[string][]string{}
	}
	r.checks[table] = append(r.checks[table], q)
}

// dropTriggers drops the triggers on the tables the rows go to (but those
// that tell other processes that access changed, 00028), to add them again
// once the rows are in (r.indexes) and count what they keep afresh. Per
// row they upsert person_counts (00021), subtree_counts (00032) and
// employment_counts (00022), the larger part of a first load's time on
// PostgreSQL; each role counted its unit's stewards (00024) with the
// roles' indexes dropped, a scan of the roles per role (72 s of a 408 s
// load at a million members with 29,000 roles). On SQLite also the
// triggers that stand in for CHECK constraints (00014): a statement that
// may abort needs a statement journal, some 5% of the load's CPU at a
// million members; the load writes only values of its own vocabulary
// there. Counted afresh from every row, the counts also hold for persons
// the load updated meanwhile; the employments' marks are mended
// (mendElsewhere, applied.elsewhere).
func (r *regRun) dropTriggers() error {
	tables := sqlSet("persons", "memberships", "employments", "roles")
	// Of the workplaces' triggers, those that count them per unit: each
	// new workplace updated its unit's row of steward_counts, and on
	// PostgreSQL every update of a row in one transaction lengthens the
	// chain of its versions the next must walk (12.9 s for 16,377
	// workplaces at a million members).
	// And steward_counts' own, which carry each unit's recount below into
	// subtree_counts row by row (1.2 s at a million members on
	// PostgreSQL), before subtree_counts is counted afresh anyway.
	// And the one that marks a moved workplace's employments (00039): with
	// their indexes dropped, a scan of them per workplace moved.
	q := `SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name IN ` + tables + `
		OR tbl_name IN ('workplaces', 'steward_counts') AND (name LIKE 'steward\_counts%' ESCAPE '\' OR name = 'elsewhere_workplace'))
		AND name NOT LIKE 'auth\_version%' ESCAPE '\'`
	if r.s.dialect == Postgres {
		q = `SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal AND (c.relname IN ` + tables + `
			OR c.relname IN ('workplaces', 'steward_counts') AND (t.tgname LIKE 'steward\_counts%' ESCAPE '\' OR t.tgname = 'elsewhere_workplace'))
			AND t.tgname NOT LIKE 'auth\_version%' ESCAPE '\'`
	}
	rows, err := r.tx.QueryContext(r.ctx, q)
	if err != nil {
		return err
	}
	var drops, defs []string
	err = eachRow(rows, func() error {
		var table, name, def string
		err := rows.Scan(&table, &name, &def)
		drop := `DROP TRIGGER ` + name
		if r.s.dialect == Postgres {
			drop += ` ON ` + table
		}
		drops, defs = append(drops, drop), append(defs, def)
		return err
	})
	if err != nil {
		return err
	}
	for _, q := range drops {
		if _, err := r.tx.ExecContext(r.ctx, q); err != nil {
			return err
		}
	}
	// The members are counted before the indexes are built, in the rows'
	// order: by the indexes, SQLite read persons at random (47 s of a
	// load at a million members; the sqlite3 shell took 15 s by them and
	// 2.5 s without). The stewards' count wants the roles' indexes.
	r.counts = append(r.counts, `DELETE FROM person_counts`,
		`INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) `+countPersons,
		`DELETE FROM employment_counts`,
		`INSERT INTO employment_counts (workplace_id, members) `+countEmployments,
		mendElsewhere)
	r.indexes = append(append(r.indexes, stewardRecount...), `DELETE FROM subtree_counts`,
		`INSERT INTO subtree_counts (path, depth, members, workplaces, stewardless) `+subtreeCounts[r.s.dialect]("person_counts"))
	r.indexes = append(r.indexes, defs...) // once all is counted
	return nil
}

// dropForeignKeys drops the foreign keys of the tables the first load
// fills, and the unique constraints of those whose indexes it drops, to
// add them again (r.indexes, after the indexes) once the rows are in:
// PostgreSQL checks a foreign key of a COPY row by a trigger per row,
// while ADD CONSTRAINT checks all rows in one join (as pg_restore does).
// The foreign keys come back NOT VALID, in force for every row written
// after them, and settle checks the load's rows against them once it has
// committed, two tables at a time: inside the transaction the checks ran
// one after another on one core, 5.5 s at a million members. The load
// made every reference itself (ids it gave out or looked up), so the
// check cannot fail but for a fault of Verve's; were it never to run, the
// constraints would still hold for what comes after (and Migrate checks
// any left unchecked). SQLite cannot drop a constraint; it defers them to
// the commit. The primary key of person_words goes too: its (word,
// person_id) arrive in no order, and a million members have some six
// million words, each inserted at a random place in it; built
// afterwards, it is one sort.
func (r *regRun) dropForeignKeys() error {
	var tables []string
	for _, t := range regBulkTables {
		if !t.few {
			tables = append(tables, t.table)
		}
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE (k.contype = 'f' OR k.contype = 'u' AND c.relname IN `+regIndexTables+` OR k.contype = 'p' AND c.relname = 'person_words')
		AND c.relnamespace = current_schema()::regnamespace
		AND c.relname IN `+sqlSet(tables...)+` ORDER BY k.contype DESC`)
	if err != nil {
		return err
	}
	var drops []string
	err = eachRow(rows, func() error {
		var table, name, kind, def string
		err := rows.Scan(&table, &name, &kind, &def)
		drops = append(drops, `ALTER TABLE `+table+` DROP CONSTRAINT `+name)
		if kind == "f" {
			def += ` NOT VALID`
			r.check(table, `ALTER TABLE `+table+` VALIDATE CONSTRAINT `+name)
		}
		r.indexes = append(r.indexes, `ALTER TABLE `+table+` ADD CONSTRAINT `+name+` `+def)
		return err
	})
	if err != nil {
		return err
	}
	for _, q := range drops {
		if _, err := r.tx.ExecContext(r.ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// regIndexTables are the tables whose plain indexes the first load drops.
var regIndexTables = sqlSet("persons", "memberships", "employments", "roles", "person_words")

// regBatch is how many rows are read before they are applied: PostgreSQL
// looks up a batch's members in one query.
const regBatch = 500

// applyBatch applies rows in order, after looking up their members at
// once on PostgreSQL, where a query per row would wait a round trip each
// (SQLite answers a prepared lookup faster than it binds a long IN list).
func (r *regRun) applyBatch(recs []readRow) error {
	r.prefetched = nil
	if r.s.dialect == Postgres && !r.first && len(recs) > 0 {
		var a access.Args
		ph := []string{"NULL"}
		for _, row := range recs {
			if _, same := r.unchanged(row); !same {
				ph = append(ph, a.Add(row.rec.MemberNo))
			}
		}
		rows, err := r.tx.QueryContext(r.ctx, `SELECT `+knownColumns+` WHERE p.member_no IN (`+strings.Join(ph, ", ")+`)`, a...)
		if err != nil {
			return err
		}
		r.prefetched = map[string]*known{}
		err = eachRow(rows, func() error {
			var k known
			if err := rows.Scan(&k.id, &k.memberNo, &k.status, &k.unitID, &k.unitPath, &k.hashes); err != nil {
				return err
			}
			r.prefetched[k.memberNo] = &k
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, row := range recs {
		if err := r.apply(row); err != nil {
			return err
		}
	}
	return nil
}

// prepare reads what every row needs: the tree, the workplaces, whether
// this is the first load, and opens the load's record.
func (r *regRun) prepare() error {
	ctx, tx := r.ctx, r.tx
	if r.s.dialect == Postgres {
		// One load at a time: two would both create the same new units
		// and workplaces. (SQLite has one writer anyway.) Per schema, as
		// advisory locks are per database: a schema is a Verve of its own.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('verve register load ' || current_schema()))`); err != nil {
			return err
		}
	}
	if r.s.dialect == SQLite {
		// Checked at commit instead of per statement, SQLite needs no
		// statement journal for each insert (a third of a load's time).
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM persons WHERE member_no IS NOT NULL`).Scan(&n); err != nil {
		return err
	}
	r.first = n == 0
	r.rep.First = r.first
	r.byFnr, r.byEmail, r.byMobile, r.byNameBirth = map[uint64]int64{}, map[uint64]int64{}, map[uint64]int64{}, map[uint64]int64{}
	r.ids, r.nextIDs = map[string]*idBlock{}, map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(fnr_hash, ''), email, mobile, first_name, last_name, birth_date FROM persons WHERE member_no IS NULL`)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var id int64
		var fnr, email, mobile, first, last string
		var birth sql.NullTime
		if err := rows.Scan(&id, &fnr, &email, &mobile, &first, &last, &birth); err != nil {
			return err
		}
		for _, k := range []struct {
			m    map[uint64]int64
			kind string
			v    string
			ok   bool
		}{{r.byFnr, "fnr", fnr, fnr != ""}, {r.byEmail, "email", email, email != ""}, {r.byMobile, "mobile", mobile, mobile != ""},
			{r.byNameBirth, "name_birth", nameBirth(first, last, timeOf(birth)), last != "" && birth.Valid}} {
			if _, taken := k.m[regKey(k.kind, k.v)]; k.ok && !taken {
				k.m[regKey(k.kind, k.v)] = id
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.first {
		if err := r.dropIndexes(); err != nil {
			return err
		}
	}
	if r.first && r.s.dialect == Postgres {
		c, err := newCopyBulk(ctx, r.conn, tx)
		if err != nil {
			return err
		}
		r.bulk = c
	} else if r.first {
		b := &Bulk{s: r.s, ctx: ctx, tx: tx, tables: map[string]*bulkTable{}, rows: sqliteBulkRows, deferFK: true}
		for _, t := range regBulkTables {
			b.Define(t.table, t.cols...)
		}
		r.bulk = b
	}
	r.units, r.coded = map[unitKey]unitRef{}, map[int64]bool{}
	rows, err = tx.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), kind, name, code, path FROM org_units ORDER BY id`)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var parent int64
		var kind model.UnitKind
		var name, code string
		var u unitRef
		if err := rows.Scan(&u.id, &parent, &kind, &name, &code, &u.path); err != nil {
			return err
		}
		if parent == 0 && r.root.id == 0 {
			r.root = u
		}
		r.remember(parent, kind, code, name, u)
		return nil
	})
	if err != nil {
		return err
	}
	if r.root.id == 0 {
		return model.ErrorKey(model.ENOTFOUND, "err.union.notfound")
	}
	r.provisional, r.held = map[string]bool{}, map[string]string{}
	if r.workplaces, err = loadWorkplaces(ctx, tx); err != nil {
		return err
	}
	if !r.first {
		if err := r.keep(); err != nil {
			return err
		}
	}
	r.missing = map[int64]bool{}
	rows, err = tx.QueryContext(ctx, `SELECT person_id FROM register_missing`)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var id int64
		err := rows.Scan(&id)
		r.missing[id] = true
		return err
	})
	if err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, `INSERT INTO register_loads (at, user_id, username, complete, first_load) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		r.now, nullID(r.u.UserID), r.u.Username, r.opt.Complete, r.first).Scan(&r.loadID)
}

func (r *regRun) remember(parent int64, kind model.UnitKind, code, name string, u unitRef) {
	if code != "" {
		r.units[unitKey{parent, kind, "c:" + code}] = u
		r.coded[u.id] = true
	}
	if k := (unitKey{parent, kind, "n:" + norway.Fold(name)}); name != "" {
		if _, ok := r.units[k]; !ok {
			r.units[k] = u
		}
	}
}

// unit finds the unit named by ref under parent, by code where the export
// has one, else by name, and creates it when there is none.
func (r *regRun) unit(parent unitRef, kind model.UnitKind, ref register.UnitRef) (unitRef, error) {
	if ref.Code != "" {
		if u, ok := r.units[unitKey{parent.id, kind, "c:" + ref.Code}]; ok {
			return u, nil
		}
	}
	if ref.Name != "" {
		// By name only a unit without a code: one with another code of
		// the same name (clubs named for their employer) is another unit.
		if u, ok := r.units[unitKey{parent.id, kind, "n:" + norway.Fold(ref.Name)}]; ok && (ref.Code == "" || !r.coded[u.id]) {
			if ref.Code != "" {
				// The unit Verve knew by name gets the register's code.
				if err := r.written(); err != nil {
					return u, err
				}
				if err := r.exec(`UPDATE org_units SET code = $1 WHERE id = $2 AND code = ''`, ref.Code, u.id); err != nil {
					return u, err
				}
				r.units[unitKey{parent.id, kind, "c:" + ref.Code}] = u
			}
			return u, nil
		}
	}
	name := ref.Name
	if name == "" {
		name = ref.Code
	}
	var u unitRef
	var err error
	if r.bulk != nil {
		// Its id first, so that its path is written with it.
		if u.id, err = r.nextID("org_units"); err != nil {
			return u, err
		}
		u.path = parent.path + strconv.FormatInt(u.id, 10) + "/"
		err = r.bulk.Add("org_units", u.id, parent.id, kind, name, norway.SortKey(name), u.path, ref.Code)
	} else {
		u.id, err = r.insert(`INSERT INTO org_units (parent_id, kind, name, sort_key, path, code) VALUES ($1, $2, $3, $4, $5, $6)`,
			parent.id, kind, name, norway.SortKey(name), parent.path+"new/", ref.Code)
		if err == nil {
			u.path = parent.path + strconv.FormatInt(u.id, 10) + "/"
			err = r.exec(`UPDATE org_units SET path = $1 WHERE id = $2`, u.path, u.id)
		}
	}
	if err != nil {
		return u, err
	}
	r.remember(parent.id, kind, ref.Code, name, u)
	r.rep.Units++
	return u, r.audit("create", "org_unit", u.id, []string{"kind", "name", "parent_id", "code"}, name)
}

// place finds (or creates) the row's region, branch and club: the deepest
// the row names is the member's unit (the root when it names none).
func (r *regRun) place(rec register.Record) (unitRef, bool, error) {
	cur, named := r.root, false
	for _, lv := range []struct {
		kind model.UnitKind
		ref  register.UnitRef
	}{{model.UnitRegion, rec.Region}, {model.UnitBranch, rec.Branch}, {model.UnitClub, rec.Club}} {
		if lv.ref.IsZero() {
			continue
		}
		if lv.kind == model.UnitBranch && lv.ref.Code != "" {
			if p, ok := r.branchParent[lv.ref.Code]; ok && p != cur.id {
				return cur, false, errBranchParent
			}
			r.branchParent[lv.ref.Code] = cur.id
		}
		u, err := r.unit(cur, lv.kind, lv.ref)
		if err != nil {
			return cur, false, err
		}
		cur, named = u, true
	}
	return cur, named, nil
}

var errBranchParent = errors.New("branch under two regions")

// loadWorkplaces maps the organisasjonsnummer a register export may name
// to a workplace: a workplace's own number; else the sub-unit an admin
// chose for a hovedenhet's number (orgnr_choices, ResolveParent); else a
// hovedenhet's only sub-unit. A hovedenhet with several sub-units and no
// choice is not mapped: the load creates it, for an admin to choose.
func loadWorkplaces(ctx context.Context, tx *sql.Tx) (map[string]unitRef, error) {
	out := map[string]unitRef{}
	for _, q := range []string{
		`SELECT w.orgnr, w.id, w.unit_id, u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id`,
		`SELECT c.orgnr, w.id, w.unit_id, u.path FROM orgnr_choices c JOIN workplaces w ON w.id = c.workplace_id JOIN org_units u ON u.id = w.unit_id`,
		`SELECT w.parent_orgnr, w.id, w.unit_id, u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id
			WHERE w.parent_orgnr IN (SELECT parent_orgnr FROM workplaces WHERE parent_orgnr <> '' GROUP BY parent_orgnr HAVING count(*) = 1)`,
	} {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var w unitRef
			var orgnr string
			if err := rows.Scan(&orgnr, &w.id, &w.unitID, &w.path); err != nil {
				return err
			}
			if _, ok := out[orgnr]; !ok {
				out[orgnr] = w
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// workplace finds the workplace by orgnr or creates it under unit. own
// says unit is the workplace's own (a row's primary employer, with a
// unit named). One that only a further employer brought in this load is
// placed under that member's unit for want of its own, and moves to the
// first own unit a row gives it.
func (r *regRun) workplace(orgnr, name string, unit unitRef, own bool) (unitRef, error) {
	if w, ok := r.workplaces[orgnr]; ok {
		if !own || !r.provisional[orgnr] || w.unitID == unit.id {
			return w, nil
		}
		delete(r.provisional, orgnr)
		if _, held := r.held[orgnr]; held {
			w.unitID, w.path = unit.id, unit.path
			r.workplaces[orgnr] = w
			return w, nil
		}
		if err := r.written(); err != nil {
			return w, err
		}
		if err := r.exec(`UPDATE workplaces SET unit_id = $1 WHERE id = $2`, unit.id, w.id); err != nil {
			return w, err
		}
		w.unitID, w.path = unit.id, unit.path
		r.workplaces[orgnr] = w
		return w, r.audit("update", "workplace", w.id, []string{"unit_id"}, name)
	}
	if !own {
		r.provisional[orgnr] = true
	}
	if name == "" {
		name = orgnr
	}
	w := unitRef{unitID: unit.id, path: unit.path}
	var err error
	if !own && r.bulk != nil && r.s.dialect == Postgres {
		// A first load on PostgreSQL writes such a workplace once it
		// knows its unit: placed by a row of its own later, it took a
		// COPY's flush and an UPDATE each (7 s of waiting at a million
		// members). Until then only the load's own rows refer to its id,
		// and the foreign keys are checked after the commit. (Not on
		// SQLite, whose deferred foreign keys would look for a late
		// parent's children without their index, a scan each.)
		if w.id, err = r.nextID("workplaces"); err != nil {
			return w, err
		}
		r.held[orgnr] = name
		r.workplaces[orgnr] = w
		r.rep.Workplaces++
		return w, nil
	}
	if w.id, err = r.add("workplaces", unit.id, name, norway.SortKey(name), orgnr); err != nil {
		return w, err
	}
	r.workplaces[orgnr] = w
	r.rep.Workplaces++
	return w, r.auditWorkplace(w.id, name)
}

func (r *regRun) auditWorkplace(id int64, name string) error {
	return r.audit("create", "workplace", id, []string{"name", "orgnr", "unit_id"}, name)
}

// writeHeld writes the workplaces workplace held back, under the units
// they ended with.
func (r *regRun) writeHeld() error {
	for _, orgnr := range slices.Sorted(maps.Keys(r.held)) {
		w, name := r.workplaces[orgnr], r.held[orgnr]
		if err := r.bulk.Add("workplaces", w.id, w.unitID, name, norway.SortKey(name), orgnr); err != nil {
			return err
		}
		if err := r.auditWorkplace(w.id, name); err != nil {
			return err
		}
	}
	r.held = nil
	return nil
}

// known is a person Verve already has, as a row finds them.
type known struct {
	id       int64
	memberNo string
	status   model.MembershipStatus
	unitID   int64
	unitPath string
	hashes   string
}

const knownColumns = `p.id, COALESCE(p.member_no, ''), p.member_status, p.unit_id, p.unit_path, COALESCE(v.hashes, '')
	FROM persons p LEFT JOIN register_values v ON v.person_id = p.id`

// identify finds the row's person: by member number, else by the
// fødselsnummer's hash (a person Verve created, echoed by the register).
// A fødselsnummer already on another member number is refused.
func (r *regRun) identify(rec register.Record) (*known, bool, error) {
	var k known
	if !r.first {
		if r.prefetched != nil {
			if p, ok := r.prefetched[rec.MemberNo]; ok {
				return p, true, nil
			}
		} else {
			ok, err := r.scan(`SELECT `+knownColumns+` WHERE p.member_no = $1`, []any{rec.MemberNo}, &k.id, &k.memberNo, &k.status, &k.unitID, &k.unitPath, &k.hashes)
			if err != nil || ok {
				return &k, err == nil, err
			}
		}
	}
	if rec.Fnr == "" {
		return nil, true, nil
	}
	h := r.s.key.Hash(rec.Fnr)
	q, args := `SELECT `+knownColumns+` WHERE p.fnr_hash = $1`, []any{h}
	if echo, ok := r.byFnr[regKey("fnr", h)]; r.first && !ok {
		// Nobody had a member number before this load, nobody without one
		// has this number, and the reader refuses a number on two rows
		// (register.row.fnrtwice); a Source that does not would fail the
		// load on the unique index, committing nothing. Later loads write
		// each new member at once, so the query below finds them.
		return nil, true, nil
	} else if r.first {
		// By id: the first load has dropped the index of fnr_hash.
		q, args = q+` AND p.id = $2`, append(args, echo)
	}
	ok, err := r.scan(q, args, &k.id, &k.memberNo, &k.status, &k.unitID, &k.unitPath, &k.hashes)
	if err != nil || !ok {
		return nil, true, err
	}
	if k.memberNo != "" {
		r.reject(rec, register.Fnr, "", "register.row.fnrtaken")
		return nil, false, nil
	}
	return &k, true, nil
}

// before reads what the rules need of a known person.
func (r *regRun) before(k *known) (register.Before, int64, error) {
	b := register.Before{Known: true, Member: model.IsMember(k.status)}
	var membership int64
	var dues string
	if _, err := r.scan(`SELECT id, type, dues_status FROM memberships WHERE person_id = $1 AND status IN ('active', 'arrears', 'pending')
		ORDER BY start_date DESC, id DESC LIMIT 1`, []any{k.id}, &membership, &b.Type, &dues); err != nil {
		return b, 0, err
	}
	b.Dues = model.DuesStatus(dues)
	if _, err := r.scan(`SELECT w.orgnr FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = $1`, []any{k.id}, &b.Current); err != nil {
		return b, 0, err
	}
	if err := r.registerJobs(k.id, &b); err != nil {
		return b, 0, err
	}
	if _, err := r.scan(`SELECT EXISTS (SELECT 1 FROM tasks WHERE person_id = $1 AND kind IN ('welcome', 'member_started'))`, []any{k.id}, &b.Welcomed); err != nil {
		return b, 0, err
	}
	st, err := r.stmt(`SELECT role, start_date, end_date FROM roles WHERE person_id = $1 AND source = 'register' AND (end_date IS NULL OR end_date > $2)`)
	if err != nil {
		return b, 0, err
	}
	rows, err := st.QueryContext(r.ctx, k.id, date(r.today))
	if err != nil {
		return b, 0, err
	}
	err = eachRow(rows, func() error {
		var t register.RoleTerm
		var end sql.NullTime
		if err := rows.Scan(&t.Role, &t.From, &end); err != nil {
			return err
		}
		t.From, t.To = t.From.UTC(), timeOf(end)
		b.Roles = append(b.Roles, t)
		return nil
	})
	return b, membership, err
}

// registerJobs reads the register's open employments of a person into b:
// the one at their workplace in Verve (else the latest) is the primary.
func (r *regRun) registerJobs(person int64, b *register.Before) error {
	st, err := r.stmt(`SELECT w.orgnr FROM employments e JOIN workplaces w ON w.id = e.workplace_id
		WHERE e.person_id = $1 AND e.source = 'register' AND e.end_date IS NULL ORDER BY e.start_date DESC, e.id DESC`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(r.ctx, person)
	if err != nil {
		return err
	}
	var jobs []string
	err = eachRow(rows, func() error {
		var o string
		err := rows.Scan(&o)
		jobs = append(jobs, o)
		return err
	})
	if err != nil || len(jobs) == 0 {
		return err
	}
	i := max(slices.Index(jobs, b.Current), 0)
	b.Orgnr = jobs[i]
	b.Jobs = slices.Delete(jobs, i, i+1)
	return nil
}

// apply stores one valid row.
func (r *regRun) apply(row readRow) error {
	rec := row.rec
	if _, dup := r.seen[regKey("no", rec.MemberNo)]; dup {
		r.reject(rec, register.MemberNo, rec.MemberNo, "register.row.duplicate", "memberno", rec.MemberNo)
		return nil
	}
	if id, same := r.unchanged(row); same {
		r.seen[regKey("no", rec.MemberNo)] = id
		r.rep.Unchanged++
		r.seeMissing(id)
		return nil
	}
	k, ok, err := r.identify(rec)
	if err != nil || !ok {
		return err
	}
	old := ""
	if k != nil {
		old = k.hashes
		if k.memberNo == "" {
			old = "" // the echo of a person Verve created: every value is news
		}
	}
	hashes, changed := register.Rebase(rec, row.fresh, old)
	if k != nil && k.memberNo != "" && len(changed) == 0 {
		r.seen[regKey("no", rec.MemberNo)] = k.id
		r.rep.Unchanged++
		r.seeMissing(k.id)
		return nil
	}
	var b register.Before
	var membership int64
	if k != nil {
		if b, membership, err = r.before(k); err != nil {
			return err
		}
	}
	plan := register.Decide(r.first, changed, b, rec, r.today, r.st)
	if plan.Reject.Key != "" {
		r.reject(rec, register.Roles, "", plan.Reject.Key, plan.Reject.Args...)
		return nil
	}
	if k != nil && changed.Has(register.Fnr) && rec.Fnr != "" {
		var other int64
		found, err := r.scan(`SELECT id FROM persons WHERE fnr_hash = $1 AND id <> $2`, []any{row.fnrHash, k.id}, &other)
		if err != nil {
			return err
		}
		if found {
			r.reject(rec, register.Fnr, "", "register.row.fnrtaken")
			return nil
		}
	}
	unit, named, err := r.place(rec)
	if errors.Is(err, errBranchParent) {
		r.reject(rec, register.BranchCode, rec.Branch.Code, "register.row.branchparent", "code", rec.Branch.Code)
		return nil
	}
	if err != nil {
		return err
	}
	var wp unitRef
	if rec.Orgnr != "" && (k == nil || plan.StartJob || changed.Has(register.EmployerOrgnr)) {
		if wp, err = r.workplace(rec.Orgnr, rec.Employer, unit, named); err != nil {
			return err
		}
		if !named {
			unit = unitRef{id: wp.unitID, path: wp.path}
		}
	}
	a := &applied{run: r, rec: rec, fnrHash: row.fnrHash, plan: plan, changed: changed, unit: unit, wp: wp, hashes: hashes, membership: membership, old: b}
	if k == nil || len(plan.JobsStart) > 0 {
		if err := a.furtherWorkplaces(k == nil); err != nil {
			return err
		}
	}
	if k == nil {
		err = a.create()
	} else {
		a.person = k.id
		err = a.update(k, named || wp.id != 0)
	}
	if err != nil {
		return err
	}
	r.seen[regKey("no", rec.MemberNo)] = a.person
	r.seeMissing(a.person)
	return nil
}

// furtherWorkplaces finds (or creates, under the member's unit) the
// workplaces of the further employments that start: every one the row
// lists for a new member, else plan.JobsStart.
func (a *applied) furtherWorkplaces(all bool) error {
	a.jobs = map[string]unitRef{}
	for _, j := range a.rec.Jobs {
		if !all && !slices.Contains(a.plan.JobsStart, j.Orgnr) {
			continue
		}
		w, err := a.run.workplace(j.Orgnr, j.Name, a.unit, false)
		if err != nil {
			return err
		}
		a.jobs[j.Orgnr] = w
	}
	return nil
}

// elsewhere is the mark (00039) of the row's person's employment at
// workplace w as far as the row tells: not at the workplace the row names
// for them in their unit. The triggers mark it anew; a first load, with
// them dropped, writes it and mends what it got wrong (a workplace moved
// later in the load) once all rows are in: at a million members on
// PostgreSQL, marking every employment afresh took 16 s, finding none
// wrong 1 s.
func (a *applied) elsewhere(w int64) bool { return w != a.wp.id || a.wp.unitID != a.unit.id }

// seeMissing notes that a member listed as missing is in the register.
func (r *regRun) seeMissing(id int64) {
	if r.missing[id] {
		r.back = append(r.back, id)
	}
}

// applied is one row being written.
type applied struct {
	run        *regRun
	rec        register.Record
	fnrHash    any // rec.Fnr's, hashed as it was read
	plan       register.Plan
	changed    register.Set
	unit       unitRef            // the member's unit
	wp         unitRef            // the workplace the row names, when it changed or is new
	jobs       map[string]unitRef // the further employers' workplaces that start, by orgnr
	old        register.Before    // what Verve held before the row
	hashes     string             // the row's hashes, kept after it
	person     int64
	membership int64
}

func (a *applied) create() error {
	r, rec := a.run, a.rec
	p := model.Person{FirstName: rec.First, LastName: rec.Last, Email: rec.Email, Mobile: rec.Mobile}
	sortKey, searchKey := personKeys(&p)
	status := a.plan.Status(a.rec.Status)
	var err error
	a.person, err = r.add("persons", rec.First, rec.Last, sortKey, searchKey, date(rec.Birth), a.fnrHash, rec.Email, rec.Mobile,
		rec.Address, rec.Postal, rec.Place, a.unit.id, a.unit.path, nullID(a.wp.id), status, r.now, r.now, rec.MemberNo, string(rec.Protect))
	if err != nil {
		return err
	}
	switch {
	case r.bulk == nil:
		err = r.refreshWords(a.person)
	case r.s.dialect == Postgres: // with the person (SQLite's first load writes them at the end: dropIndexes)
		for _, w := range personWords(searchKey) {
			if _, err = r.add("person_words", w, sortKey, a.person, a.unit.path); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	r.rep.Created++
	if err := a.insertMembership(status); err != nil {
		return err
	}
	if a.wp.id != 0 {
		start := rec.Joined
		if start.IsZero() || start.After(r.today) {
			start = r.today
		}
		if _, err := r.add("employments", a.person, a.wp.id, date(start), fromRegister, a.elsewhere(a.wp.id)); err != nil {
			return err
		}
		for _, j := range a.rec.Jobs {
			if _, err := r.add("employments", a.person, a.jobs[j.Orgnr].id, date(start), fromRegister, a.elsewhere(a.jobs[j.Orgnr].id)); err != nil {
				return err
			}
		}
	}
	if err := a.consequences(); err != nil {
		return err
	}
	if _, err := r.add("register_values", a.person, a.hashes, r.loadID); err != nil {
		return err
	}
	a.possibleMatch()
	if r.first {
		return nil // the load's own audit entry counts them
	}
	return r.s.audit(r.ctx, r.tx, r.u, "create", "person", a.person, a.changed.Names(), a.person, "")
}

func (a *applied) insertMembership(status model.MembershipStatus) error {
	r, rec := a.run, a.rec
	typ, start, end := a.plan.Membership(r.first, rec, status, r.today)
	var err error
	// A recruiter met earlier in the file is set at once, as
	// resolveRecruiters would: in a first load most are.
	recruiter, early := r.seen[regKey("no", rec.Recruiter)]
	early = early && rec.Recruiter != ""
	a.membership, err = r.add("memberships", a.person, typ, status, date(start), date(end), string(rec.Dues), date(rec.PaidUpTo), nullID(recruiter))
	switch {
	case err != nil:
		return err
	case early && !rec.PaidUpTo.IsZero():
		return r.feedDues(a.membership, start, rec.PaidUpTo, true)
	case !early && rec.Recruiter != "":
		a.wantRecruiter()
	}
	return nil
}

// wantRecruiter notes the recruiter to set once every row is in.
func (a *applied) wantRecruiter() {
	a.run.recruits = append(a.run.recruits, recruit{line: a.rec.Line, person: a.person, membership: a.membership, memberNo: a.rec.Recruiter,
		paidUpTo: a.rec.PaidUpTo})
}

// personColumn is a person column a register field sets directly.
var personColumn = map[register.Field]string{
	register.FirstName: "first_name", register.LastName: "last_name", register.Email: "email", register.Mobile: "mobile",
	register.Address: "address", register.PostalCode: "postal_code", register.PostalPlace: "postal_place",
}

func (a *applied) update(k *known, placed bool) error {
	r, rec, plan := a.run, a.rec, a.plan
	var set []string
	var args access.Args
	for _, f := range a.changed {
		switch f {
		case register.FirstName, register.LastName, register.Email, register.Mobile, register.Address, register.PostalCode, register.PostalPlace:
			set = append(set, personColumn[f]+" = "+args.Add(map[register.Field]string{register.FirstName: rec.First, register.LastName: rec.Last,
				register.Email: rec.Email, register.Mobile: rec.Mobile, register.Address: rec.Address, register.PostalCode: rec.Postal,
				register.PostalPlace: rec.Place}[f]))
		case register.BirthDate:
			set = append(set, "birth_date = "+args.Add(date(rec.Birth)))
		case register.Fnr:
			set = append(set, "fnr_hash = "+args.Add(a.fnrHash))
		case register.Protected:
			set = append(set, "address_protection = "+args.Add(string(rec.Protect)))
		}
	}
	if k.memberNo == "" {
		set = append(set, "member_no = "+args.Add(rec.MemberNo))
	}
	unitFields := a.changed.Has(register.RegionCode) || a.changed.Has(register.BranchCode) || a.changed.Has(register.ClubCode)
	if (unitFields || plan.Primary) && placed && a.unit.id != k.unitID {
		set = append(set, "unit_id = "+args.Add(a.unit.id), "unit_path = "+args.Add(a.unit.path))
	} else {
		a.unit = unitRef{id: k.unitID, path: k.unitPath}
	}
	if plan.Primary {
		set = append(set, "workplace_id = "+args.Add(nullID(a.wp.id)))
	}
	status := k.status
	if plan.Join || plan.Resign || (plan.Member && a.changed.Has(register.MemberStatus)) {
		status = a.plan.Status(a.rec.Status)
		set = append(set, "member_status = "+args.Add(status))
	}
	if len(set) > 0 {
		set = append(set, "updated_at = "+args.Add(r.now))
		q := `UPDATE persons SET ` + strings.Join(set, ", ") + ` WHERE id = ` + args.Add(a.person)
		if _, err := r.tx.ExecContext(r.ctx, q, args...); err != nil {
			return err
		}
		// On a first load person_words_follow is dropped (dropTriggers):
		// the words of whom it moves are written afresh (its known
		// persons are echoes, every value news, so this costs nothing more).
		if r.first || a.changed.Has(register.FirstName) || a.changed.Has(register.LastName) || a.changed.Has(register.Email) || a.changed.Has(register.Mobile) {
			if err := a.rekey(); err != nil {
				return err
			}
		}
	}
	if err := a.updateMembership(status); err != nil {
		return err
	}
	if plan.Join && model.IsMember(status) {
		// A known person the register now has as a member: asking them is done.
		if err := r.s.memberJoined(r.ctx, r.tx, r.u, a.person); err != nil {
			return err
		}
	}
	if err := a.employments(); err != nil {
		return err
	}
	if err := a.consequences(); err != nil {
		return err
	}
	if err := r.exec(`INSERT INTO register_values (person_id, hashes, load_id) VALUES ($1, $2, $3)
		ON CONFLICT (person_id) DO UPDATE SET hashes = excluded.hashes, load_id = excluded.load_id`, a.person, a.hashes, r.loadID); err != nil {
		return err
	}
	r.rep.Updated++
	return r.s.audit(r.ctx, r.tx, r.u, "update", "person", a.person, a.changed.Names(), a.person, "")
}

// employments ends the register's employments at the employers the row
// no longer lists (kept, with their end date, as history) and starts the
// new ones, unless one is open there already (recorded in Verve: a
// second would count the member twice at the workplace).
func (a *applied) employments() error {
	r, plan := a.run, a.plan
	var ends []string
	if plan.EndJob {
		ends = append(ends, a.old.Orgnr)
	}
	for _, o := range append(ends, plan.JobsEnd...) {
		if err := r.exec(`UPDATE employments SET end_date = $1 WHERE person_id = $2 AND source = 'register' AND end_date IS NULL
			AND workplace_id = (SELECT id FROM workplaces WHERE orgnr = $3)`, date(r.today), a.person, o); err != nil {
			return err
		}
	}
	var starts []int64
	if plan.StartJob {
		starts = append(starts, a.wp.id)
	}
	for _, o := range plan.JobsStart {
		starts = append(starts, a.jobs[o].id)
	}
	for _, w := range starts {
		var open bool
		if _, err := r.scan(`SELECT EXISTS (SELECT 1 FROM employments WHERE person_id = $1 AND workplace_id = $2 AND end_date IS NULL)`,
			[]any{a.person, w}, &open); err != nil {
			return err
		}
		if open {
			continue
		}
		if _, err := r.add("employments", a.person, w, date(r.today), fromRegister, a.elsewhere(w)); err != nil {
			return err
		}
	}
	return nil
}

// rekey recomputes the sort and search keys from the stored names.
func (a *applied) rekey() error {
	r := a.run
	var p model.Person
	if _, err := r.scan(`SELECT first_name, last_name, email, mobile FROM persons WHERE id = $1`, []any{a.person},
		&p.FirstName, &p.LastName, &p.Email, &p.Mobile); err != nil {
		return err
	}
	sortKey, searchKey := personKeys(&p)
	if err := r.exec(`UPDATE persons SET sort_key = $1, search_key = $2 WHERE id = $3`, sortKey, searchKey, a.person); err != nil {
		return err
	}
	return r.refreshWords(a.person)
}

// refreshWords writes a person's words afresh (search.go), with the
// load's prepared statements.
func (r *regRun) refreshWords(id int64) error {
	for _, q := range wordsRefresh(r.s.dialect, `p.id = $1`) {
		if err := r.exec(q, id); err != nil {
			return err
		}
	}
	return nil
}

func (a *applied) updateMembership(status model.MembershipStatus) error {
	r, rec, plan := a.run, a.rec, a.plan
	if a.membership == 0 {
		if plan.Join {
			return a.insertMembership(status)
		}
		return nil
	}
	var set []string
	var args access.Args
	if plan.Join || plan.Resign || (plan.Member && a.changed.Has(register.MemberStatus)) {
		set = append(set, "status = "+args.Add(status))
		if plan.Resign {
			set = append(set, "end_date = "+args.Add(date(plan.End)))
		}
		if plan.Join {
			set = append(set, "decided_at = "+args.Add(r.now))
		}
	}
	if plan.Retire {
		set = append(set, "type = "+args.Add(model.TypeRetired))
	} else if a.changed.Has(register.MemberType) && rec.Type != "" {
		set = append(set, "type = "+args.Add(rec.Type))
	}
	if a.changed.Has(register.Joined) && !rec.Joined.IsZero() {
		set = append(set, "start_date = "+args.Add(date(rec.Joined)))
	}
	if a.changed.Has(register.Dues) {
		set = append(set, "dues_status = "+args.Add(string(rec.Dues)))
	}
	if a.changed.Has(register.PaidUpTo) {
		set = append(set, "paid_up_to = "+args.Add(date(rec.PaidUpTo)))
	}
	if a.changed.Has(register.RecruitedBy) {
		if rec.Recruiter == "" {
			set = append(set, "recruited_by = NULL")
		} else {
			a.wantRecruiter()
		}
	} else if a.changed.Has(register.PaidUpTo) && !rec.PaidUpTo.IsZero() {
		// Paid further: the recruiter's credit may now count.
		var start time.Time
		var recruited bool
		if _, err := r.scan(`SELECT start_date, recruited_by IS NOT NULL FROM memberships WHERE id = $1`, []any{a.membership}, &start, &recruited); err != nil {
			return err
		}
		if recruited {
			if err := r.feedDues(a.membership, start.UTC(), rec.PaidUpTo, false); err != nil {
				return err
			}
		}
	}
	if len(set) == 0 {
		return nil
	}
	_, err := r.tx.ExecContext(r.ctx, `UPDATE memberships SET `+strings.Join(set, ", ")+` WHERE id = `+args.Add(a.membership), args...)
	return err
}

// consequences applies the plan's roles, tasks and, on a death, ends
// what is open.
func (a *applied) consequences() error {
	r, plan := a.run, a.plan
	if plan.Resign {
		r.rep.Resigned++
	}
	if plan.JobChange {
		r.rep.JobChanges++
	}
	if plan.CancelOpen {
		for _, q := range []string{
			`UPDATE tasks SET status = 'cancelled', done_at = $2 WHERE person_id = $1 AND status = 'open'`,
			`UPDATE memberships SET status = 'rejected', decided_at = $2 WHERE person_id = $1 AND status = 'pending'`,
			`UPDATE pipeline SET outcome = 'left', outcome_at = $2 WHERE person_id = $1 AND outcome = ''`,
		} {
			if err := r.exec(q, a.person, r.now); err != nil {
				return err
			}
		}
		if err := r.exec(`DELETE FROM outbox WHERE person_id = $1 AND status = 'queued'`, a.person); err != nil {
			return err
		}
	}
	roleUnit := a.unit
	for _, t := range plan.RolesStart {
		from := t.From
		if from.IsZero() {
			from = r.today
		}
		if _, err := r.add("roles", a.person, t.Role, roleUnit.id, date(from), date(t.To), fromRegister); err != nil {
			return err
		}
		r.rep.RolesStarted++
	}
	for _, t := range plan.RolesEnd {
		if err := r.exec(`UPDATE roles SET end_date = $1 WHERE person_id = $2 AND source = 'register' AND role = $3 AND start_date = $4`,
			date(t.To), a.person, t.Role, date(t.From)); err != nil {
			return err
		}
		if !t.To.IsZero() {
			r.rep.RolesEnded++
		}
	}
	for _, t := range plan.Tasks {
		if err := a.task(t); err != nil {
			return err
		}
	}
	return nil
}

// task opens a task of the plan for its owner.
func (a *applied) task(t register.Task) error {
	r := a.run
	task := model.Task{Kind: t.Kind, Title: t.Title, PersonID: a.person, UnitPath: a.unit.path, Due: t.Due, Status: model.TaskOpen, CreatedAt: r.now}
	var err error
	wp := a.wp
	if t.Orgnr != "" {
		wp = a.jobs[t.Orgnr]
	}
	if t.AtWorkplace && wp.id != 0 {
		task.WorkplaceID, task.UnitPath = wp.id, wp.path
		task.OwnerID, err = r.s.unitOwner(r.ctx, r.tx, wp.unitID, r.today)
	} else {
		task.OwnerID, err = r.s.unitOwner(r.ctx, r.tx, a.unit.id, r.today)
	}
	if err != nil {
		return err
	}
	if err := r.s.insertTask(r.ctx, r.tx, r.u, &task); err != nil {
		return err
	}
	r.tasks++
	switch t.Kind {
	case model.TaskWinback:
		r.rep.Winbacks++
	case model.TaskDuesCall:
		r.rep.DuesCalls++
	default:
		r.rep.Welcomes++
	}
	return nil
}

// possibleMatch records a new member who may be a person Verve knew
// without a member number (by e-mail, mobile, or name and birth date), for
// someone who sees both to decide, as imports do.
func (a *applied) possibleMatch() {
	r, rec := a.run, a.rec
	for _, m := range []struct {
		index map[uint64]int64
		match model.MatchKey
		v     string
		ok    bool
	}{
		{r.byEmail, model.MatchEmail, rec.Email, rec.Email != ""},
		{r.byMobile, model.MatchMobile, rec.Mobile, rec.Mobile != ""},
		{r.byNameBirth, model.MatchNameBirth, nameBirth(rec.First, rec.Last, rec.Birth), rec.Last != "" && !rec.Birth.IsZero()},
	} {
		if id, found := m.index[regKey(string(m.match), m.v)]; m.ok && found {
			r.rep.Matches++
			r.candidates = append(r.candidates, candidate{person: a.person, known: id, match: m.match})
			return
		}
	}
}

// resolveRecruiters sets the recruiters now that every row is in; an
// unknown member number fails its row and is tried again next load.
func (r *regRun) resolveRecruiters() error {
	for _, c := range r.recruits {
		id, ok := r.seen[regKey("no", c.memberNo)]
		if !ok {
			found, err := r.scan(`SELECT id FROM persons WHERE member_no = $1`, []any{c.memberNo}, &id)
			if err != nil {
				return err
			}
			ok = found
		}
		if !ok || id == c.person {
			e := model.RowReason(c.line, "register.row.recruiter", "memberno", c.memberNo)
			e.Column, e.Value = r.column(register.RecruitedBy), c.memberNo
			r.rep.Errors = append(r.rep.Errors, e)
			r.rep.Failed++
			var hashes string
			if _, err := r.scan(`SELECT hashes FROM register_values WHERE person_id = $1`, []any{c.person}, &hashes); err != nil {
				return err
			}
			if err := r.exec(`UPDATE register_values SET hashes = $1 WHERE person_id = $2`, register.Forget(hashes, register.RecruitedBy), c.person); err != nil {
				return err
			}
			continue
		}
		if err := r.exec(`UPDATE memberships SET recruited_by = $1 WHERE id = $2`, id, c.membership); err != nil {
			return err
		}
		if !c.paidUpTo.IsZero() {
			var start time.Time
			if _, err := r.scan(`SELECT start_date FROM memberships WHERE id = $1`, []any{c.membership}, &start); err != nil {
				return err
			}
			if err := r.feedDues(c.membership, start.UTC(), c.paidUpTo, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// feedDues records the months of a recruited membership's credit window
// that the register says are paid, so the credit rules (package credit)
// count them as they count dues paid in Verve. Only the window: nothing
// else reads register months. A membership this load created (fresh)
// has none yet, and on a first load its months go with the bulk.
func (r *regRun) feedDues(membership int64, start, paidUpTo time.Time, fresh bool) error {
	from, to := model.MonthOf(start), model.MonthOf(start).AddDate(0, r.creditMonths, 0)
	for m := from; m.Before(to) && !m.After(model.MonthOf(paidUpTo)); m = m.AddDate(0, 1, 0) {
		if fresh && r.bulk != nil {
			if _, err := r.add("dues_payments", membership, m, 0, "register", r.now); err != nil {
				return err
			}
		} else if err := r.exec(`INSERT INTO dues_payments (membership_id, month, amount_ore, source, recorded_at) VALUES ($1, $2, 0, 'register', $3)
			ON CONFLICT (membership_id, month) DO NOTHING`, membership, m, r.now); err != nil {
			return err
		}
	}
	return nil
}

// listMissing notes the current members with a member number that a
// complete export lacks, for an admin to confirm; none is resigned here.
func (r *regRun) listMissing() error {
	rows, err := r.tx.QueryContext(r.ctx, `SELECT id, member_no, first_name || ' ' || last_name FROM persons
		WHERE member_no IS NOT NULL AND member_status IN `+currentStatuses+` ORDER BY sort_key, id`)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var m register.Missing
		if err := rows.Scan(&m.PersonID, &m.MemberNo, &m.Name); err != nil {
			return err
		}
		if _, ok := r.seen[regKey("no", m.MemberNo)]; !ok {
			r.rep.Missing = append(r.rep.Missing, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range r.rep.Missing {
		if err := r.exec(`INSERT INTO register_missing (person_id, load_id) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING`, m.PersonID, r.loadID); err != nil {
			return err
		}
	}
	return nil
}
