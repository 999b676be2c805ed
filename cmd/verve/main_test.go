package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
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
	go func() { done <- serve(ctx, s, ln, serveConfig{}, io.Discard) }()
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
