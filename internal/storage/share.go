package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// takeOverRoles may hold a task at a place their role covers.
var takeOverRoles = sqlSet(model.RoleShopSteward, model.RoleChiefShopSteward, model.RoleClubLeader, model.RoleCoordinator)

// inOffice is the condition that role alias is held on the day bound at
// arg: begun, and not yet ended (a term appointed with an end date counts
// until that date).
func inOffice(alias, arg string) string {
	return alias + ".start_date <= " + arg + " AND (" + alias + ".end_date IS NULL OR " + alias + ".end_date > " + arg + ")"
}

// roleCovers is the condition that role r, on org unit o, acts at the place
// bound at pathArg and workplace bound at wpArg (NULL for none): by its
// unit's subtree (a role held on one workplace only there), or by a
// further subtree, workplace or company group the role was given
// (role_scopes, as grantScopes reads them for a principal).
func roleCovers(pathArg, wpArg string) string {
	return `((substr(` + pathArg + `, 1, length(o.path)) = o.path AND (r.workplace_id IS NULL OR r.workplace_id = ` + wpArg + `))
		OR EXISTS (SELECT 1 FROM role_scopes rs LEFT JOIN org_units ro ON ro.id = rs.unit_id
		WHERE rs.role_id = r.id AND (substr(` + pathArg + `, 1, length(ro.path)) = ro.path OR rs.workplace_id = ` + wpArg + `
		OR (rs.parent_orgnr <> '' AND rs.parent_orgnr = (SELECT pw.parent_orgnr FROM workplaces pw WHERE pw.id = ` + wpArg + `)))))`
}

// workplaceStewards lists the shop stewards (stewardRoles) of a workplace's
// unit and of the workplace itself (not those of its other workplaces), with
// the department their role names and their open tasks, for pipeline.Share.
func workplaceStewards(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, workplaceID int64, today time.Time) ([]pipeline.Steward, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.person_id, r.department,
		(SELECT count(*) FROM tasks t WHERE t.owner_person_id = r.person_id AND t.status = 'open')
		FROM roles r JOIN workplaces w ON w.unit_id = r.unit_id
		WHERE w.id = $1 AND (r.workplace_id IS NULL OR r.workplace_id = w.id) AND r.role IN `+stewardRoles+` AND `+inOffice("r", "$2")+`
		ORDER BY r.person_id, r.id`, workplaceID, date(today))
	if err != nil {
		return nil, err
	}
	var out []pipeline.Steward
	err = eachRow(rows, func() error {
		var st pipeline.Steward
		if err := rows.Scan(&st.PersonID, &st.Department, &st.Open); err != nil {
			return err
		}
		// One entry per person: a steward with two roles counts once.
		if n := len(out); n > 0 && out[n-1].PersonID == st.PersonID {
			return nil
		}
		out = append(out, st)
		return nil
	})
	return out, err
}

// shareOwner is who gets a new pipeline task at a workplace about a
// person of the department: the steward pipeline.Share picks, counting the
// tasks they hold now; without stewards, taskOwner's fallback.
func (s *Storage) shareOwner(ctx context.Context, tx *sql.Tx, workplaceID int64, department string) (int64, error) {
	stewards, err := workplaceStewards(ctx, tx, workplaceID, s.today())
	if err != nil {
		return 0, err
	}
	if len(stewards) > 0 {
		return pipeline.Share(stewards, []string{department})[0], nil
	}
	return s.taskOwner(ctx, tx, workplaceID)
}

// shareNewHires gives each new row of a workplace on the list the steward
// pipeline.Share picks (staged.owner_id); rows of a workplace without
// stewards keep none, and go to the caller's fallback owner.
func (im *importRun) shareNewHires(ctx context.Context, workplaceID int64) error {
	stewards, err := workplaceStewards(ctx, im.tx, workplaceID, im.s.today())
	if err != nil || len(stewards) == 0 {
		return err
	}
	rows, err := im.tx.QueryContext(ctx, `SELECT line, department FROM staged WHERE workplace_id = $1 AND class IN ('new', 'existing') ORDER BY line`, workplaceID)
	if err != nil {
		return err
	}
	var lines []int64
	var depts []string
	err = eachRow(rows, func() error {
		var line int64
		var d string
		err := rows.Scan(&line, &d)
		lines, depts = append(lines, line), append(depts, d)
		return err
	})
	if err != nil {
		return err
	}
	byOwner := map[int64][]int64{}
	for i, owner := range pipeline.Share(stewards, depts) {
		byOwner[owner] = append(byOwner[owner], lines[i])
	}
	const chunk = 500
	for owner, ls := range byOwner {
		for len(ls) > 0 {
			n := min(chunk, len(ls))
			a := access.Args{owner}
			ph := make([]string, n)
			for i, l := range ls[:n] {
				ph[i] = a.Add(l)
			}
			if err := im.exec(ctx, `UPDATE staged SET owner_id = $1 WHERE line IN (`+strings.Join(ph, ", ")+`)`, a...); err != nil {
				return err
			}
			ls = ls[n:]
		}
	}
	return nil
}

// ReassignTask gives an open task in the user's scope to another holder:
// the user themself ("Ta over") or a fellow steward. The new owner must
// hold a steward's, club leader's or coordinator's role that covers the
// task's place (roleCovers); anyone else is refused.
func (s *Storage) ReassignTask(ctx context.Context, u *access.Principal, taskID, ownerID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{taskID}
		var path string
		var personID, owner, workplace sql.NullInt64
		var status model.TaskStatus
		err := tx.QueryRowContext(ctx, `SELECT t.unit_path, t.workplace_id, t.person_id, t.owner_person_id, t.status FROM tasks t`+taskPerson+
			` WHERE t.id = $1 AND `+taskScope(u, access.TaskWrite, &args), args...).Scan(&path, &workplace, &personID, &owner, &status)
		if err != nil {
			return notFound(err, "err.task.notfound")
		}
		if status != model.TaskOpen {
			return model.ErrorKey(model.ECONFLICT, "err.task.closed")
		}
		if owner.Int64 == ownerID {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM roles r JOIN org_units o ON o.id = r.unit_id
			WHERE r.person_id = $1 AND `+inOffice("r", "$3")+` AND r.role IN `+takeOverRoles+` AND `+roleCovers("$2", "$4"),
			ownerID, path, date(s.today()), workplace).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return model.ErrorKey(model.EINVALID, "err.task.owner")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET owner_person_id = $1, escalated_at = NULL WHERE id = $2`, ownerID, taskID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "update", "task", taskID, []string{"owner"}, personID.Int64, "")
	})
}

// TaskHolders lists, by name, the fellow stewards a task at the place
// path (and workplace, 0 for none) may be handed to: the shop stewards,
// chief shop stewards and club leaders whose role covers it (roleCovers),
// but not the user. At most 50.
func (s *Storage) TaskHolders(ctx context.Context, u *access.Principal, path string, workplace int64) ([]Colleague, error) {
	return s.taskHolders(ctx, s.rd, u, path, workplace)
}

func (s *Storage) taskHolders(ctx context.Context, q queryer, u *access.Principal, path string, workplace int64) ([]Colleague, error) {
	if !u.Scope(access.TaskWrite).ContainsAt(path, workplace) {
		return nil, nil
	}
	// The units covering path are its ancestors by path (found by the
	// unique index), so that the roles are read from them rather than
	// every person probed for a role (a scan of persons per place); the
	// few further scopes lead to their roles, not every role to its
	// scopes (a scan of roles per place).
	a := access.Args{u.PersonID, date(s.today())}
	var units []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			units = append(units, a.Add(path[:i+1]))
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	in, wp := strings.Join(units, ", "), a.Add(nullID(workplace))
	held := inOffice("r", "$2") + ` AND r.role IN ` + sqlSet(model.RoleShopSteward, model.RoleChiefShopSteward, model.RoleClubLeader)
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.first_name || ' ' || p.last_name FROM persons p WHERE p.id <> $1 AND p.id IN (
		SELECT r.person_id FROM org_units o JOIN roles r ON r.unit_id = o.id WHERE o.path IN (`+in+`) AND `+held+`
			AND (r.workplace_id IS NULL OR r.workplace_id = `+wp+`)
		UNION SELECT r.person_id FROM roles r WHERE r.id IN (SELECT rs.role_id FROM role_scopes rs
			WHERE rs.unit_id IN (SELECT ro.id FROM org_units ro WHERE ro.path IN (`+in+`)) OR rs.workplace_id = `+wp+`
			OR (rs.parent_orgnr <> '' AND rs.parent_orgnr = (SELECT pw.parent_orgnr FROM workplaces pw WHERE pw.id = `+wp+`))) AND `+held+`)
		ORDER BY p.sort_key, p.id LIMIT 50`, a...)
	return scanColleagues(rows, err)
}

// fellowsOverdue is the query of the overdue open tasks of others in a
// steward's scope, for them to take over: at most 20, the oldest first.
// It is empty for those who are no steward.
func (s *Storage) fellowsOverdue(u *access.Principal) (string, access.Args) {
	if u.PersonID == 0 || !(u.HasRole(model.RoleShopSteward) || u.HasRole(model.RoleChiefShopSteward) || u.HasRole(model.RoleClubLeader)) {
		return "", nil
	}
	a := access.Args{u.PersonID, date(s.today())}
	return dayTaskSelect[s.dialect] + `tasks` + dayTaskJoins + `t.status = 'open' AND t.due < $2 AND (t.owner_person_id IS NULL OR t.owner_person_id <> $1) AND ` +
		taskScope(u, access.TaskWrite, &a) + ` ORDER BY t.due, t.id LIMIT 20`, a
}
