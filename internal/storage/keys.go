package storage

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pseudonym"
)

// keyCheckSetting holds pseudonym.Key.Check of the key the database's
// hashes were made with, so that a wrong or lost key is found at start and
// not as matches that silently stop matching.
const keyCheckSetting = "fnr_key_check"

// splitKeyFile takes a key_file=PATH parameter off a PostgreSQL address
// (the driver would send it to the server), for setups that name the
// database and its key in one string.
func splitKeyFile(dsn string) (string, string) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn, ""
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, ""
	}
	q := u.Query()
	kf := q.Get("key_file")
	if kf == "" {
		return dsn, ""
	}
	q.Del("key_file")
	u.RawQuery = q.Encode()
	return u.String(), kf
}

// keyFileFor decides where the key lives: the given file, VERVE_KEY_FILE,
// or beside a SQLite database.
func keyFileFor(dsn, keyFile string) (string, error) {
	if keyFile != "" {
		return keyFile, nil
	}
	if f := os.Getenv("VERVE_KEY_FILE"); f != "" {
		return f, nil
	}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return path + ".key", nil
	}
	return "", model.ErrorKey(model.EINVALID, "cli.key.needed")
}

// loadKey reads or creates the key and checks it against the database: a
// database whose hashes were made with another key refuses to start, and a
// missing key file is not replaced by a new key for a database that has one.
func (s *Storage) loadKey(ctx context.Context, dsn, keyFile string) error {
	path, err := keyFileFor(dsn, keyFile)
	if err != nil {
		return err
	}
	var check string
	err = s.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, keyCheckSetting).Scan(&check)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if check != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return cliError(nil, "cli.key.missing", "path", path)
		}
	}
	k, _, err := pseudonym.LoadOrCreate(path)
	if err != nil {
		return err
	}
	if check != "" && check != k.Check() {
		return cliError(nil, "cli.key.wrong", "path", path)
	}
	s.key = k
	if check == "" {
		return s.inTx(ctx, func(tx *sql.Tx) error {
			if err := s.hashClearFnrs(ctx, tx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, keyCheckSetting, k.Check())
			return err
		})
	}
	return nil
}

// hashClearFnrs replaces fødselsnumre that a database from before keyed
// hashes holds in clear (11 digits) by their hashes.
func (s *Storage) hashClearFnrs(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, fnr_hash FROM persons WHERE fnr_hash IS NOT NULL AND length(fnr_hash) = 11`)
	if err != nil {
		return err
	}
	clear := map[int64]string{}
	err = eachRow(rows, func() error {
		var id int64
		var f string
		if err := rows.Scan(&id, &f); err != nil {
			return err
		}
		clear[id] = f
		return nil
	})
	if err != nil {
		return err
	}
	for id, f := range clear {
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET fnr_hash = $1 WHERE id = $2`, s.key.Hash(f), id); err != nil {
			return err
		}
	}
	return nil
}

// SealFnr returns an applicant's fødselsnummer sealed with the key, as kept
// until the application reaches the member register, or nil for none.
func (s *Storage) SealFnr(fnr string) any {
	if fnr == "" {
		return nil
	}
	return s.key.Seal(fnr)
}

// FnrHash returns the keyed hash Verve stores for a fødselsnummer, or nil
// for none: the number itself never reaches the database.
func (s *Storage) FnrHash(fnr string) any {
	if fnr == "" {
		return nil
	}
	return s.key.Hash(fnr)
}
