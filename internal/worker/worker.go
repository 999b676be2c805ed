// Package worker runs Verve's scheduled jobs inside the server process:
// overdue pipeline tasks escalate to the coordinator; pipeline entries get
// their erase dates and people are erased once those have passed; student
// members graduating soon get a transfer task; recruiters earn credit;
// rejected applicants and join applications never confirmed are deleted;
// old sent mail is purged.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/storage"
)

// worker is the principal the jobs act as: the whole union, under the name
// the audit log gives scheduled changes.
var worker = access.System("verve (planlagt jobb)")

// job is one scheduled job: it returns how many things it did.
type job struct {
	name string
	run  func(context.Context, *access.Principal) (int, error)
}

// jobs are the jobs in the order they run. Erase dates are stamped before
// erasure, so an entry never given one is dated first, not erased at once.
func jobs(s *storage.Storage) []job {
	return []job{
		{"escalate", s.EscalateOverdue},
		{"erase_dates", s.StampEraseDates},
		{"erase_expired", s.EraseExpired},
		// Student members graduating soon get a transfer task for the
		// region's recruitment coordinator.
		{"convert_tasks", s.CreateConvertTasks},
		// Recruits who stayed and paid long enough earn their recruiter
		// credit, with a thank-you e-mail.
		{"credits", s.EarnCredits},
		// Rejected applicants are not kept beyond the retention period.
		{"erase_rejected", s.EraseRejected},
		// Join applications whose confirmation link ran out unused go.
		{"expired_applications", s.DeleteExpiredApplications},
		// Sign-in links that ran out go, and so do the sent ones' bodies.
		{"expired_signin_links", s.DeleteExpiredSigninLinks},
		{"purge_mail", s.PurgeMail},
		// The pages' figures are counted afresh once a day, mending any
		// drift from their triggers (storage/aggregates.go).
		{"aggregates", s.RebuildAggregates},
		// And the employments' marks that a scoped search walks by
		// (storage.MendElsewhere).
		{"elsewhere", s.MendElsewhere},
		// Steward counts for the day and recruitment figures: counted
		// afresh each day (storage/aggregates.go).
		{"daily_counts", s.RebuildDailyCounts},
	}
}

// RunOnce runs every job once and reports how many tasks escalated and how
// many people or applications were erased. A failing job stops none of the
// others: each job's run and failure is recorded for the admins, and the
// failures come back joined.
func RunOnce(ctx context.Context, s *storage.Storage, log *slog.Logger) (escalated, erased int, err error) {
	done, err := runJobs(ctx, s, log, jobs(s))
	erased = done["erase_expired"] + done["erase_rejected"] + done["expired_applications"]
	return done["escalate"], erased, err
}

// runJobs runs js in order and returns what each did.
func runJobs(ctx context.Context, s *storage.Storage, log *slog.Logger, js []job) (map[string]int, error) {
	done := map[string]int{}
	var errs []error
	for _, j := range js {
		if ctx.Err() != nil {
			return done, errors.Join(append(errs, ctx.Err())...)
		}
		n, err := j.run(ctx, worker)
		done[j.name] = n
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.name, err))
		}
		if err := s.RecordJobRun(ctx, j.name, err); err != nil {
			errs = append(errs, fmt.Errorf("record %s: %w", j.name, err))
		}
	}
	var attrs []any
	for _, j := range js {
		if done[j.name] > 0 {
			attrs = append(attrs, j.name, done[j.name])
		}
	}
	if len(attrs) > 0 {
		log.Info("scheduled jobs", attrs...)
	}
	return done, errors.Join(errs...)
}

// Run runs the jobs at start and then every interval until ctx ends. A
// failed job is logged and tried again next time.
func Run(ctx context.Context, s *storage.Storage, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := RunOnce(ctx, s, log); err != nil && ctx.Err() == nil {
			log.Error("scheduled jobs failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
