package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/storage"
)

// TestMain lets a test run this binary as the verve command itself, so a
// test can kill it mid-import.
func TestMain(m *testing.M) {
	if os.Getenv("VERVE_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledImportChangesNothing kills "verve import newhires" with
// SIGKILL while it merges a large list: the database opens afterwards as
// it was, with no prospects and no import.
func TestKilledImportChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 60,000-row list")
	}
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "v.db")
	if _, err := runArgs(t, "seed", "--db", db, "--members", "500"); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var orgnr string
	var before, importsBefore int
	store.DB().QueryRow(`SELECT orgnr FROM workplaces ORDER BY id LIMIT 1`).Scan(&orgnr)
	store.DB().QueryRow(`SELECT count(*) FROM persons`).Scan(&before)
	store.DB().QueryRow(`SELECT count(*) FROM imports`).Scan(&importsBefore)
	store.Close()

	list := filepath.Join(dir, "stor.csv")
	f, err := os.Create(list)
	if err != nil {
		t.Fatal(err)
	}
	if err := importer.WriteSample(f, "csv", 60000, 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command(os.Args[0], "import", "newhires", "--db", db, "--workplace", orgnr, list)
	cmd.Env = append(os.Environ(), "VERVE_TEST_RUN_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it holds the write transaction: the list is staged in
	// memory, so the WAL grows only once the merge writes.
	time.Sleep(300 * time.Millisecond)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(filepath.Join(dir, "v.db-wal")); err == nil && fi.Size() > 1<<20 {
			break
		}
	}
	cmd.Process.Kill()
	if cmd.Wait() == nil {
		t.Fatal("the import finished before it was killed; the test needs a longer list")
	}

	store, err = storage.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("database after the kill: %v", err)
	}
	defer store.Close()
	var after, imports int
	store.DB().QueryRow(`SELECT count(*) FROM persons`).Scan(&after)
	store.DB().QueryRow(`SELECT count(*) FROM imports`).Scan(&imports)
	if after != before || imports != importsBefore {
		t.Fatalf("after the kill: %d persons (was %d), %d imports (was %d)", after, before, imports, importsBefore)
	}
}
