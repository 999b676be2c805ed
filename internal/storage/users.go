package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// CreateUser stores a user with an already hashed password, for a person
// the admin manages (mayAddUser).
func (s *Storage) CreateUser(ctx context.Context, u *access.Principal, usr *model.User) error {
	usr.Username = strings.ToLower(strings.TrimSpace(usr.Username))
	if usr.Username == "" || len(usr.Username) > 64 || strings.ContainsAny(usr.Username, " \t\r\n") {
		return model.ErrorKey(model.EINVALID, "err.user.username").WithField("username", "err.user.username.field")
	}
	if usr.Locale == "" {
		usr.Locale = "nb"
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.mayAddUser(ctx, tx, u, usr.PersonID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (person_id, username, password_hash, locale, disabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, nullID(usr.PersonID), usr.Username, usr.PasswordHash, usr.Locale, usr.Disabled, s.now().UTC()).Scan(&usr.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return model.ErrorKey(model.ECONFLICT, "err.user.taken", "username", usr.Username)
			}
			return err
		}
		return s.audit(ctx, tx, u, "create", "user", usr.ID, []string{"username", "person_id"}, usr.PersonID, "")
	})
}

// UserByUsername finds an enabled user for sign-in.
func (s *Storage) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	var u model.User
	err := s.r.QueryRowContext(ctx, `SELECT id, COALESCE(person_id, 0), username, password_hash, locale, disabled FROM users WHERE username = $1`,
		strings.ToLower(strings.TrimSpace(username))).Scan(&u.ID, &u.PersonID, &u.Username, &u.PasswordHash, &u.Locale, &u.Disabled)
	if err != nil {
		return nil, notFound(err, "err.user.notfound")
	}
	return &u, nil
}

// Principal loads a user and the roles their person holds today, from
// memory when this process read them lately (authcache.go).
func (s *Storage) Principal(ctx context.Context, userID int64) (*access.Principal, error) {
	v, err := s.auth.fresh(ctx)
	if err != nil {
		return nil, err
	}
	today := s.today()
	if p, ok := s.auth.principal(userID, today); ok {
		return p, nil
	}
	p, err := s.principal(ctx, userID, today)
	if err == nil {
		s.auth.putPrincipal(v, p, today)
	}
	return p, err
}

// principal reads a user and the roles their person holds on day.
func (s *Storage) principal(ctx context.Context, userID int64, today time.Time) (*access.Principal, error) {
	p := &access.Principal{UserID: userID}
	var disabled bool
	err := s.rd.QueryRowContext(ctx, `SELECT u.username, COALESCE(u.person_id, 0), COALESCE(p.first_name || ' ' || p.last_name, u.username), u.disabled
		FROM users u LEFT JOIN persons p ON p.id = u.person_id WHERE u.id = $1`, userID).Scan(&p.Username, &p.PersonID, &p.Name, &disabled)
	if err != nil {
		return nil, notFound(err, "err.user.notfound")
	}
	if disabled {
		return nil, model.ErrorKey(model.EUNAUTH, "err.user.locked")
	}
	rows, err := s.rd.QueryContext(ctx, `SELECT r.id, r.role, r.unit_id, o.path, o.kind, COALESCE(r.workplace_id, 0) FROM roles r JOIN org_units o ON o.id = r.unit_id
		WHERE r.person_id = $1 AND r.start_date <= $2 AND (r.end_date IS NULL OR r.end_date > $2)`, p.PersonID, date(today))
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var g access.Grant
		if err := rows.Scan(&g.RoleID, &g.Role, &g.UnitID, &g.UnitPath, &g.UnitKind, &g.WorkplaceID); err != nil {
			return err
		}
		p.Grants = append(p.Grants, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, s.grantScopes(ctx, p, today)
}

// AddRole gives a person a role on an org unit, or on one workplace of
// it (r.WorkplaceID), for a term (checkRole).
func (s *Storage) AddRole(ctx context.Context, u *access.Principal, r *model.Role) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkRole(ctx, tx, u, r); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO roles (person_id, role, unit_id, workplace_id, department, start_date, end_date)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			r.PersonID, r.Role, r.UnitID, nullID(r.WorkplaceID), r.Department, date(r.StartDate), date(r.EndDate)).Scan(&r.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "role", r.ID, []string{"role", "unit_id", "workplace_id", "department", "start_date"}, r.PersonID, r.WorkplaceName)
	})
}

// DemoLogins lists (role, username) for every user, one line per user with
// their first role: what `verve demo` prints when it reuses a database.
func (s *Storage) DemoLogins(ctx context.Context) ([][2]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT u.username, COALESCE((SELECT r.role FROM roles r WHERE r.person_id = u.person_id ORDER BY r.id LIMIT 1), '')
		FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	err = eachRow(rows, func() error {
		var l [2]string
		if err := rows.Scan(&l[1], &l[0]); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}
