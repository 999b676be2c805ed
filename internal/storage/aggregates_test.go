package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestAggregatesFollowChanges: the counts the pages read stay equal to a
// fresh count through inserts, moves, status changes and deletes (a
// rebuild finds nothing to correct), cover only the reader's scope, and a
// rebuild mends counts that drifted.
func TestAggregatesFollowChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		a1 := f.person(t, "Anne", "Hansen", f.wA)
		a2 := f.person(t, "Arne", "Dahl", f.wA)
		b1 := f.person(t, "Bjørn", "Olsen", f.wB)
		f.person(t, "Berit", "Lie", f.wB)
		exec := writerExec(t, s)
		exec(`UPDATE persons SET member_status = 'resigned', other_union = 'Fagforbundet' WHERE id = $1`, a2.ID)
		moveTo(t, s, b1.ID, f.clubA)
		exec(`UPDATE persons SET workplace_id = $1 WHERE id = $2`, f.wA.ID, b1.ID)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var mid int64
		if err := s.w.QueryRow(`SELECT id FROM memberships WHERE person_id = $1`, a1.ID).Scan(&mid); err != nil {
			exec(`INSERT INTO memberships (person_id, type, status, start_date, source) VALUES ($1, 'ordinary', 'active', $2, 'recruited')`, a1.ID, now)
			if err := s.w.QueryRow(`SELECT id FROM memberships WHERE person_id = $1`, a1.ID).Scan(&mid); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, mid, b1.ID, now)

		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
			t.Fatalf("rebuild after changes corrected %d (%v), want 0", n, err)
		}
		h, err := s.Home(ctx, f.admin)
		if err != nil || h.Members != 3 {
			t.Fatalf("admin's members %+v (%v), want 3", h, err)
		}
		if h, err := s.Home(ctx, f.steward); err != nil || h.Members != 2 {
			t.Fatalf("steward's members %+v (%v), want 2 (club A only)", h, err)
		}
		// A steward of club A who also acts on workplace B (in club B)
		// counts B's member too.
		portfolio := &access.Principal{Username: "tv2", Grants: []access.Grant{{Role: model.RoleShopSteward,
			UnitPath: f.clubA.Path, Workplaces: []int64{f.wB.ID}}}}
		if h, err := s.Home(ctx, portfolio); err != nil || h.Members != 3 {
			t.Fatalf("portfolio steward's members %+v (%v), want 3", h, err)
		}
		// The region's coordinator reads the region's row of
		// subtree_counts; statements that change many persons at once
		// (PostgreSQL counts them per statement) keep the rows right.
		coord := &access.Principal{Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: regionOf(f.clubA)}}}
		membersOf := func(u *access.Principal) int {
			t.Helper()
			h, err := s.Home(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return h.Members
		}
		if n := membersOf(coord); n != 3 {
			t.Fatalf("region's members %d, want 3", n)
		}
		exec(`UPDATE persons SET unit_path = $1 WHERE unit_path = $2`, f.clubB.Path, f.clubA.Path)
		if a, st, c := membersOf(f.admin), membersOf(f.steward), membersOf(coord); a != 3 || st != 0 || c != 3 {
			t.Fatalf("club A moved to B: admin %d, club A's steward %d, region %d; want 3, 0, 3", a, st, c)
		}
		exec(`UPDATE persons SET unit_path = $1, member_status = CASE WHEN id = $2 THEN 'arrears' ELSE member_status END WHERE workplace_id = $3`,
			f.clubA.Path, a2.ID, f.wA.ID)
		if a, st := membersOf(f.admin), membersOf(f.steward); a != 4 || st != 3 {
			t.Fatalf("back in A, Arne in arrears: admin %d, club A's steward %d; want 4, 3", a, st)
		}
		exec(`UPDATE persons SET member_status = 'resigned' WHERE id = $1`, a2.ID)
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
			t.Fatalf("rebuild after moves corrected %d (%v), want 0", n, err)
		}

		w, err := s.WorkplaceSummary(ctx, f.admin, f.wA.ID)
		if err != nil || w.Members != 2 || w.OtherUnion != 1 || w.NonMembers != 0 {
			t.Fatalf("workplace A %+v (%v)", w, err)
		}
		exec(`UPDATE persons SET leaderboard_opt_in = TRUE WHERE id = $1`, b1.ID)
		ls, err := s.Leaderboard(ctx, f.steward, 0, 2026, 10)
		if err != nil || len(ls) != 1 || ls[0].PersonID != b1.ID || ls[0].Recruits != 1 {
			t.Fatalf("leaderboard %+v (%v)", ls, err)
		}
		if ls, _ := s.Leaderboard(ctx, f.steward, 0, 2025, 10); len(ls) != 0 {
			t.Fatalf("2025's leaderboard %+v", ls)
		}

		// Deleting a person takes them out of the counts.
		exec(`DELETE FROM credits`)
		exec(`DELETE FROM memberships WHERE person_id = $1`, a1.ID)
		exec(`DELETE FROM persons WHERE id = $1`, a1.ID)
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
			t.Fatalf("rebuild after deletes corrected %d (%v), want 0", n, err)
		}
		if ls, _ := s.Leaderboard(ctx, f.steward, 0, 2026, 10); len(ls) != 0 {
			t.Fatalf("leaderboard after delete %+v", ls)
		}

		// Drift is mended by the rebuild.
		exec(`UPDATE subtree_counts SET members = members + 5`)
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n == 0 {
			t.Fatalf("rebuild of drifted subtree counts corrected %d (%v)", n, err)
		}
		if h, err := s.Home(ctx, f.admin); err != nil || h.Members != 2 {
			t.Fatalf("members after rebuild %+v (%v), want 2", h, err)
		}
		exec(`UPDATE person_counts SET members = members + 5`)
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n == 0 {
			t.Fatalf("rebuild of drifted counts corrected %d (%v)", n, err)
		}
		if h, err := s.Home(ctx, f.admin); err != nil || h.Members != 2 {
			t.Fatalf("members after rebuild %+v (%v), want 2", h, err)
		}
		if _, err := s.RebuildAggregates(ctx, nil); err == nil {
			t.Fatal("rebuild without a principal")
		}
	})
}

// writerExec runs statements on s's writer, failing t on an error: for a
// test that changes rows behind storage's back.
func writerExec(t *testing.T, s *Storage) func(q string, args ...any) {
	return func(q string, args ...any) {
		t.Helper()
		if _, err := s.w.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// writerScalar returns what runs a query of one number on s's writer.
func writerScalar(t *testing.T, s *Storage) func(q string, args ...any) int64 {
	return func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := s.w.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
}

// TestSubtreeCountsMigration: migration 00032 fills subtree_counts and
// steward_counts.covered from a database with data as the triggers and
// the rebuild keep them, the triggers it adds follow later changes, and
// it goes down and up again.
func TestSubtreeCountsMigration(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, p := migratedTo(t, engine, 31)
			exec := writerExec(t, s)
			scalar := writerScalar(t, s)
			unit := func(kind, parent string) (int64, string) {
				t.Helper()
				id := scalar(`INSERT INTO org_units (kind, name, sort_key, path) VALUES ($1, $2, $2, $2) RETURNING id`, kind, "new "+parent+kind)
				path := parent + itoa(id) + "/"
				exec(`UPDATE org_units SET path = $1 WHERE id = $2`, path, id)
				return id, path
			}
			union, unionPath := unit("union", "/")
			region, regionPath := unit("region", unionPath)
			club, clubPath := unit("club", regionPath)
			workplace := func(unitID int64, orgnr string) int64 {
				t.Helper()
				return scalar(`INSERT INTO workplaces (unit_id, name, sort_key, orgnr) VALUES ($1, $2, $2, $2) RETURNING id`, unitID, orgnr)
			}
			w1, w2 := workplace(club, "1"), workplace(club, "2")
			workplace(union, "3")
			person := func(unitID int64, path, status string, wp any) int64 {
				t.Helper()
				return scalar(`INSERT INTO persons (first_name, last_name, sort_key, search_key, unit_id, unit_path, member_status, workplace_id, created_at, updated_at)
					VALUES ('A', 'B', 'b a', 'a b', $1, $2, $3, $4, $5, $5) RETURNING id`, unitID, path, status, wp, regDay0)
			}
			steward := person(club, clubPath, "active", w1)
			person(club, clubPath, "arrears", w2)
			person(club, clubPath, "resigned", w2)
			person(region, regionPath, "active", nil)
			person(union, unionPath, "active", nil)
			// A steward of workplace 1 only: the club has no steward of
			// its own, and one of its two workplaces is covered.
			exec(`INSERT INTO roles (person_id, role, unit_id, workplace_id, start_date) VALUES ($1, 'shop_steward', $2, $3, $4)`, steward, club, w1, regDay0)

			if _, err := p.UpTo(ctx, 32); err != nil {
				t.Fatal(err)
			}
			rows := func() map[string]int64 {
				t.Helper()
				got := map[string]int64{}
				r, err := s.w.Query(`SELECT path, members FROM subtree_counts WHERE members <> 0`)
				if err != nil {
					t.Fatal(err)
				}
				err = eachRow(r, func() error {
					var path string
					var n int64
					err := r.Scan(&path, &n)
					got[path] = n
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			// The root's row holds its own members, the others their
			// subtree's.
			want := map[string]int64{unionPath: 1, regionPath: 3, clubPath: 2}
			if got := rows(); !reflect.DeepEqual(got, want) {
				t.Fatalf("migrated subtree_counts %v, want %v", got, want)
			}
			for path, want := range map[string]int{"/": 4, unionPath: 4, regionPath: 3, clubPath: 2, clubPath + "0/": 0} {
				if n, err := s.memberSum(ctx, access.Scope{Paths: []string{path}}); err != nil || n != want {
					t.Errorf("members of %s: %d (%v), want %d", path, n, err, want)
				}
			}
			if n := scalar(`SELECT covered FROM steward_counts WHERE unit_id = $1`, club); n != 1 {
				t.Fatalf("club's covered workplaces %d, want 1", n)
			}
			// The workplaces and those without a steward: the club's two,
			// one covered by its own steward; the union's one.
			stewards := func() map[string][2]int64 {
				t.Helper()
				got := map[string][2]int64{}
				r, err := s.w.Query(`SELECT path, workplaces, stewardless FROM subtree_counts WHERE workplaces <> 0 OR stewardless <> 0`)
				if err != nil {
					t.Fatal(err)
				}
				err = eachRow(r, func() error {
					var path string
					var w, n int64
					err := r.Scan(&path, &w, &n)
					got[path] = [2]int64{w, n}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if got, want := stewards(), map[string][2]int64{unionPath: {1, 1}, regionPath: {2, 1}, clubPath: {2, 1}}; !reflect.DeepEqual(got, want) {
				t.Fatalf("migrated steward figures %v, want %v", got, want)
			}
			if n, err := s.RebuildAggregates(ctx, access.System("test")); err != nil || n != 0 {
				t.Fatalf("rebuild after the migration corrected %d (%v), want 0", n, err)
			}
			// The new triggers follow changes; the role triggers count
			// a second workplace steward.
			exec(`UPDATE persons SET member_status = 'resigned' WHERE unit_path = $1`, clubPath)
			exec(`INSERT INTO roles (person_id, role, unit_id, workplace_id, start_date) VALUES ($1, 'shop_steward', $2, $3, $4)`, steward, club, w2, regDay0)
			want = map[string]int64{unionPath: 1, regionPath: 1}
			if got := rows(); !reflect.DeepEqual(got, want) {
				t.Fatalf("subtree_counts after changes %v, want %v", got, want)
			}
			if n := scalar(`SELECT covered FROM steward_counts WHERE unit_id = $1`, club); n != 2 {
				t.Fatalf("club's covered workplaces %d, want 2", n)
			}
			if got, want := stewards(), map[string][2]int64{unionPath: {1, 1}, regionPath: {2, 0}, clubPath: {2, 0}}; !reflect.DeepEqual(got, want) {
				t.Fatalf("steward figures after a second workplace steward %v, want %v", got, want)
			}
			if n, err := s.RebuildAggregates(ctx, access.System("test")); err != nil || n != 0 {
				t.Fatalf("rebuild after the changes corrected %d (%v), want 0", n, err)
			}
			if _, err := p.DownTo(ctx, 31); err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO persons (first_name, last_name, sort_key, search_key, unit_id, unit_path, member_status, created_at, updated_at)
				VALUES ('C', 'D', 'd c', 'c d', $1, $2, 'active', $3, $3)`, club, clubPath, regDay0)
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			want = map[string]int64{unionPath: 1, regionPath: 2, clubPath: 1}
			if got := rows(); !reflect.DeepEqual(got, want) {
				t.Fatalf("subtree_counts down and up %v, want %v", got, want)
			}
		})
	}
}
