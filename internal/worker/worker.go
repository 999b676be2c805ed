// Package worker runs Verve's scheduled jobs inside the server process:
// overdue pipeline tasks escalate to the coordinator, and prospects who
// said no or left are erased once the retention period is over;
// student members graduating soon get a transfer task; join applications
// never confirmed are deleted when their link expires.
package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/storage"
)

// worker is the principal the jobs act as: the whole union, under the name
// the audit log gives scheduled changes.
var worker = access.System("verve (planlagt jobb)")

// RunOnce runs every job once and reports what each did.
func RunOnce(ctx context.Context, s *storage.Storage, log *slog.Logger) (escalated, erased int, err error) {
	if escalated, err = s.EscalateOverdue(ctx, worker); err != nil {
		return escalated, 0, err
	}
	if erased, err = s.EraseExpired(ctx, worker); err != nil {
		return escalated, erased, err
	}
	// Student members graduating soon get a transfer task for the
	// region's recruitment coordinator.
	converts, err := s.CreateConvertTasks(ctx, worker)
	if err != nil {
		return escalated, erased, err
	}
	// Recruits who stayed and paid long enough earn their recruiter
	// credit, with a thank-you e-mail.
	credits, err := s.EarnCredits(ctx, worker)
	if err != nil {
		return escalated, erased, err
	}
	// Rejected applicants are not kept beyond the retention period.
	rejected, err := s.EraseRejected(ctx, worker)
	erased += rejected
	if err != nil {
		return escalated, erased, err
	}
	// Join applications whose confirmation link ran out unused go.
	expired, err := s.DeleteExpiredApplications(ctx, worker)
	erased += expired
	if escalated > 0 || erased > 0 || converts > 0 || credits > 0 {
		log.Info("scheduled jobs", "escalated", escalated, "erased", erased, "convert_tasks", converts, "credits", credits)
	}
	return escalated, erased, err
}

// Run runs the jobs at start and then every interval until ctx ends. A
// failed run is logged and tried again next time.
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
