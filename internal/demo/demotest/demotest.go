// Package demotest gives a test a database of its own on either engine,
// filled with a deterministic demo union, and the demo users' access as
// the server loads it.
package demotest

import (
	"context"
	"sync"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
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

// recoveryPools hands out recovery codes per store and user, a few
// hundred at a time, so that tests signing in at once don't void each
// other's codes.
var recoveryPools sync.Map // key{store, username} → *pool

type poolKey struct {
	s    *storage.Storage
	user string
}

type pool struct {
	mu    sync.Mutex
	codes []string
}

// SecondFactor returns an unused recovery code for a demo user, enrolling
// the user in TOTP first when they are not: how a test completes the
// second factor that roles wider than a club need, without an
// authenticator app. It writes to the database directly, as only a test
// can; a server has no such way round.
func SecondFactor(t testing.TB, s *storage.Storage, username string) string {
	t.Helper()
	ctx := context.Background()
	p := Principal(t, s, username)
	v, _ := recoveryPools.LoadOrStore(poolKey{s, username}, &pool{})
	pl := v.(*pool)
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if len(pl.codes) == 0 {
		_, confirmed, err := s.TOTPSecret(ctx, p.UserID)
		if err == nil && !confirmed {
			if err = s.StartTOTP(ctx, p, p.UserID, auth.NewTOTPSecret()); err == nil {
				err = s.AcceptTOTPStep(ctx, p, p.UserID, auth.TOTPStep(s.Now()))
			}
		}
		codes := auth.NewRecoveryCodes(300)
		for i, c := range codes {
			codes[i] = auth.NormalRecoveryCode(c)
		}
		if err == nil {
			err = s.SetRecoveryCodes(ctx, p, p.UserID, codes)
		}
		if err != nil {
			t.Fatal(err)
		}
		pl.codes = codes
	}
	c := pl.codes[0]
	pl.codes = pl.codes[1:]
	return c
}
