-- +goose Up
-- Placeholders in double braces are replaced per engine by storage/dialect.go:
-- {{id}} an auto-numbered primary key, {{text_c}} text compared byte-wise
-- (for sort keys and org paths), {{ts}} a UTC timestamp, {{bytes}} binary.

CREATE TABLE org_units (
    id {{id}},
    parent_id BIGINT REFERENCES org_units(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_key {{text_c}} NOT NULL,
    path {{text_c}} NOT NULL UNIQUE,
    county TEXT NOT NULL DEFAULT ''
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE workplaces (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    sort_key {{text_c}} NOT NULL,
    orgnr TEXT NOT NULL UNIQUE,
    municipality TEXT NOT NULL DEFAULT '',
    municipality_no TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    employees INTEGER NOT NULL DEFAULT 0,
    sector TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workplaces_unit ON workplaces(unit_id);

CREATE TABLE persons (
    id {{id}},
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    sort_key {{text_c}} NOT NULL,
    search_key {{text_c}} NOT NULL,
    birth_date DATE,
    fnr TEXT UNIQUE,
    email TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    postal_place TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT REFERENCES workplaces(id),
    member_status TEXT NOT NULL DEFAULT '',
    other_union TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX persons_scope ON persons(unit_path, member_status);
CREATE INDEX persons_workplace ON persons(workplace_id, member_status);
CREATE INDEX persons_sort ON persons(sort_key);
CREATE INDEX persons_email ON persons(email);
CREATE INDEX persons_mobile ON persons(mobile);

CREATE TABLE memberships (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    source TEXT NOT NULL DEFAULT '',
    recruited_by BIGINT REFERENCES persons(id),
    institution TEXT NOT NULL DEFAULT '',
    programme TEXT NOT NULL DEFAULT '',
    expected_graduation DATE
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_recruiter ON memberships(recruited_by);

CREATE TABLE employments (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    workplace_id BIGINT NOT NULL REFERENCES workplaces(id),
    start_date DATE NOT NULL,
    end_date DATE,
    position TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT ''
);
CREATE INDEX employments_person ON employments(person_id);
CREATE INDEX employments_workplace ON employments(workplace_id);

CREATE TABLE roles (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    start_date DATE NOT NULL,
    end_date DATE
);
CREATE INDEX roles_person ON roles(person_id);
CREATE INDEX roles_unit ON roles(unit_id, role);

CREATE TABLE contacts (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    by_person_id BIGINT REFERENCES persons(id),
    kind TEXT NOT NULL,
    at {{ts}} NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_person ON contacts(person_id, at);
CREATE INDEX contacts_by ON contacts(by_person_id);

CREATE TABLE tasks (
    id {{id}},
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    person_id BIGINT REFERENCES persons(id),
    workplace_id BIGINT REFERENCES workplaces(id),
    unit_path {{text_c}} NOT NULL,
    owner_person_id BIGINT REFERENCES persons(id),
    due DATE NOT NULL,
    status TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    done_at {{ts}}
);
CREATE INDEX tasks_scope ON tasks(unit_path, status, due);
CREATE INDEX tasks_owner ON tasks(owner_person_id, status, due);
CREATE INDEX tasks_person ON tasks(person_id);

CREATE TABLE users (
    id {{id}},
    person_id BIGINT REFERENCES persons(id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'nb',
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{ts}} NOT NULL
);
CREATE INDEX users_person ON users(person_id);

-- Append-only: the application never updates or deletes rows here, except
-- that erasing a person blanks the personal values kept in detail.
CREATE TABLE audit_log (
    id {{id}},
    at {{ts}} NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    fields TEXT NOT NULL DEFAULT '',
    person_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_person ON audit_log(person_id);

CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data {{bytes}} NOT NULL,
    expiry {{session_expiry}} NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions(expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE audit_log;
DROP TABLE users;
DROP TABLE tasks;
DROP TABLE contacts;
DROP TABLE roles;
DROP TABLE employments;
DROP TABLE memberships;
DROP TABLE persons;
DROP TABLE workplaces;
DROP TABLE org_units;
