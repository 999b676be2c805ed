package storage

// BenchmarkImportEnheter loads a full-size file of Enhetsregisteret's
// sub-units in the published JSON format and, in the same loop, only reads
// and decodes the same file, reporting both rates, their ratio and the
// import's peak heap and RSS. The machine is shared and noisy, so the ratio
// measured in one run is the figure that matters.
//
//	go test ./internal/storage -run XX -bench ImportEnheter -benchtime 1x
//	VERVE_BENCH_ENHETER_UNITS=1100000 go test ./internal/storage -run XX -bench ImportEnheter -benchtime 1x -timeout 1h

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/benchmem"
	"github.com/verve-union/verve/internal/enheter"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// benchEnheterUnits is the size of the file: VERVE_BENCH_ENHETER_UNITS, or 50,000.
func benchEnheterUnits(b *testing.B) int {
	if s := os.Getenv("VERVE_BENCH_ENHETER_UNITS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("VERVE_BENCH_ENHETER_UNITS=%q", s)
		}
		return n
	}
	return 50_000
}

// benchEnheterFile writes the file once per size into the temp dir and
// returns its path and every hundredth unit's orgnr: the union's
// workplaces, about as many as a large union has.
func benchEnheterFile(b *testing.B, units int) (string, []string) {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("verve-underenheter-%d.json", units))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			b.Fatal(err)
		}
		if err := enheter.Generate(f, units, 1); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	var orgnrs []string
	n := readEnheter(b, path, func(u enheter.Unit, i int) {
		if i%100 == 0 {
			orgnrs = append(orgnrs, u.Orgnr)
		}
	})
	if n != units {
		b.Fatalf("%s holds %d units, want %d", path, n, units)
	}
	return path, orgnrs
}

// readEnheter reads and decodes the file, handing each unit to fn.
func readEnheter(b *testing.B, path string, fn func(u enheter.Unit, i int)) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := enheter.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for u, err := range r.All() {
		if err != nil {
			b.Fatal(err)
		}
		fn(u, n)
		n++
	}
	return n
}

// benchEnheterDB is a database with a union and one workplace per orgnr.
func benchEnheterDB(b *testing.B, engine string, orgnrs []string) *Storage {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, storagetest.DSN(b, engine))
	if err != nil {
		b.Fatal(err)
	}
	bulk, err := s.Bulk(ctx)
	if err != nil {
		b.Fatal(err)
	}
	bulk.Define("org_units", "id", "kind", "name", "sort_key", "path")
	bulk.Define("workplaces", "id", "unit_id", "name", "sort_key", "orgnr", "employees")
	if err := bulk.Add("org_units", 1, "union", "Forbundet", "forbundet", "/1/"); err != nil {
		b.Fatal(err)
	}
	for i, o := range orgnrs {
		if err := bulk.Add("workplaces", i+1, 1, "Arbeidsplass "+o, "arbeidsplass "+o, o, 10); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := bulk.Commit(access.System("bench"), "enheter"); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchReadOnly reads and decodes the file alone, raising *heapMB to its
// peak heap, and returns how long it took.
func benchReadOnly(b *testing.B, path string, heapMB *float64) time.Duration {
	runtime.GC()
	m := benchmem.Start()
	t0 := time.Now()
	readEnheter(b, path, func(enheter.Unit, int) {})
	d := time.Since(t0)
	h, _ := m.Stop()
	*heapMB = max(*heapMB, h)
	return d
}

func BenchmarkImportEnheter(b *testing.B) {
	units := benchEnheterUnits(b)
	path, orgnrs := benchEnheterFile(b, units)
	add := enheter.Selection{Municipalities: []string{"0301", "4601"}, NACEPrefixes: []string{"86", "87"}}
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			var ours, read time.Duration
			var heapMB, rssMB, readHeapMB float64
			var res *EnheterResult
			b.StopTimer()
			var merge time.Duration
			for i := 0; i < b.N; i++ {
				// Alternate which goes first, so neither always gets the
				// warmer page cache.
				if i%2 == 1 {
					read += benchReadOnly(b, path, &readHeapMB)
				}
				s := benchEnheterDB(b, engine, orgnrs)
				runtime.GC()
				m := benchmem.Start()
				t0 := time.Now()
				b.StartTimer()
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				r, err := enheter.NewReader(f)
				if err != nil {
					b.Fatal(err)
				}
				res, err = s.ImportEnheter(context.Background(), access.System("bench"), EnheterRequest{Filename: "bench", Add: add.Wants}, r.All())
				b.StopTimer()
				ours += time.Since(t0)
				f.Close()
				h, rss := m.Stop()
				heapMB, rssMB = max(heapMB, h), max(rssMB, rss)
				if err != nil {
					b.Fatal(err)
				}
				merge += res.Merge
				s.Close()
				if i%2 == 0 {
					read += benchReadOnly(b, path, &readHeapMB)
				}
			}
			if res.Units != units || res.Updated != len(orgnrs) {
				b.Fatalf("result %+v for %d units, %d workplaces", *res, units, len(orgnrs))
			}
			b.ReportMetric(float64(units*b.N)/ours.Seconds(), "import-units/s")
			b.ReportMetric(float64(units*b.N)/read.Seconds(), "read-units/s")
			b.ReportMetric(ours.Seconds()/read.Seconds(), "import/read")
			b.ReportMetric(heapMB, "peak-heap-MB")
			b.ReportMetric(readHeapMB, "read-peak-heap-MB")
			if rssMB > 0 {
				b.ReportMetric(rssMB, "peak-RSS-MB")
			}
			b.ReportMetric(merge.Seconds()/float64(b.N), "merge-s")
			b.ReportMetric(float64(res.Added), "added")
			b.ReportMetric(float64(res.Updated), "updated")
		})
	}
}
