package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
)

// TestDailyCountsFollowChanges: the recruitment figures and the steward
// counts read from the daily counts (migration 00024) equal those counted
// on request, through imports, outcomes, moves, deletes and role changes,
// for the union, a club's coordinator and a portfolio; and the daily job
// mends drift.
func TestDailyCountsFollowChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		today := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return today })
		f := newFixture(t, s)
		a1 := f.person(t, "Anne", "Hansen", f.wA)
		a2 := f.person(t, "Arne", "Dahl", f.wA)
		b1 := f.person(t, "Bjørn", "Olsen", f.wB)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.w.Exec(q, args...); err != nil {
				t.Fatal(err)
			}
		}
		at := func(day, hour, min, sec int) time.Time { return time.Date(2026, 3, day, hour, min, sec, 0, time.UTC) }
		list := func(w *model.Workplace, path string, when time.Time) {
			exec(`INSERT INTO imports (kind, workplace_id, unit_path, created_at) VALUES ('newhires', $1, $2, $3)`, w.ID, path, when)
		}
		entry := func(p *model.Person, w *model.Workplace, path, kind string, start, created, first any, outcome string) {
			exec(`INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, start_date, created_at, first_contact_at, outcome)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, w.ID, path, kind, start, created, first, outcome)
		}
		list(f.wA, f.clubA.Path, at(2, 9, 15, 30))
		list(f.wA, f.clubA.Path, at(2, 9, 40, 0))
		list(f.wB, f.clubB.Path, at(5, 10, 0, 0))
		entry(a1, f.wA, f.clubA.Path, "newhire", date(at(1, 0, 0, 0)), at(2, 9, 15, 30), at(4, 12, 0, 0), "joined")
		entry(a2, f.wA, f.clubA.Path, "newhire", nil, at(2, 9, 40, 0), at(3, 9, 40, 0), "")
		entry(b1, f.wB, f.clubB.Path, "newhire", date(at(6, 0, 0, 0)), at(5, 10, 0, 0), nil, "")
		entry(a1, f.wB, f.clubB.Path, "unorganised", nil, at(5, 11, 0, 0), at(5, 12, 0, 0), "")

		coord := &access.Principal{Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
		portfolio := &access.Principal{Username: "vk2", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path, Workplaces: []int64{f.wB.ID}}}}
		readers := map[string]*access.Principal{"admin": f.admin, "coordinator": coord, "portfolio": portfolio}
		since := clock.Start(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		homeOf := func(u *access.Principal) [2]int {
			t.Helper()
			h, err := s.Home(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return [2]int{h.Workplaces, h.WorkplacesNoSteward}
		}
		recruitment := func(u *access.Principal) ([]RecruitmentRow, RecruitmentRow) {
			t.Helper()
			rows, total, err := s.Recruitment(ctx, u, since)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				rows[i].LastList = rows[i].LastList.Truncate(time.Second).UTC()
			}
			return rows, total
		}
		// same compares the counted figures with those counted on
		// request (the daily counts set aside by moving their day).
		same := func(step string) {
			t.Helper()
			counted := map[string]any{}
			for name, u := range readers {
				rows, total := recruitment(u)
				counted[name] = []any{rows, total, homeOf(u)}
			}
			exec(`UPDATE steward_counts_day SET day = $1`, date(today.AddDate(0, 0, -1)))
			for name, u := range readers {
				rows, total := recruitment(u)
				if got, want := counted[name], []any{rows, total, homeOf(u)}; !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s: counted %+v\non request %+v", step, name, got, want)
				}
			}
			exec(`UPDATE steward_counts_day SET day = $1`, date(today))
		}
		if n, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil || n == 0 {
			t.Fatalf("first daily count: %d units (%v)", n, err)
		}
		if n, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil || n != 0 {
			t.Fatalf("second daily count the same day: %d units (%v), want 0", n, err)
		}
		same("seeded")
		rows, total := recruitment(f.admin)
		if len(rows) != 2 || rows[0].WorkplaceID != f.wA.ID || rows[0].Lists != 2 || rows[0].NewHires != 2 || rows[0].Asked != 2 ||
			rows[0].Joined != 1 || rows[0].MedianDays != 2.25 || !rows[0].LastList.Equal(at(2, 9, 40, 0)) {
			t.Fatalf("admin's rows %+v", rows)
		}
		if total.NewHires != 3 || total.Lists != 3 || total.MedianDays != 2.25 {
			t.Fatalf("admin's total %+v", total)
		}
		if rows, _ := recruitment(coord); len(rows) != 1 || rows[0].WorkplaceID != f.wA.ID {
			t.Fatalf("club A's coordinator sees %+v, want workplace A only", rows)
		}
		if rows, _ := recruitment(portfolio); len(rows) != 2 {
			t.Fatalf("portfolio sees %+v, want A and B", rows)
		}
		if h := homeOf(f.admin); h != [2]int{2, 2} {
			t.Fatalf("admin's workplaces, without a steward %v, want 2, 2", h)
		}

		// Asked, joined, moved, deleted, another list.
		exec(`UPDATE pipeline SET first_contact_at = $1 WHERE person_id = $2 AND workplace_id = $3`, at(7, 8, 0, 0), b1.ID, f.wB.ID)
		exec(`UPDATE pipeline SET outcome = 'joined' WHERE person_id = $1`, a2.ID)
		exec(`UPDATE pipeline SET unit_path = $1 WHERE person_id = $2 AND workplace_id = $3`, f.clubA.Path, b1.ID, f.wB.ID)
		exec(`UPDATE imports SET unit_path = $1 WHERE workplace_id = $2`, f.clubA.Path, f.wB.ID)
		exec(`DELETE FROM pipeline WHERE person_id = $1 AND workplace_id = $2`, a1.ID, f.wA.ID)
		list(f.wB, f.clubA.Path, at(8, 14, 5, 0))
		same("changed")
		if rows, _ := recruitment(coord); len(rows) != 2 {
			t.Fatalf("after the move club A's coordinator sees %+v, want A and B", rows)
		}

		// A steward appointed at club A, then their term ends today.
		exec(`INSERT INTO roles (person_id, role, unit_id, start_date) VALUES ($1, 'shop_steward', $2, $3)`, a1.ID, f.clubA.ID, date(today))
		same("appointed")
		if h := homeOf(f.admin); h != [2]int{2, 1} {
			t.Fatalf("with a steward at club A: %v, want 2, 1", h)
		}
		if h := homeOf(f.steward); h != [2]int{1, 0} {
			t.Fatalf("club A's steward: %v, want 1, 0", h)
		}
		w := &model.Workplace{UnitID: f.clubB.ID, Name: "Stjørdal kommune", Orgnr: "938 726 027"}
		if err := s.CreateWorkplace(ctx, access.System("test"), w); err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE roles SET end_date = $1 WHERE person_id = $2`, date(today), a1.ID)
		same("term ended")
		if h := homeOf(f.admin); h != [2]int{3, 3} {
			t.Fatalf("after the term: %v, want 3, 3", h)
		}
		// A steward of one workplace covers that workplace, not its club's
		// other one.
		exec(`INSERT INTO roles (person_id, role, unit_id, workplace_id, start_date) VALUES ($1, 'shop_steward', $2, $3, $4)`, b1.ID, f.clubB.ID, f.wB.ID, date(today))
		same("workplace steward")
		if h := homeOf(f.admin); h != [2]int{3, 2} {
			t.Fatalf("with a steward of workplace B: %v, want 3, 2", h)
		}

		// Drift is mended by the next day's count.
		exec(`UPDATE recruitment_counts SET new_hires = new_hires + 5`)
		exec(`UPDATE steward_counts SET stewards = stewards + 1`)
		exec(`UPDATE steward_counts_day SET day = $1`, date(today.AddDate(0, 0, -1)))
		if _, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil {
			t.Fatal(err)
		}
		same("mended")
		if _, err := s.RebuildDailyCounts(ctx, nil); err == nil {
			t.Fatal("daily count without a principal")
		}
	})
}
