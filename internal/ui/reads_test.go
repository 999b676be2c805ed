package ui

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestNothingWaitsForAPreview stops a preview midway through its list and
// meanwhile reads a signed-in user's session and pages, signs another user
// in and writes through the Storage: all finish before the preview goes
// on. (Each gets 30 seconds: a deadlock detector, not a timing.)
func TestNothingWaitsForAPreview(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, engine)
			c := e.login(t, "tillitsvalgt")
			steward, admin := e.principal(t, "tillitsvalgt"), e.principal(t, "admin")
			wps, err := e.Store.WorkplacesUnder(ctx, steward, steward.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 {
				t.Fatal("no workplace for the steward", err)
			}
			var person int64
			if err := e.Store.DB().QueryRow(`SELECT id FROM persons WHERE workplace_id = $1 ORDER BY id LIMIT 1`, wps[0].ID).Scan(&person); err != nil {
				t.Fatal(err)
			}

			staged, release := make(chan struct{}), make(chan struct{})
			rows := func(yield func(storage.ImportRow, error) bool) {
				for i := range 200 {
					if i == 100 {
						close(staged)
						<-release
					}
					h := model.NewHire{Line: i + 2, FirstName: "Ola", LastName: fmt.Sprint("Nordmann", i), Email: fmt.Sprintf("ola%d@example.no", i)}
					if !yield(storage.ImportRow{NewHire: h, WorkplaceID: wps[0].ID}, nil) {
						return
					}
				}
			}
			done := make(chan error, 1)
			go func() {
				_, err := e.Store.Import(ctx, steward, storage.ImportRequest{Kind: storage.ImportNewhires, WorkplaceID: wps[0].ID}, rows)
				done <- err
			}()
			select {
			case <-staged:
			case err := <-done:
				t.Fatalf("the preview ended early: %v", err)
			}
			released := false
			defer func() {
				if !released {
					close(release)
				}
			}()

			within := func(what string, fn func() error) {
				t.Helper()
				ch := make(chan error, 1)
				go func() { ch <- fn() }()
				select {
				case err := <-ch:
					if err != nil {
						t.Fatalf("%s during the preview: %v", what, err)
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("%s waited for the preview", what)
				}
			}
			for _, page := range []string{"/", "/day", fmt.Sprintf("/persons/%d", person)} {
				// A 200 means the session was read: without it, /login.
				within("GET "+page, func() error {
					resp, err := c.Get(e.URL + page)
					if err != nil {
						return err
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						return fmt.Errorf("status %d", resp.StatusCode)
					}
					return nil
				})
			}
			within("signing in", func() error {
				resp, err := c.PostForm(e.URL+"/login", map[string][]string{"username": {"admin"}, "password": {demo.Password}})
				if err != nil {
					return err
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					return fmt.Errorf("status %d", resp.StatusCode)
				}
				return nil
			})
			within("a write", func() error {
				return e.Store.LogContact(ctx, admin, &model.Contact{PersonID: person, Kind: "phone", Note: "under forhåndsvisningen"})
			})

			close(release)
			released = true
			if err := <-done; err != nil {
				t.Fatalf("preview: %v", err)
			}
		})
	}
}
