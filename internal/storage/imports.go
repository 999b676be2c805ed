package storage

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// Kinds of employer list.
const (
	ImportNewhires = "newhires" // new hires: each gets a welcome task
	ImportStaff    = "staff"    // the full staff list: the unorganised get ask tasks
)

// Classes of imported row, decided by matching against the persons Verve
// already knows.
const (
	ClassNew        = "new"         // unknown: becomes a prospect
	ClassExisting   = "existing"    // a known non-member: joins the pipeline
	ClassPipeline   = "pipeline"    // already being asked here: nothing new
	ClassMember     = "member"      // already a member: not asked
	ClassStudent    = "student"     // a student member: due for conversion
	ClassOtherUnion = "other_union" // member of another union: not asked
	ClassFlagged    = "flagged"     // a possible match a person must decide
	ClassDuplicate  = "duplicate"   // repeats an earlier row of the same list
)

// ImportClasses lists the classes in report order.
var ImportClasses = []string{ClassNew, ClassExisting, ClassPipeline, ClassMember, ClassStudent, ClassOtherUnion, ClassFlagged, ClassDuplicate}

// Decisions on a flagged row.
const (
	DecideMerge = "merge" // it is the matched person
	DecideNew   = "new"   // it is someone else
)

// ImportRow is one valid row of a list, routed to a workplace.
type ImportRow struct {
	model.NewHire
	WorkplaceID int64
}

// ImportRequest describes one list being previewed or committed.
type ImportRequest struct {
	Kind        string
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
	Class       string
	Match       string // fnr, email, workplace, mobile, name_birth
	PersonID    int64
	Candidate   string
	DupOf       int
}

// ImportResult is what a list did, or would do.
type ImportResult struct {
	ImportID  int64 // 0 for a preview
	Rows      int
	Counts    map[string]int
	Lines     []ImportLine // up to linesPerClass of each class, flagged rows up to maxFlagged
	Committed bool
}

const (
	linesPerClass = 100
	maxFlagged    = 1000
)

// Import matches the rows of an employer list against the persons Verve
// knows and, if req.Commit, creates the prospects, employments, pipeline
// entries and tasks, all in one transaction: every row or none. A preview
// runs the very same steps and rolls back, so it cannot disagree with the
// commit.
func (s *Storage) Import(ctx context.Context, u *access.Principal, req ImportRequest, rows iter.Seq2[ImportRow, error]) (*ImportResult, error) {
	if req.Kind != ImportNewhires && req.Kind != ImportStaff {
		return nil, model.Errorf(model.EINVALID, "Ukjent listetype %q.", req.Kind)
	}
	res := &ImportResult{Counts: map[string]int{}}
	err := s.inConnTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		im := &importRun{s: s, u: u, tx: tx, req: req, paths: map[int64]string{}}
		if err := im.begin(ctx); err != nil {
			return err
		}
		n, err := s.stage(ctx, conn, tx, im, rows)
		if err != nil {
			return err
		}
		// Without statistics SQLite reads "import_id = $1" through the
		// name index and so fetches the staged rows in random order, a
		// page-cache miss per row on a large list; with them it reads the
		// table in order (1,000,000 rows: 444 s → 237 s).
		if s.dialect == SQLite {
			if _, err := tx.ExecContext(ctx, `ANALYZE import_stage`); err != nil {
				return err
			}
		}
		res.Rows = n
		if err := im.match(ctx); err != nil {
			return err
		}
		if err := im.report(ctx, res); err != nil {
			return err
		}
		if !req.Commit {
			return errPreview
		}
		if err := im.apply(ctx, res); err != nil {
			return err
		}
		res.ImportID, res.Committed = im.id, true
		return nil
	})
	if err == errPreview {
		// The preview rolled back; what was looked at is audited on its own.
		err = s.audit(ctx, s.w, u, "preview", "workplace", req.WorkplaceID, nil, 0, importDetail(req, res))
	}
	return res, err
}

// importCounts are the rows a list matched to known persons and the rows
// its reader rejected.
func importCounts(req ImportRequest, res *ImportResult) (matched, rejected int) {
	matched = res.Rows - res.Counts[ClassNew] - res.Counts[ClassFlagged] - res.Counts[ClassDuplicate]
	if req.Rejected != nil {
		rejected = req.Rejected()
	}
	return matched, rejected
}

// importDetail is a list's line in the audit log: its name and counts,
// never a personal value.
func importDetail(req ImportRequest, res *ImportResult) string {
	matched, rejected := importCounts(req, res)
	return fmt.Sprintf("%s: %d rader, %d nye, %d kjente, %d å avgjøre, %d gjentatt, %d feil", req.Filename, res.Rows,
		res.Counts[ClassNew], matched, res.Counts[ClassFlagged], res.Counts[ClassDuplicate], rejected)
}

// errPreview rolls a preview's transaction back.
var errPreview = fmt.Errorf("preview")

type importRun struct {
	s     *Storage
	u     *access.Principal
	tx    *sql.Tx
	req   ImportRequest
	id    int64
	paths map[int64]string // workplace id -> unit path, checked against the user's scope
}

func (im *importRun) exec(ctx context.Context, q string, args ...any) error {
	_, err := im.tx.ExecContext(ctx, q, append([]any{im.id}, args...)...)
	return err
}

// begin records the import, whose id keys the staged rows.
func (im *importRun) begin(ctx context.Context) error {
	path, err := im.workplacePath(ctx, im.req.WorkplaceID)
	if err != nil {
		return err
	}
	return im.tx.QueryRowContext(ctx, `INSERT INTO imports (kind, workplace_id, unit_path, filename, source, lawful_basis, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		im.req.Kind, im.req.WorkplaceID, path, im.req.Filename, im.req.Source, im.req.LawfulBasis,
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
		return "", notFound(err, "arbeidsplassen")
	}
	if !im.u.Scope(access.NewhireImport).Contains(path) {
		return "", model.Errorf(model.ENOTFOUND, "Fant ikke arbeidsplassen.")
	}
	im.paths[id] = path
	return path, nil
}

// stageValues is one row of import_stage, in stageColumns order.
func (im *importRun) stageValues(ctx context.Context, r ImportRow) ([]any, error) {
	path, err := im.workplacePath(ctx, r.WorkplaceID)
	if err != nil {
		return nil, err
	}
	sortKey, searchKey := personKeys(&model.Person{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Mobile: r.Mobile})
	return []any{im.id, r.Line, r.WorkplaceID, path, r.FirstName, r.LastName, sortKey, searchKey, date(r.BirthDate),
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

var stageColumns = []string{"import_id", "line", "workplace_id", "unit_path", "first_name", "last_name", "sort_key", "search_key",
	"birth_date", "fnr_hash", "email", "mobile", "start_date", "position", "department"}

// matchKey is one way a staged row may be a known person: persons names
// the persons p it matches (FROM … WHERE …), guard the rows that can match
// at all.
type matchKey struct{ name, guard, persons string }

// matchKeys, strongest first. Fødselsnummer, e-mail and an open pipeline
// entry at the same workplace under the same name and birth date are
// certain; mobile or name and birth date elsewhere are only flagged.
var matchKeys = []matchKey{
	{"fnr", "fnr_hash <> ''", `persons p WHERE p.fnr_hash = import_stage.fnr_hash`},
	{"email", "email <> ''", `persons p WHERE p.email = import_stage.email`},
	{"workplace", "1 = 1", `persons p JOIN pipeline pl ON pl.person_id = p.id AND pl.workplace_id = import_stage.workplace_id
		WHERE p.sort_key = import_stage.sort_key AND (p.birth_date = import_stage.birth_date OR (p.birth_date IS NULL AND import_stage.birth_date IS NULL))`},
	{"mobile", "mobile <> ''", `persons p WHERE p.mobile = import_stage.mobile`},
	{"name_birth", "birth_date IS NOT NULL", `persons p WHERE p.birth_date = import_stage.birth_date AND p.sort_key = import_stage.sort_key`},
}

// matchStep is the UPDATE that points the staged rows picked by rows, which
// match a person by k for whom cond holds, at that person: their id into
// idCol and k's name into matchCol.
func matchStep(k matchKey, idCol, matchCol, rows, cond string) string {
	return `UPDATE import_stage SET ` + idCol + ` = (SELECT MIN(p.id) FROM ` + k.persons + ` AND ` + cond + `), ` + matchCol + ` = '` + k.name + `'
		WHERE import_id = $1 AND ` + rows + ` AND ` + k.guard + ` AND EXISTS (SELECT 1 FROM ` + k.persons + ` AND ` + cond + `)`
}

// personScope is the condition that person p lies in the importer's
// scope, with its arguments numbered from $2 (after the import id).
func (im *importRun) personScope() (string, []any) {
	a := access.Args{im.id}
	cond := im.u.Scope(access.PersonRead).Filter("p.unit_path", &a)
	return cond, a[1:]
}

// match finds, for every staged row, an earlier row it repeats or the
// person it is, and classifies it. Only persons in the importer's scope
// are matched: a row that is someone outside it is a stranger to the
// importer, whatever Verve knows (see matchOutside).
func (im *importRun) match(ctx context.Context) error {
	// Repeats within the list, by each key in turn.
	// (The first row with the key is found by equality alone, which the
	// keys' indexes answer; "line < this line" would tempt SQLite into
	// scanning the primary key, quadratic in the list's length.)
	dups := []string{
		`UPDATE import_stage SET dup_of = NULLIF((SELECT MIN(d.line) FROM import_stage d WHERE d.import_id = $1 AND d.fnr_hash = import_stage.fnr_hash), line)
			WHERE import_id = $1 AND fnr_hash <> ''`,
		`UPDATE import_stage SET dup_of = NULLIF((SELECT MIN(d.line) FROM import_stage d WHERE d.import_id = $1 AND d.email = import_stage.email), line)
			WHERE import_id = $1 AND dup_of IS NULL AND email <> ''`,
		`UPDATE import_stage SET dup_of = NULLIF((SELECT MIN(d.line) FROM import_stage d WHERE d.import_id = $1 AND d.sort_key = import_stage.sort_key
			AND d.birth_date = import_stage.birth_date), line)
			WHERE import_id = $1 AND dup_of IS NULL AND birth_date IS NOT NULL`,
	}
	for _, q := range dups {
		if err := im.exec(ctx, q); err != nil {
			return fmt.Errorf("import match: %w", err)
		}
	}
	inScope, args := im.personScope()
	for _, k := range matchKeys {
		if err := im.exec(ctx, matchStep(k, "person_id", "match", "dup_of IS NULL AND person_id IS NULL", inScope), args...); err != nil {
			return fmt.Errorf("import match: %w", err)
		}
	}
	for line, d := range im.req.Decisions {
		q := `UPDATE import_stage SET match = 'confirmed' WHERE import_id = $1 AND line = $2 AND match IN ('mobile', 'name_birth')`
		if d == DecideNew {
			q = `UPDATE import_stage SET person_id = NULL, match = '' WHERE import_id = $1 AND line = $2 AND match IN ('mobile', 'name_birth')`
		}
		if err := im.exec(ctx, q, line); err != nil {
			return err
		}
	}
	return im.exec(ctx, `UPDATE import_stage SET class = CASE
		WHEN dup_of IS NOT NULL THEN 'duplicate'
		WHEN person_id IS NULL THEN 'new'
		WHEN match IN ('mobile', 'name_birth') THEN 'flagged'
		WHEN EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = import_stage.person_id AND m.type = 'student' AND m.status IN ('active', 'arrears')) THEN 'student'
		WHEN EXISTS (SELECT 1 FROM persons p WHERE p.id = import_stage.person_id AND p.member_status IN ('active', 'arrears')) THEN 'member'
		WHEN EXISTS (SELECT 1 FROM persons p WHERE p.id = import_stage.person_id AND p.other_union <> '') THEN 'other_union'
		WHEN EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = import_stage.person_id AND pl.workplace_id = import_stage.workplace_id) THEN 'pipeline'
		ELSE 'existing' END
		WHERE import_id = $1`)
}

// report counts the classes and lists examples of each. A matched
// person's name is shown only to a user who may read that person.
func (im *importRun) report(ctx context.Context, res *ImportResult) error {
	rows, err := im.tx.QueryContext(ctx, `SELECT class, COUNT(*) FROM import_stage WHERE import_id = $1 GROUP BY class`, im.id)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var class string
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
		a := access.Args{im.id, class, limit}
		visible := im.u.Scope(access.PersonRead).Filter("p.unit_path", &a)
		rows, err := im.tx.QueryContext(ctx, `SELECT s.line, s.first_name || ' ' || s.last_name, s.workplace_id, s.class, s.match, COALESCE(s.dup_of, 0),
			CASE WHEN `+visible+` THEN p.id ELSE 0 END, CASE WHEN `+visible+` THEN p.first_name || ' ' || p.last_name ELSE '' END
			FROM import_stage s LEFT JOIN persons p ON p.id = s.person_id
			WHERE s.import_id = $1 AND s.class = $2 ORDER BY s.line LIMIT $3`, a...)
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
	kind, taskKind, title := "newhire", model.TaskWelcome, "Velkomstsamtale med ny kollega"
	if im.req.Kind == ImportStaff {
		kind, taskKind, title = "unorganised", model.TaskAsk, "Spør om medlemskap"
	}
	if err := im.s.reservePersonIDs(ctx, im.tx, im.id); err != nil {
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
			SELECT s.person_id, s.first_name, s.last_name, s.sort_key, s.search_key, s.birth_date, s.email, s.mobile, w.unit_id, s.unit_path, s.workplace_id, 'prospect', $2, $2
			FROM import_stage s JOIN workplaces w ON w.id = s.workplace_id WHERE s.import_id = $1 AND s.class = 'new'`, []any{now}},
		// A known non-member on the list works here now.
		{`UPDATE persons SET workplace_id = (SELECT s.workplace_id FROM import_stage s WHERE s.import_id = $1 AND s.person_id = persons.id AND s.class = 'existing'),
				unit_path = (SELECT s.unit_path FROM import_stage s WHERE s.import_id = $1 AND s.person_id = persons.id AND s.class = 'existing'),
				unit_id = (SELECT w.unit_id FROM import_stage s JOIN workplaces w ON w.id = s.workplace_id WHERE s.import_id = $1 AND s.person_id = persons.id AND s.class = 'existing'),
				updated_at = $2
			WHERE id IN (SELECT s.person_id FROM import_stage s WHERE s.import_id = $1 AND s.class = 'existing')`, []any{now}},
		{`INSERT INTO employments (person_id, workplace_id, start_date, position, department)
			SELECT s.person_id, s.workplace_id, COALESCE(s.start_date, $2), s.position, s.department FROM import_stage s
			WHERE s.import_id = $1 AND s.class IN ('new', 'existing')
			AND NOT EXISTS (SELECT 1 FROM employments e WHERE e.person_id = s.person_id AND e.workplace_id = s.workplace_id AND e.end_date IS NULL)`, []any{today}},
		{`INSERT INTO pipeline (person_id, workplace_id, unit_path, import_id, kind, start_date, created_at)
			SELECT s.person_id, s.workplace_id, s.unit_path, $1, $2, s.start_date, $3 FROM import_stage s WHERE s.import_id = $1 AND s.class IN ('new', 'existing')`, []any{kind, now}},
		{`INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $2, $3, $4, CASE s.class WHEN 'new' THEN 'create' ELSE 'update' END, 'person', s.person_id, 'import', s.person_id,
				s.first_name || ' ' || s.last_name, $5 FROM import_stage s WHERE s.import_id = $1 AND s.class IN ('new', 'existing')`,
			[]any{now, nullID(im.u.UserID), im.u.Username, im.u.RemoteAddr}},
	}
	for _, st := range steps {
		if err := im.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	// Tasks go to each workplace's shop steward, or the region's coordinator.
	for wid, path := range im.paths {
		owner := clubOwner(im.u, path)
		if owner == 0 {
			var err error
			if owner, err = im.s.taskOwner(ctx, im.tx, wid); err != nil {
				return err
			}
		}
		err := im.exec(ctx, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			SELECT $2, $3, s.person_id, s.workplace_id, s.unit_path, $4, CASE WHEN s.start_date > $5 THEN s.start_date ELSE $5 END, 'open', $6
			FROM import_stage s WHERE s.import_id = $1 AND s.workplace_id = $7 AND s.class IN ('new', 'existing')`,
			taskKind, title, nullID(owner), today, now, wid)
		if err != nil {
			return err
		}
		err = im.exec(ctx, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			SELECT $2, $3, s.person_id, s.workplace_id, s.unit_path, $4, $5, 'open', $6
			FROM import_stage s WHERE s.import_id = $1 AND s.workplace_id = $7 AND s.class = 'student'
			AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = s.person_id AND t.kind = $2 AND t.status = 'open')`,
			model.TaskConvert, "Overgang fra studentmedlemskap", nullID(owner), today, now, wid)
		if err != nil {
			return err
		}
	}
	for _, m := range outside {
		if err := im.s.recordCandidate(ctx, im.tx, m.personID, m.candidateID, MatchFromImport, m.match, im.id); err != nil {
			return err
		}
	}
	matched, rejected := importCounts(im.req, res)
	if err := im.exec(ctx, `UPDATE imports SET rows_read = $2, rows_created = $3, rows_matched = $4, rows_error = $5 WHERE id = $1`,
		res.Rows+rejected, res.Counts[ClassNew], matched, rejected); err != nil {
		return err
	}
	if err := im.s.audit(ctx, im.tx, im.u, "import", "import", im.id, nil, 0, importDetail(im.req, res)); err != nil {
		return err
	}
	return im.exec(ctx, `DELETE FROM import_stage WHERE import_id = $1`)
}

// outsideMatch is a new prospect from the list who may be a person outside
// the importer's scope.
type outsideMatch struct {
	personID, candidateID int64
	match                 string
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
	for _, k := range matchKeys {
		if err := im.exec(ctx, matchStep(k, "outside_id", "outside_match", "class = 'new' AND outside_id IS NULL", "NOT "+inScope), args...); err != nil {
			return nil, fmt.Errorf("import match: %w", err)
		}
	}
	rows, err := im.tx.QueryContext(ctx, `SELECT person_id, outside_id, outside_match FROM import_stage
		WHERE import_id = $1 AND class = 'new' AND outside_id IS NOT NULL ORDER BY line`, im.id)
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

// clubOwner is the importing user, when they are a shop steward or club
// leader for the workplace: whoever fetched the list makes the welcome.
func clubOwner(u *access.Principal, path string) int64 {
	if u == nil || u.PersonID == 0 {
		return 0
	}
	for _, g := range u.Grants {
		switch g.Role {
		case model.RoleShopSteward, model.RoleChiefShopSteward, model.RoleClubLeader:
			if strings.HasPrefix(path, g.UnitPath) {
				return u.PersonID
			}
		}
	}
	return 0
}

// reservePersonIDs gives each new row the id its person will have, so that
// the person's employment, pipeline entry and task can refer to it in the
// same set-wise INSERTs.
func (s *Storage) reservePersonIDs(ctx context.Context, tx *sql.Tx, importID int64) error {
	q := `UPDATE import_stage SET person_id = (SELECT COALESCE(MAX(id), 0) FROM persons) + line WHERE import_id = $1 AND class = 'new'`
	if s.dialect == Postgres {
		q = `UPDATE import_stage SET person_id = nextval(pg_get_serial_sequence('persons', 'id')) WHERE import_id = $1 AND class = 'new'`
	}
	_, err := tx.ExecContext(ctx, q, importID)
	return err
}

// taskOwner is who gets a workplace's tasks: its first shop steward, or
// else the coordinator of its region; 0 leaves the task to the unit.
func (s *Storage) taskOwner(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workplaceID int64) (int64, error) {
	var owner sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(
		(SELECT MIN(r.person_id) FROM roles r JOIN workplaces w ON w.unit_id = r.unit_id
			WHERE w.id = $1 AND r.role IN ('shop_steward', 'chief_shop_steward') AND r.end_date IS NULL),
		(SELECT MIN(r.person_id) FROM roles r JOIN org_units ru ON ru.id = r.unit_id, workplaces w JOIN org_units wu ON wu.id = w.unit_id
			WHERE w.id = $1 AND r.role = 'recruitment_coordinator' AND r.end_date IS NULL AND ru.kind = 'region'
			AND substr(wu.path, 1, length(ru.path)) = ru.path))`, workplaceID).Scan(&owner)
	return owner.Int64, err
}

// stage loads the rows into import_stage: COPY on PostgreSQL, one
// prepared row at a time on SQLite (see bulk.go for why).
func (s *Storage) stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, im *importRun, rows iter.Seq2[ImportRow, error]) (int, error) {
	var sink stageSink = &copySink{ctx: ctx, conn: conn}
	if s.dialect == SQLite {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_stage (`+strings.Join(stageColumns, ", ")+`) VALUES `+placeholders(1, len(stageColumns)))
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
	return n, sink.flush()
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

// inConnTx runs fn in a write transaction on one connection, so that
// driver-level work on that connection (PostgreSQL COPY) joins the
// transaction.
func (s *Storage) inConnTx(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// Even a panic must end the transaction, or conn.Close would wait for
	// it forever and SQLite's one writer with it.
	defer tx.Rollback()
	if err := fn(conn, tx); err != nil {
		return err
	}
	return tx.Commit()
}
