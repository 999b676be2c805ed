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

// audit appends one entry to the audit log. detail may hold personal
// values; it is tied to personID so that erasing the person blanks it.
func (s *Storage) audit(ctx context.Context, db execer, a model.Actor, action, entity string, entityID int64, fields []string, personID int64, detail string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.now().UTC(), nullID(a.UserID), a.Username, action, entity, nullID(entityID), strings.Join(fields, ","), nullID(personID), detail, a.RemoteAddr)
	return err
}

// Audit records an event that changes nothing in the database itself, such
// as a sign-in or an export.
func (s *Storage) Audit(ctx context.Context, a model.Actor, action, entity string, entityID int64, detail string) error {
	return s.audit(ctx, s.w, a, action, entity, entityID, nil, 0, detail)
}

// AuditLog lists the latest entries, newest first; only for users who may
// read the audit log.
func (s *Storage) AuditLog(ctx context.Context, u *access.Principal, limit int) ([]model.AuditEntry, error) {
	if !u.Can(access.AuditRead) {
		return nil, model.Errorf(model.EFORBIDDEN, "Du har ikke tilgang til revisjonsloggen.")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), username, action, entity, COALESCE(entity_id, 0), fields,
		COALESCE(person_id, 0), detail, remote_addr FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Fields, &e.PersonID, &e.Detail, &e.RemoteAddr); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// eraseAuditDetail blanks the personal values the audit log keeps about a
// person, leaving who did what and when. Erasing a person calls it in the
// same transaction, so no copy of their data survives in the log.
func (s *Storage) eraseAuditDetail(ctx context.Context, db execer, personID int64) error {
	_, err := db.ExecContext(ctx, `UPDATE audit_log SET detail = '' WHERE person_id = $1`, personID)
	return err
}
