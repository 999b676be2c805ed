package storage

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// genSource yields n generated register rows without holding them: 20
// regions of 10 branches of 10 clubs, 50 members a workplace.
type genSource struct {
	n, i int
	base register.Record
}

func (g *genSource) Next() (register.Record, []model.RowError, error) {
	if g.i >= g.n {
		return register.Record{}, nil, io.EOF
	}
	i := g.i
	g.i++
	r := g.base
	r.Line = i + 2
	r.MemberNo = strconv.Itoa(100000 + i)
	r.First, r.Last = "Medlem", "Nummer"+strconv.Itoa(i)
	r.Email = "m" + strconv.Itoa(i) + "@example.no"
	r.Mobile = "+479" + fmt.Sprintf("%07d", i)
	w := i / 50
	club := w / 4
	r.Orgnr = fmt.Sprintf("9%08d", w)
	r.Employer = "Arbeidsplass " + strconv.Itoa(w)
	r.Club = register.UnitRef{Code: "K" + strconv.Itoa(club)}
	r.Branch = register.UnitRef{Code: "A" + strconv.Itoa(club/10)}
	r.Region = register.UnitRef{Code: "R" + strconv.Itoa(club/100)}
	if i%200 == 0 {
		r.Roles = []register.RoleTerm{{Role: model.RoleShopSteward, From: d(2024, 1, 1)}}
	} else {
		r.Roles = nil
	}
	return r, nil, nil
}

// BenchmarkRegisterLoad times the first load of VERVE_BENCH_ROWS generated
// rows (default 20,000) and the same export again, per engine.
func BenchmarkRegisterLoad(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("VERVE_BENCH_ROWS")); err == nil {
		n = v
	}
	base := member("0001", "x", nil)
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := OpenTest(b, engine)
				admin, _ := regAdmin(b, s)
				b.StartTimer()
				t0 := time.Now()
				rep, err := s.SyncRegister(context.Background(), admin, &genSource{n: n, base: base}, register.Options{})
				if err != nil || rep.Created != n {
					b.Fatalf("%v %+v", err, rep)
				}
				first := time.Since(t0)
				t0 = time.Now()
				rep, err = s.SyncRegister(context.Background(), admin, &genSource{n: n, base: base}, register.Options{})
				if err != nil || rep.Unchanged != n {
					b.Fatalf("%v %+v", err, rep)
				}
				again := time.Since(t0)
				b.ReportMetric(float64(n)/first.Seconds(), "first_rows/s")
				b.ReportMetric(float64(n)/again.Seconds(), "again_rows/s")
			}
		})
	}
}
