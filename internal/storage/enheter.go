package storage

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/enheter"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// EnheterRequest describes one load of Enhetsregisteret's sub-units.
type EnheterRequest struct {
	Filename string
	// Add decides which units that are not yet workplaces become new ones
	// (enheter.Selection.Wants); nil adds none.
	Add func(enheter.Unit) bool
	// Under is the org unit new workplaces are placed under; 0 for the
	// union itself (the root), where union admins see them until a unit
	// takes them over.
	Under int64
}

// EnheterResult is what a load did.
type EnheterResult struct {
	Units   int // units read from the file
	Updated int // workplaces updated from the register
	Closed  int // of those, units the register has closed
	Added   int // workplaces added
	Missing int // workplaces with an orgnr the file does not hold
	// Merge is how long the load held the writer (other writers wait
	// for it on SQLite).
	Merge time.Duration
}

// enheterStaged holds the units of a load that concern Verve (those of
// its workplaces and those to add) until the merge: a TEMP table on the
// load's connection, as Import stages a list (imports.go), so reading a
// file of a million units holds no write lock. orgnr is unique: a unit
// the file repeats is staged once.
const enheterStaged = `CREATE TEMP TABLE enheter_staged (
	orgnr TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sort_key {{text_c}} NOT NULL,
	address TEXT NOT NULL,
	postal_code TEXT NOT NULL,
	postal_place TEXT NOT NULL,
	municipality TEXT NOT NULL,
	municipality_no TEXT NOT NULL,
	nace_code TEXT NOT NULL,
	nace_text TEXT NOT NULL,
	parent_orgnr TEXT NOT NULL,
	employees INTEGER,
	closed_date DATE,
	add_new INTEGER NOT NULL)`

var enheterStagedColumns = []string{"orgnr", "name", "sort_key", "address", "postal_code", "postal_place", "municipality",
	"municipality_no", "nace_code", "nace_text", "parent_orgnr", "employees", "closed_date", "add_new"}

// ImportEnheter updates the workplaces whose orgnr the register holds
// (name, address, municipality, industry, hovedenhet, closing day and, when
// the register gives one, the number of employees that density is counted
// against) and adds the units req.Add wants that Verve does not have. The
// file is read once, as a stream: only units that concern Verve are kept,
// staged, then merged in one transaction, audited once with the counts.
// An error from units (a broken or cut-short file) leaves everything as
// it was. Only a union-wide administrator (or the command line) may load
// the register.
func (s *Storage) ImportEnheter(ctx context.Context, u *access.Principal, req EnheterRequest, units iter.Seq2[enheter.Unit, error]) (*EnheterResult, error) {
	if err := needPrincipal(u); err != nil {
		return nil, err
	}
	if !u.UnionWide(access.UserAdmin) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "enheter.forbidden")
	}
	under := req.Under
	if under == 0 {
		var err error
		if under, err = s.RootUnit(ctx); err != nil {
			return nil, err
		}
	} else if err := s.r.QueryRowContext(ctx, `SELECT id FROM org_units WHERE id = $1`, under).Scan(&under); err != nil {
		return nil, notFound(err, "err.unit.notfound")
	}
	conn, err := s.st.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	drop := `DROP TABLE IF EXISTS ` + tempSchema[s.dialect] + `.enheter_staged`
	if _, err := conn.ExecContext(ctx, drop); err != nil {
		return nil, err
	}
	if s.dialect == SQLite {
		// No rollback journal for the TEMP database (see createStage).
		if _, err := conn.ExecContext(ctx, `PRAGMA temp.journal_mode = OFF`); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, ddl(s.dialect, enheterStaged)); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), drop)

	res := &EnheterResult{}
	var known map[string]bool // orgnr -> seen in the file
	// ReadOnly: writes only the TEMP table, so no write lock (see Import).
	err = connTx(ctx, conn, &sql.TxOptions{ReadOnly: true}, func(tx *sql.Tx) error {
		var err error
		if known, err = workplaceOrgnrs(ctx, tx); err != nil {
			return err
		}
		return s.stageEnheter(ctx, tx, req, units, known, res)
	})
	if err != nil {
		return nil, err
	}
	if s.st != s.w {
		// Hold SQLite's writer while the merge writes through conn, so
		// other writers of this process queue in Go (see merge).
		token, err := s.w.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer token.Close()
	}
	t0 := time.Now()
	defer func() { res.Merge = time.Since(t0) }()
	err = connTx(ctx, conn, nil, func(tx *sql.Tx) error {
		today := date(s.today())
		r, err := tx.ExecContext(ctx, `UPDATE workplaces SET
			name = CASE WHEN s.name <> '' THEN s.name ELSE workplaces.name END,
			sort_key = CASE WHEN s.name <> '' THEN s.sort_key ELSE workplaces.sort_key END,
			address = s.address, postal_code = s.postal_code, postal_place = s.postal_place,
			municipality = s.municipality, municipality_no = s.municipality_no,
			nace_code = s.nace_code, nace_text = s.nace_text, parent_orgnr = s.parent_orgnr, closed_date = s.closed_date,
			employees = COALESCE(s.employees, workplaces.employees), register_date = $1
			FROM enheter_staged s WHERE workplaces.orgnr = s.orgnr`, today)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err == nil {
			res.Updated = int(n)
		}
		r, err = tx.ExecContext(ctx, `INSERT INTO workplaces (unit_id, name, sort_key, orgnr, municipality, municipality_no, postal_code,
			employees, address, postal_place, nace_code, nace_text, parent_orgnr, closed_date, register_date)
			SELECT $1, s.name, s.sort_key, s.orgnr, s.municipality, s.municipality_no, s.postal_code,
			COALESCE(s.employees, 0), s.address, s.postal_place, s.nace_code, s.nace_text, s.parent_orgnr, s.closed_date, $2
			FROM enheter_staged s WHERE s.add_new = 1 AND NOT EXISTS (SELECT 1 FROM workplaces w WHERE w.orgnr = s.orgnr)
			ORDER BY s.sort_key`, under, today)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err == nil {
			res.Added = int(n)
		}
		return s.audit(ctx, tx, u, "import", "workplace", 0, []string{"name", "address", "municipality", "nace_code", "employees", "parent_orgnr"}, 0,
			enheter.AuditDetail(req.Filename, res.Units, res.Updated, res.Closed, res.Added, res.Missing))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// workplaceOrgnrs is every workplace's orgnr: a load keeps only the units
// of these (and those it adds), however large the file.
func workplaceOrgnrs(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT orgnr FROM workplaces`)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	err = eachRow(rows, func() error {
		var o string
		err := rows.Scan(&o)
		known[o] = false
		return err
	})
	return known, err
}

// stageEnheter reads units and stages those that concern Verve in batches.
func (s *Storage) stageEnheter(ctx context.Context, tx *sql.Tx, req EnheterRequest, units iter.Seq2[enheter.Unit, error],
	known map[string]bool, res *EnheterResult) error {
	batch := postgresBulkRows
	if s.dialect == SQLite {
		batch = sqliteBulkRows // see Bulk
	}
	cols := len(enheterStagedColumns)
	insert := `INSERT INTO enheter_staged (` + strings.Join(enheterStagedColumns, ", ") + `) VALUES `
	full, err := tx.PrepareContext(ctx, insert+placeholders(batch, cols)+` ON CONFLICT (orgnr) DO NOTHING`)
	if err != nil {
		return err
	}
	defer full.Close()
	buf := make([]any, 0, batch*cols)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		var err error
		if len(buf) == batch*cols {
			_, err = full.ExecContext(ctx, buf...)
		} else {
			_, err = tx.ExecContext(ctx, insert+placeholders(len(buf)/cols, cols)+` ON CONFLICT (orgnr) DO NOTHING`, buf...)
		}
		buf = buf[:0]
		return err
	}
	matched := 0
	for unit, err := range units {
		if err != nil {
			return err
		}
		res.Units++
		if res.Units%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		seen, isKnown := known[unit.Orgnr]
		add := !isKnown && req.Add != nil && req.Add(unit)
		if !isKnown && !add {
			continue
		}
		if isKnown && !seen {
			known[unit.Orgnr] = true
			matched++
			if !unit.Closed.IsZero() {
				res.Closed++
			}
		}
		var employees any
		if unit.HasEmployees {
			employees = unit.Employees
		}
		addNew := 0
		if add {
			addNew = 1
		}
		buf = append(buf, unit.Orgnr, unit.Name, norway.SortKey(unit.Name), unit.Address, unit.PostalCode, unit.PostalPlace,
			unit.Municipality, unit.MunicipalityNo, unit.NACE, unit.NACEText, unit.Parent, employees, date(unit.Closed), addNew)
		if len(buf) == batch*cols {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	res.Missing = len(known) - matched
	return flush()
}

// SubUnitsOf lists the workplaces the user may see whose hovedenhet is
// parentOrgnr, alphabetically: how a register export that names an
// employer by its hovedenhet finds the workplace meant. One is the answer;
// several are for an administrator to choose among.
func (s *Storage) SubUnitsOf(ctx context.Context, u *access.Principal, parentOrgnr string) ([]*model.Workplace, error) {
	orgnr, err := norway.NormalizeOrgnr(parentOrgnr)
	if ne := (*norway.Error)(nil); errors.As(err, &ne) {
		return nil, model.ErrorKey(model.EINVALID, ne.Key)
	} else if err != nil {
		return nil, err
	}
	var a access.Args
	return s.listWorkplaces(ctx, `w.parent_orgnr = `+a.Add(orgnr)+` AND `+workplaceFilter(u.Scope(access.WorkplaceRead), &a)+` ORDER BY w.sort_key, w.id`, a...)
}

// listWorkplaces returns the workplaces (w, joined to their unit u) that
// cond, with its ordering and limit, selects.
func (s *Storage) listWorkplaces(ctx context.Context, cond string, args ...any) ([]*model.Workplace, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+workplaceColumns+` FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	var out []*model.Workplace
	err = eachRow(rows, func() error {
		w, err := scanWorkplace(rows)
		out = append(out, w)
		return err
	})
	return out, err
}

// ParentChoice is a workplace that carries the organisasjonsnummer of a
// hovedenhet (a register export named the employer by it), with the
// sub-units Enhetsregisteret gives it: an administrator chooses the one
// meant, and the workplace is merged into it.
type ParentChoice struct {
	Workplace *model.Workplace
	SubUnits  []*model.Workplace
}

// ParentChoices lists, alphabetically, at most limit workplaces u
// administers whose organisasjonsnummer is the hovedenhet of other
// workplaces, each with those of its sub-units u administers too (the
// merge needs both).
func (s *Storage) ParentChoices(ctx context.Context, u *access.Principal, limit int) ([]ParentChoice, error) {
	if err := needPrincipal(u); err != nil {
		return nil, err
	}
	admin := u.Scope(access.OrgUnitWrite)
	var a access.Args
	parents, err := s.listWorkplaces(ctx, `w.orgnr <> '' AND EXISTS (SELECT 1 FROM workplaces sw WHERE sw.parent_orgnr = w.orgnr AND sw.id <> w.id)
		AND `+admin.Filter("u.path", &a)+` ORDER BY w.sort_key, w.id LIMIT `+a.Add(limit), a...)
	if err != nil {
		return nil, err
	}
	out := make([]ParentChoice, len(parents))
	for i, p := range parents {
		a := access.Args{p.Orgnr, p.ID}
		out[i].Workplace = p
		if out[i].SubUnits, err = s.listWorkplaces(ctx, `w.parent_orgnr = $1 AND w.id <> $2 AND `+admin.Filter("u.path", &a)+` ORDER BY w.sort_key, w.id`, a...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ResolveParent merges the workplace that carries a hovedenhet's number
// into the sub-unit the administrator chose, which must be one of its
// sub-units (MergeWorkplaces, audited).
func (s *Storage) ResolveParent(ctx context.Context, u *access.Principal, id, subUnitID int64) error {
	var orgnr, parent string
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT orgnr FROM workplaces WHERE id = $1), (SELECT parent_orgnr FROM workplaces WHERE id = $2)`, id, subUnitID).
		Scan(&orgnr, &parent)
	if err != nil || orgnr == "" || orgnr != parent {
		if err := needPrincipal(u); err != nil {
			return err
		}
		return model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
	}
	// The choice is remembered, so that the register's next load finds
	// the sub-unit for the hovedenhet's number (loadWorkplaces).
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mergeWorkplaces(ctx, tx, u, id, subUnitID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO orgnr_choices (orgnr, workplace_id, chosen_at) VALUES ($1, $2, $3)
			ON CONFLICT (orgnr) DO UPDATE SET workplace_id = excluded.workplace_id, chosen_at = excluded.chosen_at`, orgnr, subUnitID, s.now().UTC())
		return err
	})
}

// connTx runs fn in a transaction on conn that commits only if fn succeeds.
func connTx(ctx context.Context, conn *sql.Conn, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
