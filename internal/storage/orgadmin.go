package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// pathColumns are the tables that keep a copy of an org unit's materialised
// path, so that scoping stays one indexed range per subtree. Moving or
// closing a unit rewrites every one of them in the same transaction.
var pathColumns = []struct{ table, col string }{
	{"persons", "unit_path"},
	{"tasks", "unit_path"},
	{"pipeline", "unit_path"},
	{"imports", "unit_path"},
	{"match_candidates", "unit_path"},
}

// mayAdmin refuses u unless it may administer the unit at path
// (access.OrgUnitWrite there; System principals may everywhere). A unit
// the user cannot even see is not found, so that the answer does not tell
// whether it exists.
func mayAdmin(u *access.Principal, path string) error {
	if err := needPrincipal(u); err != nil {
		return err
	}
	if u.Scope(access.OrgUnitWrite).Contains(path) {
		return nil
	}
	if u.Scope(access.OrgUnitRead).Contains(path) {
		return model.ErrorKey(model.EFORBIDDEN, "err.orgadmin.forbidden")
	}
	return model.ErrorKey(model.ENOTFOUND, "err.unit.notfound")
}

// AdminUnit is an org unit as its administrators see it.
type AdminUnit struct {
	model.OrgUnit
	ClosedOn time.Time
	Depth    int
}

// Closed reports whether the unit has been closed.
func (a AdminUnit) Closed() bool { return !a.ClosedOn.IsZero() }

// adminUnit loads a unit for a change by u: it must exist, lie in u's
// administration scope and, unless closedOK, be open.
func (s *Storage) adminUnit(ctx context.Context, q queryer, u *access.Principal, id int64, closedOK bool) (*AdminUnit, error) {
	var o AdminUnit
	var closed sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, COALESCE(parent_id, 0), kind, name, path, county, closed_on FROM org_units WHERE id = $1`, id).
		Scan(&o.ID, &o.ParentID, &o.Kind, &o.Name, &o.Path, &o.County, &closed)
	if err != nil {
		if err := needPrincipal(u); err != nil {
			return nil, err
		}
		return nil, notFound(err, "err.unit.notfound")
	}
	if err := mayAdmin(u, o.Path); err != nil {
		return nil, err
	}
	if closed.Valid {
		o.ClosedOn = closed.Time
		if !closedOK {
			return nil, model.ErrorKey(model.ECONFLICT, "err.unit.closed")
		}
	}
	return &o, nil
}

// queryer is what both *sql.DB and *sql.Tx offer for reading.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// AdminUnit returns a unit u may administer, closed or open.
func (s *Storage) AdminUnit(ctx context.Context, u *access.Principal, id int64) (*AdminUnit, error) {
	return s.adminUnit(ctx, s.r, u, id, true)
}

// AdminUnits lists the open units u may administer, in tree order (each
// unit followed by its children, alphabetically): the choices of a form
// that moves something.
func (s *Storage) AdminUnits(ctx context.Context, u *access.Principal) ([]AdminUnit, error) {
	var a access.Args
	rows, err := s.r.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), kind, name, path, county FROM org_units
		WHERE closed_on IS NULL AND `+u.Scope(access.OrgUnitWrite).Filter("path", &a)+` ORDER BY sort_key`, a...)
	if err != nil {
		return nil, err
	}
	var all []*AdminUnit
	byID := map[int64]bool{}
	err = eachRow(rows, func() error {
		var o AdminUnit
		if err := rows.Scan(&o.ID, &o.ParentID, &o.Kind, &o.Name, &o.Path, &o.County); err != nil {
			return err
		}
		all = append(all, &o)
		byID[o.ID] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	children := map[int64][]*AdminUnit{}
	var roots []*AdminUnit
	for _, o := range all {
		if byID[o.ParentID] {
			children[o.ParentID] = append(children[o.ParentID], o)
		} else {
			roots = append(roots, o)
		}
	}
	out := make([]AdminUnit, 0, len(all))
	var walk func(o *AdminUnit, depth int)
	walk = func(o *AdminUnit, depth int) {
		o.Depth = depth
		out = append(out, *o)
		for _, c := range children[o.ID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out, nil
}

// checkCreateUnit is CreateUnit's check of a new unit below the parent at
// parentPath (of parentKind, closed or not): u may administer the parent
// (only System may make the union itself) and the unit is valid.
func checkCreateUnit(u *access.Principal, unit *model.OrgUnit, parentPath string, parentKind model.UnitKind, parentClosed bool) error {
	if err := mayAdmin(u, parentPath); err != nil {
		return err
	}
	if parentClosed {
		return model.ErrorKey(model.ECONFLICT, "err.unit.closed")
	}
	return unit.ValidateUnit(parentKind)
}

// RenameUnit gives a unit a new name.
func (s *Storage) RenameUnit(ctx context.Context, u *access.Principal, id int64, name string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		o, err := s.adminUnit(ctx, tx, u, id, false)
		if err != nil {
			return err
		}
		old := o.Name
		o.Name = name
		if err := o.ValidateUnit(""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_units SET name = $1, sort_key = $2 WHERE id = $3`, o.Name, norway.SortKey(o.Name), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "rename", "org_unit", id, []string{"name"}, 0, old+" → "+o.Name)
	})
}

// MoveUnit puts a unit, with everything below it, under a new parent. The
// materialised path of every unit, workplace, person, task and list below
// it changes in the same transaction. A unit cannot move under itself or
// one of its own descendants, and the union itself does not move.
func (s *Storage) MoveUnit(ctx context.Context, u *access.Principal, id, parentID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		o, err := s.adminUnit(ctx, tx, u, id, false)
		if err != nil {
			return err
		}
		if o.ParentID == 0 {
			return model.ErrorKey(model.EINVALID, "err.unit.moveroot")
		}
		parent, err := s.adminUnit(ctx, tx, u, parentID, false)
		if err != nil {
			return err
		}
		if strings.HasPrefix(parent.Path, o.Path) {
			return model.ErrorKey(model.EINVALID, "err.unit.moveunder", "name", o.Name, "parent", parent.Name).
				WithField("parent", "err.unit.moveunder.field")
		}
		if !model.KindBelow(o.Kind, parent.Kind) {
			return model.ErrorKey(model.EINVALID, "err.unit.kindbelow").WithField("parent", "err.unit.kindbelow")
		}
		if parent.ID == o.ParentID {
			return nil
		}
		var oldParent string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1`, o.ParentID).Scan(&oldParent); err != nil {
			return err
		}
		newPath := parent.Path + strconv.FormatInt(o.ID, 10) + "/"
		if err := rewritePaths(ctx, tx, o.Path, newPath, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_units SET parent_id = $1 WHERE id = $2`, parent.ID, o.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "move", "org_unit", o.ID, []string{"parent_id"}, 0, oldParent+" → "+parent.Name)
	})
}

// rewritePaths replaces the path prefix old by new in the org units (when
// units) and in every table that copies a path.
func rewritePaths(ctx context.Context, tx *sql.Tx, old, new string, units bool) error {
	sub := access.Scope{Paths: []string{old}}
	cols := pathColumns
	if units {
		cols = append(slices.Clone(cols), struct{ table, col string }{"org_units", "path"})
	}
	for _, c := range cols {
		a := access.Args{new, len(old) + 1}
		q := `UPDATE ` + c.table + ` SET ` + c.col + ` = CAST($1 AS TEXT) || substr(` + c.col + `, $2) WHERE ` + sub.Filter(c.col, &a)
		if _, err := tx.ExecContext(ctx, q, a...); err != nil {
			return err
		}
	}
	return nil
}

// ClosePreview is what closing a unit would move or end.
type ClosePreview struct {
	Unit       AdminUnit
	SubUnits   int // open units below: they must be moved or closed first
	Workplaces int
	Persons    int
	Members    int
	Roles      int
	Tasks      int
	// RewardLevels are the recruiting prizes of the unit: they go with
	// its people to the unit they move to.
	RewardLevels int
	// Portfolios are the roles elsewhere given the unit's subtree as a
	// further scope (role_scopes): the entries are removed, for the unit
	// the people move to may reach much further.
	Portfolios int
}

// HasContent reports whether anything must go to another unit.
func (p ClosePreview) HasContent() bool {
	return p.Workplaces+p.Persons+p.Tasks+p.RewardLevels > 0
}

// PreviewClose counts what closing a unit would move or end.
func (s *Storage) PreviewClose(ctx context.Context, u *access.Principal, id int64) (*ClosePreview, error) {
	o, err := s.adminUnit(ctx, s.r, u, id, false)
	if err != nil {
		return nil, err
	}
	return s.previewClose(ctx, s.r, o)
}

func (s *Storage) previewClose(ctx context.Context, q queryer, o *AdminUnit) (*ClosePreview, error) {
	p := &ClosePreview{Unit: *o}
	sub := access.Scope{Paths: []string{o.Path}}
	for _, c := range []struct {
		n           *int
		query, path string
		args        access.Args
	}{
		{&p.SubUnits, `SELECT count(*) FROM org_units x WHERE x.closed_on IS NULL AND x.id <> $1 AND `, "x.path", access.Args{o.ID}},
		{&p.Workplaces, `SELECT count(*) FROM workplaces w JOIN org_units x ON x.id = w.unit_id WHERE `, "x.path", nil},
		{&p.Persons, `SELECT count(*) FROM persons x WHERE `, "x.unit_path", nil},
		{&p.Members, `SELECT count(*) FROM persons x WHERE x.member_status IN ('active', 'arrears') AND `, "x.unit_path", nil},
		{&p.Roles, `SELECT count(*) FROM roles r JOIN org_units x ON x.id = r.unit_id WHERE r.source <> $1 AND (r.end_date IS NULL OR r.end_date > $2) AND `, "x.path", access.Args{fromRegister, date(s.today())}},
		{&p.Tasks, `SELECT count(*) FROM tasks x WHERE x.status = 'open' AND `, "x.unit_path", nil},
		{&p.RewardLevels, `SELECT count(*) FROM reward_levels l JOIN org_units x ON x.id = l.unit_id WHERE `, "x.path", nil},
		{&p.Portfolios, `SELECT count(*) FROM role_scopes rs JOIN org_units x ON x.id = rs.unit_id WHERE `, "x.path", nil},
	} {
		if err := q.QueryRowContext(ctx, c.query+sub.Filter(c.path, &c.args), c.args...).Scan(c.n); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// CloseUnit closes a unit: its workplaces, persons, tasks and reward
// levels go to the unit `to`, its roles end today, the further scopes
// that name it are removed, and it is marked closed. Open units
// below must be moved or closed first, and a unit with anything in it
// cannot close without saying where that goes (to is 0 otherwise).
func (s *Storage) CloseUnit(ctx context.Context, u *access.Principal, id, to int64) (*ClosePreview, error) {
	var preview *ClosePreview
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		o, err := s.adminUnit(ctx, tx, u, id, false)
		if err != nil {
			return err
		}
		if o.ParentID == 0 {
			return model.ErrorKey(model.EINVALID, "err.unit.closeroot")
		}
		if preview, err = s.previewClose(ctx, tx, o); err != nil {
			return err
		}
		if preview.SubUnits > 0 {
			return model.ErrorKey(model.ECONFLICT, "err.unit.close.subunits", "n", preview.SubUnits)
		}
		today := s.today()
		detail := ""
		if preview.HasContent() {
			if to == 0 {
				return model.ErrorKey(model.EINVALID, "err.unit.close.target", "members", preview.Members, "workplaces", preview.Workplaces).
					WithField("to", "err.unit.close.target.field")
			}
			target, err := s.adminUnit(ctx, tx, u, to, false)
			if err != nil {
				return err
			}
			if strings.HasPrefix(target.Path, o.Path) {
				return model.ErrorKey(model.EINVALID, "err.unit.close.self").WithField("to", "err.unit.close.self")
			}
			sub := access.Scope{Paths: []string{o.Path}}
			a := access.Args{target.ID}
			if _, err := tx.ExecContext(ctx, `UPDATE workplaces SET unit_id = $1 WHERE unit_id IN (SELECT id FROM org_units WHERE `+
				sub.Filter("path", &a)+`)`, a...); err != nil {
				return err
			}
			a = access.Args{target.ID, target.Path}
			if _, err := tx.ExecContext(ctx, `UPDATE persons SET unit_id = $1, unit_path = $2 WHERE `+sub.Filter("unit_path", &a), a...); err != nil {
				return err
			}
			for _, c := range pathColumns[1:] {
				a := access.Args{target.Path}
				if _, err := tx.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.col+` = $1 WHERE `+sub.Filter(c.col, &a), a...); err != nil {
					return err
				}
			}
			a = access.Args{target.ID}
			if _, err := tx.ExecContext(ctx, `UPDATE reward_levels SET unit_id = $1 WHERE unit_id IN (SELECT id FROM org_units WHERE `+
				sub.Filter("path", &a)+`)`, a...); err != nil {
				return err
			}
			detail = target.Name
		}
		if err := s.endRolesBelow(ctx, tx, u, o.Path, today); err != nil {
			return err
		}
		if err := s.removeScopesBelow(ctx, tx, u, o.Path); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_units SET closed_on = $1 WHERE id = $2`, date(today), o.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "close", "org_unit", o.ID, []string{"closed_on"}, 0, detail)
	})
	return preview, err
}

// endRolesBelow ends, on day, every current or future role Verve
// appointed on the units below path, each audited. A term not yet begun
// ends on its first day. The register's roles are the register's to end.
func (s *Storage) endRolesBelow(ctx context.Context, tx *sql.Tx, u *access.Principal, path string, day time.Time) error {
	a := access.Args{date(day), fromRegister}
	return s.eachAudited(ctx, tx, u, `SELECT r.id, r.person_id FROM roles r JOIN org_units o ON o.id = r.unit_id
		WHERE (r.end_date IS NULL OR r.end_date > $1) AND r.source <> $2 AND `+access.Scope{Paths: []string{path}}.Filter("o.path", &a), a,
		"end", "role", []string{"end_date"}, func(id int64) error {
			_, err := tx.ExecContext(ctx, `UPDATE roles SET end_date = CASE WHEN start_date > $1 THEN start_date ELSE $1 END WHERE id = $2`, date(day), id)
			return err
		})
}

// removeScopesBelow removes, each audited, the further scopes (role_scopes)
// that name a unit below path: the unit closes, and its people move to a
// unit that may reach much further than the role was given.
func (s *Storage) removeScopesBelow(ctx context.Context, tx *sql.Tx, u *access.Principal, path string) error {
	var a access.Args
	return s.eachAudited(ctx, tx, u, `SELECT rs.id, r.person_id FROM role_scopes rs JOIN roles r ON r.id = rs.role_id JOIN org_units o ON o.id = rs.unit_id
		WHERE `+access.Scope{Paths: []string{path}}.Filter("o.path", &a), a,
		"delete", "role_scope", nil, func(id int64) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM role_scopes WHERE id = $1`, id)
			return err
		})
}

// eachAudited runs change on every row the query finds (its id and the
// person it concerns) and logs each change in the audit log.
func (s *Storage) eachAudited(ctx context.Context, tx *sql.Tx, u *access.Principal, query string, args access.Args,
	action, entity string, fields []string, change func(id int64) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	var found [][2]int64
	err = eachRow(rows, func() error {
		var r [2]int64
		err := rows.Scan(&r[0], &r[1])
		found = append(found, r)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range found {
		if err := change(r[0]); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, u, action, entity, r[0], fields, r[1], ""); err != nil {
			return err
		}
	}
	return nil
}

// adminWorkplace loads a workplace for a change by u, who must administer
// its unit.
func (s *Storage) adminWorkplace(ctx context.Context, q queryer, u *access.Principal, id int64) (*model.Workplace, error) {
	w, err := scanWorkplace(q.QueryRowContext(ctx, `SELECT `+workplaceColumns+` FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE w.id = $1`, id))
	if err != nil {
		if err := needPrincipal(u); err != nil {
			return nil, err
		}
		return nil, notFound(err, "err.workplace.notfound")
	}
	if err := mayAdmin(u, w.UnitPath); err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
		}
		return nil, err
	}
	return w, nil
}

// UnitWorkplaces lists, alphabetically, the workplaces of one unit u
// administers (not those of the units below it): where a role may be
// held on one workplace.
func (s *Storage) UnitWorkplaces(ctx context.Context, u *access.Principal, unitID int64) ([]*model.Workplace, error) {
	if _, err := s.adminUnit(ctx, s.r, u, unitID, true); err != nil {
		return nil, err
	}
	return s.listWorkplaces(ctx, `w.unit_id = $1 ORDER BY w.sort_key, w.id LIMIT 1000`, unitID)
}

// AdminWorkplace returns a workplace u may administer.
func (s *Storage) AdminWorkplace(ctx context.Context, u *access.Principal, id int64) (*model.Workplace, error) {
	return s.adminWorkplace(ctx, s.r, u, id)
}

// MoveWorkplace gives a workplace to another unit (a club, or a branch):
// the persons there, their tasks, the pipeline and the lists imported for
// it follow.
func (s *Storage) MoveWorkplace(ctx context.Context, u *access.Principal, id, unitID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w, err := s.adminWorkplace(ctx, tx, u, id)
		if err != nil {
			return err
		}
		to, err := s.adminUnit(ctx, tx, u, unitID, false)
		if err != nil {
			return err
		}
		if to.ID == w.UnitID {
			return nil
		}
		var from string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1`, w.UnitID).Scan(&from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workplaces SET unit_id = $1 WHERE id = $2`, to.ID, w.ID); err != nil {
			return err
		}
		if err := followWorkplace(ctx, tx, w, w.ID, to.ID, to.Path); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "move", "workplace", w.ID, []string{"unit_id"}, 0, from+" → "+to.Name)
	})
}

// followWorkplace moves what hangs on the workplace from (now part of w,
// its old self or the one it merges into) to w's unit and path: persons
// working there, tasks about the workplace or its persons, the pipeline,
// the imported lists, the roles held on the workplace and the open
// possible matches of its persons.
func followWorkplace(ctx context.Context, tx *sql.Tx, old *model.Workplace, from, unitID int64, path string) error {
	// Tasks about persons of the workplace that were placed with it move
	// too; a task placed elsewhere (a region's) stays.
	if _, err := tx.ExecContext(ctx, `UPDATE tasks SET unit_path = $1 WHERE workplace_id = $2
		OR (unit_path = $3 AND person_id IN (SELECT id FROM persons WHERE workplace_id = $2))`, path, from, old.UnitPath); err != nil {
		return err
	}
	for _, table := range []string{"pipeline", "imports"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET unit_path = $1 WHERE workplace_id = $2`, path, from); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE roles SET unit_id = $1 WHERE workplace_id = $2`, unitID, from); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET unit_id = $1, unit_path = $2 WHERE workplace_id = $3`, unitID, path, from); err != nil {
		return err
	}
	return repathMatches(ctx, tx, from)
}

// repathMatches gives the open possible matches of the persons at a
// workplace the place of who decides them now (access.CommonPath of the
// two persons' places, as when they were found), after the workplace
// moved.
func repathMatches(ctx context.Context, tx *sql.Tx, workplaceID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT mc.id, a.unit_path, b.unit_path FROM match_candidates mc
		JOIN persons a ON a.id = mc.person_id JOIN persons b ON b.id = mc.candidate_id
		WHERE mc.decision = '' AND (mc.person_id IN (SELECT id FROM persons WHERE workplace_id = $1)
			OR mc.candidate_id IN (SELECT id FROM persons WHERE workplace_id = $1))`, workplaceID)
	if err != nil {
		return err
	}
	paths := map[int64]string{}
	err = eachRow(rows, func() error {
		var id int64
		var a, b string
		err := rows.Scan(&id, &a, &b)
		paths[id] = access.CommonPath(a, b)
		return err
	})
	if err != nil {
		return err
	}
	for id, path := range paths {
		if _, err := tx.ExecContext(ctx, `UPDATE match_candidates SET unit_path = $1 WHERE id = $2 AND unit_path <> $1`, path, id); err != nil {
			return err
		}
	}
	return nil
}

// LinkOrgnr gives a workplace its organisasjonsnummer from Enhetsregisteret;
// the column mapping remembered for its lists follows.
func (s *Storage) LinkOrgnr(ctx context.Context, u *access.Principal, id int64, orgnr string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w, err := s.adminWorkplace(ctx, tx, u, id)
		if err != nil {
			return err
		}
		old := w.Orgnr
		w.Orgnr = orgnr
		if err := w.ValidateOrgnr(); err != nil {
			return err
		}
		if w.Orgnr == old {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workplaces SET orgnr = $1 WHERE id = $2`, w.Orgnr, w.ID); err != nil {
			if isUniqueViolation(err) {
				return model.ErrorKey(model.ECONFLICT, "err.workplace.taken", "orgnr", w.Orgnr).WithField("orgnr", "err.workplace.taken.field")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE import_mappings SET orgnr = $1 WHERE orgnr = $2
			AND NOT EXISTS (SELECT 1 FROM import_mappings m WHERE m.orgnr = $1)`, w.Orgnr, old); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "orgnr", "workplace", w.ID, []string{"orgnr"}, 0, old+" → "+w.Orgnr)
	})
}

// MergeWorkplaces folds the workplace from into into, when both are the
// same place: employments, persons, tasks, the pipeline, imported lists,
// join applications, roles held on it and the remembered column mapping
// go to into, and
// from is deleted. A person in the pipeline of both keeps into's entry.
func (s *Storage) MergeWorkplaces(ctx context.Context, u *access.Principal, from, into int64) error {
	if from == into {
		return model.ErrorKey(model.EINVALID, "err.workplace.mergeself").WithField("into", "err.workplace.mergeself")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.mergeWorkplaces(ctx, tx, u, from, into) })
}

// mergeWorkplaces is MergeWorkplaces in tx.
func (s *Storage) mergeWorkplaces(ctx context.Context, tx *sql.Tx, u *access.Principal, from, into int64) error {
	src, err := s.adminWorkplace(ctx, tx, u, from)
	if err != nil {
		return err
	}
	dst, err := s.adminWorkplace(ctx, tx, u, into)
	if err != nil {
		return err
	}
	// Roles held on the two places go to one: a single-holder role held on
	// both for a time still to come would be two chief stewards of one
	// workplace (terms that overlapped in the past are history).
	var name string
	var role model.RoleName
	err = tx.QueryRowContext(ctx, `SELECT p.first_name || ' ' || p.last_name, b.role FROM roles a JOIN roles b ON b.role = a.role JOIN persons p ON p.id = b.person_id
		WHERE a.workplace_id = $1 AND b.workplace_id = $2 AND a.role IN `+sqlSet(model.SingleHolderRoles...)+`
		AND (a.end_date IS NULL OR a.end_date > b.start_date) AND (b.end_date IS NULL OR b.end_date > a.start_date)
		AND (a.end_date IS NULL OR a.end_date > $3) AND (b.end_date IS NULL OR b.end_date > $3) LIMIT 1`, src.ID, dst.ID, date(s.today())).Scan(&name, &role)
	if err == nil {
		return model.ErrorKey(model.ECONFLICT, "err.role.overlap", "role", model.Text{Key: "role." + string(role)}, "name", name, "unit", dst.Name).WithField("into", "err.role.overlap.field")
	}
	if err != sql.ErrNoRows {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pipeline WHERE workplace_id = $1
		AND person_id IN (SELECT p.person_id FROM pipeline p WHERE p.workplace_id = $2)`, src.ID, dst.ID); err != nil {
		return err
	}
	if err := followWorkplace(ctx, tx, src, src.ID, dst.UnitID, dst.UnitPath); err != nil {
		return err
	}
	// A portfolio that held both keeps one entry; one that held the
	// duplicate now holds the place it was merged into.
	if _, err := tx.ExecContext(ctx, `DELETE FROM role_scopes WHERE workplace_id = $1
		AND role_id IN (SELECT rs.role_id FROM role_scopes rs WHERE rs.workplace_id = $2)`, src.ID, dst.ID); err != nil {
		return err
	}
	for _, table := range []string{"employments", "persons", "tasks", "pipeline", "imports", "applications", "role_scopes", "roles", "orgnr_choices"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET workplace_id = $1 WHERE workplace_id = $2`, dst.ID, src.ID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE import_mappings SET orgnr = $1 WHERE orgnr = $2
		AND NOT EXISTS (SELECT 1 FROM import_mappings m WHERE m.orgnr = $1)`, dst.Orgnr, src.Orgnr); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM import_mappings WHERE orgnr = $1`, src.Orgnr); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM workplaces WHERE id = $1`, src.ID); err != nil {
		return err
	}
	detail := src.Name + " (" + src.Orgnr + ") → " + dst.Name + " (" + dst.Orgnr + ")"
	if err := s.audit(ctx, tx, u, "merge", "workplace", dst.ID, []string{"workplace_id"}, 0, detail); err != nil {
		return err
	}
	return s.audit(ctx, tx, u, "delete", "workplace", src.ID, nil, 0, detail)
}

// checkRole is AddRole's check of a new term: u administers the unit
// (and the workplace, for a role on one workplace, which must be the
// unit's) and sees the person, the term is valid, and a single-holder
// role (model.SingleHolder) has no other holder on the same unit or
// workplace during it.
func (s *Storage) checkRole(ctx context.Context, tx *sql.Tx, u *access.Principal, r *model.Role) error {
	if r.WorkplaceID != 0 {
		w, err := s.adminWorkplace(ctx, tx, u, r.WorkplaceID)
		if err != nil {
			return err
		}
		if r.UnitID != 0 && r.UnitID != w.UnitID {
			return model.ErrorKey(model.EINVALID, "err.role.workplace").WithField("workplace", "err.role.workplace")
		}
		r.UnitID, r.WorkplaceName = w.UnitID, w.Name
	}
	o, err := s.adminUnit(ctx, tx, u, r.UnitID, false)
	if err != nil {
		return err
	}
	where := o.Name
	if r.WorkplaceID != 0 {
		where = r.WorkplaceName
	}
	var path string
	var wp int64
	if err := tx.QueryRowContext(ctx, `SELECT unit_path, COALESCE(workplace_id, 0) FROM persons WHERE id = $1`, r.PersonID).Scan(&path, &wp); err != nil ||
		!u.Scope(access.PersonRead).ContainsAt(path, wp) {
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		return model.ErrorKey(model.ENOTFOUND, "err.person.notfound").WithField("person", "err.person.notfound")
	}
	if err := r.ValidateTerm(); err != nil {
		return err
	}
	if !model.SingleHolder(r.Role) {
		return nil
	}
	// Terms are [start, end): one overlaps another unless it ends before
	// the other begins.
	var name string
	var start time.Time
	var end sql.NullTime
	a := access.Args{o.ID, r.Role, date(r.StartDate), r.WorkplaceID}
	before := ""
	if !r.EndDate.IsZero() {
		before = ` AND r.start_date < ` + a.Add(date(r.EndDate))
	}
	err = tx.QueryRowContext(ctx, `SELECT p.first_name || ' ' || p.last_name, r.start_date, r.end_date FROM roles r JOIN persons p ON p.id = r.person_id
		WHERE r.unit_id = $1 AND r.role = $2 AND (r.end_date IS NULL OR r.end_date > $3) AND COALESCE(r.workplace_id, 0) = $4`+before+`
		ORDER BY r.start_date LIMIT 1`, a...).Scan(&name, &start, &end)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return model.ErrorKey(model.ECONFLICT, "err.role.overlap", "role", model.Text{Key: "role." + string(r.Role)}, "name", name, "unit", where).WithField("start", "err.role.overlap.field")
}

// EndRole ends a term on a day (the first day without the role). A term
// not yet begun ends on its first day. A role from the register is the
// register's: a later load ends it.
func (s *Storage) EndRole(ctx context.Context, u *access.Principal, id int64, day time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var r model.Role
		var end sql.NullTime
		var source string
		err := tx.QueryRowContext(ctx, `SELECT unit_id, person_id, start_date, end_date, source FROM roles WHERE id = $1`, id).Scan(&r.UnitID, &r.PersonID, &r.StartDate, &end, &source)
		if err != nil {
			if err := needPrincipal(u); err != nil {
				return err
			}
			return notFound(err, "err.role.notfound")
		}
		if _, err := s.adminUnit(ctx, tx, u, r.UnitID, true); err != nil {
			if model.ErrorCode(err) == model.ENOTFOUND {
				return model.ErrorKey(model.ENOTFOUND, "err.role.notfound")
			}
			return err
		}
		if source == fromRegister {
			return model.ErrorKey(model.ECONFLICT, "err.role.register")
		}
		if end.Valid && !end.Time.After(day) {
			return model.ErrorKey(model.ECONFLICT, "err.role.ended")
		}
		if day.Before(r.StartDate) {
			day = r.StartDate
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roles SET end_date = $1 WHERE id = $2`, date(day), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "end", "role", id, []string{"end_date"}, r.PersonID, day.Format(time.DateOnly))
	})
}

// RoleTerm is a role held on a unit, for who holds what and when it ends.
type RoleTerm struct {
	model.Role
	// EndsSoon marks a term that ends within RoleTermWarnDays.
	EndsSoon bool
	Current  bool
	// Register marks a role from the member register, which only a
	// register load changes.
	Register bool
}

// RoleTermWarnDays is how far ahead the end of a term is pointed out.
const RoleTermWarnDays = 60

// Roles lists the current and coming terms on the units u administers, or
// on one unit (unitID not 0), those ending first on top, then the open
// ones, each by unit and person. The terms kept are found in the order of
// indexes (migration 00035) before their persons are joined: those ending
// by roles_end, the open ones by their unit in org_units_sort; ordering
// every current term by its person's name read all of persons
// (docs/scale.md). Within the last unit kept, the cut-off falls by id
// rather than by name. On SQLite the scope and an open term's end are
// tested on the rows read (unindexed): it would otherwise find every unit
// in the scope by path and sort all their terms, or read every open term
// for one unit's.
func (s *Storage) Roles(ctx context.Context, u *access.Principal, unitID int64, limit int) ([]RoleTerm, error) {
	today := s.today()
	a := access.Args{date(today)}
	cond := u.Scope(access.OrgUnitWrite).Filter(unindexed[s.dialect]("o.path"), &a)
	if unitID != 0 {
		unit := a.Add(unitID)
		cond += ` AND o.id = ` + unit + ` AND r.unit_id = ` + unit
	}
	lim := a.Add(limit)
	// CROSS JOIN has SQLite read the first table named in its index's order.
	kept := func(name, from, when, order string) string {
		return `SELECT * FROM (SELECT r.id, r.person_id, r.role, r.unit_id, o.name, o.path, o.sort_key, r.workplace_id, r.department, r.start_date, r.end_date, r.source
			FROM ` + from + ` WHERE o.id = r.unit_id AND ` + when + ` AND ` + cond + ` ORDER BY ` + order + ` LIMIT ` + lim + `) ` + name
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.person_id, p.first_name || ' ' || p.last_name, r.role, r.unit_id, r.name, r.path,
		COALESCE(r.workplace_id, 0), COALESCE(w.name, ''), r.department, r.start_date, r.end_date, r.source = `+a.Add(fromRegister)+`
		FROM (`+kept("ending", "roles r CROSS JOIN org_units o", "r.end_date > $1", "r.end_date, o.sort_key, r.id")+`
		UNION ALL `+kept("open", "org_units o CROSS JOIN roles r", unindexed[s.dialect]("r.end_date")+" IS NULL", "o.sort_key, r.id")+`) r
		JOIN persons p ON p.id = r.person_id LEFT JOIN workplaces w ON w.id = r.workplace_id
		ORDER BY CASE WHEN r.end_date IS NULL THEN 1 ELSE 0 END, r.end_date, r.sort_key, p.sort_key LIMIT `+lim, a...)
	if err != nil {
		return nil, err
	}
	var out []RoleTerm
	err = eachRow(rows, func() error {
		var t RoleTerm
		var end sql.NullTime
		if err := rows.Scan(&t.ID, &t.PersonID, &t.Person, &t.Role.Role, &t.UnitID, &t.UnitName, &t.UnitPath,
			&t.WorkplaceID, &t.WorkplaceName, &t.Department, &t.StartDate, &end, &t.Register); err != nil {
			return err
		}
		if end.Valid {
			t.EndDate = end.Time
		}
		t.EndsSoon = t.TermEndsWithin(today, RoleTermWarnDays)
		t.Current = !t.StartDate.After(today)
		out = append(out, t)
		return nil
	})
	return out, err
}

// RoleCount counts the current and coming terms on the units u
// administers, which Roles lists the first of: a union-wide admin's from
// roles_end alone.
func (s *Storage) RoleCount(ctx context.Context, u *access.Principal) (int, error) {
	a := access.Args{date(s.today())}
	q := `SELECT count(*) FROM roles r WHERE (r.end_date IS NULL OR r.end_date > $1)`
	if !u.UnionWide(access.OrgUnitWrite) {
		q += ` AND r.unit_id IN (SELECT o.id FROM org_units o WHERE ` + u.Scope(access.OrgUnitWrite).Filter("o.path", &a) + `)`
	}
	var n int
	err := s.r.QueryRowContext(ctx, q, a...).Scan(&n)
	return n, err
}

// HistoryEntry is one change in the history of a unit or workplace; for a
// role, which role and who holds it.
type HistoryEntry struct {
	model.AuditEntry
	Role, Person string
}

// UnitHistory is the audit trail of a unit: its own changes and those of
// the roles held on it, newest first.
func (s *Storage) UnitHistory(ctx context.Context, u *access.Principal, id int64, limit int) ([]HistoryEntry, error) {
	if _, err := s.adminUnit(ctx, s.r, u, id, true); err != nil {
		return nil, err
	}
	return s.history(ctx, `(l.entity = 'org_unit' AND l.entity_id = $1) OR (l.entity = 'role' AND r.unit_id = $1)`, id, limit)
}

// WorkplaceHistory is the audit trail of a workplace and of the roles
// held on it, newest first.
func (s *Storage) WorkplaceHistory(ctx context.Context, u *access.Principal, id int64, limit int) ([]HistoryEntry, error) {
	if _, err := s.adminWorkplace(ctx, s.r, u, id); err != nil {
		return nil, err
	}
	return s.history(ctx, `(l.entity = 'workplace' AND l.entity_id = $1) OR (l.entity = 'role' AND r.workplace_id = $1)`, id, limit)
}

func (s *Storage) history(ctx context.Context, cond string, id int64, limit int) ([]HistoryEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT l.id, l.at, COALESCE(l.user_id, 0), l.username, l.action, l.entity, COALESCE(l.entity_id, 0), l.fields,
		COALESCE(l.person_id, 0), l.detail, l.remote_addr, COALESCE(r.role, ''), COALESCE(p.first_name || ' ' || p.last_name, '')
		FROM audit_log l LEFT JOIN roles r ON l.entity = 'role' AND r.id = l.entity_id LEFT JOIN persons p ON p.id = r.person_id
		WHERE `+cond+` ORDER BY l.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, err
	}
	var out []HistoryEntry
	err = eachRow(rows, func() error {
		var e HistoryEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Fields, &e.PersonID, &e.Detail, &e.RemoteAddr,
			&e.Role, &e.Person); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Account is a user who can sign in, as the admins list them.
type Account struct {
	ID       int64
	Username string
	PersonID int64
	Name     string
	Disabled bool
	Reason   string
}

// accountScope is the condition on users (u) and their persons (p) that
// the admin may manage: every user for a union-wide admin, else those
// whose person lies in the admin's scope.
func accountScope(u *access.Principal, a *access.Args) string {
	if u.UnionWide(access.UserAdmin) {
		return "1 = 1"
	}
	return "p.id IS NOT NULL AND " + u.Scope(access.UserAdmin).Filter("p.unit_path", a)
}

// Accounts lists the users u may manage, by user name.
func (s *Storage) Accounts(ctx context.Context, u *access.Principal, limit int) ([]Account, error) {
	if err := needPrincipal(u); err != nil {
		return nil, err
	}
	var a access.Args
	rows, err := s.r.QueryContext(ctx, `SELECT u.id, u.username, COALESCE(u.person_id, 0), COALESCE(p.first_name || ' ' || p.last_name, ''), u.disabled, u.disabled_reason
		FROM users u LEFT JOIN persons p ON p.id = u.person_id WHERE `+accountScope(u, &a)+` ORDER BY u.username LIMIT `+a.Add(limit), a...)
	if err != nil {
		return nil, err
	}
	var out []Account
	err = eachRow(rows, func() error {
		var ac Account
		if err := rows.Scan(&ac.ID, &ac.Username, &ac.PersonID, &ac.Name, &ac.Disabled, &ac.Reason); err != nil {
			return err
		}
		out = append(out, ac)
		return nil
	})
	return out, err
}

// SetDisabled disables or enables a user's sign-in, with the reason. A
// disabled user's sessions stop working at their next request, since
// every request loads the principal afresh (Principal refuses them). Admins
// cannot disable themselves.
func (s *Storage) SetDisabled(ctx context.Context, u *access.Principal, userID int64, disabled bool, reason string) error {
	reason = strings.TrimSpace(reason)
	var v model.Validation
	v.Check(reason != "", "reason", "err.account.reason")
	v.Check(len(reason) <= 500 && !strings.ContainsAny(reason, "\x00"), "reason", "valid.toolong", "n", 500)
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := needPrincipal(u); err != nil {
			return err
		}
		a := access.Args{userID}
		var personID int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(u.person_id, 0) FROM users u LEFT JOIN persons p ON p.id = u.person_id
			WHERE u.id = $1 AND `+accountScope(u, &a), a...).Scan(&personID)
		if err != nil || !u.Can(access.UserAdmin) {
			return notFound(orNoRows(err), "err.user.notfound")
		}
		if disabled && userID == u.UserID {
			return model.ErrorKey(model.EINVALID, "err.account.self")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, disabled_reason = $2 WHERE id = $3`, disabled, reason, userID); err != nil {
			return err
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return s.audit(ctx, tx, u, action, "user", userID, []string{"disabled"}, personID, reason)
	})
}

// orNoRows is err, or sql.ErrNoRows for a refusal that has no error of its
// own, so that notFound makes both the same answer.
func orNoRows(err error) error {
	if err == nil {
		return sql.ErrNoRows
	}
	return err
}

// mayAddUser refuses u unless it manages accounts for the person (in its
// user:admin scope), or union-wide for a user tied to no person.
func (s *Storage) mayAddUser(ctx context.Context, tx *sql.Tx, u *access.Principal, personID int64) error {
	if err := needPrincipal(u); err != nil {
		return err
	}
	if u.UnionWide(access.UserAdmin) {
		return nil
	}
	var path string
	err := tx.QueryRowContext(ctx, `SELECT unit_path FROM persons WHERE id = $1`, personID).Scan(&path)
	if err != nil || personID == 0 || !u.Scope(access.UserAdmin).Contains(path) {
		if u.Can(access.UserAdmin) {
			return notFound(orNoRows(err), "err.person.notfound")
		}
		return model.ErrorKey(model.EFORBIDDEN, "err.orgadmin.forbidden")
	}
	return nil
}
