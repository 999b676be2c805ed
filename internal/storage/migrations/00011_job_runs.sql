-- +goose Up
-- The last run of each scheduled job and its last failure, for the union
-- admins' settings page: a job that keeps failing must not go unnoticed.
-- The worker writes a row per job each hour; nothing personal is kept.
CREATE TABLE job_runs (
    job TEXT PRIMARY KEY,
    last_run_at {{ts}} NOT NULL,
    last_error_at {{ts}},
    last_error TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE job_runs;
