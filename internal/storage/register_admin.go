package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
)

// The register's upload page: settings, remembered words and columns,
// past loads and the members a complete export lacked (register.go loads).

// Register settings keys.
const (
	settingWinbackDays    = "register_winback_days"
	settingMaxFailPercent = "register_max_fail_percent"
)

// RegisterSettings returns the union's register settings, defaults filled in.
func (s *Storage) RegisterSettings(ctx context.Context) (register.Settings, error) {
	st := register.DefaultSettings
	err := readSettings(ctx, s.r, func(k, v string) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return
		}
		switch k {
		case settingWinbackDays:
			st.WinbackDays = n
		case settingMaxFailPercent:
			st.MaxFailPercent = n
		}
	})
	return st, err
}

// SaveRegisterSettings stores the register settings once they are valid;
// union admins only.
func (s *Storage) SaveRegisterSettings(ctx context.Context, u *access.Principal, st register.Settings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.settings.forbidden")
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.saveSettings(ctx, u, registerSettingsStored(st))
}

// registerSettingsStored is the register settings as they are stored.
func registerSettingsStored(st register.Settings) map[string]string {
	return map[string]string{settingWinbackDays: strconv.Itoa(st.WinbackDays), settingMaxFailPercent: strconv.Itoa(st.MaxFailPercent)}
}

// MissingMembers lists the members complete exports lacked, awaiting an
// admin's confirmation that they resigned.
func (s *Storage) MissingMembers(ctx context.Context, u *access.Principal) ([]register.Missing, error) {
	if err := mayLoadRegister(u); err != nil {
		return nil, err
	}
	// CROSS JOIN keeps SQLite to the short list: otherwise it walks every
	// person in name order, probing the list for each.
	rows, err := s.r.QueryContext(ctx, `SELECT p.id, COALESCE(p.member_no, ''), p.first_name || ' ' || p.last_name FROM register_missing m
		CROSS JOIN persons p WHERE p.id = m.person_id AND p.member_status IN `+currentStatuses+` ORDER BY p.sort_key, p.id`)
	if err != nil {
		return nil, err
	}
	var out []register.Missing
	err = eachRow(rows, func() error {
		var m register.Missing
		if err := rows.Scan(&m.PersonID, &m.MemberNo, &m.Name); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// ConfirmMissing resigns the listed missing members (today, audited) and
// returns how many it resigned; ids not on the list are ignored.
func (s *Storage) ConfirmMissing(ctx context.Context, u *access.Principal, personIDs []int64) (int, error) {
	if err := mayLoadRegister(u); err != nil {
		return 0, err
	}
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		today, now := date(s.today()), s.now().UTC()
		for _, id := range personIDs {
			res, err := tx.ExecContext(ctx, `DELETE FROM register_missing WHERE person_id = $1`, id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE memberships SET status = 'resigned', end_date = $1 WHERE person_id = $2 AND status IN `+currentStatuses,
				today, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_status = 'resigned', updated_at = $1 WHERE id = $2`, now, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE roles SET end_date = $1 WHERE person_id = $2 AND source = 'register' AND (end_date IS NULL OR end_date > $1)`,
				today, id); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, u, "update", "person", id, []string{"member_status"}, id, register.MissingDetail()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// vocabularyFields are the fields whose words a union maps.
var vocabularyFields = map[register.Field]func(string) bool{
	register.MemberType:   func(v string) bool { return model.MembershipTypes.Valid(model.MembershipType(v)) },
	register.MemberStatus: func(v string) bool { return model.MembershipStatuses.Valid(model.MembershipStatus(v)) },
	register.Roles:        func(v string) bool { return model.Roles.Valid(model.RoleName(v)) },
	register.ResignReason: func(v string) bool { return slices.Contains(model.LeaveReasons, model.LeaveReason(v)) },
	register.Dues: func(v string) bool {
		return slices.Contains([]model.DuesStatus{model.DuesPaid, model.DuesArrears, model.DuesDeductionStopped}, model.DuesStatus(v))
	},
}

// RegisterVocabulary returns the union's own words, as mapped by its
// admins (register.DefaultVocabulary's common words are not stored).
func (s *Storage) RegisterVocabulary(ctx context.Context, u *access.Principal) (register.Vocabulary, error) {
	v := register.Vocabulary{Types: map[string]model.MembershipType{}, Statuses: map[string]model.MembershipStatus{}, Roles: map[string]model.RoleName{},
		Reasons: map[string]model.LeaveReason{}, Dues: map[string]model.DuesStatus{}}
	if err := mayLoadRegister(u); err != nil {
		return v, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT field, word, value FROM register_words ORDER BY field, word`)
	if err != nil {
		return v, err
	}
	err = eachRow(rows, func() error {
		var f, w, val string
		if err := rows.Scan(&f, &w, &val); err != nil {
			return err
		}
		switch register.Field(f) {
		case register.MemberType:
			v.Types[w] = model.MembershipType(val)
		case register.MemberStatus:
			v.Statuses[w] = model.MembershipStatus(val)
		case register.Roles:
			v.Roles[w] = model.RoleName(val)
		case register.ResignReason:
			v.Reasons[w] = model.LeaveReason(val)
		case register.Dues:
			v.Dues[w] = model.DuesStatus(val)
		}
		return nil
	})
	return v, err
}

// MapRegisterWord remembers that the union's register says word for
// value in field (register.Norm's form is kept); union admins only.
func (s *Storage) MapRegisterWord(ctx context.Context, u *access.Principal, field register.Field, word, value string) error {
	if err := mayLoadRegister(u); err != nil {
		return err
	}
	word = register.Norm(word)
	valid, ok := vocabularyFields[field]
	if !ok || word == "" || !valid(value) {
		return model.ErrorKey(model.EINVALID, "err.register.word").WithField("value", "err.register.word")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO register_words (field, word, value) VALUES ($1, $2, $3)
			ON CONFLICT (field, word) DO UPDATE SET value = excluded.value`, string(field), word, value); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "update", "register_word", 0, []string{string(field)}, 0, word+" = "+value)
	})
}

// RegisterLoad is one committed register load, as the upload page lists it.
type RegisterLoad struct {
	ID       int64
	At       time.Time
	Username string
	Complete bool
	First    bool
	Rows     int
	Failed   int
	Created  int
	Updated  int
	Resigned int
	Tasks    int
}

// RegisterLoads lists the latest committed loads, newest first.
func (s *Storage) RegisterLoads(ctx context.Context, u *access.Principal, limit int) ([]RegisterLoad, error) {
	if err := mayLoadRegister(u); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, username, complete, first_load, rows_read, rows_failed, created, updated, resigned, tasks
		FROM register_loads ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	var out []RegisterLoad
	err = eachRow(rows, func() error {
		var l RegisterLoad
		if err := rows.Scan(&l.ID, &l.At, &l.Username, &l.Complete, &l.First, &l.Rows, &l.Failed, &l.Created, &l.Updated, &l.Resigned, &l.Tasks); err != nil {
			return err
		}
		l.At = l.At.UTC()
		out = append(out, l)
		return nil
	})
	return out, err
}

// registerColumnsSetting holds the register export's remembered column
// mapping (register.Remember's form, JSON).
const registerColumnsSetting = "register_columns"

// RegisterColumns returns the column mapping remembered from the last
// register upload (nil for none), for register.ReadOptions.Columns.
func (s *Storage) RegisterColumns(ctx context.Context) (map[string]register.Field, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, registerColumnsSetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m map[string]register.Field
	return m, json.Unmarshal([]byte(v), &m)
}

// SaveRegisterColumns remembers the column mapping for the next upload;
// union admins only.
func (s *Storage) SaveRegisterColumns(ctx context.Context, u *access.Principal, m map[string]register.Field) error {
	if err := mayLoadRegister(u); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.saveSettings(ctx, u, map[string]string{registerColumnsSetting: string(b)})
}
