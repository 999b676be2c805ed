// Package demotest gives a test a database of its own on either engine,
// filled with a deterministic demo union, and the demo users' access as
// the server loads it.
package demotest

import (
	"context"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// Open opens an empty database of engine for t (see storagetest.DSN),
// generates the demo union o describes into it and closes it when t ends.
func Open(t testing.TB, engine string, o demo.Options) *storage.Storage {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.DSN(t, engine))
	if err == nil {
		t.Cleanup(func() { s.Close() })
		_, err = demo.Generate(ctx, s, o)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Principal loads a demo user's access (admin, tillitsvalgt …) as the
// server would on sign-in.
func Principal(t testing.TB, s *storage.Storage, username string) *access.Principal {
	t.Helper()
	u, err := s.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
