package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/storage"
)

// TestUserLinkAndReset2FA: `verve user link` prints a working link for a
// member's address and refuses an unknown one; `verve user reset-2fa`
// names what it did; serve without SMTP says it sends no mail.
func TestUserLinkAndReset2FA(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	if out, err := runArgs(t, "seed", "--db", db, "--members", "500", "--today", "2026-11-25"); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	s, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addrs, err := s.DemoSigninAddresses(context.Background())
	if err != nil || len(addrs) == 0 {
		t.Fatalf("addresses: %v %v", addrs, err)
	}
	out, err := runArgs(t, "user", "link", "--db", db, "--public-url", "https://verve.example/", addrs[0][1])
	if err != nil || !regexp.MustCompile(`^https://verve\.example/login/link/[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("user link: %v %q", err, out)
	}
	token := strings.TrimSpace(out[strings.LastIndex(out, "/")+1:])
	if err := s.CheckSigninLink(context.Background(), token); err != nil {
		t.Fatalf("the printed link: %v", err)
	}
	if out, err := runArgs(t, "user", "link", "--db", db, "ingen@example.no"); err == nil || !strings.Contains(err.Error(), "Ingen kan logge inn") {
		t.Errorf("unknown address: %v %q", err, out)
	}
	if out, err := runArgs(t, "user", "reset-2fa", "--db", db, "admin"); err != nil || !strings.Contains(out, "har ikke satt opp") {
		t.Errorf("reset-2fa: %v %q", err, out)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var buf bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, s, ln, serveConfig{uploadDir: t.TempDir()}, &buf) }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(buf.String(), "Ingen SMTP-server") {
		t.Errorf("serve without SMTP said: %q", buf.String())
	}
}
