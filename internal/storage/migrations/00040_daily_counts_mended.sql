-- +goose Up
-- steward_counts_day.mended is the day the daily job last mended the
-- recruitment periods' figures (mendPeriods), which it does after the
-- day's count has committed: a job whose mend failed runs again within
-- the hour, not the next day.
ALTER TABLE steward_counts_day ADD COLUMN mended DATE;

-- +goose Down
ALTER TABLE steward_counts_day DROP COLUMN mended;
