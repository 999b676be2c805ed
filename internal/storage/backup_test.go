package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/pseudonym"
)

// written is a row a writer committed: its table and id.
type written struct {
	table string
	id    int64
}

// writers runs goroutines that write through the Storage's public methods
// (persons, units and workplaces as the pages do, and new-hire lists) until
// stop is called, and records every committed row in order.
type writers struct {
	mu   sync.Mutex
	rows []written
	errs []error
	stop func()
	wg   sync.WaitGroup
}

func startWriters(t *testing.T, s *Storage, f *fixture) *writers {
	ctx, cancel := context.WithCancel(context.Background())
	w := &writers{stop: cancel}
	sys := access.System("test")
	loop := func(write func(i int) ([]written, error)) {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				rows, err := write(i)
				w.mu.Lock()
				if err != nil && ctx.Err() == nil {
					w.errs = append(w.errs, err)
				}
				if err == nil {
					w.rows = append(w.rows, rows...)
				}
				w.mu.Unlock()
			}
		}()
	}
	loop(func(i int) ([]written, error) {
		p := &model.Person{FirstName: "Skriver", LastName: fmt.Sprint("Nr", i), WorkplaceID: f.wA.ID}
		err := s.CreatePerson(ctx, sys, p)
		return []written{{"persons", p.ID}}, err
	})
	r := rand.New(rand.NewPCG(1, 2))
	loop(func(i int) ([]written, error) {
		u := &model.OrgUnit{Kind: model.UnitClub, Name: fmt.Sprint("Klubb ", i), ParentID: f.clubA.ParentID}
		if err := s.CreateUnit(ctx, sys, u); err != nil {
			return nil, err
		}
		wp := &model.Workplace{UnitID: u.ID, Name: fmt.Sprint("Arbeidsplass ", i), Orgnr: norway.GenerateOrgnr(r)}
		err := s.CreateWorkplace(ctx, sys, wp)
		return []written{{"org_units", u.ID}, {"workplaces", wp.ID}}, err
	})
	loop(func(i int) ([]written, error) {
		req := ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wB.ID, Filename: "l.csv", Commit: true}
		res, err := s.Import(ctx, sys, req, rowsOf(hire(2, "Ny", fmt.Sprint("Ansatt", i), f.wB, nil)))
		if err != nil {
			return nil, err
		}
		return []written{{"imports", res.ImportID}}, nil
	})
	t.Cleanup(func() { w.stop(); w.wg.Wait() })
	return w
}

// committed returns the rows committed so far.
func (w *writers) committed() []written {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]written(nil), w.rows...)
}

func (w *writers) wait(t *testing.T, n int) {
	for len(w.committed()) < n {
		w.mu.Lock()
		errs := w.errs
		w.mu.Unlock()
		if len(errs) > 0 {
			t.Fatal(errs[0])
		}
		time.Sleep(time.Millisecond)
	}
}

func has(t *testing.T, db *sql.DB, r written) bool {
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM `+r.table+` WHERE id = $1`, r.id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestBackupWhileWritingRestoresEveryCommittedRow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "verve.db")
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, _ := pipelineFixture(t, s)
	// Some bulk, so that VACUUM INTO runs long enough for writes to land
	// while it does.
	if _, err := s.w.Exec(`CREATE TABLE padding (b BLOB);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
		INSERT INTO padding SELECT randomblob(65536) FROM n`); err != nil {
		t.Fatal(err)
	}
	w := startWriters(t, s, f)
	w.wait(t, 30)

	before := w.committed()
	var during []written
	out := filepath.Join(dir, "kopi.db")
	info, err := backupSQLite(context.Background(), path, out, func() { during = w.committed()[len(before):] })
	if err != nil {
		t.Fatal(err)
	}
	w.wait(t, len(before)+len(during)+10) // the writers still run
	w.stop()
	w.wg.Wait()
	if len(w.errs) > 0 {
		t.Fatal(w.errs[0])
	}
	if info.Size == 0 || info.Version == 0 {
		t.Fatalf("backup info %+v", info)
	}
	if _, err := BackupSQLite(context.Background(), path, out); err == nil || !strings.Contains(err.Error(), "finnes fra før") {
		t.Fatalf("a second backup to the same file: %v", err)
	}

	restored := filepath.Join(dir, "gjenopprettet.db")
	if _, err := RestoreSQLite(context.Background(), restored, out, Options{KeyFile: path + ".key"}); err != nil {
		t.Fatal(err)
	}
	r, err := OpenWith(context.Background(), "sqlite:"+restored, Options{KeyFile: path + ".key"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ok string
	if err := r.r.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check of the restored copy: %q %v", ok, err)
	}
	for _, row := range before {
		if !has(t, r.r, row) {
			t.Fatalf("%s %d, committed before the backup began, is missing from it", row.table, row.id)
		}
	}
	// Rows committed while VACUUM INTO ran but after its snapshot began are
	// not in the copy: the writers went on while it was made.
	concurrent := 0
	for _, row := range during {
		if !has(t, r.r, row) {
			concurrent++
		}
	}
	t.Logf("%d rows before the backup, %d committed during VACUUM INTO, %d of them after its snapshot", len(before), len(during), concurrent)
	if concurrent == 0 {
		t.Fatal("no write completed while VACUUM INTO ran: the backup blocked the writer")
	}
}

// restoreFixture is a database at path (closed, with its key file) and a
// good backup of it.
func restoreFixture(t *testing.T) (path, backup string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "verve.db")
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	newFixture(t, s)
	backup = filepath.Join(dir, "kopi.db")
	if _, err := BackupSQLite(context.Background(), path, backup); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, backup
}

// variant writes a changed copy of a file under a new name in its directory.
func variant(t *testing.T, file, name string, change func(b []byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(file), name)
	if err := os.WriteFile(out, change(b), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// sqlVariant writes a copy of a database changed by SQL run without
// foreign keys.
func sqlVariant(t *testing.T, file, name, q string) string {
	t.Helper()
	out := variant(t, file, name, func(b []byte) []byte { return b })
	db, err := sql.Open("sqlite", "file:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
	return out
}

// dirState is every file in dir with a hash of its content.
func dirState(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}

func TestRestoreRefusesAndLeavesTheDatabase(t *testing.T) {
	t.Parallel()
	path, backup := restoreFixture(t)
	dir := filepath.Dir(path)
	otherKey := filepath.Join(dir, "annen.key")
	if err := os.WriteFile(otherKey, []byte(pseudonym.New().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, backup, keyFile, want string
	}{
		{"not sqlite", variant(t, backup, "tekst.db", func([]byte) []byte { return []byte("fornavn;etternavn\nKari;Nordmann\n") }), "", "ikke en SQLite-database"},
		{"truncated", variant(t, backup, "kort.db", func(b []byte) []byte { return b[:len(b)/2] }), "", "skadet"},
		{"garbage pages", variant(t, backup, "rot.db", func(b []byte) []byte {
			b = bytes.Clone(b)
			for i := 4096; i < len(b); i += 7 {
				b[i] ^= 0x5a
			}
			return b
		}), "", "skadet"},
		{"broken foreign key", sqlVariant(t, backup, "fk.db", `INSERT INTO employments (person_id, workplace_id, start_date) VALUES (999999, 999999, '2026-01-01')`), "", "foreign_key_check"},
		{"newer version", sqlVariant(t, backup, "ny.db", `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`), "", "nyere Verve"},
		{"not verve", sqlVariant(t, backup, "annen.db", `DROP TABLE goose_db_version`), "", "ikke en Verve-database"},
		{"other key", backup, otherKey, "hører ikke til"},
		{"no key", backup, filepath.Join(dir, "mangler.key"), "finnes ikke"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dirState(t, dir)
			_, err := RestoreSQLite(context.Background(), path, tc.backup, Options{KeyFile: tc.keyFile})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Ingenting er endret") {
				t.Fatalf("err %v, want mention of %q and that the database is unchanged", err, tc.want)
			}
			if after := dirState(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("a refused restore changed the directory:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestRestoreRefusesADatabaseInUse(t *testing.T) {
	t.Parallel()
	path, backup := restoreFixture(t)
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := RestoreSQLite(context.Background(), path, backup, Options{}); err == nil || !strings.Contains(err.Error(), "i bruk") {
		t.Fatalf("restore over an open database: %v", err)
	}
	if err := s.CreateUnit(context.Background(), access.System("test"), &model.OrgUnit{Kind: model.UnitUnion, Name: "Fortsatt her"}); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreMovesTheDatabaseAsideWithItsWAL(t *testing.T) {
	t.Parallel()
	path, backup := restoreFixture(t)
	// A database whose server crashed: a row written after the backup is
	// still only in its -wal. Copying the files of an idle connection makes
	// one.
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	later := &model.OrgUnit{Kind: model.UnitUnion, Name: "Etter kopien"}
	if err := s.CreateUnit(context.Background(), access.System("test"), later); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(filepath.Dir(path), "krasj.db")
	for _, suffix := range []string{"", "-wal"} {
		variant(t, path+suffix, "krasj.db"+suffix, func(b []byte) []byte { return b })
	}
	if st, err := os.Stat(crashed + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no WAL to move aside: %v", err)
	}

	key := Options{KeyFile: path + ".key"}
	info, err := RestoreSQLite(context.Background(), crashed, backup, key)
	if err != nil {
		t.Fatal(err)
	}
	if info.MovedAside == "" || info.Version != info.MigratedTo {
		t.Fatalf("restore info %+v", info)
	}
	for file, want := range map[string]bool{crashed: false, info.MovedAside: true} {
		db, err := OpenWith(context.Background(), "sqlite:"+file, key)
		if err != nil {
			t.Fatal(err)
		}
		if got := has(t, db.r, written{"org_units", later.ID}); got != want {
			t.Errorf("%s: the row written after the backup present: %v, want %v", file, got, want)
		}
		db.Close()
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
