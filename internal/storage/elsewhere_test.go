package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// noElsewhereDrift fails the test when an employment's mark (00039) is not
// what its person and workplace make it now.
func noElsewhereDrift(t *testing.T, s *Storage, when string) {
	t.Helper()
	if n := count(t, s, `SELECT count(*) FROM employments WHERE elsewhere <> `+elsewhereOf); n != 0 {
		t.Fatalf("%s: %d employments marked wrongly", when, n)
	}
}

// TestSearchEmployedElsewhere: a scoped search walks only the employments
// marked elsewhere (00039), and finds exactly whom personScope lets its
// reader open through an employment, as the triggers keep the mark while
// the employment is made, ends, moves, and while the person's own
// workplace or unit and the workplace's unit change: Ingrid, at A, with
// an employment at B, is found by B's club steward and B's workplace
// steward, not by C's, at every step that lets them open her.
func TestSearchEmployedElsewhere(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		clubC, wC := f.clubC(t, s)
		readers := []*access.Principal{
			{Username: "tvB", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path}}},
			{Username: "tvWB", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path, WorkplaceID: f.wB.ID}}},
			{Username: "tvC", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: clubC.Path}}},
			{Username: "coordBC", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubB.Path, Subtrees: []string{clubC.Path}}}},
		}
		ingrid := f.person(t, "Ingrid", "Fossum", f.wA)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.w.Exec(q, args...); err != nil {
				t.Fatal(err)
			}
		}
		var job int64 // her employment besides
		if err := s.w.QueryRow(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3) RETURNING id`,
			ingrid.ID, f.wA.ID, date(s.today())).Scan(&job); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, ingrid.ID, f.wA.ID, date(s.today()))
		// check: each reader finds her exactly when personScope lets them
		// open her, and the marks are what they should be.
		check := func(step string, wantSome bool) {
			t.Helper()
			noElsewhereDrift(t, s, step)
			some := false
			for _, u := range readers {
				_, err := s.Person(ctx, u, ingrid.ID)
				opens := err == nil
				if !opens && model.ErrorCode(err) != model.ENOTFOUND {
					t.Fatal(err)
				}
				some = some || opens
				found := slices.Equal(searchNames(t, s, u, "ingrid fossum", 50), []string{"Ingrid Fossum"})
				if found != opens {
					t.Errorf("%s: %s opens Ingrid %v, finds her %v", step, u.Username, opens, found)
				}
			}
			if some != wantSome {
				t.Fatalf("%s: some reader opens Ingrid: %v, want %v (the step tests nothing)", step, some, wantSome)
			}
		}
		move := func(w *model.Workplace, unit *model.OrgUnit) { // as the register places her
			t.Helper()
			exec(`UPDATE persons SET workplace_id = $1, unit_id = $2, unit_path = $3 WHERE id = $4`, w.ID, unit.ID, unit.Path, ingrid.ID)
		}
		check("at A, employed at A", false)
		exec(`UPDATE employments SET workplace_id = $1 WHERE id = $2`, f.wB.ID, job)
		check("the employment moved to B", true)
		exec(`UPDATE employments SET end_date = $1 WHERE id = $2`, date(s.today()), job)
		check("the employment at B ended", false)
		exec(`UPDATE employments SET end_date = NULL WHERE id = $1`, job)
		check("open again", true)
		move(f.wB, f.clubB)
		check("her own workplace is B", true)
		move(wC, clubC)
		check("her own workplace is C, the employment at B", true)
		move(f.wB, f.clubB)
		exec(`UPDATE persons SET unit_id = $1, unit_path = $2 WHERE id = $3`, f.clubA.ID, f.clubA.Path, ingrid.ID)
		check("at B, her unit club A", true)
		move(f.wB, f.clubB)
		exec(`UPDATE workplaces SET unit_id = $1 WHERE id = $2`, clubC.ID, f.wB.ID)
		check("at B in club B, B moved to club C", true)
		if err := s.MoveWorkplace(ctx, f.admin, f.wB.ID, f.clubA.ID); err != nil {
			t.Fatal(err)
		}
		check("B moved to club A, she with it", true) // B's workplace steward
		exec(`UPDATE employments SET workplace_id = $1 WHERE id = $2`, f.wA.ID, job)
		if err := s.MoveWorkplace(ctx, f.admin, f.wB.ID, f.clubB.ID); err != nil {
			t.Fatal(err)
		}
		check("B back in club B", true)
	})
}

// TestElsewhereConcurrentWriters: on PostgreSQL an employment made while a
// change to its person's workplace is still to commit waits for it and is
// marked by the person as they are then; a mark gone wrong all the same is
// put right by the daily job, which counts it.
func TestElsewhereConcurrentWriters(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		ingrid := f.person(t, "Ingrid", "Fossum", f.wA)
		if s.dialect == Postgres {
			tx, err := s.w.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(`UPDATE persons SET workplace_id = $1, unit_id = $2, unit_path = $3 WHERE id = $4`, f.wB.ID, f.clubB.ID, f.clubB.Path, ingrid.ID); err != nil {
				t.Fatal(err)
			}
			done := make(chan error)
			go func() {
				_, err := s.w.Exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, ingrid.ID, f.wA.ID, date(s.today()))
				done <- err
			}()
			select {
			case err := <-done:
				t.Fatalf("the employment did not wait for the move to commit (%v)", err)
			case <-time.After(300 * time.Millisecond):
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			noElsewhereDrift(t, s, "employed at A while moving to B")
		} else {
			if _, err := s.w.Exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, ingrid.ID, f.wB.ID, date(s.today())); err != nil {
				t.Fatal(err)
			}
		}
		// A wrong mark, as a race could leave it.
		if _, err := s.w.Exec(`UPDATE employments SET elsewhere = FALSE WHERE person_id = $1`, ingrid.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.MendElsewhere(ctx, f.admin); err != nil || n != 1 {
			t.Fatalf("the daily job put right %d (%v), want the mark", n, err)
		}
		noElsewhereDrift(t, s, "mended")
	})
}
