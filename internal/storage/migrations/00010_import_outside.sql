-- +goose Up
-- A row of an employer's list that matches a person outside the importer's
-- scope is imported as a stranger; the person it matched is noted here
-- until the commit records the pair for someone who sees both to decide.
ALTER TABLE import_stage ADD COLUMN outside_id BIGINT;
ALTER TABLE import_stage ADD COLUMN outside_match TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE import_stage DROP COLUMN outside_match;
ALTER TABLE import_stage DROP COLUMN outside_id;
