package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// CreateUnit adds an org unit below parentID (0 for the union itself) and
// sets its materialised path. The user must administer the parent.
func (s *Storage) CreateUnit(ctx context.Context, u *access.Principal, unit *model.OrgUnit) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		parentPath, parentKind, parentClosed := "/", model.UnitKind(""), false
		if unit.ParentID != 0 {
			if err := tx.QueryRowContext(ctx, `SELECT path, kind, closed_on IS NOT NULL FROM org_units WHERE id = $1`, unit.ParentID).Scan(&parentPath, &parentKind, &parentClosed); err != nil {
				return notFound(err, "err.unit.parent.notfound")
			}
		}
		if err := checkCreateUnit(u, unit, parentPath, parentKind, parentClosed); err != nil {
			return err
		}
		// The path needs the new id; a unique placeholder keeps the
		// UNIQUE constraint satisfied until it is set.
		err := tx.QueryRowContext(ctx, `INSERT INTO org_units (parent_id, kind, name, sort_key, path, county) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			nullID(unit.ParentID), unit.Kind, unit.Name, norway.SortKey(unit.Name), parentPath+"new/", unit.County).Scan(&unit.ID)
		if err != nil {
			return err
		}
		unit.Path = parentPath + strconv.FormatInt(unit.ID, 10) + "/"
		if _, err := tx.ExecContext(ctx, `UPDATE org_units SET path = $1 WHERE id = $2`, unit.Path, unit.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "org_unit", unit.ID, []string{"kind", "name", "parent_id"}, 0, unit.Name)
	})
}

// UnitCount is an org unit with the number of members in it and below it.
type UnitCount struct {
	model.OrgUnit
	Members int
	Depth   int
}

// UnitTree lists the org units the user may see, in tree order (each unit
// followed by its children, alphabetically), with the member counts of the
// user's scope: a unit on the tree only for the workplaces of a portfolio
// it holds (portfolioUnits) counts their members alone.
func (s *Storage) UnitTree(ctx context.Context, u *access.Principal) ([]UnitCount, error) {
	scope := u.Scope(access.OrgUnitRead)
	var a access.Args
	rows, err := s.r.QueryContext(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.kind, o.name, o.path, o.county
		FROM org_units o WHERE o.closed_on IS NULL AND (`+scope.Filter("o.path", &a)+` AND (o.kind <> 'club' OR `+ownUnits(scope, &a)+`)
		OR `+portfolioUnits(scope, &a)+`) ORDER BY o.sort_key`, a...)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*UnitCount{}
	var units []*UnitCount
	err = eachRow(rows, func() error {
		var c UnitCount
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Kind, &c.Name, &c.Path, &c.County); err != nil {
			return err
		}
		units = append(units, &c)
		byID[c.ID] = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.unitMembers(ctx, scope, units); err != nil {
		return nil, err
	}
	children := map[int64][]*UnitCount{}
	var roots []*UnitCount
	for _, c := range units {
		if byID[c.ParentID] == nil {
			roots = append(roots, c)
		} else {
			children[c.ParentID] = append(children[c.ParentID], c)
		}
	}
	var out []UnitCount
	var walk func(c *UnitCount, depth int)
	walk = func(c *UnitCount, depth int) {
		c.Depth = depth
		out = append(out, *c)
		for _, ch := range children[c.ID] {
			walk(ch, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out, nil
}

// unitMembers gives units (UnitTree's, in scope) their members in scope
// (aggregates.go): a unit in the scope's subtrees has all of its own, a
// row of subtree_counts (a root's, its regions'); a unit that holds
// workplaces of the scope's outside them (portfolioUnits) sums those
// workplaces' rows of person_counts. An admin's tree at a million members
// summed all 17,000 rows of person_counts on every request.
func (s *Storage) unitMembers(ctx context.Context, scope access.Scope, units []*UnitCount) error {
	inTree := func(path string) bool {
		return slices.ContainsFunc(scope.Paths, func(p string) bool { return strings.HasPrefix(path, p) })
	}
	byPath := map[string]*UnitCount{}
	var paths []any
	for _, c := range units {
		byPath[c.Path] = c
		switch {
		case !inTree(c.Path):
		case strings.Count(c.Path, "/") > 2:
			paths = append(paths, c.Path)
		default: // a root: its own row and its regions'
			n, err := s.memberSum(ctx, access.Scope{Paths: []string{c.Path}})
			if err != nil {
				return err
			}
			c.Members = n
		}
	}
	for chunk := range slices.Chunk(paths, 500) {
		rows, err := s.r.QueryContext(ctx, `SELECT path, members FROM subtree_counts WHERE path IN `+placeholders(1, len(chunk)), chunk...)
		if err != nil {
			return err
		}
		if err := eachRow(rows, func() error {
			var path string
			var n int
			if err := rows.Scan(&path, &n); err != nil {
				return err
			}
			byPath[path].Members = n
			return nil
		}); err != nil {
			return err
		}
	}
	if len(scope.Workplaces) == 0 {
		return nil
	}
	// The portfolio's workplaces outside the subtrees, added to the units
	// named in their path that the tree shows.
	var a access.Args
	rows, err := s.r.QueryContext(ctx, `SELECT c.unit_path, SUM(c.members) FROM person_counts c WHERE c.members <> 0 AND `+
		access.Scope{Workplaces: scope.Workplaces}.FilterAt("", "c.workplace_id", &a)+` AND NOT (`+scope.Filter("c.unit_path", &a)+`) GROUP BY c.unit_path`, a...)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			return err
		}
		for i := 1; i < len(path); i++ {
			if c := byPath[path[:i+1]]; path[i] == '/' && c != nil {
				c.Members += n
			}
		}
		return nil
	})
}

// ownUnits is a condition matching the units a scope is rooted at, so a
// club's steward sees their club although the tree leaves clubs out (they
// are listed per workplace on each branch's page).
func ownUnits(scope access.Scope, a *access.Args) string {
	if len(scope.Paths) == 0 {
		return "1 = 0"
	}
	ph := make([]string, len(scope.Paths))
	for i, p := range scope.Paths {
		ph[i] = a.Add(p)
	}
	return "o.path IN (" + strings.Join(ph, ", ") + ")"
}

// portfolioUnits is a condition matching the units that hold one of the
// scope's workplaces (a portfolio's) directly: the user sees such a unit,
// outside their subtrees, with those workplaces only (WorkplacesUnder).
func portfolioUnits(scope access.Scope, a *access.Args) string {
	if len(scope.Workplaces) == 0 {
		return "1 = 0"
	}
	return `o.id IN (SELECT pw.unit_id FROM workplaces pw WHERE ` + access.Scope{Workplaces: scope.Workplaces}.FilterAt("", "pw.id", a) + `)`
}

// unitFilter is the condition that org unit o lies in scope: in one of its
// subtrees, or holding one of its workplaces (portfolioUnits).
func unitFilter(scope access.Scope, a *access.Args) string {
	return `(` + scope.Filter("o.path", a) + ` OR ` + portfolioUnits(scope, a) + `)`
}

// Unit returns an org unit the user may see: one in their subtrees, or one
// that holds a workplace of their portfolio. Any other answers as a unit
// that does not exist.
func (s *Storage) Unit(ctx context.Context, u *access.Principal, id int64) (*model.OrgUnit, error) {
	var a access.Args
	var o model.OrgUnit
	err := s.r.QueryRowContext(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.kind, o.name, o.path, o.county FROM org_units o
		WHERE o.id = `+a.Add(id)+` AND `+unitFilter(u.Scope(access.OrgUnitRead), &a), a...).
		Scan(&o.ID, &o.ParentID, &o.Kind, &o.Name, &o.Path, &o.County)
	if err != nil {
		return nil, notFound(err, "err.unit.notfound")
	}
	return &o, nil
}

// RootUnit returns the id of the union, the root of the tree.
func (s *Storage) RootUnit(ctx context.Context) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&id)
	return id, notFound(err, "err.union.notfound")
}
