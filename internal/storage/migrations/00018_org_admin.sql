-- +goose Up
-- Administration of the organisation inside Verve (storage/orgadmin.go).
-- A closed org unit keeps its row, its path and its history; everything
-- that hung below it was moved or ended when it closed.
ALTER TABLE org_units ADD COLUMN closed_on DATE;
-- Why an account was disabled, shown to the admins who list accounts; the
-- audit log keeps every change of it.
ALTER TABLE users ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN disabled_reason;
ALTER TABLE org_units DROP COLUMN closed_on;
