package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// execer is what both *sql.DB and *sql.Tx offer, so the audit record is
// written in the same transaction as the change it records.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// errNoPrincipal refuses a change that names nobody: there is no nil
// principal, so every audit entry says who and from where.
var errNoPrincipal = model.ErrorKey(model.EINTERNAL, "err.audit.noprincipal")

// needPrincipal refuses a nil principal. audit calls it, and so do the
// public functions that write audit rows in their own SQL with no
// permission check before that could refuse nil.
func needPrincipal(u *access.Principal) error {
	if u == nil {
		return errNoPrincipal
	}
	return nil
}

// audit appends one entry to the audit log, naming u: its user, user name
// and address. A nil u is refused. detail may hold personal values; it is
// tied to personID so that erasing the person blanks it.
func (s *Storage) audit(ctx context.Context, db execer, u *access.Principal, action, entity string, entityID int64, fields []string, personID int64, detail string) error {
	if err := needPrincipal(u); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, auditInsert, s.auditRow(u, action, entity, entityID, fields, personID, detail)...)
	return err
}

// auditColumns are the columns of an audit entry auditRow fills.
var auditColumns = []string{"at", "user_id", "username", "action", "entity", "entity_id", "fields", "person_id", "detail", "remote_addr"}

var auditInsert = `INSERT INTO audit_log (` + strings.Join(auditColumns, ", ") + `) VALUES ` + placeholders(1, len(auditColumns))

// auditRow is an audit entry's values, in auditColumns' order.
func (s *Storage) auditRow(u *access.Principal, action, entity string, entityID int64, fields []string, personID int64, detail string) []any {
	return []any{s.now().UTC(), nullID(u.UserID), u.Username, action, entity, nullID(entityID), strings.Join(fields, ","), nullID(personID), detail, u.RemoteAddr}
}

// Audit records an event that changes nothing in the database itself, such
// as a sign-in or an export.
func (s *Storage) Audit(ctx context.Context, u *access.Principal, action, entity string, entityID int64, detail string) error {
	return s.audit(ctx, s.w, u, action, entity, entityID, nil, 0, detail)
}

// AuditLog lists the latest entries the user may read, newest first: those
// about a person in the user's audit scope, judged by where the person is
// now. Entries tied to no person (settings, benefits, imports, erasures)
// and those about persons since erased cannot be placed in a unit, so only
// users who may read the audit log union-wide see them.
func (s *Storage) AuditLog(ctx context.Context, u *access.Principal, limit int) ([]model.AuditEntry, error) {
	if !u.Can(access.AuditRead) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.audit.forbidden")
	}
	var a access.Args
	cond := "1 = 1"
	if !u.UnionWide(access.AuditRead) {
		cond = u.Scope(access.AuditRead).FilterAt("p.unit_path", "p.workplace_id", &a)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT l.id, l.at, COALESCE(l.user_id, 0), l.username, l.action, l.entity, COALESCE(l.entity_id, 0), l.fields,
		COALESCE(l.person_id, 0), l.detail, l.remote_addr FROM audit_log l LEFT JOIN persons p ON p.id = l.person_id
		WHERE `+cond+` ORDER BY l.id DESC LIMIT `+a.Add(limit), a...)
	if err != nil {
		return nil, err
	}
	var out []model.AuditEntry
	err = eachRow(rows, func() error {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Fields, &e.PersonID, &e.Detail, &e.RemoteAddr); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// eraseAuditDetail blanks the personal values the audit log keeps about a
// person, leaving who did what and when. Erasing a person calls it in the
// same transaction, so no copy of their data survives in the log.
func (s *Storage) eraseAuditDetail(ctx context.Context, db execer, personID int64) error {
	_, err := db.ExecContext(ctx, `UPDATE audit_log SET detail = '' WHERE person_id = $1`, personID)
	return err
}
