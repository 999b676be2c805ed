package ui

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/benchmem"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
	"github.com/verve-union/verve/internal/worker"
)

// scaleRoles are the demo logins the scale benchmark signs in as: the
// union admin, the recruitment coordinator and a shop steward.
var scaleRoles = []string{"admin", "vervekoordinator", "tillitsvalgt"}

// menuLink finds the menu's links (the first nav in layout.html).
var menuLink = regexp.MustCompile(`<a href="(/[^"?#]*)">`)

// BenchmarkScale times every page the admin, the coordinator and a shop
// steward reach from home (home and the menu's pages) on the seeded union
// VERVE_BENCH_DB names: a SQLite file (path or sqlite:path) or a
// PostgreSQL address with key_file=PATH. It reports p50 and p95 per page
// in ms, of the wall clock, of the process's CPU time (which a busy
// machine inflates far less) and, on PostgreSQL, of the server's backends'
// CPU time, with the peak Go heap and process RSS per page and over the
// run. Run it with
// -benchtime=20x for 20 requests a page (docs/scale.md).
func BenchmarkScale(b *testing.B) {
	s, app := openScaleDB(b)
	ctx := context.Background()
	// The scheduled jobs run first, as at verve serve's start: a fresh
	// seed has earned no credits until then.
	t0 := time.Now()
	if _, _, err := worker.RunOnce(ctx, s, discard()); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("scheduled jobs: %.1f s\n", time.Since(t0).Seconds())
	h := testHandler(b, s)
	// The server's CPU time, on PostgreSQL: its backends serving s.
	serverCPU := func() time.Duration {
		if app == "" {
			return 0
		}
		d, err := benchmem.ServerCPU(s.DB(), app)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	type row struct {
		name                   string
		p50, p95, cpu50, cpu95 float64
		srv50, srv95           float64
		heap, rss              float64
	}
	var table []row
	for _, user := range scaleRoles {
		cookie := benchLogin(b, h, s, user)
		get := func(page string) (body string, wall, cpu, srv time.Duration) {
			r := httptest.NewRequest("GET", page, nil)
			r.Header.Set("Cookie", cookie)
			w := httptest.NewRecorder()
			s0 := serverCPU()
			c0, t0 := benchmem.CPUTime(), time.Now()
			h.ServeHTTP(w, r)
			wall, cpu = time.Since(t0), benchmem.CPUTime()-c0
			srv = serverCPU() - s0
			if w.Code != 200 {
				b.Fatalf("%s %s: %d", user, page, w.Code)
			}
			return w.Body.String(), wall, cpu, srv
		}
		home, _, _, _ := get("/")
		pages := []string{"/"}
		nav, _, _ := strings.Cut(home, "</nav>")
		for _, m := range menuLink.FindAllStringSubmatch(nav, -1) {
			if !slices.Contains(pages, m[1]) {
				pages = append(pages, m[1])
			}
		}
		pages = append(pages, scaleSearches...)
		for _, page := range pages {
			name := user + strings.ReplaceAll(page, "/", "_")
			b.Run(name, func(b *testing.B) {
				times := make([]time.Duration, 0, b.N)
				cpus := make([]time.Duration, 0, b.N)
				srvs := make([]time.Duration, 0, b.N)
				mem := benchmem.Start()
				for range b.N {
					_, d, c, sc := get(page)
					times, cpus, srvs = append(times, d), append(cpus, c), append(srvs, sc)
				}
				heap, rss := mem.Stop()
				slices.Sort(times)
				slices.Sort(cpus)
				slices.Sort(srvs)
				r := row{name: name, p50: quantileMS(times, 0.50), p95: quantileMS(times, 0.95),
					cpu50: quantileMS(cpus, 0.50), cpu95: quantileMS(cpus, 0.95),
					srv50: quantileMS(srvs, 0.50), srv95: quantileMS(srvs, 0.95), heap: heap, rss: rss}
				b.ReportMetric(r.p50, "p50-ms")
				b.ReportMetric(r.p95, "p95-ms")
				b.ReportMetric(r.cpu50, "cpu-p50-ms")
				b.ReportMetric(r.cpu95, "cpu-p95-ms")
				if app != "" {
					b.ReportMetric(r.srv50, "server-cpu-p50-ms")
					b.ReportMetric(r.srv95, "server-cpu-p95-ms")
				}
				b.ReportMetric(r.rss, "peak-rss-MB")
				b.ReportMetric(0, "ns/op")
				table = append(table, r)
			})
		}
	}
	// The table for docs/scale.md; each sub-benchmark's last run counts.
	// The run's peak is the greatest page's: each page's measure starts
	// from the memory the last one returned (benchmem.Start).
	var heap, rss float64
	fmt.Printf("\n| page | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | server CPU p50 ms | server CPU p95 ms | peak RSS MB |\n|---|---|---|---|---|---|---|---|\n")
	for i, r := range table {
		heap, rss = max(heap, r.heap), max(rss, r.rss)
		if last := slices.IndexFunc(table[i+1:], func(o row) bool { return o.name == r.name }) < 0; last {
			fmt.Printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f |\n", r.name, r.p50, r.p95, r.cpu50, r.cpu95, r.srv50, r.srv95, r.rss)
		}
	}
	fmt.Printf("peak heap %.0f MB, peak RSS %.0f MB\n", heap, rss)
}

// scaleSearches are searches timed besides the menu's pages (whose
// /search has no query): a common last name (5,000 at 100k), a first name
// with a last name's beginning, the beginning of a mobile number and a
// word nobody has.
var scaleSearches = []string{"/search?q=hansen", "/search?q=kari+ha", "/search?q=91399", "/search?q=xyzzy"}

// openScaleDB opens the seeded database VERVE_BENCH_DB names (a SQLite
// path, sqlite:path, or a PostgreSQL address with key_file=PATH), closed
// when b ends; it skips b without one. On PostgreSQL it names the
// connections (app) so that their backends' CPU time can be read.
func openScaleDB(b *testing.B) (s *storage.Storage, app string) {
	b.Helper()
	dsn := storagetest.BenchDSN(b)
	if strings.HasPrefix(dsn, "postgres") {
		app = fmt.Sprintf("scalebench%d", os.Getpid())
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "application_name=" + app
	}
	ctx := context.Background()
	s, err := storage.OpenWith(ctx, dsn, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if empty, _ := s.Empty(ctx); empty {
		b.Fatal("VERVE_BENCH_DB is empty: seed it with verve seed")
	}
	return s, app
}
