-- +goose Up
-- Scopes beyond one subtree: a role acts on its unit's subtree and on what
-- is listed here for it, each row one of: a further org unit's subtree (a
-- coordinator for every NAV office across regions), a workplace, or a
-- company group, the workplaces of one hovedenhet (an advisor's portfolio).
-- The rows end with the role's term.
CREATE TABLE role_scopes (
    id {{id}},
    role_id BIGINT NOT NULL REFERENCES roles(id),
    unit_id BIGINT REFERENCES org_units(id),
    workplace_id BIGINT REFERENCES workplaces(id),
    parent_orgnr TEXT NOT NULL DEFAULT '',
    CHECK ((CASE WHEN unit_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN workplace_id IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN parent_orgnr = '' THEN 0 ELSE 1 END) = 1)
);
CREATE INDEX role_scopes_role ON role_scopes(role_id);
CREATE INDEX role_scopes_unit ON role_scopes(unit_id);
CREATE INDEX role_scopes_workplace ON role_scopes(workplace_id);
-- A portfolio reaches tasks by their workplace.
CREATE INDEX tasks_workplace ON tasks(workplace_id, status, due);

-- +goose Down
DROP INDEX tasks_workplace;
DROP TABLE role_scopes;
