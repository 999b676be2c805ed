package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// RegisterRow is an approved application as the central member register
// takes it. Fnr is the applicant's own number, opened from its sealed form.
type RegisterRow struct {
	FirstName, LastName string
	BirthDate           time.Time
	Fnr                 string
	Email, Mobile       string
	PostalCode          string
	Type                model.MembershipType
	Orgnr               string
	AppliedAt           time.Time
}

// registerWhere selects the approved applications in scope not yet
// exported; a, the arguments, gets the scope's. CROSS JOIN: SQLite, which
// keeps no statistics, would walk the scope's persons (a union's million)
// probing each for an application; the applications are few beside them,
// so they are read first and their persons looked up.
func registerWhere(u *access.Principal, a *access.Args) string {
	return `FROM applications ap CROSS JOIN persons p CROSS JOIN memberships m
		LEFT JOIN workplaces w ON w.id = p.workplace_id
		WHERE p.id = ap.person_id AND m.id = ap.membership_id
		AND ap.exported_at IS NULL AND m.decided_at IS NOT NULL AND m.status NOT IN ('pending', 'rejected', 'merged')
		AND ` + u.Scope(access.MembershipApprove).FilterAt("p.unit_path", "p.workplace_id", a)
}

// RegisterPending counts the approved applications in the user's scope
// that wait for export to the member register.
func (s *Storage) RegisterPending(ctx context.Context, u *access.Principal) (int, error) {
	var a access.Args
	var n int
	err := s.r.QueryRowContext(ctx, registerPendingQuery(u, &a), a...).Scan(&n)
	return n, err
}

func registerPendingQuery(u *access.Principal, a *access.Args) string {
	return `SELECT count(*) ` + registerWhere(u, a)
}

// ExportApplications returns the approved applications in the user's
// scope not yet exported to the member register and, in the same
// transaction, marks them exported: the sealed fødselsnummer is dropped and
// only its keyed hash stays. Each is in the audit log. The caller must hand
// the rows on (they are Verve's last copy of the numbers); a failure before
// commit leaves everything as it was.
func (s *Storage) ExportApplications(ctx context.Context, u *access.Principal) ([]RegisterRow, error) {
	if !u.Can(access.MembershipApprove) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.applications.forbidden")
	}
	var out []RegisterRow
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		var args access.Args
		rows, err := tx.QueryContext(ctx, `SELECT ap.id, p.id, p.first_name, p.last_name, p.birth_date, COALESCE(ap.fnr_sealed, ''), p.email, p.mobile,
			p.postal_code, m.type, COALESCE(w.orgnr, ''), m.applied_at `+registerWhere(u, &args)+` ORDER BY m.applied_at, ap.id`, args...)
		if err != nil {
			return err
		}
		var ids, persons []int64
		err = eachRow(rows, func() error {
			var r RegisterRow
			var id, person int64
			var birth, applied sql.NullTime
			if err := rows.Scan(&id, &person, &r.FirstName, &r.LastName, &birth, &r.Fnr, &r.Email, &r.Mobile, &r.PostalCode, &r.Type,
				&r.Orgnr, &applied); err != nil {
				return err
			}
			r.BirthDate, r.AppliedAt = timeOf(birth), timeOf(applied)
			out, ids, persons = append(out, r), append(ids, id), append(persons, person)
			return nil
		})
		if err != nil {
			return err
		}
		now := s.now().UTC()
		for i := range out {
			if out[i].Fnr != "" {
				if out[i].Fnr, err = s.key.Open(out[i].Fnr); err != nil {
					return model.ErrorKey(model.EINTERNAL, "err.fnr.unreadable", "err", err)
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE applications SET exported_at = $1, fnr_sealed = NULL WHERE id = $2`, now, ids[i]); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, u, "export", "application", ids[i], nil, persons[i], "til medlemsregisteret"); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
