package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/storage"
)

func runArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

func TestCommandsRejectBadInput(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "mangler kommando"},
		{[]string{"nosuch"}, "ukjent kommando"},
		{[]string{"seed", "--db", "mysql://x"}, "--db må være"},
		{[]string{"seed", "--db", db, "--today", "31.02.2026"}, "--today"},
		{[]string{"seed", "--db", db, "--members", "3"}, "--members"},
		{[]string{"seed", "--db", db, "--members", "tusen"}, "invalid value"},
		{[]string{"user", "add", "--db", db, "--username", "x", "--password", "kort"}, "--password"},
	} {
		out, err := runArgs(t, tc.args...)
		if err == nil || !strings.Contains(err.Error()+out, tc.want) {
			t.Errorf("%v: err %v, output %q; want mention of %q", tc.args, err, out, tc.want)
		}
	}
	if out, err := runArgs(t, "version"); err != nil || !strings.Contains(out, "verve") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestSeedUserAddAndServe(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	out, err := runArgs(t, "seed", "--db", db, "--members", "500", "--today", "2026-11-25")
	if err != nil || !strings.Contains(out, "tillitsvalgt / verve-demo") {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if out, err := runArgs(t, "user", "add", "--db", db, "--username", "ny-admin", "--password", "langt-passord", "--name", "Kari Nordmann"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	if _, err := runArgs(t, "user", "add", "--db", db, "--username", "ny-admin", "--password", "langt-passord"); err == nil {
		t.Fatal("duplicate user name accepted")
	}
	// serve answers and shuts down cleanly when its context ends.
	s, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, s, ln, serveConfig{uploadDir: t.TempDir()}, io.Discard) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Logg inn") {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestImportNewhires(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "v.db")
	if _, err := runArgs(t, "seed", "--db", db, "--members", "1000"); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var orgnr string
	store.DB().QueryRow(`SELECT orgnr FROM workplaces ORDER BY id LIMIT 1`).Scan(&orgnr)
	persons := func() (n int) {
		store.DB().QueryRow(`SELECT count(*) FROM persons`).Scan(&n)
		return n
	}
	before := persons()
	list := filepath.Join(dir, "nyansatte.csv")
	os.WriteFile(list, []byte("Fornavn;Etternavn;E-post;Startdato\nKari;Nordmann;kari@example.no;01.12.2026\nOla;;ola@example.no;01.12.2026\n"), 0o600)
	out, err := runArgs(t, "import", "newhires", "--db", db, "--workplace", orgnr, "--dry-run", list)
	if err != nil || !strings.Contains(out, "1 ny (") || !strings.Contains(out, "rad 3, Etternavn: Etternavn mangler") || !strings.Contains(out, "Prøvekjøring") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if persons() != before {
		t.Fatal("dry run changed the database")
	}
	if out, err := runArgs(t, "import", "newhires", "--db", db, "--workplace", orgnr, list); err != nil || !strings.Contains(out, "Importert") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if persons() != before+1 {
		t.Fatalf("persons %d, want %d", persons(), before+1)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a|b\n1|2\n"), 0o600)
	for _, args := range [][]string{
		{"import", "newhires", "--db", db, "--workplace", orgnr, bad},
		{"import", "newhires", "--db", db, "--workplace", "123", list},
		{"import", "newhires", "--db", db, "--workplace", orgnr},
	} {
		if out, err := runArgs(t, args...); err == nil {
			t.Errorf("%v succeeded:\n%s", args, out)
		}
	}
	store.Close()
}
