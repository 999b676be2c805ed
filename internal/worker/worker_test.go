package worker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

var (
	today = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// demoStore opens a demo union of the given size on engine, with its clock
// at ten in the morning of today.
func demoStore(t *testing.T, engine string, members int, seed uint64) *storage.Storage {
	t.Helper()
	s, err := storage.Open(context.Background(), storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := demo.Generate(context.Background(), s, demo.Options{Members: members, Seed: seed, Today: today}); err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return today.Add(10 * time.Hour) })
	return s
}

// TestJobsEscalateDemoTasks: the demo union has welcome tasks from three
// weeks back; a week after, the overdue ones escalate, once.
func TestJobsEscalateDemoTasks(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx, log := context.Background(), quiet
			s := demoStore(t, engine, 1000, 3)
			n, _, err := RunOnce(ctx, s, log)
			if err != nil || n == 0 {
				t.Fatalf("escalated %d, %v", n, err)
			}
			var want int
			s.DB().QueryRow(`SELECT count(*) FROM tasks WHERE status = 'open' AND kind IN ('welcome', 'ask', 'follow_up') AND due < $1`,
				today.AddDate(0, 0, -model.DefaultSettings.EscalateAfterDays)).Scan(&want)
			if n != want {
				t.Fatalf("escalated %d, want %d", n, want)
			}
			if again, _, err := RunOnce(ctx, s, log); err != nil || again != 0 {
				t.Fatalf("second run escalated %d, %v", again, err)
			}
		})
	}
}

// TestFailingJobStopsNoOther: with the first job failing, every other job
// still runs; the failure comes back and is recorded for the admins.
func TestFailingJobStopsNoOther(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := demoStore(t, engine, 1000, 3)
			broken := job{"broken", func(context.Context, *access.Principal) (int, error) { return 0, errors.New("låst") }}
			js := append([]job{broken}, jobs(s)...)
			done, err := runJobs(ctx, s, quiet, js)
			if err == nil || !strings.Contains(err.Error(), "broken: låst") {
				t.Fatalf("error %v, want the broken job's", err)
			}
			if done["escalate"] == 0 || done["erase_dates"] == 0 {
				t.Errorf("the other jobs did nothing: %v", done)
			}
			runs, err := s.JobRuns(ctx, access.System("test"))
			if err != nil || len(runs) != len(js) {
				t.Fatalf("%d job runs recorded, want %d (%v)", len(runs), len(js), err)
			}
			if runs[0].Job != "broken" || runs[0].LastError != "låst" || runs[1].LastError != "" {
				t.Errorf("job runs = %+v", runs)
			}
		})
	}
}

// Every job has a name in the languages of the interface: the settings
// page lists their last runs by it.
func TestJobsHaveNames(t *testing.T) {
	for _, j := range jobs(nil) {
		for _, lang := range []string{"nb", "en"} {
			if !locale.Has(lang, "job."+j.name) {
				t.Errorf("job %s has no name in %s", j.name, lang)
			}
		}
	}
}
