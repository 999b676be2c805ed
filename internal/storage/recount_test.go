package storage

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// stale returns how many rows of the tables differ from a fresh count,
// counted as the daily jobs count (before creates their TEMP tables).
func stale(t *testing.T, s *Storage, tables []counted, before ...string) int {
	t.Helper()
	n := 0
	hook := s.whileCounting
	s.whileCounting = nil
	defer func() { s.whileCounting = hook }()
	err := s.snapshot(context.Background(), func(tx *sql.Tx) error {
		for _, q := range before {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		for _, c := range tables {
			d, err := c.diff(context.Background(), tx)
			if err != nil {
				return err
			}
			n += len(d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// onceWhileCounting has the daily job's next snapshot run fn, with the
// writer free (a write waiting for it fails after 5 s), and reports
// whether it ran.
func onceWhileCounting(t *testing.T, s *Storage, fn func(ctx context.Context)) *bool {
	ran := new(bool)
	s.whileCounting = func() {
		if *ran {
			return
		}
		*ran = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		fn(ctx)
	}
	t.Cleanup(func() { s.whileCounting = nil })
	return ran
}

// TestAggregatesLeaveConcurrentChanges: RebuildAggregates counts on a
// snapshot, while others write, and writes a differing count only where
// the row still holds what the snapshot saw: a person added while it
// counts is not taken out of the counts again, drift elsewhere is mended,
// and a drifted row that changed meanwhile is mended by the next run.
func TestAggregatesLeaveConcurrentChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.person(t, "Anne", "Hansen", f.wA)
		f.person(t, "Bjørn", "Olsen", f.wB)
		exec := writerExec(t, s)
		scalar := writerScalar(t, s)
		fresh := func() int {
			return stale(t, s, aggregates(s.dialect), `DROP TABLE IF EXISTS `+tempSchema[s.dialect]+`.fresh_person_counts`,
				`CREATE TEMP TABLE fresh_person_counts AS `+countPersons)
		}
		add := func(ctx context.Context, name string, w int64) {
			p := &model.Person{FirstName: name, LastName: "Lie", WorkplaceID: w, MemberStatus: model.StatusActive}
			if err := s.CreatePerson(ctx, f.admin, p); err != nil {
				t.Error("a write while the aggregates were counted:", err)
			}
		}
		members := func(w int64) int64 {
			return scalar(`SELECT COALESCE(SUM(members), 0) FROM person_counts WHERE workplace_id = $1`, w)
		}

		exec(`UPDATE person_counts SET members = members + 5 WHERE workplace_id = $1`, f.wA.ID)
		ran := onceWhileCounting(t, s, func(ctx context.Context) { add(ctx, "Berit", f.wB.ID) })
		if n, err := s.rebuildAggregates(ctx); err != nil || n == 0 {
			t.Fatalf("rebuild of drifted counts corrected %d (%v)", n, err)
		}
		if !*ran {
			t.Fatal("nothing was written while the aggregates were counted")
		}
		if d := fresh(); d != 0 || members(f.wA.ID) != 1 || members(f.wB.ID) != 2 {
			t.Fatalf("after the rebuild: %d rows differ, members at A %d and B %d, want 0, 1, 2", d, members(f.wA.ID), members(f.wB.ID))
		}

		// A drifted row a trigger changes while the job counts.
		exec(`UPDATE person_counts SET members = members + 5 WHERE workplace_id = $1`, f.wA.ID)
		onceWhileCounting(t, s, func(ctx context.Context) { add(ctx, "Arne", f.wA.ID) })
		if _, err := s.rebuildAggregates(ctx); err != nil {
			t.Fatal(err)
		}
		// The snapshot's count (1) would lose Arne.
		if got := members(f.wA.ID); got == 1 {
			t.Fatalf("members at A %d: the count from before Arne came", got)
		}
		if n, err := s.rebuildAggregates(ctx); err != nil || n == 0 || members(f.wA.ID) != 2 || fresh() != 0 {
			t.Fatalf("next rebuild corrected %d (%v), members at A %d, want 2", n, err, members(f.wA.ID))
		}
	})
}

// TestDailyCountsLeaveConcurrentChanges: RebuildDailyCounts counts on a
// snapshot while others write: an outcome logged while it counts stays
// counted, in the hourly figures and the periods', drift elsewhere is
// mended, and a drifted row the outcome changed by the next run.
func TestDailyCountsLeaveConcurrentChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		e := newRecruitmentEnv(t, s)
		f := e.f
		e.add(f.wA, f.clubA.Path, 3, 1, waited{24, false})
		e.add(f.wB, f.clubB.Path, 2, 1, waited{notAsked, false})
		e.add(f.wA, f.clubA.Path, 0, 0, waited{12, false})
		e.rebuild()
		counts := func() int {
			return stale(t, s, dailyCounted(s.dialect)) +
				stale(t, s, append(periodCounted, unionTotals), freshPeriods(s.dialect)...)
		}
		if d := counts(); d != 0 {
			t.Fatalf("after the first count %d rows differ", d)
		}

		e.exec(`UPDATE recruitment_counts SET new_hires = new_hires + 5 WHERE workplace_id = $1`, f.wA.ID)
		joined := func(ctx context.Context, w int64) {
			if _, err := s.w.ExecContext(ctx, `UPDATE pipeline SET first_contact_at = $1, outcome = 'joined' WHERE workplace_id = $2`,
				e.today.Add(-time.Hour), w); err != nil {
				t.Error("a write while the daily counts were counted:", err)
			}
		}
		ran := onceWhileCounting(t, s, func(ctx context.Context) { joined(ctx, f.wB.ID) })
		e.rebuild()
		if !*ran {
			t.Fatal("nothing was written while the daily counts were counted")
		}
		scalar := writerScalar(t, s)
		unionJoined := func() int64 {
			return scalar(`SELECT joined FROM recruitment_union_counts WHERE days = 30 AND workplace_id = 0`)
		}
		if d, j := counts(), unionJoined(); d != 0 || j != 1 {
			t.Fatalf("after the count %d rows differ, the union's joined %d, want 0 and 1", d, j)
		}

		// A drifted row an outcome changes while the job counts: the
		// snapshot's count (no one joined at A) would lose it.
		e.exec(`UPDATE recruitment_counts SET new_hires = new_hires + 5 WHERE workplace_id = $1`, f.wA.ID)
		onceWhileCounting(t, s, func(ctx context.Context) { joined(ctx, f.wA.ID) })
		e.rebuild()
		if j := scalar(`SELECT SUM(joined) FROM recruitment_counts WHERE workplace_id = $1`, f.wA.ID); j != 2 || unionJoined() != 3 {
			t.Fatalf("joined at A %d, in the union %d, want 2 and 3", j, unionJoined())
		}
		e.rebuild()
		if d := counts(); d != 0 {
			t.Fatalf("after the next count %d rows differ", d)
		}

		// 29 days on, all but today's hire are past the 30 days: the
		// periods move, and their figures with them without mending
		// (mendPeriods).
		later := e.today.AddDate(0, 0, 29)
		s.SetClock(func() time.Time { return later })
		if _, err := s.countDay(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := counts(); d != 0 {
			t.Fatalf("29 days on %d rows differ", d)
		}
		if j, n := unionJoined(), scalar(`SELECT joined FROM recruitment_union_counts WHERE days = 90 AND workplace_id = 0`); j != 1 || n != 3 {
			t.Fatalf("29 days on the union's joined in 30 days %d, in 90 %d, want 1 and 3", j, n)
		}
	})
}

// TestDailyCountsMendMedians: a stray row of a workplace's histogram of
// waits, which the daily count deletes, takes the median it moved with it
// (no trigger follows a deleted row).
func TestDailyCountsMendMedians(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		e := newRecruitmentEnv(t, s)
		f := e.f
		e.add(f.wA, f.clubA.Path, 3, 1, waited{24, false})
		e.add(f.wA, f.clubA.Path, 0, 0, waited{12, false})
		e.rebuild()
		scalar := writerScalar(t, s)
		median := func() [2]int64 {
			return [2]int64{scalar(`SELECT COALESCE(lo, -1) FROM recruitment_union_counts WHERE days = 30 AND workplace_id = $1`, f.wA.ID),
				scalar(`SELECT COALESCE(hi, -1) FROM recruitment_union_counts WHERE days = 30 AND workplace_id = $1`, f.wA.ID)}
		}
		before := median()
		e.exec(`INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) VALUES (30, $1, 999999, 50)`, f.wA.ID)
		if median() == before {
			t.Fatal("the stray wait did not move the median")
		}
		e.rebuild()
		if got := median(); got != before {
			t.Fatalf("median after the count %v, want %v as before the stray wait", got, before)
		}
	})
}

// TestDailyCountsRetryFailedMend: the periods' mend runs after the day's
// count has committed; when it failed (the day counted, not mended), the
// next run the same day mends, while a run after a whole job does nothing.
func TestDailyCountsRetryFailedMend(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		e := newRecruitmentEnv(t, s)
		f := e.f
		e.add(f.wA, f.clubA.Path, 3, 1, waited{24, false})
		e.rebuild()
		scalar := writerScalar(t, s)
		newHires := func() int64 {
			return scalar(`SELECT new_hires FROM recruitment_period_counts WHERE days = 30 AND workplace_id = $1`, f.wA.ID)
		}
		want := newHires()
		e.exec(`UPDATE recruitment_period_counts SET new_hires = new_hires + 7 WHERE days = 30 AND workplace_id = $1`, f.wA.ID)
		job := func() {
			t.Helper()
			if _, err := s.RebuildDailyCounts(context.Background(), access.System("test")); err != nil {
				t.Fatal(err)
			}
		}
		job()
		if newHires() != want+7 {
			t.Fatal("a second run the same day mended: it should have found the day done")
		}
		e.exec(`UPDATE steward_counts_day SET mended = $1`, date(e.today.AddDate(0, 0, -1)))
		snapshots := 0
		s.whileCounting = func() { snapshots++ }
		job()
		if got := newHires(); got != want {
			t.Fatalf("after a failed mend the next run left new hires at %d, want %d", got, want)
		}
		// The day was counted: the run mends (one snapshot), it does
		// not count the day again (two).
		if snapshots != 1 {
			t.Errorf("a run after a failed mend took %d snapshots, want the mend's 1", snapshots)
		}

		// A mend that fails (its snapshot's context ends) after the day's
		// count committed leaves the day counted, not done.
		e.exec(`UPDATE steward_counts_day SET day = $1, mended = NULL`, date(e.today.AddDate(0, 0, -1)))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		snapshots = 0
		s.whileCounting = func() {
			if snapshots++; snapshots == 2 {
				cancel()
			}
		}
		if _, err := s.RebuildDailyCounts(ctx, access.System("test")); err == nil {
			t.Fatal("the mend did not fail")
		}
		s.whileCounting = nil
		counted, err := s.dailyCountsCurrent(context.Background())
		if err != nil || !counted {
			t.Fatalf("the day was not counted before the mend failed (%v)", err)
		}
		if _, done, err := s.dailyJobState(context.Background()); err != nil || done {
			t.Fatalf("a failed mend left the day done (%v)", err)
		}
		snapshots = 0
		s.whileCounting = func() { snapshots++ }
		job()
		if _, done, err := s.dailyJobState(context.Background()); err != nil || !done {
			t.Fatalf("the next run did not finish the day (%v)", err)
		}
		if snapshots != 1 {
			t.Errorf("the run after the failed mend took %d snapshots, want the mend's 1", snapshots)
		}
	})
}

// TestDailyCountsRecountAll: past recountAllFrom units the day's turn
// recounts every unit in one pass, mending a drifted count and dropping
// the row of a unit that is gone, as one at a time does.
func TestDailyCountsRecountAll(t *testing.T) {
	for _, from := range []int{0, defaultRecountAllFrom} {
		t.Run(fmt.Sprint("from=", from), func(t *testing.T) {
			engines(t, func(t *testing.T, s *Storage) {
				s.recountAllFrom = from
				e := newRecruitmentEnv(t, s)
				e.rebuild()
				stewards := []counted{{table: "steward_counts", keys: []string{"unit_id"}, values: []string{"workplaces", "stewards", "covered"},
					fresh: countStewards(countedDay, "1 = 1")}}
				if n := stale(t, s, stewards); n != 0 {
					t.Fatalf("%d units' counts stale after the first count", n)
				}
				e.exec(`UPDATE steward_counts SET stewards = stewards + 5, covered = covered + 1 WHERE unit_id = $1`, e.f.clubA.ID)
				e.exec(`INSERT INTO steward_counts (unit_id, workplaces, stewards, covered) VALUES (987654, 1, 2, 3)`)
				if n := stale(t, s, stewards); n != 2 {
					t.Fatalf("%d units' counts stale after the drift, want 2", n)
				}
				// A drift the snapshot cannot see: one pass over every
				// unit mends it, one unit at a time leaves it for the
				// next day.
				onceWhileCounting(t, s, func(context.Context) {
					e.exec(`UPDATE steward_counts SET workplaces = workplaces + 3 WHERE unit_id = $1`, e.f.clubB.ID)
				})
				e.rebuild()
				want := map[int]int{0: 0, defaultRecountAllFrom: 1}[from]
				if n := stale(t, s, stewards); n != want {
					t.Fatalf("%d units' counts stale after the day's count, want %d", n, want)
				}
			})
		})
	}
}
