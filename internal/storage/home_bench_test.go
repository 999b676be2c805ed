package storage

// BenchmarkHomeFigures times home's figures (Home, and its member and
// steward counts alone) for the demo's admin, recruitment coordinator and
// shop steward on the seeded database VERVE_BENCH_DB names (a SQLite path
// or sqlite:path, or a PostgreSQL address), reporting the process's CPU
// time per call: on SQLite that is the queries' cost. It runs the daily
// counts first, as the worker does, so the counted path is the one timed.
// Bench a copy: the daily job writes.
//
//	VERVE_BENCH_DB=/work/scale-data/copy.db go test ./internal/storage -run XX -bench HomeFigures -benchtime 200x

import (
	"context"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/benchmem"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// seededForBench opens the seeded database VERVE_BENCH_DB names (a SQLite
// path or sqlite:path, or a PostgreSQL address) and runs the daily counts,
// as the worker does; without one the benchmark is skipped. Bench a copy:
// the daily job writes.
func seededForBench(b *testing.B) *Storage {
	b.Helper()
	dsn := storagetest.BenchDSN(b)
	s, err := OpenWith(context.Background(), dsn, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.RebuildDailyCounts(context.Background(), access.System("bench")); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkHomeFigures(b *testing.B) {
	ctx := context.Background()
	s := seededForBench(b)
	for _, name := range []string{"admin", "vervekoordinator", "tillitsvalgt"} {
		user, err := s.UserByUsername(ctx, name)
		if err != nil {
			b.Fatal(name, err)
		}
		u, err := s.Principal(ctx, user.ID)
		if err != nil {
			b.Fatal(name, err)
		}
		for _, part := range []struct {
			name string
			run  func() error
		}{
			{"home", func() error { _, err := s.Home(ctx, u); return err }},
			{"members", func() error { _, err := s.memberSum(ctx, u.Scope(access.PersonRead)); return err }},
			{"stewardless", func() error {
				_, _, err := s.stewardless(ctx, u.Scope(access.WorkplaceRead))
				return err
			}},
		} {
			b.Run(name+"_"+part.name, func(b *testing.B) {
				c0, t0 := benchmem.CPUTime(), time.Now()
				for range b.N {
					if err := part.run(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(benchmem.CPUTime()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(time.Since(t0))/float64(time.Millisecond)/float64(b.N), "wall-ms/op")
			})
		}
	}
}
