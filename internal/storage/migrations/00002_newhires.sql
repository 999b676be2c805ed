-- +goose Up
-- Employer lists and the ask-and-follow-up pipeline.

-- One uploaded list: where it came from and on what lawful basis, and what
-- became of its rows. The file itself is not kept.
CREATE TABLE imports (
    id {{id}},
    kind TEXT NOT NULL,                -- newhires | staff
    workplace_id BIGINT NOT NULL REFERENCES workplaces(id),
    unit_path {{text_c}} NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    lawful_basis TEXT NOT NULL DEFAULT '',
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_created INTEGER NOT NULL DEFAULT 0,
    rows_matched INTEGER NOT NULL DEFAULT 0,
    rows_error INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX imports_scope ON imports(unit_path, created_at);
CREATE INDEX imports_workplace ON imports(workplace_id, created_at);

-- The column mapping and row routing chosen for an employer's lists,
-- offered again next time (JSON).
CREATE TABLE import_mappings (
    orgnr TEXT PRIMARY KEY,
    mapping TEXT NOT NULL,
    routes TEXT NOT NULL DEFAULT '{}',
    updated_at {{ts}} NOT NULL
);

-- Rows of a list being imported. They live only inside the importing
-- transaction: preview rolls it back and commit deletes them, so the
-- fødselsnumre used for matching are never kept.
CREATE TABLE import_stage (
    import_id BIGINT NOT NULL,
    line INTEGER NOT NULL,
    workplace_id BIGINT NOT NULL,
    unit_path {{text_c}} NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    sort_key {{text_c}} NOT NULL,
    search_key {{text_c}} NOT NULL,
    birth_date DATE,
    fnr TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    start_date DATE,
    position TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    person_id BIGINT,
    match TEXT NOT NULL DEFAULT '',
    class TEXT NOT NULL DEFAULT '',
    dup_of INTEGER,
    PRIMARY KEY (import_id, line)
);
-- line ends each index so that "the first row with this key" is read from
-- the index alone.
CREATE INDEX import_stage_fnr ON import_stage(import_id, fnr, line);
CREATE INDEX import_stage_email ON import_stage(import_id, email, line);
CREATE INDEX import_stage_name ON import_stage(import_id, sort_key, birth_date, line);
CREATE INDEX import_stage_person ON import_stage(import_id, person_id);

-- One person being asked to join at a workplace: a new hire from a list, or
-- an unorganised colleague picked for systematic follow-up.
CREATE TABLE pipeline (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    workplace_id BIGINT NOT NULL REFERENCES workplaces(id),
    unit_path {{text_c}} NOT NULL,
    import_id BIGINT REFERENCES imports(id),
    kind TEXT NOT NULL,                -- newhire | unorganised
    start_date DATE,
    created_at {{ts}} NOT NULL,
    first_contact_at {{ts}},
    outcome TEXT NOT NULL DEFAULT '',  -- '' open | joined | declined | left
    outcome_at {{ts}},
    decline_reason TEXT NOT NULL DEFAULT '',
    erase_after DATE
);
CREATE UNIQUE INDEX pipeline_person_workplace ON pipeline(person_id, workplace_id);
CREATE INDEX pipeline_scope ON pipeline(unit_path, created_at);
CREATE INDEX pipeline_workplace ON pipeline(workplace_id, created_at);
CREATE INDEX pipeline_erase ON pipeline(erase_after);

-- Union-wide settings the admin edits (follow-up delay, retention, texts).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

ALTER TABLE tasks ADD COLUMN escalated_at {{ts}};
CREATE INDEX persons_birth ON persons(birth_date, sort_key);

-- +goose Down
DROP INDEX persons_birth;
ALTER TABLE tasks DROP COLUMN escalated_at;
DROP TABLE settings;
DROP TABLE pipeline;
DROP TABLE import_stage;
DROP TABLE import_mappings;
DROP TABLE imports;
