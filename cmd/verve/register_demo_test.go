package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestRegisterSampleDemo: `register sample --demo` writes the demo's own
// register from its database (the size, seed and day it was made with):
// loaded into the demo it changes nothing, and the month opens winback
// calls. A database the demo did not make is refused by name.
func TestRegisterSampleDemo(t *testing.T) {
	dir := t.TempDir()
	db := storagetest.DSN(t, "sqlite")
	if out, err := runArgs(t, "seed", "--db", db, "--members", "1500", "--today", "2026-11-25"); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	export, month := filepath.Join(dir, "register.csv"), filepath.Join(dir, "register-month.csv")
	if out, err := runArgs(t, "register", "sample", "--demo", "--db", db, export); err != nil {
		t.Fatalf("register sample --demo: %v\n%s", err, out)
	}
	if out, err := runArgs(t, "register", "sample", "--demo", "--db", db, "--changes", month); err != nil {
		t.Fatalf("register sample --demo --changes: %v\n%s", err, out)
	}
	out, err := runArgs(t, "import", "register", "--db", db, export)
	if err != nil || strings.Contains(out, "med endringer") || strings.Contains(out, "nye medlemmer") || !strings.Contains(out, "uendrede") {
		t.Fatalf("the demo's own export: %v\n%s", err, out)
	}
	out, err = runArgs(t, "import", "register", "--db", db, month)
	if err != nil || !strings.Contains(out, "nye medlemmer") || !strings.Contains(out, "vinn-tilbake-oppgaver") {
		t.Fatalf("the month: %v\n%s", err, out)
	}
	other := storagetest.DSN(t, "sqlite")
	if out, err := runArgs(t, "user", "add", "--db", other, "--username", "admin", "--password", "langt-passord"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if _, err := runArgs(t, "register", "sample", "--demo", "--db", other, filepath.Join(dir, "x.csv")); err == nil || !strings.Contains(err.Error(), "demodatabase") {
		t.Fatalf("a database without a demo: %v", err)
	}
}
