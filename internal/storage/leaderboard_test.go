package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// TestLeaderboardScopes: "my area" ranks the recruiters in the user's
// scope, with a role's further subtrees and a portfolio's workplaces;
// the units offered are the regions and branches, the clubs beside or
// below the chosen one and the user's own.
func TestLeaderboardScopes(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		a1 := f.person(t, "Anne", "Hansen", f.wA)
		b1 := f.person(t, "Bjørn", "Olsen", f.wB)
		recruit := f.person(t, "Rita", "Berg", f.wA)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for _, p := range []*model.Person{a1, b1} {
			var mid int64
			if err := s.w.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, source) VALUES ($1, 'ordinary', 'active', $2, 'recruited') RETURNING id`,
				recruit.ID, now).Scan(&mid); err != nil {
				t.Fatal(err)
			}
			if _, err := s.w.Exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, mid, p.ID, now); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLeaderboardOptIn(ctx, &access.Principal{PersonID: p.ID}, true); err != nil {
				t.Fatal(err)
			}
		}
		board := func(u *access.Principal, unit int64) []int64 {
			t.Helper()
			ls, err := s.Leaderboard(ctx, u, unit, 2026, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, l := range ls {
				ids = append(ids, l.PersonID)
			}
			slices.Sort(ids)
			return ids
		}
		both := []int64{a1.ID, b1.ID}
		portfolio := &access.Principal{Username: "tv2", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubA.Path, Workplaces: []int64{f.wB.ID}}}}
		subtrees := &access.Principal{Username: "tv3", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubA.Path, Subtrees: []string{f.clubB.Path}}}}
		for _, c := range []struct {
			name string
			u    *access.Principal
			unit int64
			want []int64
		}{
			{"steward, the union", f.steward, 0, both},
			{"steward, club B", f.steward, f.clubB.ID, []int64{b1.ID}},
			{"steward, my area", f.steward, LeaderboardMine, []int64{a1.ID}},
			{"portfolio, my area", portfolio, LeaderboardMine, both},
			{"further subtree, my area", subtrees, LeaderboardMine, both},
			{"admin, my area", f.admin, LeaderboardMine, both},
			{"no role, my area", &access.Principal{PersonID: a1.ID}, LeaderboardMine, nil},
		} {
			if got := board(c.u, c.unit); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		choices := func(u *access.Principal, unit int64) []int64 {
			t.Helper()
			us, err := s.LeaderboardChoices(ctx, u, unit)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range us {
				ids = append(ids, c.ID)
			}
			return ids
		}
		region := choices(f.admin, 0)
		if len(region) != 1 {
			t.Fatalf("admin is offered %v, want the region only", region)
		}
		for _, c := range []struct {
			name string
			u    *access.Principal
			unit int64
			want []int64
		}{
			{"steward", f.steward, 0, []int64{region[0], f.clubA.ID}},
			{"further subtree", subtrees, 0, []int64{region[0], f.clubA.ID, f.clubB.ID}},
			{"admin, the region chosen", f.admin, region[0], []int64{region[0], f.clubA.ID, f.clubB.ID}},
			{"admin, club B chosen", f.admin, f.clubB.ID, []int64{region[0], f.clubA.ID, f.clubB.ID}},
		} {
			if got := choices(c.u, c.unit); !slices.Equal(got, c.want) {
				t.Errorf("%s is offered %v, want %v", c.name, got, c.want)
			}
		}
	})
}
