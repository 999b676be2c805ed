package storage

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

func TestSortRecruitment(t *testing.T) {
	rows := []RecruitmentRow{
		{WorkplaceID: 1, Workplace: "Øya skole", MedianDays: -1, Joined: 2},
		{WorkplaceID: 2, Workplace: "Aker sykehus", MedianDays: 4, Joined: 5},
		{WorkplaceID: 3, Workplace: "Zeta AS", MedianDays: 1.5, Joined: 2},
		{WorkplaceID: 4, Workplace: "Ålesund kommune", MedianDays: 9, Joined: 0},
	}
	ids := func(q RecruitmentQuery) []int64 {
		rs := slices.Clone(rows)
		sortRecruitment(rs, q)
		var out []int64
		for _, r := range rs {
			out = append(out, r.WorkplaceID)
		}
		return out
	}
	for _, c := range []struct {
		q    RecruitmentQuery
		want []int64
	}{
		{RecruitmentQuery{Sort: "workplace"}, []int64{2, 3, 1, 4}}, // æ, ø, å after z
		{RecruitmentQuery{Sort: "workplace", Desc: true}, []int64{4, 1, 3, 2}},
		{RecruitmentQuery{Sort: "joined", Desc: true}, []int64{2, 3, 1, 4}}, // ties by name
		{RecruitmentQuery{Sort: "median"}, []int64{3, 2, 4, 1}},             // no median last
		{RecruitmentQuery{Sort: "median", Desc: true}, []int64{4, 2, 3, 1}}, // still last
	} {
		if got := ids(c.q); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, got, c.want)
		}
	}
}

// recruitmentEnv is a union with new-hire lists and pipeline entries
// put straight into the tables, as of a fixed day.
type recruitmentEnv struct {
	t     *testing.T
	s     *Storage
	f     *fixture
	today time.Time
	exec  func(q string, args ...any)
	seq   *rand.Rand
	n     int
}

func newRecruitmentEnv(t *testing.T, s *Storage) *recruitmentEnv {
	today := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return today })
	return &recruitmentEnv{t: t, s: s, f: newFixture(t, s), today: today, exec: writerExec(t, s), seq: rand.New(rand.NewPCG(1, 2))}
}

func (e *recruitmentEnv) workplace(unit *model.OrgUnit, name string) *model.Workplace {
	e.t.Helper()
	w := &model.Workplace{UnitID: unit.ID, Name: name, Orgnr: norway.GenerateOrgnr(e.seq), Employees: 10}
	if err := e.s.CreateWorkplace(context.Background(), e.f.admin, w); err != nil {
		e.t.Fatal(err)
	}
	return w
}

// waited is a new hire who waited waitHours to be asked (notAsked for not
// yet). Whole multiples of 3 hours make the median in minutes and the one
// counted from the times the same float.
type waited struct {
	waitHours int
	joined    bool
}

const notAsked = -1

// add records lists new-hire lists and the hires at w, counted in path,
// daysAgo days before today.
func (e *recruitmentEnv) add(w *model.Workplace, path string, daysAgo, lists int, hires ...waited) {
	e.t.Helper()
	at := e.today.AddDate(0, 0, -daysAgo).Add(-time.Duration(e.n) * time.Minute)
	for i := range lists {
		e.exec(`INSERT INTO imports (kind, workplace_id, unit_path, created_at) VALUES ('newhires', $1, $2, $3)`, w.ID, path, at.Add(time.Duration(i)*time.Hour))
	}
	for _, h := range hires {
		e.n++
		p := e.f.person(e.t, fmt.Sprintf("Ny%d", e.n), "Ansatt", w)
		var first any
		if h.waitHours != notAsked {
			first = at.Add(time.Duration(h.waitHours) * time.Hour)
		}
		outcome := ""
		if h.joined {
			outcome = "joined"
		}
		e.exec(`INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at, first_contact_at, outcome) VALUES ($1, $2, $3, 'newhire', $4, $5, $6)`,
			p.ID, w.ID, path, at, first, outcome)
	}
}

type recruitmentResult struct {
	Rows  []RecruitmentRow
	All   int
	Total RecruitmentRow
}

// recruitmentQueries are every order, both directions, the whole table
// and its first 3 rows, from since.
func recruitmentQueries(since time.Time) []RecruitmentQuery {
	var out []RecruitmentQuery
	for _, key := range append([]string{"workplace"}, slices.Sorted(maps.Keys(recruitmentSorts))...) {
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{0, 3} {
				out = append(out, RecruitmentQuery{Since: since, Sort: key, Desc: desc, Limit: limit})
			}
		}
	}
	return out
}

// recruitmentKey names a reader's query: "user sort desc=… limit=…
// since=day".
func recruitmentKey(user string, q RecruitmentQuery) string {
	return fmt.Sprintf("%s %s desc=%v limit=%d since=%s", user, q.Sort, q.Desc, q.Limit, q.Since.Format(time.DateOnly))
}

// read reads the page for each reader and query, by recruitmentKey.
func (e *recruitmentEnv) read(readers []*access.Principal, queries []RecruitmentQuery) map[string]recruitmentResult {
	e.t.Helper()
	out := map[string]recruitmentResult{}
	for _, u := range readers {
		for _, q := range queries {
			rows, all, total, err := e.s.RecruitmentPage(context.Background(), u, q)
			if err != nil {
				e.t.Fatal(err)
			}
			for i := range rows {
				rows[i].LastList = rows[i].LastList.Truncate(time.Second).UTC()
			}
			total.LastList = total.LastList.Truncate(time.Second).UTC()
			out[recruitmentKey(u.Username, q)] = recruitmentResult{rows, all, total}
		}
	}
	return out
}

// same compares the figures read from the daily counts with those
// counted on request (the daily counts set aside by moving their day),
// and returns the former.
func (e *recruitmentEnv) same(step string, readers []*access.Principal, queries []RecruitmentQuery) map[string]recruitmentResult {
	e.t.Helper()
	counted := e.read(readers, queries)
	e.exec(`UPDATE steward_counts_day SET day = $1`, date(e.today.AddDate(0, 0, -1)))
	onRequest := e.read(readers, queries)
	e.exec(`UPDATE steward_counts_day SET day = $1`, date(e.today))
	for k, want := range onRequest {
		if got := counted[k]; !reflect.DeepEqual(got, want) {
			e.t.Errorf("%s, %s: counted\n%+v\non request\n%+v", step, k, got, want)
		}
	}
	return counted
}

// rebuild runs the daily job as on the next morning.
func (e *recruitmentEnv) rebuild() {
	e.t.Helper()
	e.exec(`UPDATE steward_counts_day SET day = $1`, date(e.today.AddDate(0, 0, -1)))
	if _, err := e.s.RebuildDailyCounts(context.Background(), access.System("test")); err != nil {
		e.t.Fatal(err)
	}
}

func recruitmentNames(r recruitmentResult) (out []string) {
	for _, row := range r.Rows {
		out = append(out, fmt.Sprintf("%s %d", row.Workplace, row.NewHires))
	}
	return out
}

// TestRecruitmentPageOrders: the page's figures read from the daily
// counts, ordered and cut short in SQL, equal those counted on request and
// ordered in Go, for every order, both directions, the whole table and
// its first rows, for the union (its own sums, migration 00033), a club's
// coordinator and a portfolio (their scope's sums), after the daily job
// and through changes the triggers follow; the totals and the count cover
// the whole scope however few rows are shown.
func TestRecruitmentPageOrders(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		e := newRecruitmentEnv(t, s)
		f, exec, today := e.f, e.exec, e.today
		a, b := f.clubA.Path, f.clubB.Path
		e.add(f.wA, a, 5, 2, waited{72, true}, waited{24, false}, waited{notAsked, false})
		e.add(f.wA, a, 40, 1, waited{3, true}) // before the period
		e.add(f.wB, b, 3, 1, waited{6, true})
		oya, akerA, akerB, zeta := e.workplace(f.clubA, "Øya skole"), e.workplace(f.clubA, "Aker sykehus"), e.workplace(f.clubB, "Aker sykehus"), e.workplace(f.clubB, "Zeta AS")
		e.add(oya, a, 8, 0, waited{notAsked, false}, waited{notAsked, false})
		e.add(akerA, a, 2, 3, waited{12, true}, waited{36, true}, waited{notAsked, false}, waited{notAsked, false})
		e.add(akerB, b, 9, 1, waited{48, false}, waited{notAsked, false})
		e.add(zeta, b, 1, 2)
		alesund := e.workplace(f.clubA, "Ålesund kommune")
		e.add(alesund, a, 4, 1, waited{3, true})
		// One of Ålesund's new hires is counted in club B: club A's
		// coordinator sees the rest.
		e.add(alesund, b, 4, 0, waited{9, false}, waited{15, true})

		coord := &access.Principal{Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: a}}}
		portfolio := &access.Principal{Username: "vk2", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: a, Workplaces: []int64{f.wB.ID}}}}
		readers := []*access.Principal{f.admin, coord, portfolio}
		// The 30 days are one of the page's periods.
		queries := recruitmentQueries(RecruitmentSince(today, 30))
		e.rebuild()
		var workplaces int
		if err := s.r.QueryRow(`SELECT workplaces FROM recruitment_union_counts WHERE days = 30 AND workplace_id = 0`).Scan(&workplaces); err != nil || workplaces != 7 {
			t.Fatalf("the union's 30 days count %d workplaces (%v), want 7", workplaces, err)
		}
		counted := e.same("seeded", readers, queries)
		// key names a query of the 30 days.
		key := func(k string) string { return k + " since=" + queries[0].Since.Format(time.DateOnly) }
		for k, want := range map[string][]string{
			"admin workplace desc=false limit=0": {"Aker sykehus 4", "Aker sykehus 2", "Trondheim kommune 3", "Værnes lufthavn 1", "Zeta AS 0", "Øya skole 2", "Ålesund kommune 3"},
			"admin workplace desc=true limit=3":  {"Ålesund kommune 3", "Øya skole 2", "Zeta AS 0"},
			// Shares asked: 3/3 before 1/1 and 2/4 before 1/2, by count.
			"admin asked desc=true limit=0": {"Ålesund kommune 3", "Værnes lufthavn 1", "Trondheim kommune 3", "Aker sykehus 4", "Aker sykehus 2", "Zeta AS 0", "Øya skole 2"},
			// Medians 0.25, 0.375 (3, 9, 15 hours), 1, 2 and 2, then none.
			"admin median desc=false limit=0": {"Værnes lufthavn 1", "Ålesund kommune 3", "Aker sykehus 4", "Aker sykehus 2", "Trondheim kommune 3", "Zeta AS 0", "Øya skole 2"},
			"vk joined desc=true limit=3":     {"Aker sykehus 4", "Trondheim kommune 3", "Ålesund kommune 1"},
			"vk2 newhires desc=false limit=0": {"Værnes lufthavn 1", "Ålesund kommune 1", "Øya skole 2", "Trondheim kommune 3", "Aker sykehus 4"},
		} {
			if got := recruitmentNames(counted[key(k)]); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", k, got, want)
			}
		}
		// The totals are the scope's, however few rows are shown.
		for user, want := range map[string][3]int{"admin": {7, 10, 15}, "vk": {4, 6, 10}, "vk2": {5, 7, 11}} {
			r := counted[key(user+" lists desc=true limit=3")]
			if got := [3]int{r.All, r.Total.Lists, r.Total.NewHires}; got != want || len(r.Rows) != 3 {
				t.Errorf("%s: %d rows, workplaces, lists, new hires %v, want %v", user, len(r.Rows), got, want)
			}
		}
		if got := counted[key("admin lists desc=true limit=3")].Total.MedianDays; got != 0.625 {
			// 3, 6, 9, 12, 15, 24, 36, 48 and 72 hours.
			t.Errorf("union's median %v days, want 0.625 (15 hours)", got)
		}

		// Asked, joined, moved, deleted, renamed, another list: the
		// triggers keep the periods' sums.
		exec(`UPDATE pipeline SET first_contact_at = $1 WHERE workplace_id = $2 AND first_contact_at IS NULL`, today.AddDate(0, 0, -4), f.wA.ID)
		exec(`UPDATE pipeline SET outcome = 'joined' WHERE workplace_id = $1 AND outcome = ''`, oya.ID)
		exec(`UPDATE pipeline SET unit_path = $1 WHERE workplace_id = $2`, a, f.wB.ID)
		exec(`DELETE FROM pipeline WHERE workplace_id = $1 AND first_contact_at IS NULL`, akerA.ID)
		exec(`DELETE FROM imports WHERE workplace_id = $1`, zeta.ID)
		exec(`UPDATE workplaces SET name = 'Bakeriet AS', sort_key = $1 WHERE id = $2`, norway.SortKey("Bakeriet AS"), akerB.ID)
		e.add(f.wB, b, 0, 1, waited{notAsked, false})
		counted = e.same("changed", readers, queries)
		if got, want := recruitmentNames(counted[key("admin workplace desc=false limit=3")]), []string{"Aker sykehus 2", "Bakeriet AS 2", "Trondheim kommune 3"}; !slices.Equal(got, want) {
			t.Errorf("after the changes: %v, want %v", got, want)
		}
		if r := counted[key("admin workplace desc=false limit=3")]; r.All != 6 || r.Total.NewHires != 14 {
			t.Errorf("after the changes: %d workplaces, %d new hires, want 6 and 14", r.All, r.Total.NewHires)
		}

		// Drift is mended by the next day's count.
		exec(`UPDATE recruitment_union_counts SET lists = lists + 5, workplaces = workplaces + 1`)
		exec(`UPDATE recruitment_period_waits SET entries = entries + 1`)
		e.rebuild()
		e.same("mended", readers, queries)
	})
}

// TestRecruitmentPeriodsMigration: migration 00033 on a database with
// figures has the daily job run again, which fills the periods with the
// figures counted on request; its triggers follow later changes, and it
// goes down and up again.
func TestRecruitmentPeriodsMigration(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, p := migratedTo(t, engine, 31)
			// Today's writers of persons write the columns of person_words
			// that 00037 adds.
			for _, col := range []string{"sort_key", "unit_path"} {
				if _, err := s.w.Exec(`ALTER TABLE person_words ADD COLUMN ` + col + ` TEXT NOT NULL DEFAULT ''`); err != nil {
					t.Fatal(err)
				}
			}
			e := newRecruitmentEnv(t, s)
			f := e.f
			e.add(f.wA, f.clubA.Path, 5, 2, waited{72, true}, waited{24, false}, waited{notAsked, false})
			e.add(f.wA, f.clubA.Path, 40, 1, waited{3, true})
			e.add(f.wB, f.clubB.Path, 200, 1, waited{6, true})
			// The daily job of 00024 ran today.
			e.exec(`UPDATE steward_counts_day SET day = $1`, date(e.today))
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			coord := &access.Principal{Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
			readers := []*access.Principal{f.admin, coord}
			var queries []RecruitmentQuery
			for _, days := range RecruitmentPeriods {
				queries = append(queries, RecruitmentQuery{Since: RecruitmentSince(e.today, days), Sort: "median", Limit: 1},
					RecruitmentQuery{Since: RecruitmentSince(e.today, days), Sort: "workplace"})
			}
			periods := func() (n int) {
				t.Helper()
				if err := s.r.QueryRow(`SELECT count(*) FROM recruitment_periods`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := periods(); n != 0 {
				t.Fatalf("%d periods before the daily job, want none", n)
			}
			if current, err := s.dailyCountsCurrent(ctx); err != nil || current {
				t.Fatalf("the daily counts are current after the migration (%v): the job would not fill the periods today", err)
			}
			e.rebuild()
			if n := periods(); n != len(RecruitmentPeriods) {
				t.Fatalf("%d periods after the daily job, want %d", n, len(RecruitmentPeriods))
			}
			counted := e.same("counted", readers, queries)
			for i, want := range []int{3, 4, 5} {
				if r := counted[recruitmentKey("admin", queries[2*i+1])]; r.Total.NewHires != want {
					t.Errorf("%d days: %+v, want %d new hires", RecruitmentPeriods[i], r, want)
				}
			}
			e.add(f.wB, f.clubB.Path, 0, 1, waited{notAsked, false})
			e.same("added", readers, queries)

			if _, err := p.DownTo(ctx, 31); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
