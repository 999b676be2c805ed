package demo

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

var today = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func open(t testing.TB, engine string) *storage.Storage {
	t.Helper()
	s, err := storage.Open(context.Background(), storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// snapshot summarises a generated union for comparison and checks.
type snapshot struct {
	persons    []string
	workplaces []*storage.WorkplaceSummary
	logins     []Login
	rows       map[string]int
}

func generate(t *testing.T, engine string, members int, seed uint64) snapshot {
	s := open(t, engine)
	s.SetClock(func() time.Time { return today.Add(12 * time.Hour) })
	ctx := context.Background()
	res, err := Generate(ctx, s, Options{Members: members, Seed: seed, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if found := storagetest.ClearFnrs(t, s.DB(), engine); len(found) > 0 {
		t.Fatalf("the demo keeps %d fødselsnumre in clear, e.g. %s", len(found), found[0])
	}
	checkSources(t, s)
	checkCompactCounts(t, s)
	root, err := s.RootUnit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitID: root, UnitPath: "/" + strconv.FormatInt(root, 10) + "/"}}}
	// The triggers kept the counts through the load's many-row
	// statements (on PostgreSQL, subtree_counts' members once per
	// statement): a fresh count finds nothing to correct.
	if n, err := s.RebuildAggregates(ctx, admin); err != nil || n != 0 {
		t.Fatalf("after the load the rebuild corrected %d counts (%v)", n, err)
	}
	wps, err := s.WorkplacesUnder(ctx, admin, admin.Grants[0].UnitPath, 100000)
	if err != nil {
		t.Fatal(err)
	}
	snap := snapshot{workplaces: wps, logins: res.Logins, rows: res.Rows}
	for _, w := range wps[:min(20, len(wps))] {
		ps, err := s.PersonsAtWorkplace(ctx, admin, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			snap.persons = append(snap.persons, p.Name()+"|"+p.Fnr+"|"+p.Email+"|"+p.BirthDate.Format(time.DateOnly))
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestSameSeedSameUnion(t *testing.T) {
	a := generate(t, "sqlite", 3000, 42)
	b := generate(t, "sqlite", 3000, 42)
	c := generate(t, "sqlite", 3000, 43)
	if len(a.persons) == 0 || len(a.persons) != len(b.persons) {
		t.Fatalf("persons %d vs %d", len(a.persons), len(b.persons))
	}
	for i := range a.persons {
		if a.persons[i] != b.persons[i] {
			t.Fatalf("same seed differs at %d: %s vs %s", i, a.persons[i], b.persons[i])
		}
	}
	if len(c.persons) > 0 && len(a.persons) > 0 && c.persons[0] == a.persons[0] && c.persons[len(c.persons)-1] == a.persons[len(a.persons)-1] {
		t.Fatal("another seed gave the same union")
	}
}

// checkCompactCounts checks that, on PostgreSQL, the load rewrote
// person_counts (storage.settleAfterLoad), which the triggers otherwise
// leave holding a dead row version per person counted, and analysed the
// tables. The rewrite is seen in a new relfilenode rather than in the
// pages: another transaction open on the shared test database keeps dead
// versions alive through a rewrite.
func checkCompactCounts(t *testing.T, s *storage.Storage) {
	t.Helper()
	if s.Dialect() != storage.Postgres {
		return
	}
	var rewritten, analysed bool
	err := s.DB().QueryRow(`SELECT (SELECT relfilenode <> oid FROM pg_class WHERE oid = 'person_counts'::regclass),
		(SELECT reltuples > 0 FROM pg_class WHERE oid = 'persons'::regclass)`).Scan(&rewritten, &analysed)
	if err != nil {
		t.Fatal(err)
	}
	if !rewritten {
		t.Error("person_counts not rewritten after the load: a dead row version per person left")
	}
	if !analysed {
		t.Error("persons not analysed after the load")
	}
}

func TestUnionLooksReal(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			snap := generate(t, engine, 6000, 1)
			var low, high, noSteward, members, stewards int
			for _, w := range snap.workplaces {
				if err := norway.ValidateOrgnr(w.Orgnr); err != nil {
					t.Fatalf("%s: orgnr %s: %v", w.Name, w.Orgnr, err)
				}
				switch d := w.Density(); {
				case d < 0.08:
					low++
				case d > 0.8:
					high++
				}
				if w.Stewards == 0 {
					noSteward++
				}
				members += w.Members
				stewards += w.Stewards
			}
			n := len(snap.workplaces)
			if n < 90 || n > 130 {
				t.Errorf("%d workplaces for 6,000 members, want about 106 (NITO: 1,700 per 96,000)", n)
			}
			if low == 0 || high == 0 || noSteward == 0 || noSteward > n/2 {
				t.Errorf("density spread: %d near zero, %d above 80%%, %d without steward of %d", low, high, noSteward, n)
			}
			if stewards < 6000*4500/96000/2 || stewards > 6000*4500/96000*2 {
				t.Errorf("%d shop stewards for 6,000 members, want about %d", stewards, 6000*4500/96000)
			}
			if members < 4500 || members > 5600 {
				t.Errorf("%d working members at workplaces, want about 86%% of 6,000", members)
			}
			for _, p := range snap.persons {
				if p[0] == '|' {
					t.Fatalf("person without name: %s", p)
				}
			}
			roles := map[string]bool{}
			for _, l := range snap.logins {
				roles[l.Role] = true
			}
			for _, r := range []model.RoleName{model.RoleUnionAdmin, model.RoleCoordinator, model.RoleShopSteward, model.RoleAdvisor, model.RoleBoardMember, model.RoleStudyLeader} {
				if !roles[string(r)] {
					t.Errorf("no demo login for %s", r)
				}
			}
			if snap.rows["memberships"] < 6000 || snap.rows["contacts"] == 0 || snap.rows["tasks"] == 0 {
				t.Errorf("rows: %v", snap.rows)
			}
		})
	}
}

func TestGenerateRefusesBadInput(t *testing.T) {
	s := open(t, "sqlite")
	if _, err := Generate(context.Background(), s, Options{Members: 5, Today: today}); model.ErrorCode(err) != model.EINVALID ||
		model.ErrorMessageIn(err, "en") != "--members must be between 100 and 5000000." {
		t.Fatalf("5 members: %v", err)
	}
	if _, err := Generate(context.Background(), s, Options{Members: 500, Today: today}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), s, Options{Members: 500, Today: today}); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("second run on a full database: %v", err)
	}
}

// BenchmarkGenerate reports seeding throughput in members/s on each
// engine; VERVE_BENCH_MEMBERS sets the size (default 20,000; the figures
// in the README are for 96,000 and 1,000,000).
func BenchmarkGenerate(b *testing.B) {
	members := 20000
	if v, err := strconv.Atoi(os.Getenv("VERVE_BENCH_MEMBERS")); err == nil {
		members = v
	}
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := open(b, engine)
				b.StartTimer()
				if _, err := Generate(context.Background(), s, Options{Members: members, Seed: 1, Today: today, Register: true}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
		})
	}
}

// TestDemoHasPossibleMatchesForEveryDecider: the central office and the
// demo's coordinator each find pairs to decide on /matches.
func TestDemoHasPossibleMatchesForEveryDecider(t *testing.T) {
	s := open(t, "sqlite")
	s.SetClock(func() time.Time { return today.Add(12 * time.Hour) })
	ctx := context.Background()
	res, err := Generate(ctx, s, Options{Members: 3000, Seed: 3, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{string(model.RoleUnionAdmin), string(model.RoleCoordinator)} {
		var login *Login
		for i := range res.Logins {
			if res.Logins[i].Role == role {
				login = &res.Logins[i]
				break
			}
		}
		if login == nil {
			t.Fatalf("no demo login for %s", role)
		}
		u, err := s.UserByUsername(ctx, login.Username)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.PossibleMatches(ctx, p, 100)
		if err != nil || len(ms) == 0 {
			t.Errorf("%s (%s) has no possible matches to decide: %v", login.Username, role, err)
		}
		for _, m := range ms {
			if m.New.Name != m.Known.Name || !m.New.BirthDate.Equal(m.Known.BirthDate) {
				t.Errorf("pair %d is not a plausible match: %+v", m.ID, m)
			}
		}
	}
}

// checkSources fails unless every membership source the demo wrote is one
// of model.Sources (the schema refuses others; this names what it finds)
// and the demo shows most of them.
func checkSources(t *testing.T, s *storage.Storage) {
	t.Helper()
	rows, err := s.DB().Query(`SELECT DISTINCT source FROM memberships`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		var src model.Source
		if err := rows.Scan(&src); err != nil {
			t.Fatal(err)
		}
		if !src.Valid() {
			t.Errorf("the demo writes membership source %q", src)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < len(model.Sources)-2 {
		t.Errorf("the demo writes %d membership sources of %d", n, len(model.Sources))
	}
}
