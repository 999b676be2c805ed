package storage

import (
	"context"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestAuthCacheFollowsOtherProcesses: two server processes on one
// database, each keeping sessions and principals in memory. An ended role,
// a disabled account and a deleted session, changed through one, take
// effect in the other within seconds, and at once in the one that changed
// them.
func TestAuthCacheFollowsOtherProcesses(t *testing.T) {
	for _, e := range storagetest.Engines {
		t.Run(e, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storagetest.DSN(t, e)
			one, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer one.Close()
			other, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			f := newFixture(t, one)
			sys := access.System("test")
			p := f.person(t, "Tove", "Tillitsvalgt", f.wA)
			user := &model.User{PersonID: p.ID, Username: "tove", PasswordHash: "x"}
			if err := one.CreateUser(ctx, sys, user); err != nil {
				t.Fatal(err)
			}
			role := &model.Role{PersonID: p.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: one.Today().AddDate(-1, 0, 0)}
			if err := one.AddRole(ctx, sys, role); err != nil {
				t.Fatal(err)
			}
			sessions := [2]interface {
				Find(string) ([]byte, bool, error)
				Commit(string, []byte, time.Time) error
				Delete(string) error
			}{one.SessionStore(), other.SessionStore()}
			if err := sessions[0].Commit("tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			// The other process reads both, and keeps them.
			if u, err := other.Principal(ctx, user.ID); err != nil || !u.Can(access.TaskWrite) {
				t.Fatalf("before: %+v, %v", u, err)
			}
			if b, ok, err := sessions[1].Find("tok"); err != nil || !ok || string(b) != "data" {
				t.Fatalf("session before: %q %v %v", b, ok, err)
			}
			// within waits until cond holds in the other process, at most 3 s.
			within := func(what string, cond func() bool) {
				t.Helper()
				t0 := time.Now()
				for !cond() {
					if time.Since(t0) > 3*time.Second {
						t.Fatalf("%s: not seen after %v", what, time.Since(t0))
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			if err := one.EndRole(ctx, f.admin, role.ID, one.Today()); err != nil {
				t.Fatal(err)
			}
			if u, err := one.Principal(ctx, user.ID); err != nil || u.Can(access.TaskWrite) {
				t.Errorf("the role ended, in the same process: %+v, %v", u, err)
			}
			within("the role ended", func() bool {
				u, err := other.Principal(ctx, user.ID)
				return err == nil && !u.Can(access.TaskWrite)
			})
			if err := one.SetDisabled(ctx, f.admin, user.ID, true, "left the union"); err != nil {
				t.Fatal(err)
			}
			if _, err := one.Principal(ctx, user.ID); model.ErrorCode(err) != model.EUNAUTH {
				t.Errorf("disabled, in the same process: %v", err)
			}
			within("the account disabled", func() bool {
				_, err := other.Principal(ctx, user.ID)
				return model.ErrorCode(err) == model.EUNAUTH
			})
			if err := sessions[0].Delete("tok"); err != nil {
				t.Fatal(err)
			}
			within("the session deleted", func() bool {
				_, ok, err := sessions[1].Find("tok")
				return err == nil && !ok
			})
		})
	}
}
