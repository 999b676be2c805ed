package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestImportRegister: a generated register export into an empty database
// on each engine: the dry run stores nothing, the load creates the
// members, the same export again changes nothing, and a broken export is
// refused with a non-zero exit and nothing stored.
func TestImportRegister(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "register.csv")
	if out, err := runArgs(t, "register", "sample", "--members", "300", file); err != nil {
		t.Fatalf("register sample: %v\n%s", err, out)
	}
	if _, err := runArgs(t, "register", "sample", "--members", "300", file); err == nil {
		t.Error("register sample wrote over an existing file")
	}
	// Half the rows without a valid member number: refused.
	var bad strings.Builder
	bad.WriteString("Medlemsnummer;Fornavn;Etternavn\n")
	for i := range 20 {
		no := fmt.Sprint(900000 + i)
		if i%2 == 0 {
			no = ""
		}
		fmt.Fprintf(&bad, "%s;Kari;Nordmann\n", no)
	}
	badFile := filepath.Join(dir, "broken.csv")
	if err := os.WriteFile(badFile, []byte(bad.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			db := storagetest.DSN(t, engine)
			// As a new union starts: the first admin (and the union), then
			// the register.
			if out, err := runArgs(t, "user", "add", "--db", db, "--username", "admin", "--password", "langt-passord"); err != nil {
				t.Fatalf("user add: %v\n%s", err, out)
			}
			store, err := storage.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			members := func() (n int) {
				store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL`).Scan(&n)
				return n
			}
			out, err := runArgs(t, "import", "register", "--db", db, "--dry-run", file)
			if err != nil || !strings.Contains(out, "300 rader lest") || !strings.Contains(out, "Prøvekjøring") {
				t.Fatalf("dry run: %v\n%s", err, out)
			}
			if n := members(); n != 0 {
				t.Fatalf("the dry run stored %d members", n)
			}
			out, err = runArgs(t, "import", "register", "--db", db, file)
			if err != nil || !strings.Contains(out, "Lagret") || !strings.Contains(out, "Første innlesing") {
				t.Fatalf("load: %v\n%s", err, out)
			}
			loaded := members()
			if loaded < 290 {
				t.Fatalf("%d members after the load, want about 300:\n%s", loaded, out)
			}
			out, err = runArgs(t, "import", "register", "--db", db, file)
			if err != nil || strings.Contains(out, "nye medlemmer") || !strings.Contains(out, fmt.Sprint(loaded)+" uendrede") {
				t.Fatalf("the same export again: %v\n%s", err, out)
			}
			out, err = runArgs(t, "import", "register", "--db", db, badFile)
			if err == nil || !strings.Contains(out, "Avvist") || !strings.Contains(out, "rad 2, Medlemsnummer") {
				t.Fatalf("broken export: %v\n%s", err, out)
			}
			if n := members(); n != loaded {
				t.Fatalf("a refused export changed the members: %d, was %d", n, loaded)
			}
		})
	}
	if _, err := runArgs(t, "import", "register", "--db", "sqlite:"+filepath.Join(dir, "x.db")); err == nil {
		t.Error("import register without a file succeeded")
	}
}
