package storage

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"sync/atomic"
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

// Settings returns the union's settings, defaults filled in. Min dag
// reads them on every page (the privacy notice), so they are kept for a
// few seconds.
func (s *Storage) Settings(ctx context.Context) (Settings, error) {
	return s.settingsCache.get(func() (Settings, error) { return s.settings(ctx, s.rd) })
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

// saveSettings saves the values and audits which keys were set, in a
// transaction, and drops the kept settings, also after the commit, so
// that no reader keeps the old values.
func (s *Storage) saveSettings(ctx context.Context, u *access.Principal, values map[string]string) error {
	s.dropSettings()
	defer s.dropSettings()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		keys := slices.Sorted(maps.Keys(values))
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[k]); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, u, "update", "settings", 0, keys, 0, "")
	})
}

// dropSettings forgets the settings this process keeps.
func (s *Storage) dropSettings() {
	s.settingsCache.drop()
	s.joinCache.drop()
}

// SaveSettings stores the settings once they are valid (Settings.Validate); union admins only.
func (s *Storage) SaveSettings(ctx context.Context, u *access.Principal, st Settings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.settings.forbidden")
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.saveSettings(ctx, u, st.Stored())
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
	return s.saveSettings(ctx, u, values)
}

// keepSettingsFor is how long a process keeps settings before reading
// them again; a change made in another process shows within it.
const keepSettingsFor = 5 * time.Second

// kept is a value a process keeps for keepSettingsFor.
type kept[T any] struct{ p atomic.Pointer[keptValue[T]] }

type keptValue[T any] struct {
	v  T
	at time.Time
}

// get returns the kept value, or what read returns, kept when it is no
// error.
func (k *kept[T]) get(read func() (T, error)) (T, error) {
	if c := k.p.Load(); c != nil && time.Since(c.at) < keepSettingsFor {
		return c.v, nil
	}
	v, err := read()
	if err == nil {
		k.p.Store(&keptValue[T]{v: v, at: time.Now()})
	}
	return v, err
}

// drop forgets the kept value.
func (k *kept[T]) drop() { k.p.Store(nil) }

// JoinSettings returns the join page settings, defaults filled in. They
// are read on every join submission, so they are kept for a few seconds.
func (s *Storage) JoinSettings(ctx context.Context) (JoinSettings, error) {
	return s.joinCache.get(func() (JoinSettings, error) { return s.joinSettings(ctx, s.r) })
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
	return s.saveSettings(ctx, u, st.Stored())
}
