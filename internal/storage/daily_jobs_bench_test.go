package storage

import (
	"context"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/procstat"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// BenchmarkDailyJobsWriterHold runs the daily jobs that count the
// aggregates afresh (rebuildAggregates, rebuildDailyCounts, whether or not
// they ran today), and the hourly credit job, on the seeded database
// VERVE_BENCH_DB names, while a probe queues for the writer every 2 ms as
// a page's write would. It reports the probe's longest wait (about the
// job's longest hold of the writer), the job's wall time and the
// process's peak RSS over the job, under the server's limit on the Go
// heap. Bench a copy: the jobs write, and only a copy's first credit run
// records the credits and mails it finds (later runs find none), so
// -benchtime above 1x averages the two.
//
//	VERVE_BENCH_DB=/tmp/copy.db go test ./internal/storage -run XX -bench DailyJobsWriterHold -benchtime 3x
func BenchmarkDailyJobsWriterHold(b *testing.B) {
	ctx := context.Background()
	s, err := OpenWith(ctx, storagetest.BenchDSN(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// The Go heap as verve serve keeps it (server.Run).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(80 << 20))
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	for _, job := range []struct {
		name string
		run  func(context.Context) (int, error)
	}{
		{"aggregates", s.rebuildAggregates},
		{"daily_counts", s.rebuildDailyCounts},
		{"credits", func(ctx context.Context) (int, error) { return s.EarnCredits(ctx, access.System("bench")) }},
	} {
		b.Run(job.name, func(b *testing.B) {
			var longest atomic.Int64
			stop := make(chan struct{})
			probed := make(chan struct{})
			go func() {
				defer close(probed)
				for {
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
					}
					t0 := time.Now()
					if _, err := s.w.ExecContext(ctx, `SELECT 1`); err != nil {
						b.Error(err)
						return
					}
					if d := int64(time.Since(t0)); d > longest.Load() {
						longest.Store(d)
					}
				}
			}()
			if err := procstat.ResetPeakRSS("self"); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			for range b.N {
				if _, err := job.run(ctx); err != nil {
					b.Fatal(err)
				}
			}
			wall := time.Since(t0)
			close(stop)
			<-probed
			b.ReportMetric(float64(longest.Load())/float64(time.Millisecond), "max-writer-wait-ms")
			b.ReportMetric(float64(wall)/float64(time.Millisecond)/float64(b.N), "wall-ms/op")
			if mb, err := procstat.PeakRSSMB("self"); err == nil {
				b.ReportMetric(mb, "peak-rss-MB")
			}
		})
	}
}
