package storage

import (
	"context"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/benchmem"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
)

// BenchmarkRecruitmentScale times the recruitment page's read
// (RecruitmentPage, its first 200 rows) on the seeded union VERVE_BENCH_DB
// names (a SQLite path or sqlite:path, or a PostgreSQL address with
// key_file=PATH), after the daily counts, for the union and for the
// coordinator of the first region, by workplace and by median, over 90
// days. It reports the CPU time per read; bench a copy, as the daily job
// writes.
func BenchmarkRecruitmentScale(b *testing.B) {
	ctx := context.Background()
	s := seededForBench(b)
	var region string
	if err := s.r.QueryRow(`SELECT path FROM org_units WHERE kind = 'region' ORDER BY path LIMIT 1`).Scan(&region); err != nil {
		b.Fatal(err)
	}
	readers := map[string]*access.Principal{
		"union":  {Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: "/"}}},
		"region": {Username: "vk", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: region}}},
	}
	since := clock.Start(s.Today().AddDate(0, 0, -90))
	for _, who := range []string{"union", "region"} {
		for _, sort := range []string{"workplace", "median"} {
			b.Run(who+"_"+sort, func(b *testing.B) {
				var cpu time.Duration
				all := 0
				for range b.N {
					c0 := benchmem.CPUTime()
					_, n, _, err := s.RecruitmentPage(ctx, readers[who], RecruitmentQuery{Since: since, Sort: sort, Limit: 200})
					cpu += benchmem.CPUTime() - c0
					if err != nil {
						b.Fatal(err)
					}
					all = n
				}
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(all), "workplaces")
			})
		}
	}
}
