package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pseudonym"
)

// Backups of a SQLite database. Copying the file is not safe while a
// server writes: with WAL the newest pages live in the -wal file. VACUUM
// INTO writes one read transaction's snapshot to a new file; in WAL mode a
// reader does not block the writer, so the server keeps writing while the
// copy is made. The fødselsnummer key is never part of a copy.

// BackupInfo tells what a backup copied.
type BackupInfo struct {
	Size     int64
	Duration time.Duration
	Version  int64 // the copy's migration version
}

// KeyFile returns the key file a database uses (see keyFileFor), so that a
// command can name it.
func KeyFile(dsn, keyFile string) (string, error) { return keyFileFor(dsn, keyFile) }

// BackupSQLite copies the SQLite database at path to out, which must not
// exist. The copy is written under a temporary name beside out and only
// then linked to out, so a crash leaves no half backup under out's name.
func BackupSQLite(ctx context.Context, path, out string) (*BackupInfo, error) {
	return backupSQLite(ctx, path, out, func() {})
}

// backupSQLite is BackupSQLite calling vacuumed when VACUUM INTO is done,
// so that a test can tell which writes ran while it did.
func backupSQLite(ctx context.Context, path, out string, vacuumed func()) (*BackupInfo, error) {
	start := time.Now()
	if _, err := os.Lstat(out); err == nil {
		return nil, model.ErrorKey(model.ECONFLICT, "cli.backup.exists", "path", out)
	}
	db, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	version, _, err := migrationVersions(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tmp, err := tempFile(out)
	if err != nil {
		return nil, err
	}
	defer removeSQLite(tmp) // after placeNew only the temporary name goes
	// VACUUM INTO accepts the empty file CreateTemp left.
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return nil, cliError(err, "cli.backup.of", "path", path)
	}
	vacuumed()
	if err := syncFile(tmp); err != nil {
		return nil, err
	}
	if err := placeNew(tmp, out); err != nil {
		return nil, err
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	return &BackupInfo{Size: st.Size(), Duration: time.Since(start), Version: version}, nil
}

// RestoreInfo tells what a restore did.
type RestoreInfo struct {
	Version    int64  // the backup's migration version
	MigratedTo int64  // the version after migrating it
	MovedAside string // where the replaced database went; "" if there was none
	KeyFile    string // the key file that fits the restored database
}

// RestoreSQLite puts the backup in place as the SQLite database at path.
// The backup is checked (integrity, foreign keys, not from a newer Verve,
// the key file fits) and migrated as a copy beside path, so that a refusal
// leaves both the backup and the database at path as they were. A database
// at path is moved aside, with its -wal and -shm, never deleted.
func RestoreSQLite(ctx context.Context, path, backup string, o Options) (*RestoreInfo, error) {
	keyFile, err := keyFileFor("sqlite:"+path, o.KeyFile)
	if err != nil {
		return nil, err
	}
	tmp, err := tempFile(path)
	if err != nil {
		return nil, err
	}
	defer removeSQLite(tmp)
	info, err := prepareRestore(ctx, tmp, backup, keyFile)
	if err != nil {
		return nil, cliError(nil, "cli.restore.rejected", "backup", backup, "reason", err)
	}
	if info.MovedAside, err = moveAside(path); err != nil {
		return nil, err
	}
	if err := placeNew(tmp, path); err != nil {
		return nil, fmt.Errorf("%w %w", err, cliError(nil, "cli.restore.movedaside", "path", info.MovedAside))
	}
	return info, nil
}

// prepareRestore copies the backup to tmp, checks the copy and migrates it.
func prepareRestore(ctx context.Context, tmp, backup, keyFile string) (*RestoreInfo, error) {
	if err := checkSQLiteHeader(backup); err != nil {
		return nil, err
	}
	if err := copyFile(backup, tmp); err != nil {
		return nil, err
	}
	info := &RestoreInfo{KeyFile: keyFile}
	var err error
	if info.Version, err = checkBackup(ctx, tmp, keyFile); err != nil {
		return nil, err
	}
	s, err := OpenWith(ctx, "sqlite:"+tmp, Options{KeyFile: keyFile})
	if err != nil {
		return nil, cliError(err, "cli.restore.migration")
	}
	info.MigratedTo, _, err = migrationVersions(ctx, s.w)
	// Closing the last connection checkpoints the WAL into the file.
	if err := errors.Join(err, s.Close()); err != nil {
		return nil, err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return nil, cliError(nil, "cli.restore.wal")
	}
	return info, syncFile(tmp)
}

// checkBackup checks a copy of a backup and returns its migration version.
func checkBackup(ctx context.Context, path, keyFile string) (int64, error) {
	db, err := openFile(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	bad, err := column(ctx, db, `PRAGMA integrity_check`)
	if err != nil || len(bad) != 1 || bad[0] != "ok" {
		return 0, cliError(nil, "cli.restore.damaged", "problems", problems(bad, err))
	}
	bad, err = column(ctx, db, `PRAGMA foreign_key_check`)
	if err != nil || len(bad) > 0 {
		return 0, cliError(nil, "cli.restore.foreignkeys", "problems", problems(bad, err))
	}
	version, latest, err := migrationVersions(ctx, db)
	if err != nil {
		return 0, err
	}
	if version > latest {
		return 0, cliError(nil, "cli.restore.newer", "version", version, "latest", latest)
	}
	return version, checkKeyFits(ctx, db, keyFile)
}

// checkKeyFits refuses a backup whose fødselsnumre were hashed with
// another key than the one in keyFile, or when that file is missing.
func checkKeyFits(ctx context.Context, db *sql.DB, keyFile string) error {
	var check string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, keyCheckSetting).Scan(&check)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // from before keyed hashes: the first start makes a key
	}
	if err != nil {
		return err
	}
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return cliError(nil, "cli.restore.nokey", "path", keyFile)
	}
	if err != nil {
		return err
	}
	k, err := pseudonym.Parse(string(b))
	if err != nil {
		return cliError(err, "cli.restore.keyfile", "path", keyFile)
	}
	if k.Check() != check {
		return cliError(nil, "cli.restore.wrongkey", "path", keyFile)
	}
	return nil
}

// migrationVersions returns the database's migration version and the
// newest one this binary embeds.
func migrationVersions(ctx context.Context, db *sql.DB) (current, latest int64, err error) {
	// GetDBVersion would create goose's table in a database that lacks it.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = $1`, goose.DefaultTablename).Scan(&n); err != nil || n == 0 {
		return 0, 0, cliError(nil, "cli.restore.notverve")
	}
	fsys, err := migrations(SQLite)
	if err != nil {
		return 0, 0, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, cliError(err, "cli.restore.version")
	}
	for _, src := range p.ListSources() {
		latest = max(latest, src.Version)
	}
	return current, latest, nil
}

// openFile opens an existing SQLite file on one connection of its own:
// not the Storage's writer, which a backup must not hold, nor its readers,
// which are query_only and so cannot run VACUUM INTO.
func openFile(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, cliError(err, "cli.restore.nodb")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(30000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkSQLiteHeader refuses a file that does not start as a SQLite
// database does, before anything is copied.
func checkSQLiteHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return cliError(nil, "cli.restore.notsqlite")
	}
	return nil
}

// moveAside renames the database at path, and its -wal and -shm (a WAL
// left behind would otherwise be replayed into the restored file), to
// path.before-restore-TIMESTAMP. It refuses while anyone has the database
// open. A server that opens it between this check and the rename is not
// caught: stop the server before a restore.
func moveAside(path string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		if err := checkNotInUse(path); err != nil {
			return "", err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	aside := path + ".before-restore-" + time.Now().Format("20060102-150405")
	moved := ""
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(path + suffix); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, err := os.Lstat(aside + suffix); err == nil {
			return "", cliError(nil, "cli.restore.asideexists", "path", aside+suffix)
		}
		if err := os.Rename(path+suffix, aside+suffix); err != nil {
			return "", err
		}
		if suffix == "" {
			moved = aside
		}
	}
	return moved, nil
}

// checkNotInUse takes SQLite's exclusive lock on the database: in WAL mode
// every open connection holds a shared lock, so this fails while a server
// (or any other process) has it open. Closing the connection as the last
// one also checkpoints the WAL into the file.
func checkNotInUse(path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(`BEGIN EXCLUSIVE; COMMIT`); err != nil {
		return cliError(nil, "cli.restore.inuse", "path", path, "err", err)
	}
	return nil
}

// column returns the first column of every row of a query, as text.
func column(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []string
	err = eachRow(rows, func() error {
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return err
		}
		out = append(out, fmt.Sprint(*vals[0].(*any)))
		return nil
	})
	return out, err
}

// problems summarises a check's findings for a message.
func problems(found []string, err error) string {
	if err != nil {
		return err.Error()
	}
	n := len(found)
	found = slices.Compact(slices.Sorted(slices.Values(found)))
	if len(found) > 3 {
		found = found[:3]
	}
	return fmt.Sprintf("%s (%d)", strings.Join(found, ", "), n)
}

// tempFile creates an empty file, readable by its owner only, beside
// path, for a copy to be renamed to path once complete.
func tempFile(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// copyFile copies src to the existing file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// placeNew gives the complete file tmp the name dst without ever replacing
// a file at dst (a hard link fails if dst exists; rename would not), and
// syncs the directory so the name survives a crash. The caller removes tmp.
func placeNew(tmp, dst string) error {
	err := os.Link(tmp, dst)
	if errors.Is(err, fs.ErrExist) {
		return model.ErrorKey(model.ECONFLICT, "cli.backup.noreplace", "path", dst)
	}
	if err != nil {
		// A file system without hard links.
		if _, err := os.Lstat(dst); err == nil {
			return model.ErrorKey(model.ECONFLICT, "cli.backup.noreplace", "path", dst)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
	}
	d, err := os.Open(filepath.Dir(dst))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeSQLite removes a temporary database and the files SQLite kept
// beside it.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}
