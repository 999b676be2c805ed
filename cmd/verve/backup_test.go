package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verve.db")
	db := "sqlite:" + path
	if _, err := runArgs(t, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "kopi.db")
	got, err := runArgs(t, "backup", "--db", db, out)
	if err != nil || !strings.Contains(got, "MB") || !strings.Contains(got, path+".key, er IKKE med i kopien") {
		t.Fatalf("backup: %v\n%s", err, got)
	}
	if got, err := runArgs(t, "backup", "--db", db, out); err == nil || !strings.Contains(err.Error(), "finnes fra før") {
		t.Fatalf("backup over an existing file: %v\n%s", err, got)
	}

	// Restored elsewhere, the database needs its key file named.
	other := filepath.Join(dir, "annen.db")
	if got, err := runArgs(t, "restore", "--db", "sqlite:"+other, out); err == nil || !strings.Contains(err.Error(), "--key-file") {
		t.Fatalf("restore without the key: %v\n%s", err, got)
	}
	if got, err := runArgs(t, "restore", "--db", "sqlite:"+other, "--key-file", path+".key", out); err != nil || !strings.Contains(got, "lagt på plass") {
		t.Fatalf("restore: %v\n%s", err, got)
	}
	// In place, the database is moved aside.
	got, err = runArgs(t, "restore", "--db", db, out)
	if err != nil || !strings.Contains(got, "flyttet til "+path+".before-restore-") {
		t.Fatalf("restore in place: %v\n%s", err, got)
	}
	if matches, _ := filepath.Glob(path + ".before-restore-*"); len(matches) != 1 {
		t.Fatalf("moved aside: %v", matches)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestBackupAndRestoreRefusePostgres(t *testing.T) {
	for _, args := range [][]string{
		{"backup", "--db", "postgres://postgres@127.0.0.1:5432/test", "kopi.dump"},
		{"restore", "--db", "postgresql://postgres@127.0.0.1:5432/test", "kopi.dump"},
	} {
		got, err := runArgs(t, args...)
		if err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") || !strings.Contains(err.Error(), "pg_restore") || !strings.Contains(err.Error(), "Nøkkelfilen") {
			t.Errorf("%v: %v\n%s", args, err, got)
		}
	}
	if _, err := runArgs(t, "backup", "--db", "sqlite:"+filepath.Join(t.TempDir(), "v.db")); err == nil || !strings.Contains(err.Error(), "bruk: verve backup") {
		t.Errorf("backup without a file: %v", err)
	}
}
