package storage

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
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
	// Files, not buffers: a million rows are 250 MB of CSV, which must not
	// count towards the load's memory.
	dir := b.TempDir()
	first, month := filepath.Join(dir, "register.csv"), filepath.Join(dir, "month.csv")
	for path, gen := range map[string]func(io.Writer, register.GenOptions) error{first: register.Generate, month: register.GenerateChanges} {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		if err := gen(w, opt); err != nil {
			b.Fatal(err)
		}
		if err := errors.Join(w.Flush(), f.Close()); err != nil {
			b.Fatal(err)
		}
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
				load := func(path, metric string) {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					defer f.Close()
					fi, err := f.Stat()
					if err != nil {
						b.Fatal(err)
					}
					src, err := register.Open(f, fi.Size(), register.ReadOptions{})
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
				load(first, "first_rows/s")
				now = now.AddDate(0, 1, 0)
				load(month, "month_rows/s")
				load(month, "again_rows/s")
			}
		})
	}
}
