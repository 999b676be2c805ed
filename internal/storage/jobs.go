package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// JobRun is a scheduled job's last run and its last failure, if any.
type JobRun struct {
	Job         string
	LastRun     time.Time
	LastErrorAt time.Time // zero: it never failed
	LastError   string
}

// RecordJobRun notes that the worker ran job now, and its failure when
// runErr is not nil. A success keeps the last failure, so that an admin
// sees one that came and went. Bookkeeping of the worker, not a change to
// the union's data: not audited.
func (s *Storage) RecordJobRun(ctx context.Context, job string, runErr error) error {
	now := s.now().UTC()
	if runErr == nil {
		_, err := s.w.ExecContext(ctx, `INSERT INTO job_runs (job, last_run_at) VALUES ($1, $2)
			ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at`, job, now)
		return err
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO job_runs (job, last_run_at, last_error_at, last_error) VALUES ($1, $2, $2, $3)
		ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at, last_error_at = excluded.last_error_at, last_error = excluded.last_error`,
		job, now, errorText(runErr))
	return err
}

// JobRuns lists the scheduled jobs' last runs, those that failed last
// first; for union admins.
func (s *Storage) JobRuns(ctx context.Context, u *access.Principal) ([]JobRun, error) {
	if !u.UnionWide(access.UserAdmin) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.jobs.forbidden")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT job, last_run_at, last_error_at, last_error FROM job_runs
		ORDER BY last_error_at IS NULL, last_error_at DESC, job`)
	if err != nil {
		return nil, err
	}
	var out []JobRun
	err = eachRow(rows, func() error {
		var j JobRun
		var failed sql.NullTime
		if err := rows.Scan(&j.Job, &j.LastRun, &failed, &j.LastError); err != nil {
			return err
		}
		j.LastRun, j.LastErrorAt = j.LastRun.UTC(), timeOf(failed)
		out = append(out, j)
		return nil
	})
	return out, err
}
