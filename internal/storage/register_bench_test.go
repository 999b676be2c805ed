package storage

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// BenchmarkRegisterLoad times, per engine, the first load of a generated
// union of VERVE_BENCH_ROWS members (default 20,000) read from CSV, its
// month of changes (2.5% changed, 0.5% new) and that month's export again.
func BenchmarkRegisterLoad(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("VERVE_BENCH_ROWS")); err == nil {
		n = v
	}
	opt := register.GenOptions{Members: n, Seed: 1}
	var first, month bytes.Buffer
	if err := register.Generate(&first, opt); err != nil {
		b.Fatal(err)
	}
	if err := register.GenerateChanges(&month, opt); err != nil {
		b.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := OpenTest(b, engine)
				now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
				s.SetClock(func() time.Time { return now })
				admin, _ := regAdmin(b, s)
				b.StartTimer()
				load := func(buf *bytes.Buffer, metric string) {
					src, err := register.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), register.ReadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					defer src.Close()
					t0 := time.Now()
					rep, err := s.SyncRegister(context.Background(), admin, src, register.Options{})
					if err != nil || !rep.Committed {
						b.Fatalf("%v %+v", err, rep)
					}
					b.ReportMetric(float64(rep.Rows)/time.Since(t0).Seconds(), metric)
				}
				load(&first, "first_rows/s")
				now = now.AddDate(0, 1, 0)
				load(&month, "month_rows/s")
				load(&month, "again_rows/s")
			}
		})
	}
}
