-- +goose Up
-- A role held on one workplace (a shop steward or verneombud for that
-- place only): unit_id stays the workplace's unit, so that the unit's
-- lists, history and closing treat it like its other roles, and
-- workplace_id limits the holder's scope to that workplace's people.
ALTER TABLE roles ADD COLUMN workplace_id BIGINT REFERENCES workplaces(id);
CREATE INDEX roles_workplace ON roles(workplace_id);

-- +goose Down
DROP INDEX roles_workplace;
ALTER TABLE roles DROP COLUMN workplace_id;
