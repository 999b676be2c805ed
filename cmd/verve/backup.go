package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// runBackup handles "verve backup": a consistent copy of a SQLite database,
// also while the server writes to it.
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path, out, err := parseBackupArgs("backup", nb("cli.backup.usage"), args)
	if err != nil {
		return err
	}
	info, err := storage.BackupSQLite(ctx, path, out)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, nb("cli.backup.done", "path", path, "out", out, "size", decimal(float64(info.Size)/1e6, "MB"),
		"version", info.Version, "took", decimal(info.Duration.Seconds(), "s")))
	if key, err := storage.KeyFile("sqlite:"+path, fs.Lookup("key-file").Value.String()); err == nil {
		fmt.Fprintln(stdout, nb("cli.backup.keyfile", "path", key))
	}
	return nil
}

// runRestore handles "verve restore": checks a backup, migrates it and
// puts it in place of the database, which is moved aside.
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path, backup, err := parseBackupArgs("restore", nb("cli.restore.usage"), args)
	if err != nil {
		return err
	}
	info, err := storage.RestoreSQLite(ctx, path, backup, storage.Options{KeyFile: fs.Lookup("key-file").Value.String()})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, nb("cli.restore.done", "backup", backup, "keyfile", info.KeyFile, "from", info.Version, "to", info.MigratedTo, "path", path))
	if info.MovedAside != "" {
		fmt.Fprintln(stdout, nb("cli.restore.done.movedaside", "path", info.MovedAside))
	}
	return nil
}

// parseBackupArgs parses backup's and restore's flags and one file
// argument (usage says which when it is missing), and returns the SQLite file --db names. PostgreSQL has its own
// tools, which the refusal names.
func parseBackupArgs(name, usage string, args []string) (*flag.FlagSet, string, string, error) {
	var dsn string
	fs := newFlags(name, &dsn, "sqlite:verve.db")
	if err := fs.Parse(args); err != nil {
		return nil, "", "", err
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, "", "", errors.New(nb("cli.backup.postgres", "command", name))
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok || path == "" {
		return nil, "", "", model.ErrorKey(model.EINVALID, "cli.db.invalid", "dsn", strconv.Quote(dsn))
	}
	if fs.NArg() != 1 {
		return nil, "", "", errors.New(usage)
	}
	return fs, path, fs.Arg(0), nil
}

// decimal writes a number with one decimal the Norwegian way: 12,3 MB.
func decimal(f float64, unit string) string {
	return strings.Replace(fmt.Sprintf("%.1f %s", f, unit), ".", ",", 1)
}
