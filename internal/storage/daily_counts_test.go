package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
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
		exec := writerExec(t, s)
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
			total.LastList = total.LastList.Truncate(time.Second).UTC()
			return rows, total
		}
		// same compares the counted figures with those counted on
		// request (the daily counts set aside by moving their day).
		same := func(step string) {
			t.Helper()
			// The subtree counts (00032) equal a fresh count of them.
			if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
				t.Errorf("%s: the rebuild corrected %d counts (%v)", step, n, err)
			}
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

		// The subtree counts' drift is mended by the aggregates' rebuild.
		exec(`UPDATE subtree_counts SET stewardless = stewardless + 1, workplaces = workplaces + 1`)
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n == 0 {
			t.Fatalf("rebuild of drifted subtree counts corrected %d (%v)", n, err)
		}
		same("subtree counts mended")
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

// TestTaskCountsFollowChanges: home's union-wide task figures and due
// list, read from task_counts and open_tasks (migration 00031), equal
// those counted on request through new, completed, reopened, moved,
// retyped and deleted tasks; a scoped reader's cover their scope only;
// and the daily job mends drift.
func TestTaskCountsFollowChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		today := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return today })
		f := newFixture(t, s)
		a1 := f.person(t, "Anne", "Hansen", f.wA)
		b1 := f.person(t, "Bjørn", "Olsen", f.wB)
		exec := writerExec(t, s)
		day := func(d int) any { return date(today.AddDate(0, 0, d)) }
		task := func(kind string, p *model.Person, w *model.Workplace, path string, due any, status string) int64 {
			t.Helper()
			var id int64
			if err := s.w.QueryRow(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, due, status, created_at)
				VALUES ($1, 'x', $2, $3, $4, $5, $6, $7) RETURNING id`, kind, p.ID, w.ID, path, due, status, today).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		welcomeA := task("welcome", a1, f.wA, f.clubA.Path, day(-3), "open")
		askA := task("ask", a1, f.wA, f.clubA.Path, day(0), "open")
		task("ask", a1, f.wA, f.clubA.Path, day(5), "open")
		task("ask", a1, f.wA, f.clubA.Path, day(-1), "done")
		welcomeB := task("welcome", b1, f.wB, f.clubB.Path, day(-3), "open")
		laterB := task("follow_up", b1, f.wB, f.clubB.Path, day(30), "open")

		coord := &access.Principal{Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
		type figures struct {
			Waiting, Due int
			List         []int64
		}
		shown := func(u *access.Principal) figures {
			t.Helper()
			h, err := s.Home(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			ts, err := s.DueTasks(ctx, u, 7)
			if err != nil {
				t.Fatal(err)
			}
			fig := figures{Waiting: h.NewHiresWaiting, Due: h.TasksDue}
			for _, t := range ts {
				fig.List = append(fig.List, t.ID)
			}
			return fig
		}
		// counted is the union's figures counted from tasks on request.
		counted := func() figures {
			t.Helper()
			var fig figures
			if err := s.w.QueryRow(`SELECT COALESCE(SUM(CASE WHEN kind = 'welcome' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN due <= $1 THEN 1 ELSE 0 END), 0) FROM tasks WHERE status = 'open'`, day(0)).Scan(&fig.Waiting, &fig.Due); err != nil {
				t.Fatal(err)
			}
			ts, err := s.tasks(ctx, `t.status = 'open' AND t.due <= $1`, day(7))
			if err != nil {
				t.Fatal(err)
			}
			for _, t := range ts {
				fig.List = append(fig.List, t.ID)
			}
			return fig
		}
		same := func(step string) {
			t.Helper()
			if got, want := shown(f.admin), counted(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: union's figures %+v, counted on request %+v", step, got, want)
			}
		}
		same("seeded")
		if got, want := shown(f.admin), (figures{2, 3, []int64{welcomeA, welcomeB, askA, askA + 1}}); !reflect.DeepEqual(got, want) {
			t.Fatalf("union: %+v, want %+v", got, want)
		}
		// Club A's coordinator and steward count club A's tasks only.
		for _, u := range []*access.Principal{coord, f.steward} {
			if got, want := shown(u), (figures{1, 2, []int64{welcomeA, askA, askA + 1}}); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v, want %+v", u.Username, got, want)
			}
		}

		// Completed, reopened, moved, retyped, deleted.
		if err := s.CompleteTask(ctx, f.admin, askA); err != nil {
			t.Fatal(err)
		}
		same("completed")
		exec(`UPDATE tasks SET status = 'open' WHERE id = $1`, askA)
		same("reopened")
		exec(`UPDATE tasks SET due = $1 WHERE id = $2`, day(2), laterB)
		exec(`UPDATE tasks SET kind = 'ask' WHERE id = $1`, welcomeB)
		same("moved and retyped")
		exec(`UPDATE tasks SET unit_path = $1, workplace_id = $2 WHERE id = $3`, f.clubA.Path, f.wA.ID, laterB)
		exec(`UPDATE tasks SET status = 'cancelled', due = $1 WHERE id = $2`, day(-10), welcomeA)
		exec(`DELETE FROM tasks WHERE id = $1`, askA+1)
		same("cancelled and deleted")
		if got, want := shown(f.admin), (figures{0, 2, []int64{welcomeB, askA, laterB}}); !reflect.DeepEqual(got, want) {
			t.Fatalf("union after the changes: %+v, want %+v", got, want)
		}
		// The task moved to club A is about Bjørn, who is not: club A's
		// coordinator neither counts nor sees it.
		if got, want := shown(coord), (figures{0, 1, []int64{askA}}); !reflect.DeepEqual(got, want) {
			t.Fatalf("coordinator after the changes: %+v, want %+v", got, want)
		}

		// Drift is mended by the next day's count.
		exec(`UPDATE task_counts SET tasks = tasks + 5`)
		exec(`DELETE FROM open_tasks WHERE task_id = $1`, askA)
		exec(`UPDATE steward_counts_day SET day = $1`, day(-1))
		if _, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil {
			t.Fatal(err)
		}
		same("mended")
		var zero int
		if err := s.w.QueryRow(`SELECT count(*) FROM task_counts WHERE tasks = 0`).Scan(&zero); err != nil || zero != 0 {
			t.Fatalf("%d empty task counts after the daily count (%v)", zero, err)
		}
	})
}

// TestStewardCountsFromStartDay: a shop steward appointed ahead of the
// term is counted from its first day, as workplaceStewards counts them:
// not in the workplace's stewards, its summary or home's workplaces
// without a steward (from steward_counts and counted on request) before
// it; on the start day once the daily job has counted it; and not again
// when the start is moved later.
func TestStewardCountsFromStartDay(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		c := newTestClock(s)
		f := newFixture(t, s)
		a := f.person(t, "Anne", "Hansen", f.wA)
		b := f.person(t, "Bjørn", "Olsen", f.wB)
		exec := writerExec(t, s)
		// Counted today before the appointments, so that the role
		// triggers count them.
		if _, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil {
			t.Fatal(err)
		}
		start := s.Today().AddDate(0, 0, 2)
		for _, r := range []*model.Role{
			{PersonID: a.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: start},
			{PersonID: b.ID, Role: model.RoleShopSteward, UnitID: f.clubB.ID, WorkplaceID: f.wB.ID, StartDate: start},
		} {
			if err := s.AddRole(ctx, f.admin, r); err != nil {
				t.Fatal(err)
			}
		}
		// stewards is, per workplace, its stewards, its summary's count
		// and whether home counts it without one, from the daily counts
		// and on request.
		stewards := func(step string, want int) {
			t.Helper()
			if _, err := s.RebuildDailyCounts(ctx, access.System("test")); err != nil {
				t.Fatal(err)
			}
			none := 0
			if want == 0 {
				none = 2
			}
			for _, w := range []*model.Workplace{f.wA, f.wB} {
				at, err := s.StewardsAt(ctx, f.admin, w)
				if err != nil {
					t.Fatal(err)
				}
				sum, err := s.WorkplaceSummary(ctx, f.admin, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(at) != want || sum.Stewards != want {
					t.Errorf("%s, %s: %d stewards, summary %d, want %d", step, w.Name, len(at), sum.Stewards, want)
				}
			}
			for _, counted := range []bool{true, false} {
				if !counted {
					exec(`UPDATE steward_counts_day SET day = $1`, date(s.Today().AddDate(0, 0, -1)))
				}
				h, err := s.Home(ctx, f.admin)
				if err != nil {
					t.Fatal(err)
				}
				if h.WorkplacesNoSteward != none {
					t.Errorf("%s (daily counts %v): %d workplaces without a steward, want %d", step, counted, h.WorkplacesNoSteward, none)
				}
			}
			exec(`UPDATE steward_counts_day SET day = $1`, date(s.Today()))
		}
		stewards("appointed", 0)
		c.mu.Lock()
		c.t = c.t.AddDate(0, 0, 1)
		c.mu.Unlock()
		stewards("the day before", 0)
		c.mu.Lock()
		c.t = c.t.AddDate(0, 0, 1)
		c.mu.Unlock()
		stewards("the start day", 1)
		// The role triggers follow a start moved later.
		exec(`UPDATE roles SET start_date = $1`, date(s.Today().AddDate(0, 0, 1)))
		if h, err := s.Home(ctx, f.admin); err != nil || h.WorkplacesNoSteward != 2 {
			t.Errorf("start moved a day later: %+v (%v), want 2 without a steward", h, err)
		}
	})
}

// TestStewardStartMigration: migration 00035 takes a steward whose role
// has not begun out of steward_counts and its roll-up, and down puts
// them back as the triggers before it counted them.
func TestStewardStartMigration(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, p := migratedTo(t, engine, 34)
			exec := writerExec(t, s)
			scalar := writerScalar(t, s)
			day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
			exec(`UPDATE steward_counts_day SET day = $1`, day)
			union := scalar(`INSERT INTO org_units (kind, name, sort_key, path) VALUES ('union', 'F', 'f', '/') RETURNING id`)
			unionPath := "/" + itoa(union) + "/"
			exec(`UPDATE org_units SET path = $1 WHERE id = $2`, unionPath, union)
			club := scalar(`INSERT INTO org_units (kind, name, sort_key, path) VALUES ('club', 'K', 'k', '/') RETURNING id`)
			clubPath := unionPath + itoa(club) + "/"
			exec(`UPDATE org_units SET path = $1 WHERE id = $2`, clubPath, club)
			w := scalar(`INSERT INTO workplaces (unit_id, name, sort_key, orgnr) VALUES ($1, 'W', 'w', '1') RETURNING id`, club)
			person := scalar(`INSERT INTO persons (first_name, last_name, sort_key, search_key, unit_id, unit_path, member_status, workplace_id, created_at, updated_at)
				VALUES ('A', 'B', 'b a', 'a b', $1, $2, 'active', $3, $4, $4) RETURNING id`, club, clubPath, w, day)
			exec(`INSERT INTO roles (person_id, role, unit_id, start_date) VALUES ($1, 'shop_steward', $2, $3)`, person, club, day.AddDate(0, 0, 1))
			counted := func(step string, stewards, stewardless int64) {
				t.Helper()
				if n := scalar(`SELECT stewards FROM steward_counts WHERE unit_id = $1`, club); n != stewards {
					t.Errorf("%s: %d stewards counted, want %d", step, n, stewards)
				}
				if n := scalar(`SELECT stewardless FROM subtree_counts WHERE path = $1`, clubPath); n != stewardless {
					t.Errorf("%s: %d workplaces without a steward, want %d", step, n, stewardless)
				}
			}
			counted("before 00035", 1, 0)
			if _, err := p.UpTo(ctx, 35); err != nil {
				t.Fatal(err)
			}
			counted("after 00035", 0, 1)
			if _, err := p.DownTo(ctx, 34); err != nil {
				t.Fatal(err)
			}
			counted("down", 1, 0)
			if _, err := p.UpTo(ctx, 35); err != nil {
				t.Fatal(err)
			}
			counted("up again", 0, 1)
		})
	}
}
