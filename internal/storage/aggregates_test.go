package storage

import (
	"context"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
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
