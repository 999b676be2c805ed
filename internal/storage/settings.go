package storage

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
)

// The settings types and their rules are the model's; these names keep
// storage's callers as they were.
type (
	Settings     = model.Settings
	JoinSettings = model.JoinSettings
)

// Defaults, as in the model.
var (
	DefaultSettings     = model.DefaultSettings
	DefaultJoinSettings = model.DefaultJoinSettings
)

// Settings returns the union's settings, defaults filled in.
func (s *Storage) Settings(ctx context.Context) (Settings, error) {
	return s.settings(ctx, s.rd)
}

func (s *Storage) settings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (Settings, error) {
	st := DefaultSettings
	err := readSettings(ctx, q, st.Load)
	return st, err
}

// readSettings calls set with every stored setting.
func readSettings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, set func(k, v string)) error {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		set(k, v)
		return nil
	})
}

// storeSettings saves the values and audits which keys were set, in tx.
func (s *Storage) storeSettings(ctx context.Context, tx *sql.Tx, u *access.Principal, values map[string]string) error {
	keys := slices.Sorted(maps.Keys(values))
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[k]); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, u, "update", "settings", 0, keys, 0, "")
}

// SaveSettings stores the settings once they are valid (Settings.Validate); union admins only.
func (s *Storage) SaveSettings(ctx context.Context, u *access.Principal, st Settings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.settings.forbidden")
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.storeSettings(ctx, tx, u, st.Stored())
	})
}

// SaveSettingsPage stores what the settings page sets: the union's
// settings and its register settings, once both are valid (every field's
// message at once), in one transaction and one audit entry; union admins
// only.
func (s *Storage) SaveSettingsPage(ctx context.Context, u *access.Principal, st Settings, reg register.Settings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.settings.forbidden")
	}
	var v model.Validation
	v.AddFields(st.Validate())
	v.AddFields(reg.Validate())
	if err := v.Err(); err != nil {
		return err
	}
	values := st.Stored()
	maps.Copy(values, registerSettingsStored(reg))
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.storeSettings(ctx, tx, u, values)
	})
}

// joinSettingsTTL is how long a process keeps the join settings before
// reading them again; a change made in another process shows within it.
const joinSettingsTTL = 5 * time.Second

type cachedJoinSettings struct {
	st JoinSettings
	at time.Time
}

// JoinSettings returns the join page settings, defaults filled in. They
// are read on every join submission, so they are kept for a few seconds.
func (s *Storage) JoinSettings(ctx context.Context) (JoinSettings, error) {
	if c := s.joinCache.Load(); c != nil && time.Since(c.at) < joinSettingsTTL {
		return c.st, nil
	}
	st, err := s.joinSettings(ctx, s.r)
	if err == nil {
		s.joinCache.Store(&cachedJoinSettings{st: st, at: time.Now()})
	}
	return st, err
}

func (s *Storage) joinSettings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (JoinSettings, error) {
	st := DefaultJoinSettings
	err := readSettings(ctx, q, st.Load)
	return st, err
}

// SaveJoinSettings stores the join settings once they are valid
// (JoinSettings.Validate); union admins only.
func (s *Storage) SaveJoinSettings(ctx context.Context, u *access.Principal, st JoinSettings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.settings.forbidden")
	}
	if err := st.Validate(); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		s.joinCache.Store(nil)
		return s.storeSettings(ctx, tx, u, st.Stored())
	})
	s.joinCache.Store(nil) // also after the commit, so no reader caches the old values
	return err
}
