package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// runBackup handles "verve backup": a consistent copy of a SQLite database,
// also while the server writes to it.
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path, out, err := parseBackupArgs("backup", "UT-FIL", args)
	if err != nil {
		return err
	}
	info, err := storage.BackupSQLite(ctx, path, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sikkerhetskopi av %s skrevet til %s: %s, migrering %d, på %s.\n",
		path, out, decimal(float64(info.Size)/1e6, "MB"), info.Version, decimal(info.Duration.Seconds(), "s"))
	if key, err := storage.KeyFile("sqlite:"+path, fs.Lookup("key-file").Value.String()); err == nil {
		fmt.Fprintf(stdout, "Nøkkelfilen for fødselsnumre, %s, er IKKE med i kopien. Ta sikkerhetskopi av den for seg og oppbevar den adskilt fra databasen: uten nøkkelen kan fødselsnumrene i kopien ikke brukes til matching, og en gjenoppretting trenger den.\n", key)
	}
	return nil
}

// runRestore handles "verve restore": checks a backup, migrates it and
// puts it in place of the database, which is moved aside.
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path, backup, err := parseBackupArgs("restore", "SIKKERHETSKOPI", args)
	if err != nil {
		return err
	}
	info, err := storage.RestoreSQLite(ctx, path, backup, storage.Options{KeyFile: fs.Lookup("key-file").Value.String()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sikkerhetskopien %s er kontrollert (integrity_check ok, ingen brutte fremmednøkler, nøkkelfilen %s passer), migrert fra %d til %d og lagt på plass som %s.\n",
		backup, info.KeyFile, info.Version, info.MigratedTo, path)
	if info.MovedAside != "" {
		fmt.Fprintf(stdout, "Den forrige databasen er flyttet til %s (ikke slettet).\n", info.MovedAside)
	}
	return nil
}

// parseBackupArgs parses backup's and restore's flags and one file
// argument, and returns the SQLite file --db names. PostgreSQL has its own
// tools, which the refusal names.
func parseBackupArgs(name, file string, args []string) (*flag.FlagSet, string, string, error) {
	var dsn string
	fs := newFlags(name, &dsn, "sqlite:verve.db")
	if err := fs.Parse(args); err != nil {
		return nil, "", "", err
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, "", "", errors.New("verve " + name + " gjelder SQLite. For PostgreSQL: ta kopi med «pg_dump --format=custom --file=verve.dump DATABASE» " +
			"og legg den tilbake med «pg_restore --clean --if-exists --dbname=DATABASE verve.dump». " +
			"Nøkkelfilen for fødselsnumre (--key-file, VERVE_KEY_FILE) er ikke i databasen: ta sikkerhetskopi av den for seg, adskilt fra databasen")
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok || path == "" {
		return nil, "", "", model.Errorf(model.EINVALID, "--db må være sqlite:FIL eller en postgres://-adresse, ikke %q", dsn)
	}
	if fs.NArg() != 1 {
		return nil, "", "", fmt.Errorf("bruk: verve %s --db sqlite:FIL %s", name, file)
	}
	return fs, path, fs.Arg(0), nil
}

// decimal writes a number with one decimal the Norwegian way: 12,3 MB.
func decimal(f float64, unit string) string {
	return strings.Replace(fmt.Sprintf("%.1f %s", f, unit), ".", ",", 1)
}
