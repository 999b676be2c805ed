package storage

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/listmatch"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/students"
)

// An import's rules (how rows match, which class each gets, what each
// class leads to) are listmatch's; this file translates them into set-wise
// SQL. The names below are listmatch's, kept for storage's callers.

// ImportKind is the kind of an employer's list (listmatch.Kind).
type ImportKind = listmatch.Kind

// Kinds of employer list.
const (
	ImportNewhires = listmatch.Newhires
	ImportStaff    = listmatch.Staff
)

// ImportKinds lists the kinds (listmatch.Kinds).
var ImportKinds = listmatch.Kinds

// ImportClass is the class of an imported row (listmatch.Class).
type ImportClass = listmatch.Class

// Classes of imported row (see listmatch).
const (
	ClassNew        = listmatch.ClassNew
	ClassExisting   = listmatch.ClassExisting
	ClassPipeline   = listmatch.ClassPipeline
	ClassMember     = listmatch.ClassMember
	ClassStudent    = listmatch.ClassStudent
	ClassOtherUnion = listmatch.ClassOtherUnion
	ClassFlagged    = listmatch.ClassFlagged
	ClassDuplicate  = listmatch.ClassDuplicate
)

// ImportClasses lists the classes in report order.
var ImportClasses = listmatch.Classes

// Decisions on a flagged row.
const (
	DecideMerge = listmatch.DecideMerge
	DecideNew   = listmatch.DecideNew
)

// ImportRow is one valid row of a list, routed to a workplace.
type ImportRow struct {
	model.NewHire
	WorkplaceID int64
}

// ImportRequest describes one list being previewed or committed.
type ImportRequest struct {
	Kind        ImportKind
	WorkplaceID int64 // the workplace the list was uploaded for
	Filename    string
	Source      string // where the list came from, e.g. "Nyansattliste fra HR"
	LawfulBasis string
	Decisions   map[int]string // flagged rows by line: DecideMerge or DecideNew; others are skipped
	Rejected    func() int     // rows the reader rejected, asked once all are read
	Commit      bool           // false: report what would happen and change nothing
}

// ImportLine is one row of the report. Candidate is the matched person's
// name, given only when the user may see that person.
type ImportLine struct {
	Line        int
	Name        string
	WorkplaceID int64
	Class       ImportClass
	Match       string // fnr, email, workplace, mobile, name_birth
	PersonID    int64
	Candidate   string
	DupOf       int
}

// ImportResult is what a list did, or would do.
type ImportResult struct {
	ImportID  int64 // 0 for a preview
	Rows      int
	Counts    map[ImportClass]int
	Lines     []ImportLine // up to linesPerClass of each class, flagged rows up to maxFlagged
	Committed bool
	// Merge is how long a commit held the writer: its merge transaction,
	// which other writers wait for (readers never do).
	Merge time.Duration
}

// Count is the number of rows of class c, for templates (whose index
// cannot turn a quoted word into an ImportClass).
func (r ImportResult) Count(c ImportClass) int { return r.Counts[c] }

const (
	linesPerClass = 100
	maxFlagged    = 1000
)

// Import matches the rows of an employer list against the persons Verve
// knows and, if req.Commit, creates the prospects, employments, pipeline
// entries and tasks, all in one transaction: every row or none.
//
// The list is staged and matched in a TEMP table on a connection of its
// own (s.st), in transactions that write nothing else: on SQLite they take
// no write lock, so pages, sessions and other writers never wait for a
// preview. A commit then takes the writer only for the merge (see merge).
func (s *Storage) Import(ctx context.Context, u *access.Principal, req ImportRequest, rows iter.Seq2[ImportRow, error]) (*ImportResult, error) {
	if !req.Kind.Valid() {
		return nil, model.ErrorKey(model.EINVALID, "err.import.kind", "kind", req.Kind)
	}
	res := &ImportResult{Counts: map[ImportClass]int{}}
	conn, err := s.st.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	im := &importRun{s: s, u: u, conn: conn, req: req, paths: map[int64]string{}}
	if err := im.createStage(ctx); err != nil {
		return nil, err
	}
	defer im.dropStage(context.WithoutCancel(ctx))
	// ReadOnly: these transactions write only the TEMP table. modernc then
	// begins them deferred, taking no write lock; PostgreSQL's READ ONLY
	// allows writes to temporary tables alone.
	ro := &sql.TxOptions{ReadOnly: true}
	err = im.inTx(ctx, ro, func() error {
		if _, err := im.workplacePath(ctx, req.WorkplaceID); err != nil {
			return err
		}
		n, err := im.stage(ctx, rows)
		res.Rows = n
		if err != nil {
			return err
		}
		return im.dedup(ctx)
	})
	if err != nil {
		return res, err
	}
	// A commit on PostgreSQL matches in the merge (see merge).
	if !req.Commit || s.dialect == SQLite {
		err = im.inTx(ctx, ro, func() error {
			var err error
			if im.version, err = s.dataVersion(ctx, im.tx); err != nil {
				return err
			}
			if err := im.match(ctx); err != nil || req.Commit {
				return err
			}
			return im.report(ctx, res)
		})
		if err != nil {
			return res, err
		}
	}
	if !req.Commit {
		// What was looked at is audited on its own.
		return res, s.audit(ctx, s.w, u, "preview", "workplace", req.WorkplaceID, nil, 0, importDetail(req, res))
	}
	if s.beforeMerge != nil {
		s.beforeMerge()
	}
	if err := im.merge(ctx, res); err != nil {
		return res, err
	}
	res.ImportID, res.Committed = im.id, true
	return res, nil
}

// merge writes the list in one write transaction: the only time an import
// holds the writer, and so all other writers wait for. On SQLite the
// matching ran outside it; if any other connection has committed since
// (data_version), what it read may have changed and the rows are matched
// again here, so the merge never writes from stale matches. A quiet
// database, the usual case, skips that. PostgreSQL always matches here: it
// locks no rows (its readers and writers never wait for it), and it has no
// cheap way to tell that nothing changed.
func (im *importRun) merge(ctx context.Context, res *ImportResult) error {
	s := im.s
	if s.st != s.w {
		// Hold SQLite's writer connection while the merge writes through
		// im.conn, so that other writers of this process queue in Go, not
		// in SQLite's busy handler. Nothing in the merge may use s.w.
		token, err := s.w.Conn(ctx)
		if err != nil {
			return err
		}
		defer token.Close()
	}
	t0 := time.Now()
	defer func() { res.Merge = time.Since(t0) }()
	return im.inTx(ctx, nil, func() error {
		// A workplace may have moved since the list was staged.
		if err := im.checkPaths(ctx); err != nil {
			return err
		}
		if same, err := s.sameVersion(ctx, im.tx, im.version); err != nil || !same {
			if err == nil {
				err = im.match(ctx)
			}
			if err != nil {
				return err
			}
		}
		if err := im.begin(ctx); err != nil {
			return err
		}
		if err := im.report(ctx, res); err != nil {
			return err
		}
		return im.apply(ctx, res)
	})
}

// dataVersion is SQLite's count of commits by other connections, as seen
// by this one; PostgreSQL has none (0).
func (s *Storage) dataVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	if s.dialect != SQLite {
		return 0, nil
	}
	err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
	return v, err
}

// sameVersion tells whether no other connection has committed since
// dataVersion returned v: always false on PostgreSQL.
func (s *Storage) sameVersion(ctx context.Context, tx *sql.Tx, v int64) (bool, error) {
	if s.dialect != SQLite {
		return false, nil
	}
	now, err := s.dataVersion(ctx, tx)
	return err == nil && now == v, err
}

// rejected is how many rows the list's reader rejected.
func (req ImportRequest) rejected() int {
	if req.Rejected == nil {
		return 0
	}
	return req.Rejected()
}

// importDetail is a list's line in the audit log (listmatch.AuditDetail).
func importDetail(req ImportRequest, res *ImportResult) string {
	return listmatch.AuditDetail(req.Filename, res.Rows, res.Counts, req.rejected())
}

type importRun struct {
	s       *Storage
	u       *access.Principal
	conn    *sql.Conn // holds the TEMP table staged
	tx      *sql.Tx   // the transaction open on conn (inTx)
	req     ImportRequest
	id      int64
	version int64            // dataVersion when the rows were matched
	paths   map[int64]string // workplace id -> unit path, checked against the user's scope
}

func (im *importRun) exec(ctx context.Context, q string, args ...any) error {
	_, err := im.tx.ExecContext(ctx, q, args...)
	return err
}

// inTx runs fn in a transaction on the run's connection, as im.tx. Even a
// panic ends the transaction: conn.Close would wait for it forever (and,
// in the merge, SQLite's writer with it).
func (im *importRun) inTx(ctx context.Context, opts *sql.TxOptions, fn func() error) error {
	tx, err := im.conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	im.tx = tx
	defer func() { im.tx = nil }()
	if err := fn(); err != nil {
		return err
	}
	return tx.Commit()
}

// stagedTable holds one list while it is matched and merged: a TEMP table,
// seen only by its connection (s.st on SQLite, in an unlinked temp file). line is the
// row's line in the file; each index ends in line so that "the first row
// with this key" is read from the index alone.
var stagedTable = []string{`CREATE TEMP TABLE staged (
	line INTEGER PRIMARY KEY,
	workplace_id BIGINT NOT NULL,
	unit_path {{text_c}} NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	sort_key {{text_c}} NOT NULL,
	search_key {{text_c}} NOT NULL,
	birth_date DATE,
	fnr_hash TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	mobile TEXT NOT NULL DEFAULT '',
	start_date DATE,
	position TEXT NOT NULL DEFAULT '',
	department TEXT NOT NULL DEFAULT '',
	person_id BIGINT,
	match TEXT NOT NULL DEFAULT '',
	class TEXT NOT NULL DEFAULT '',
	dup_of INTEGER,
	outside_id BIGINT,
	outside_match TEXT NOT NULL DEFAULT '',
	owner_id BIGINT)`,
	`CREATE INDEX staged_fnr ON staged(fnr_hash, line)`,
	`CREATE INDEX staged_email ON staged(email, line)`,
	`CREATE INDEX staged_name ON staged(sort_key, birth_date, line)`,
	`CREATE INDEX staged_person ON staged(person_id)`,
}

// createStage creates the staging table on the run's connection.
func (im *importRun) createStage(ctx context.Context) error {
	// A pooled PostgreSQL connection may still hold one a failed run
	// could not drop.
	if err := im.dropStage(ctx); err != nil {
		return err
	}
	if im.s.dialect == SQLite {
		// No rollback journal for the TEMP database: it would copy every
		// page an UPDATE of the whole list touches, doubling the work.
		// A failed run drops the table rather than rolling it back.
		if _, err := im.conn.ExecContext(ctx, `PRAGMA temp.journal_mode = OFF`); err != nil {
			return err
		}
	}
	for _, q := range stagedTable {
		if _, err := im.conn.ExecContext(ctx, ddl(im.s.dialect, q)); err != nil {
			return fmt.Errorf("import stage: %w", err)
		}
	}
	return nil
}

// dropStage drops the staging table.
func (im *importRun) dropStage(ctx context.Context) error {
	_, err := im.conn.ExecContext(ctx, `DROP TABLE IF EXISTS `+tempSchema[im.s.dialect]+`.staged`)
	return err
}

// begin records the import, whose id the pipeline entries carry.
func (im *importRun) begin(ctx context.Context) error {
	return im.tx.QueryRowContext(ctx, `INSERT INTO imports (kind, workplace_id, unit_path, filename, source, lawful_basis, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		im.req.Kind, im.req.WorkplaceID, im.paths[im.req.WorkplaceID], im.req.Filename, im.req.Source, im.req.LawfulBasis,
		nullID(im.u.UserID), im.s.now().UTC()).Scan(&im.id)
}

// workplacePath returns the unit path of a workplace the user may import
// lists for.
func (im *importRun) workplacePath(ctx context.Context, id int64) (string, error) {
	if p, ok := im.paths[id]; ok {
		return p, nil
	}
	var path string
	err := im.tx.QueryRowContext(ctx, `SELECT u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE w.id = $1`, id).Scan(&path)
	if err != nil {
		return "", notFound(err, "err.workplace.notfound")
	}
	if !im.u.Scope(access.NewhireImport).ContainsAt(path, id) {
		return "", model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
	}
	im.paths[id] = path
	return path, nil
}

// checkPaths looks the list's workplaces up again: one moved out of the
// importer's scope stops the import, one moved within it takes its rows
// along.
func (im *importRun) checkPaths(ctx context.Context) error {
	old := im.paths
	im.paths = map[int64]string{}
	for id, was := range old {
		path, err := im.workplacePath(ctx, id)
		if err != nil {
			return err
		}
		if path != was {
			if err := im.exec(ctx, `UPDATE staged SET unit_path = $1 WHERE workplace_id = $2`, path, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// stageValues is one row of staged, in stageColumns order.
func (im *importRun) stageValues(ctx context.Context, r ImportRow) ([]any, error) {
	path, err := im.workplacePath(ctx, r.WorkplaceID)
	if err != nil {
		return nil, err
	}
	sortKey, searchKey := personKeys(&model.Person{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Mobile: r.Mobile})
	return []any{r.Line, r.WorkplaceID, path, r.FirstName, r.LastName, sortKey, searchKey, date(r.BirthDate),
		im.fnrHash(r.Fnr), r.Email, r.Mobile, date(r.StartDate), r.Position, r.Department}, nil
}

// fnrHash is the keyed hash a row is matched by: a fødselsnummer on a list
// is hashed here, in Go, and never sent to the database.
func (im *importRun) fnrHash(fnr string) string {
	if fnr == "" {
		return ""
	}
	return im.s.key.Hash(fnr)
}

var stageColumns = []string{"line", "workplace_id", "unit_path", "first_name", "last_name", "sort_key", "search_key",
	"birth_date", "fnr_hash", "email", "mobile", "start_date", "position", "department"}

// keySQL is how a staged row is looked up by one of listmatch's keys.
type keySQL struct {
	guard   string // the staged rows that have the key at all
	persons string // the persons p the row matches by it (FROM … WHERE …)
	repeat  string // that staged row d repeats the row by it; only for listmatch.RepeatKeys
}

// importKeys translates each of listmatch.Keys. TestImportKeysTranslated fails
// when the rules name a key that has no SQL here.
var importKeys = map[model.MatchKey]keySQL{
	listmatch.KeyFnr:   {"fnr_hash <> ''", `persons p WHERE p.fnr_hash = staged.fnr_hash`, `d.fnr_hash = staged.fnr_hash`},
	listmatch.KeyEmail: {"email <> ''", `persons p WHERE p.email = staged.email`, `d.email = staged.email`},
	listmatch.KeyWorkplace: {"1 = 1", `persons p JOIN pipeline pl ON pl.person_id = p.id AND pl.workplace_id = staged.workplace_id
		WHERE p.sort_key = staged.sort_key AND (p.birth_date = staged.birth_date OR (p.birth_date IS NULL AND staged.birth_date IS NULL))`, ""},
	listmatch.KeyMobile: {"mobile <> ''", `persons p WHERE p.mobile = staged.mobile`, ""},
	listmatch.KeyNameBirth: {"birth_date IS NOT NULL", `persons p WHERE p.birth_date = staged.birth_date AND p.sort_key = staged.sort_key`,
		`d.sort_key = staged.sort_key AND d.birth_date = staged.birth_date`},
}

// importFacts translates each of listmatch's facts about a staged row.
// TestImportFactsTranslated fails when the rules name one that has no SQL.
var importFacts = map[listmatch.Fact]string{
	listmatch.Repeat:        `dup_of IS NOT NULL`,
	listmatch.Unmatched:     `person_id IS NULL`,
	listmatch.PossibleMatch: `match IN ` + sqlSet(listmatch.Possible()...),
	listmatch.StudentMember: `EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = staged.person_id AND m.type = ` + sqlWord(model.TypeStudent) + ` AND m.status IN ` + currentStatuses + `)`,
	listmatch.Member:        `EXISTS (SELECT 1 FROM persons p WHERE p.id = staged.person_id AND p.member_status IN ` + currentStatuses + `)`,
	listmatch.OtherUnion:    `EXISTS (SELECT 1 FROM persons p WHERE p.id = staged.person_id AND p.other_union <> '')`,
	listmatch.InPipeline:    `EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = staged.person_id AND pl.workplace_id = staged.workplace_id)`,
}

// classifyImport is listmatch.Rules as one UPDATE of every staged row.
func classifyImport() string {
	q := `UPDATE staged SET class = CASE`
	for _, r := range listmatch.Rules {
		q += `
		WHEN ` + importFacts[r.Fact] + ` THEN ` + sqlWord(r.Class)
	}
	return q + ` ELSE ` + sqlWord(listmatch.Otherwise) + ` END`
}

// Statements the rules make, built once.
var (
	classifyRows = classifyImport()
	// joinsPipeline: the staged rows s whose class puts them into the pipeline.
	joinsPipeline = `s.class IN ` + sqlSet(listmatch.Pipeline...)
	// possibleMatch: a staged row matched by a key that only flags.
	possibleMatch = importFacts[listmatch.PossibleMatch]
)

// matchStep is the UPDATE that points the staged rows picked by rows, which
// match a person by key for whom cond holds, at that person: their id into
// idCol and the key's name into matchCol.
func matchStep(key model.MatchKey, idCol, matchCol, rows, cond string) string {
	k := importKeys[key]
	return `UPDATE staged SET ` + idCol + ` = (SELECT MIN(p.id) FROM ` + k.persons + ` AND ` + cond + `), ` + matchCol + ` = ` + sqlWord(key) + `
		WHERE ` + rows + ` AND ` + k.guard + ` AND EXISTS (SELECT 1 FROM ` + k.persons + ` AND ` + cond + `)`
}

// personScope is the condition that person p lies in the importer's
// scope, with its arguments.
func (im *importRun) personScope() (string, []any) {
	var a access.Args
	cond := im.u.Scope(access.PersonRead).FilterAt("p.unit_path", "p.workplace_id", &a)
	return cond, a
}

// dedup marks the rows that repeat an earlier row of the list, by each of
// listmatch.RepeatKeys in turn. It reads only the list, so it never needs
// to run again. (The first row with the key is found by equality alone,
// which the keys' indexes answer; "line < this line" would tempt SQLite
// into scanning the primary key, quadratic in the list's length.)
func (im *importRun) dedup(ctx context.Context) error {
	for _, key := range listmatch.RepeatKeys {
		k := importKeys[key]
		q := `UPDATE staged SET dup_of = NULLIF((SELECT MIN(d.line) FROM staged d WHERE ` + k.repeat + `), line)
			WHERE dup_of IS NULL AND ` + k.guard
		if err := im.exec(ctx, q); err != nil {
			return fmt.Errorf("import match: %w", err)
		}
	}
	return nil
}

// match finds, for every staged row that repeats no earlier one, the
// person it is, and classifies it. Only persons in the importer's scope
// are matched: a row that is someone outside it is a stranger to the
// importer, whatever Verve knows (see matchOutside). It starts over each
// time, so that a merge can match again.
func (im *importRun) match(ctx context.Context) error {
	if err := im.exec(ctx, `UPDATE staged SET person_id = NULL, match = '' WHERE person_id IS NOT NULL`); err != nil {
		return err
	}
	inScope, args := im.personScope()
	for _, k := range listmatch.Keys {
		if err := im.exec(ctx, matchStep(k.Name, "person_id", "match", "dup_of IS NULL AND person_id IS NULL", inScope), args...); err != nil {
			return fmt.Errorf("import match: %w", err)
		}
	}
	// A decision applies to a row still matched by a possible key only.
	for line, d := range im.req.Decisions {
		q := `UPDATE staged SET match = ` + sqlWord(listmatch.KeyConfirmed) + ` WHERE line = $1 AND ` + possibleMatch
		if d == DecideNew {
			q = `UPDATE staged SET person_id = NULL, match = '' WHERE line = $1 AND ` + possibleMatch
		}
		if err := im.exec(ctx, q, line); err != nil {
			return err
		}
	}
	return im.exec(ctx, classifyRows)
}

// report counts the classes and lists examples of each. A matched
// person's name is shown only to a user who may read that person.
func (im *importRun) report(ctx context.Context, res *ImportResult) error {
	rows, err := im.tx.QueryContext(ctx, `SELECT class, COUNT(*) FROM staged GROUP BY class`)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var class ImportClass
		var n int
		if err := rows.Scan(&class, &n); err != nil {
			return err
		}
		res.Counts[class] = n
		return nil
	})
	if err != nil {
		return err
	}
	for _, class := range ImportClasses {
		if res.Counts[class] == 0 {
			continue
		}
		limit := linesPerClass
		if class == ClassFlagged {
			limit = maxFlagged
		}
		a := access.Args{class, limit}
		visible := im.u.Scope(access.PersonRead).FilterAt("p.unit_path", "p.workplace_id", &a)
		rows, err := im.tx.QueryContext(ctx, `SELECT s.line, s.first_name || ' ' || s.last_name, s.workplace_id, s.class, s.match, COALESCE(s.dup_of, 0),
			CASE WHEN `+visible+` THEN p.id ELSE 0 END, CASE WHEN `+visible+` THEN p.first_name || ' ' || p.last_name ELSE '' END
			FROM staged s LEFT JOIN persons p ON p.id = s.person_id
			WHERE s.class = $1 ORDER BY s.line LIMIT $2`, a...)
		if err != nil {
			return err
		}
		err = eachRow(rows, func() error {
			var l ImportLine
			var pid sql.NullInt64
			var cand sql.NullString
			if err := rows.Scan(&l.Line, &l.Name, &l.WorkplaceID, &l.Class, &l.Match, &l.DupOf, &pid, &cand); err != nil {
				return err
			}
			l.PersonID, l.Candidate = pid.Int64, cand.String
			res.Lines = append(res.Lines, l)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// apply writes what the classes say: new prospects, known non-members
// moved to this workplace, their employments, pipeline entries and tasks,
// and one audit entry per person touched.
func (im *importRun) apply(ctx context.Context, res *ImportResult) error {
	now, today := im.s.now().UTC(), im.s.today()
	entry := listmatch.EntryFor(im.req.Kind)
	if err := im.reservePersonIDs(ctx); err != nil {
		return err
	}
	outside, err := im.matchOutside(ctx)
	if err != nil {
		return err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO persons (id, first_name, last_name, sort_key, search_key, birth_date, email, mobile, unit_id, unit_path, workplace_id, member_status, created_at, updated_at)
			SELECT s.person_id, s.first_name, s.last_name, s.sort_key, s.search_key, s.birth_date, s.email, s.mobile, w.unit_id, s.unit_path, s.workplace_id, 'prospect', $1, $1
			FROM staged s JOIN workplaces w ON w.id = s.workplace_id WHERE s.class = ` + sqlWord(ClassNew), []any{now}},
		// A known non-member on the list works here now.
		{`UPDATE persons SET workplace_id = (SELECT s.workplace_id FROM staged s WHERE s.person_id = persons.id AND s.class = ` + sqlWord(ClassExisting) + `),
				unit_path = (SELECT s.unit_path FROM staged s WHERE s.person_id = persons.id AND s.class = ` + sqlWord(ClassExisting) + `),
				unit_id = (SELECT w.unit_id FROM staged s JOIN workplaces w ON w.id = s.workplace_id WHERE s.person_id = persons.id AND s.class = ` + sqlWord(ClassExisting) + `),
				updated_at = $1
			WHERE id IN (SELECT s.person_id FROM staged s WHERE s.class = ` + sqlWord(ClassExisting) + `)`, []any{now}},
		{`INSERT INTO employments (person_id, workplace_id, start_date, position, department)
			SELECT s.person_id, s.workplace_id, COALESCE(s.start_date, $1), s.position, s.department FROM staged s
			WHERE ` + joinsPipeline + `
			AND NOT EXISTS (SELECT 1 FROM employments e WHERE e.person_id = s.person_id AND e.workplace_id = s.workplace_id AND e.end_date IS NULL)`, []any{today}},
		{`INSERT INTO pipeline (person_id, workplace_id, unit_path, import_id, kind, start_date, created_at)
			SELECT s.person_id, s.workplace_id, s.unit_path, $1, $2, s.start_date, $3 FROM staged s WHERE ` + joinsPipeline, []any{im.id, entry.Kind, now}},
		{`INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $1, $2, $3, CASE s.class WHEN ` + sqlWord(ClassNew) + ` THEN 'create' ELSE 'update' END, 'person', s.person_id, 'import', s.person_id,
				s.first_name || ' ' || s.last_name, $4 FROM staged s WHERE ` + joinsPipeline,
			[]any{now, nullID(im.u.UserID), im.u.Username, im.u.RemoteAddr}},
	}
	for _, st := range steps {
		if err := im.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	// The new prospects' words (search.go).
	for _, q := range wordsRefresh(im.s.dialect, `p.id IN (SELECT person_id FROM staged WHERE class = `+sqlWord(ClassNew)+`)`) {
		if err := im.exec(ctx, q); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	// Tasks are shared among each workplace's shop stewards (shareNewHires);
	// without any, they go to the importer if a steward of the club, else
	// the region's coordinator; due as listmatch.Due says (TestImportTasksDue).
	for wid, path := range im.paths {
		if err := im.shareNewHires(ctx, wid); err != nil {
			return err
		}
		owner := listmatch.ClubOwner(im.u, path, wid)
		if owner == 0 {
			var err error
			if owner, err = im.s.taskOwner(ctx, im.tx, wid); err != nil {
				return err
			}
		}
		err := im.exec(ctx, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			SELECT $1, $2, s.person_id, s.workplace_id, s.unit_path, COALESCE(s.owner_id, $3), CASE WHEN s.start_date > $4 THEN s.start_date ELSE $4 END, 'open', $5
			FROM staged s WHERE s.workplace_id = $6 AND `+joinsPipeline,
			entry.TaskKind, entry.Title, nullID(owner), today, now, wid)
		if err != nil {
			return err
		}
		err = im.exec(ctx, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			SELECT $1, $2, s.person_id, s.workplace_id, s.unit_path, $3, $4, 'open', $5
			FROM staged s WHERE s.workplace_id = $6 AND s.class = `+sqlWord(listmatch.Convert)+`
			AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = s.person_id AND t.kind = $1 AND t.status = 'open')`,
			model.TaskConvert, students.TaskTitle(), nullID(owner), today, now, wid)
		if err != nil {
			return err
		}
	}
	for _, m := range outside {
		if err := im.s.recordCandidate(ctx, im.tx, m.personID, m.candidateID, model.MatchFromImport, m.match, im.id); err != nil {
			return err
		}
	}
	rejected := im.req.rejected()
	if err := im.exec(ctx, `UPDATE imports SET rows_read = $2, rows_created = $3, rows_matched = $4, rows_error = $5 WHERE id = $1`,
		im.id, res.Rows+rejected, res.Counts[ClassNew], listmatch.Matched(res.Rows, res.Counts), rejected); err != nil {
		return err
	}
	return im.s.audit(ctx, im.tx, im.u, "import", "import", im.id, nil, 0, importDetail(im.req, res))
}

// outsideMatch is a new prospect from the list who may be a person outside
// the importer's scope.
type outsideMatch struct {
	personID, candidateID int64
	match                 model.MatchKey
}

// matchOutside finds the new rows that match a person outside the
// importer's scope. Such a row was reported, and is created, as a stranger:
// the importer learns nothing and the person is not touched. The pair is
// left for someone whose scope covers both to decide. Run on commit only,
// once the new rows have their person ids; the pairs are few.
func (im *importRun) matchOutside(ctx context.Context) ([]outsideMatch, error) {
	var a access.Args
	var roots int
	// Nobody is outside a scope that covers every root unit (an admin's).
	err := im.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units u WHERE u.parent_id IS NULL AND NOT `+
		im.u.Scope(access.PersonRead).Filter("u.path", &a), a...).Scan(&roots)
	if err != nil || roots == 0 {
		return nil, err
	}
	inScope, args := im.personScope()
	for _, k := range listmatch.Keys {
		if err := im.exec(ctx, matchStep(k.Name, "outside_id", "outside_match", "class = "+sqlWord(ClassNew)+" AND outside_id IS NULL", "NOT "+inScope), args...); err != nil {
			return nil, fmt.Errorf("import match: %w", err)
		}
	}
	rows, err := im.tx.QueryContext(ctx, `SELECT person_id, outside_id, outside_match FROM staged
		WHERE class = `+sqlWord(ClassNew)+` AND outside_id IS NOT NULL ORDER BY line`)
	if err != nil {
		return nil, err
	}
	var out []outsideMatch
	err = eachRow(rows, func() error {
		var m outsideMatch
		if err := rows.Scan(&m.personID, &m.candidateID, &m.match); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// reservePersonIDs gives each new row the id its person will have, so that
// the person's employment, pipeline entry and task can refer to it in the
// same set-wise INSERTs.
func (im *importRun) reservePersonIDs(ctx context.Context) error {
	q := `UPDATE staged SET person_id = (SELECT COALESCE(MAX(id), 0) FROM persons) + line WHERE class = ` + sqlWord(ClassNew)
	if im.s.dialect == Postgres {
		q = `UPDATE staged SET person_id = nextval(pg_get_serial_sequence('persons', 'id')) WHERE class = ` + sqlWord(ClassNew)
	}
	return im.exec(ctx, q)
}

// taskOwner is who gets a workplace's tasks, as pipeline.StewardRoles
// says; 0 leaves the task to the unit.
func (s *Storage) taskOwner(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workplaceID int64) (int64, error) {
	var unitID int64
	if err := q.QueryRowContext(ctx, `SELECT unit_id FROM workplaces WHERE id = $1`, workplaceID).Scan(&unitID); err != nil {
		return 0, err
	}
	return s.unitOwner(ctx, q, unitID, s.today())
}

// unitOwner is who gets a task about a unit's member, as
// pipeline.StewardRoles says (the first by person id of those in office
// today on the unit itself: a steward of one of its workplaces does not
// reach the others); 0 when nobody is.
func (s *Storage) unitOwner(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, unitID int64, today time.Time) (int64, error) {
	var owner sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(
		(SELECT MIN(r.person_id) FROM roles r
			WHERE r.unit_id = $1 AND r.workplace_id IS NULL AND r.role IN `+sqlSet(pipeline.StewardRoles...)+` AND r.start_date <= $2 AND (r.end_date IS NULL OR r.end_date > $2)),
		(SELECT MIN(r.person_id) FROM roles r JOIN org_units ru ON ru.id = r.unit_id, org_units u
			WHERE u.id = $1 AND r.role = `+sqlWord(pipeline.CoordinatorRole)+` AND r.start_date <= $2 AND (r.end_date IS NULL OR r.end_date > $2) AND ru.kind = `+sqlWord(model.UnitRegion)+`
			AND substr(u.path, 1, length(ru.path)) = ru.path))`, unitID, date(today)).Scan(&owner)
	return owner.Int64, err
}

// stage loads the rows into staged: COPY on PostgreSQL, one prepared row
// at a time on SQLite (see bulk.go for why).
func (im *importRun) stage(ctx context.Context, rows iter.Seq2[ImportRow, error]) (int, error) {
	var sink stageSink = &copySink{ctx: ctx, conn: im.conn}
	if im.s.dialect == SQLite {
		stmt, err := im.tx.PrepareContext(ctx, `INSERT INTO staged (`+strings.Join(stageColumns, ", ")+`) VALUES `+placeholders(1, len(stageColumns)))
		if err != nil {
			return 0, err
		}
		defer stmt.Close()
		sink = &stmtSink{ctx: ctx, stmt: stmt}
	}
	n := 0
	for r, err := range rows {
		if err != nil {
			return n, err
		}
		v, err := im.stageValues(ctx, r)
		if err != nil {
			return n, err
		}
		if err := sink.add(v); err != nil {
			return n, err
		}
		n++
	}
	if err := sink.flush(); err != nil {
		return n, err
	}
	// Statistics for the planner: PostgreSQL's autovacuum never analyses
	// a temporary table.
	_, err := im.tx.ExecContext(ctx, `ANALYZE staged`)
	return n, err
}

// stageSink takes staged rows and writes them, at once or in batches.
type stageSink interface {
	add(values []any) error
	flush() error
}

// stmtSink writes each row with a prepared statement.
type stmtSink struct {
	ctx  context.Context
	stmt *sql.Stmt
}

func (k *stmtSink) add(v []any) error {
	_, err := k.stmt.ExecContext(k.ctx, v...)
	return err
}

func (k *stmtSink) flush() error { return nil }
