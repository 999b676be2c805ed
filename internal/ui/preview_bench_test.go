package ui

// BenchmarkPagesDuringPreview: issue 10, "reads never wait".
//
//	go test ./internal/ui/ -run XX -bench PagesDuringPreview -benchtime 1x
//	VERVE_BENCH_PREVIEW_ROWS=30000 go test ./internal/ui/ -run XX -bench PagesDuringPreview -benchtime 1x

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/storage"
)

// previewReaders is how many signed-in users load pages during the preview.
const previewReaders = 20

// BenchmarkPagesDuringPreview has the union admin preview, and then
// commit, an employer list of VERVE_BENCH_PREVIEW_ROWS rows (default
// 300,000) on a SQLite demo union (VERVE_BENCH_MEMBERS, default 20,000),
// while 20 signed-in shop stewards load /day, / and a person page over and
// over, pausing 0–100 ms between pages. It reports the pages' latency
// during the preview at p50, p95 and max (the target: p95 under
// 300 ms, none over 1 s), the same during the commit, and how long the
// commit's merge held the writer (merge-s), which other writers wait for.
func BenchmarkPagesDuringPreview(b *testing.B) {
	rows := 300_000
	if v := os.Getenv("VERVE_BENCH_PREVIEW_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("VERVE_BENCH_PREVIEW_ROWS=%q", v)
		}
		rows = n
	}
	list, err := importer.SampleFile("csv", rows)
	if err != nil {
		b.Fatal(err)
	}
	// The stewards' users are made once, in the kept database; each run
	// works on a copy, as the commit changes it.
	s := openBenchDB(b, benchDBPath())
	users := benchStewardUsers(b, s, previewReaders)
	s.Close()
	var preview, commit []time.Duration
	var previewTook, commitTook, merge time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s, readers, u, done := startBenchRun(b, users)
		var w model.Workplace
		if err := s.DB().QueryRow(`SELECT id, orgnr FROM workplaces ORDER BY id LIMIT 1`).Scan(&w.ID, &w.Orgnr); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, commitIt := range []bool{false, true} {
			stop := make(chan struct{})
			got := readers.load(b, stop)
			t0 := time.Now()
			res := importList(b, s, u, &w, list, rows, commitIt)
			took := time.Since(t0)
			close(stop)
			if commitIt {
				commit, commitTook, merge = append(commit, got()...), commitTook+took, merge+res.Merge
			} else {
				preview, previewTook = append(preview, got()...), previewTook+took
			}
		}
		b.StopTimer()
		done()
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(preview)
	slices.Sort(commit)
	n := float64(b.N)
	b.ReportMetric(previewTook.Seconds()/n, "preview-s")
	b.ReportMetric(float64(len(preview))/n, "pages")
	b.ReportMetric(quantileMS(preview, 0.5), "p50-ms")
	b.ReportMetric(quantileMS(preview, 0.95), "p95-ms")
	b.ReportMetric(quantileMS(preview, 1), "max-ms")
	b.ReportMetric(commitTook.Seconds()/n, "commit-s")
	b.ReportMetric(merge.Seconds()/n, "merge-s")
	b.ReportMetric(quantileMS(commit, 0.95), "commit-p95-ms")
	b.ReportMetric(quantileMS(commit, 1), "commit-max-ms")
}

// copyBenchDB copies the kept demo database (closed, so whole in its main
// file) and its key file into a fresh temp dir and returns the copy's path.
func copyBenchDB(b *testing.B) string {
	b.Helper()
	src, dst := benchDBPath(), filepath.Join(b.TempDir(), "verve.db")
	for _, suffix := range []string{"", ".key"} {
		in, err := os.Open(src + suffix)
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(dst + suffix)
		if err == nil {
			_, err = io.Copy(out, in)
			err = errors.Join(err, out.Close())
		}
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	return dst
}

// importList previews or commits the list as the admin, through
// newhires.Run as the page and the command line do.
func importList(b *testing.B, s *storage.Storage, u *access.Principal, w *model.Workplace, path string, rows int, commit bool) *storage.ImportResult {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	req := newhires.Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Filename: filepath.Base(path), Commit: commit}}
	rep, err := newhires.Run(context.Background(), s, u, w, bytes.NewReader(data), int64(len(data)), req)
	if err != nil {
		b.Fatal(err)
	}
	if rep.MappingError.Key != "" || rep.Result == nil || rep.Result.Rows != rows || rep.Result.Committed != commit {
		b.Fatalf("import: mapping %q, %d errors, result %+v", rep.MappingError.In("nb"), rep.ErrorRows, rep.Result)
	}
	return rep.Result
}

// pageReaders are signed-in users and the pages each loads.
type pageReaders struct {
	base    string
	clients []*http.Client
	pages   [][]string
}

// startBenchRun serves a copy of the bench database with users signed in
// as its page readers, and returns the admin who imports or loads; done
// stops the server and closes the copy.
func startBenchRun(b *testing.B, users []string) (s *storage.Storage, readers *pageReaders, admin *access.Principal, done func()) {
	b.Helper()
	ctx := context.Background()
	s = openBenchDB(b, copyBenchDB(b))
	srv := httptest.NewServer(testHandler(b, s))
	readers = signInReaders(b, s, srv.URL, users)
	user, err := s.UserByUsername(ctx, "admin")
	if err != nil {
		b.Fatal(err)
	}
	if admin, err = s.Principal(ctx, user.ID); err != nil {
		b.Fatal(err)
	}
	return s, readers, admin, func() { srv.Close(); s.Close() }
}

// signInReaders signs the users in and picks each one's pages: Min dag,
// the home page and the person of their first open task.
func signInReaders(b *testing.B, s *storage.Storage, base string, users []string) *pageReaders {
	b.Helper()
	ctx := context.Background()
	r := &pageReaders{base: base}
	for _, name := range users {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(base+"/login", url.Values{"username": {name}, "password": {benchPassword}})
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("login %s: %d", name, resp.StatusCode)
		}
		u, err := s.UserByUsername(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		var person int64
		if err := s.DB().QueryRow(`SELECT COALESCE(MIN(person_id), $1) FROM tasks WHERE owner_person_id = $1 AND status = 'open'`, u.PersonID).Scan(&person); err != nil {
			b.Fatal(err)
		}
		r.clients = append(r.clients, c)
		r.pages = append(r.pages, []string{"/day", "/", fmt.Sprintf("/persons/%d", person)})
	}
	return r
}

// load has every reader fetch its pages in turn, pausing 0–100 ms between
// pages, until stop closes; the function it returns waits for them and
// gives each page's round trip.
func (r *pageReaders) load(b *testing.B, stop chan struct{}) func() []time.Duration {
	var mu sync.Mutex
	var times []time.Duration
	var failed error
	var wg sync.WaitGroup
	for i, c := range r.clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 10))
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(rng.IntN(100)) * time.Millisecond):
				}
				page := r.pages[i][k%len(r.pages[i])]
				t0 := time.Now()
				resp, err := c.Get(r.base + page)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s: status %d", page, resp.StatusCode)
					}
				}
				d := time.Since(t0)
				mu.Lock()
				times = append(times, d)
				if err != nil && failed == nil {
					failed = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	return func() []time.Duration {
		wg.Wait()
		if failed != nil {
			b.Fatal(failed)
		}
		return times
	}
}
