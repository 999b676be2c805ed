package ui

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// BenchmarkJoinSubmit measures the join form's submit path in requests per
// second through a real HTTP server and client (keep-alive, one client at
// a time), against a bare net/http handler that parses the same form and
// writes the thank-you page's HTML, on SQLite and PostgreSQL in one run.
// The limiter is replaced by a no-op; every request is a new applicant
// (an unconfirmed application, audit, the e-mail with the confirmation
// link queued; the person is made only when the link is used).
// Each engine reports req/s and its share of the bare handler's rate.
//
// The "-8" variants post from eight clients at once: throughput when many
// join at the same time (a campaign link shared widely).
func BenchmarkJoinSubmit(b *testing.B) {
	for _, clients := range []int{1, 8} {
		suffix := ""
		if clients > 1 {
			suffix = fmt.Sprintf("-%d", clients)
		}
		benchJoinSubmit(b, clients, suffix)
	}
}

func benchJoinSubmit(b *testing.B, clients int, suffix string) {
	ctx := context.Background()
	var bare float64
	b.Run("bare"+suffix, func(b *testing.B) {
		page := thanksHTML(b)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
		}))
		defer srv.Close()
		bare = postLoop(b, srv.URL, "", 200, clients)
		b.ReportMetric(bare, "req/s")
	})
	for _, engine := range storagetest.Engines {
		b.Run(engine+suffix, func(b *testing.B) {
			s, err := storage.Open(ctx, storagetest.DSN(b, engine))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if _, err := demo.Generate(ctx, s, demo.Options{Members: 1500, Seed: 7, Today: time.Now()}); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(configHandler(b, s, Config{LoginLimiter: auth.Unlimited{}, JoinLimiter: auth.Unlimited{}, JoinMinDelay: -1}))
			defer srv.Close()
			rate := postLoop(b, srv.URL, engine, http.StatusSeeOther, clients)
			b.ReportMetric(rate, "req/s")
			if bare > 0 {
				b.ReportMetric(100*rate/bare, "%-of-bare")
			}
		})
	}
}

// thanksHTML is the thank-you page as Verve renders it.
func thanksHTML(b *testing.B) string {
	h := &Handler{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := h.parseTemplates(); err != nil {
		b.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.renderLang(w, 200, "join_done", "nb", page{Data: "nb"})
	return w.Body.String()
}

var benchSeq atomic.Int64

// postLoop posts b.N distinct applications to base from the given number
// of clients and returns requests per second.
func postLoop(b *testing.B, base, engine string, want, clients int) float64 {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Each stamp is good for one post: fetch them all before the clock runs.
	stamps := make([]string, b.N)
	for i := range stamps {
		if engine == "" {
			break
		}
		resp, err := c.Get(base + "/bli-medlem")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := stampRE.FindSubmatch(body)
		if m == nil {
			b.Fatal("no stamp")
		}
		stamps[i] = html.UnescapeString(string(m[1]))
	}
	b.ResetTimer()
	t0 := time.Now()
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	var failed atomic.Value
	for range clients {
		wg.Go(func() {
			for i := left.Add(-1); i >= 0; i = left.Add(-1) {
				if err := postOne(c, base, stamps[i], want); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(t0)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return float64(b.N) / el.Seconds()
}

// postOne posts one new applicant.
func postOne(c *http.Client, base, stamp string, want int) error {
	n := benchSeq.Add(1)
	f := url.Values{"stamp": {stamp}, "first_name": {"Bente"}, "last_name": {fmt.Sprintf("Benk%d", n)},
		"email": {fmt.Sprintf("benk%d@example.no", n)}, "mobile": {fmt.Sprintf("9%07d", n%10000000)}, "postal_code": {"7010"},
		"type": {"ordinary"}, "consent": {"1"}, "lang": {"nb"}}
	resp, err := c.Post(base+"/bli-medlem", "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("status %d, want %d", resp.StatusCode, want)
	}
	return nil
}
