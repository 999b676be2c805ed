package storage

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// grantScopes adds to p's grants the further subtrees and workplaces their
// roles were given, company groups resolved to their workplaces today.
func (s *Storage) grantScopes(ctx context.Context, p *access.Principal, today time.Time) error {
	if len(p.Grants) == 0 {
		return nil
	}
	active := `JOIN roles r ON r.id = s.role_id WHERE r.person_id = $1 AND r.start_date <= $2 AND (r.end_date IS NULL OR r.end_date > $2)`
	rows, err := s.rd.QueryContext(ctx, `SELECT s.role_id, o.path, 0 FROM role_scopes s JOIN org_units o ON o.id = s.unit_id `+active+`
		UNION ALL SELECT s.role_id, '', s.workplace_id FROM role_scopes s `+active+` AND s.workplace_id IS NOT NULL
		UNION ALL SELECT s.role_id, '', w.id FROM role_scopes s JOIN workplaces w ON w.parent_orgnr = s.parent_orgnr `+active+` AND s.parent_orgnr <> ''`,
		p.PersonID, date(today))
	if err != nil {
		return err
	}
	byRole := map[int64]*access.Grant{}
	for i := range p.Grants {
		byRole[p.Grants[i].RoleID] = &p.Grants[i]
	}
	return eachRow(rows, func() error {
		var roleID, wp int64
		var path string
		if err := rows.Scan(&roleID, &path, &wp); err != nil {
			return err
		}
		g := byRole[roleID]
		switch {
		case g == nil:
		case path != "":
			g.Subtrees = append(g.Subtrees, path)
		case !slices.Contains(g.Workplaces, wp):
			g.Workplaces = append(g.Workplaces, wp)
		}
		return nil
	})
}

// roleInScope returns role id, when u may administer users where it is
// held.
func roleInScope(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, u *access.Principal, roleID int64) (*model.Role, error) {
	var r model.Role
	var end sql.NullTime
	err := db.QueryRowContext(ctx, `SELECT r.id, r.person_id, p.first_name || ' ' || p.last_name, r.role, r.unit_id, o.name, o.path, r.start_date, r.end_date
		FROM roles r JOIN org_units o ON o.id = r.unit_id JOIN persons p ON p.id = r.person_id WHERE r.id = $1`, roleID).
		Scan(&r.ID, &r.PersonID, &r.Person, &r.Role, &r.UnitID, &r.UnitName, &r.UnitPath, &r.StartDate, &end)
	if err == nil && !u.Scope(access.UserAdmin).Contains(r.UnitPath) {
		err = sql.ErrNoRows
	}
	r.EndDate = end.Time
	return &r, notFound(err, "err.role.notfound")
}

// AddRoleScope gives a role a further subtree, workplace or company group.
// The user must administer users where the role is held and where it is
// to reach; a company group spans the union, so only union-wide admins
// give one.
func (s *Storage) AddRoleScope(ctx context.Context, u *access.Principal, rs *model.RoleScope) error {
	n := 0
	for _, set := range []bool{rs.UnitID != 0, rs.WorkplaceID != 0, rs.ParentOrgnr != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return model.ErrorKey(model.EINVALID, "err.rolescope.one")
	}
	if rs.ParentOrgnr != "" {
		orgnr, err := norway.NormalizeOrgnr(rs.ParentOrgnr)
		if err != nil {
			return model.ErrorKey(model.EINVALID, "err.rolescope.orgnr")
		}
		rs.ParentOrgnr = orgnr
	}
	admin := u.Scope(access.UserAdmin)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		role, err := roleInScope(ctx, tx, u, rs.RoleID)
		if err != nil {
			return err
		}
		var path string
		switch {
		case rs.UnitID != 0:
			err = tx.QueryRowContext(ctx, `SELECT path, name FROM org_units WHERE id = $1`, rs.UnitID).Scan(&path, &rs.Name)
		case rs.WorkplaceID != 0:
			err = tx.QueryRowContext(ctx, `SELECT o.path, w.name FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.id = $1`, rs.WorkplaceID).Scan(&path, &rs.Name)
		case !u.UnionWide(access.UserAdmin):
			return model.ErrorKey(model.EFORBIDDEN, "err.rolescope.group")
		}
		if err == nil && path != "" && !admin.ContainsAt(path, rs.WorkplaceID) {
			err = sql.ErrNoRows
		}
		if err != nil {
			return notFound(err, "err.rolescope.notfound")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO role_scopes (role_id, unit_id, workplace_id, parent_orgnr) VALUES ($1, $2, $3, $4) RETURNING id`,
			rs.RoleID, nullID(rs.UnitID), nullID(rs.WorkplaceID), rs.ParentOrgnr).Scan(&rs.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "role_scope", rs.ID, []string{"role_id", "unit_id", "workplace_id", "parent_orgnr"}, role.PersonID, rs.ParentOrgnr)
	})
}

// RemoveRoleScope takes a further subtree, workplace or company group from
// a role.
func (s *Storage) RemoveRoleScope(ctx context.Context, u *access.Principal, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var roleID int64
		if err := tx.QueryRowContext(ctx, `SELECT role_id FROM role_scopes WHERE id = $1`, id).Scan(&roleID); err != nil {
			return notFound(err, "err.rolescope.notfound")
		}
		role, err := roleInScope(ctx, tx, u, roleID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_scopes WHERE id = $1`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "delete", "role_scope", id, nil, role.PersonID, "")
	})
}

// RoleScopes returns a role and what it was given beyond its unit's
// subtree.
func (s *Storage) RoleScopes(ctx context.Context, u *access.Principal, roleID int64) (*model.Role, []model.RoleScope, error) {
	role, err := roleInScope(ctx, s.r, u, roleID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT s.id, s.role_id, COALESCE(s.unit_id, 0), COALESCE(s.workplace_id, 0), s.parent_orgnr, COALESCE(o.name, w.name, '')
			FROM role_scopes s LEFT JOIN org_units o ON o.id = s.unit_id LEFT JOIN workplaces w ON w.id = s.workplace_id
			WHERE s.role_id = $1 ORDER BY s.id`, roleID)
	if err != nil {
		return nil, nil, err
	}
	var out []model.RoleScope
	err = eachRow(rows, func() error {
		var rs model.RoleScope
		if err := rows.Scan(&rs.ID, &rs.RoleID, &rs.UnitID, &rs.WorkplaceID, &rs.ParentOrgnr, &rs.Name); err != nil {
			return err
		}
		out = append(out, rs)
		return nil
	})
	return role, out, err
}

// PortfolioWorkplaces lists, alphabetically with their figures, the
// workplaces the user's roles hold as a portfolio rather than by a subtree.
func (s *Storage) PortfolioWorkplaces(ctx context.Context, u *access.Principal, limit int) ([]*WorkplaceSummary, error) {
	ids := u.Scope(access.WorkplaceRead).Workplaces
	if len(ids) == 0 {
		return nil, nil
	}
	a := access.Args{date(s.today())}
	q := workplaceSummarySQL + access.Scope{Workplaces: ids}.FilterAt("u.path", "w.id", &a) + ` ORDER BY w.sort_key LIMIT ` + a.Add(limit)
	return s.workplaceSummaries(ctx, q, a)
}

// workplaceFilter is the condition that workplace w, joined to its org unit
// u, lies in sc. Subtrees alone are ranges on u.path; with a portfolio, an
// OR across the two tables would scan every workplace, so the workplaces
// in scope are gathered first, each part by its own index, and w is
// matched by id.
func workplaceFilter(sc access.Scope, a *access.Args) string {
	if len(sc.Workplaces) == 0 {
		return sc.Filter("u.path", a)
	}
	return `w.id IN (SELECT sw.id FROM workplaces sw JOIN org_units su ON su.id = sw.unit_id WHERE ` + access.Scope{Paths: sc.Paths}.Filter("su.path", a) +
		` UNION SELECT sw.id FROM workplaces sw WHERE ` + access.Scope{Workplaces: sc.Workplaces}.FilterAt("", "sw.id", a) + `)`
}
