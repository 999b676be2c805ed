package storage

import (
	"context"
	"database/sql"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

const workplaceColumns = `w.id, w.unit_id, u.path, w.name, w.orgnr, w.municipality, w.municipality_no, w.postal_code, w.employees, w.sector,
	w.address, w.postal_place, w.nace_code, w.nace_text, w.parent_orgnr, w.closed_date, w.register_date`

// scanWorkplaceAnd scans workplaceColumns into w, then more.
func scanWorkplaceAnd(row interface{ Scan(...any) error }, w *model.Workplace, more ...any) error {
	var closed, reg sql.NullTime
	err := row.Scan(append([]any{&w.ID, &w.UnitID, &w.UnitPath, &w.Name, &w.Orgnr, &w.Municipality, &w.MunicipalityNo, &w.PostalCode, &w.Employees, &w.Sector,
		&w.Address, &w.PostalPlace, &w.NACE, &w.NACEText, &w.ParentOrgnr, &closed, &reg}, more...)...)
	w.Closed, w.RegisterDate = timeOf(closed), timeOf(reg)
	return err
}

func scanWorkplace(row interface{ Scan(...any) error }) (*model.Workplace, error) {
	var w model.Workplace
	return &w, scanWorkplaceAnd(row, &w)
}

// Workplace returns a workplace the user may see.
func (s *Storage) Workplace(ctx context.Context, u *access.Principal, id int64) (*model.Workplace, error) {
	var a access.Args
	w, err := scanWorkplace(s.r.QueryRowContext(ctx, `SELECT `+workplaceColumns+` FROM workplaces w JOIN org_units u ON u.id = w.unit_id
		WHERE w.id = `+a.Add(id)+` AND `+workplaceFilter(u.Scope(access.WorkplaceRead), &a), a...))
	if err != nil {
		return nil, notFound(err, "err.workplace.notfound")
	}
	return w, nil
}

// CreateWorkplace validates and stores a workplace owned by an org unit
// the user administers.
func (s *Storage) CreateWorkplace(ctx context.Context, u *access.Principal, w *model.Workplace) error {
	orgnr, err := norway.NormalizeOrgnr(w.Orgnr)
	if err != nil {
		return &model.Error{Code: model.EINVALID, Message: err.Error(), Fields: map[string]string{"orgnr": err.Error()}}
	}
	w.Orgnr = orgnr
	return s.inTx(ctx, func(tx *sql.Tx) error {
		unit, err := s.adminUnit(ctx, tx, u, w.UnitID, false)
		if err != nil {
			return err
		}
		w.UnitPath = unit.Path
		err = tx.QueryRowContext(ctx, `INSERT INTO workplaces (unit_id, name, sort_key, orgnr, municipality, municipality_no, postal_code, employees, sector)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, w.UnitID, w.Name, norway.SortKey(w.Name), w.Orgnr,
			w.Municipality, w.MunicipalityNo, w.PostalCode, w.Employees, w.Sector).Scan(&w.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return model.ErrorKey(model.ECONFLICT, "err.workplace.taken", "orgnr", w.Orgnr)
			}
			return err
		}
		return s.audit(ctx, tx, u, "create", "workplace", w.ID, []string{"name", "orgnr", "unit_id"}, 0, w.Name)
	})
}

// WorkplaceSummary is a workplace with its organising figures.
type WorkplaceSummary struct {
	model.Workplace
	Members     int
	OtherUnion  int
	NonMembers  int
	Stewards    int
	OpenWelcome int
}

// Density is members per employee, 0 when the employee count is unknown.
func (w WorkplaceSummary) Density() float64 {
	if w.Employees <= 0 {
		return 0
	}
	return float64(w.Members) / float64(w.Employees)
}

// workplaceSummarySQL computes the figures for the workplaces matched by
// the WHERE clause that callers append; person figures come from the
// aggregates (aggregates.go). The members are those whose workplace it
// is and those employed there besides (employment_counts).
var workplaceSummarySQL = `SELECT ` + workplaceColumns + `,
	(SELECT COALESCE(SUM(c.members), 0) FROM person_counts c WHERE c.workplace_id = w.id) +
		(SELECT COALESCE(SUM(x.members), 0) FROM employment_counts x WHERE x.workplace_id = w.id),
	(SELECT COALESCE(SUM(c.other_union), 0) FROM person_counts c WHERE c.workplace_id = w.id),
	(SELECT COALESCE(SUM(c.non_members), 0) FROM person_counts c WHERE c.workplace_id = w.id),
	(SELECT count(*) FROM roles r WHERE r.unit_id = w.unit_id AND (r.workplace_id IS NULL OR r.workplace_id = w.id) AND r.role IN ` + stewardRoles + ` AND ` + inOffice("r", "$1") + `),
	(SELECT count(*) FROM tasks t WHERE t.workplace_id = w.id AND t.kind = 'welcome' AND t.status = 'open')
	FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE `

func scanSummary(row interface{ Scan(...any) error }) (*WorkplaceSummary, error) {
	var ws WorkplaceSummary
	err := scanWorkplaceAnd(row, &ws.Workplace, &ws.Members, &ws.OtherUnion, &ws.NonMembers, &ws.Stewards, &ws.OpenWelcome)
	return &ws, err
}

// WorkplaceSummary returns one workplace with its figures.
func (s *Storage) WorkplaceSummary(ctx context.Context, u *access.Principal, id int64) (*WorkplaceSummary, error) {
	a := access.Args{date(s.today())}
	ws, err := scanSummary(s.r.QueryRowContext(ctx, workplaceSummarySQL+`w.id = `+a.Add(id)+` AND `+
		workplaceFilter(u.Scope(access.WorkplaceRead), &a), a...))
	if err != nil {
		return nil, notFound(err, "err.workplace.notfound")
	}
	return ws, nil
}

// WorkplacesUnder lists the workplaces below an org unit path that the user
// may see, alphabetically, with their figures.
func (s *Storage) WorkplacesUnder(ctx context.Context, u *access.Principal, path string, limit int) ([]*WorkplaceSummary, error) {
	a := access.Args{date(s.today())}
	q := workplaceSummarySQL + access.Scope{Paths: []string{path}}.Filter("u.path", &a) + ` AND ` +
		workplaceFilter(u.Scope(access.WorkplaceRead), &a) + ` ORDER BY w.sort_key LIMIT ` + a.Add(limit)
	return s.workplaceSummaries(ctx, q, a)
}

// workplaceSummaries runs a query of workplaceSummarySQL.
func (s *Storage) workplaceSummaries(ctx context.Context, q string, a access.Args) ([]*WorkplaceSummary, error) {
	rows, err := s.r.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*WorkplaceSummary
	for rows.Next() {
		ws, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ws)
	}
	return out, rows.Err()
}

// WorkplaceByOrgnr finds a workplace the user may see by its organisasjonsnummer.
func (s *Storage) WorkplaceByOrgnr(ctx context.Context, u *access.Principal, orgnr string) (*model.Workplace, error) {
	var a access.Args
	w, err := scanWorkplace(s.r.QueryRowContext(ctx, `SELECT `+workplaceColumns+` FROM workplaces w JOIN org_units u ON u.id = w.unit_id
		WHERE w.orgnr = `+a.Add(orgnr)+` AND `+workplaceFilter(u.Scope(access.WorkplaceRead), &a), a...))
	if err != nil {
		return nil, notFound(err, "err.workplace.notfound")
	}
	return w, nil
}
