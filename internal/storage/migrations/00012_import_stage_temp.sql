-- +goose Up
-- A list is staged in a TEMP table on its own connection now (imports.go),
-- without the writer's lock, so the keyed hashes of strangers' fødselsnumre
-- never reach the database file or its WAL.
DROP TABLE IF EXISTS import_stage;

-- +goose Down
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
    fnr_hash TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    start_date DATE,
    position TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    person_id BIGINT,
    match TEXT NOT NULL DEFAULT '',
    class TEXT NOT NULL DEFAULT '',
    dup_of INTEGER,
    outside_id BIGINT,
    outside_match TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, line)
);
CREATE INDEX import_stage_fnr ON import_stage(import_id, fnr_hash, line);
CREATE INDEX import_stage_email ON import_stage(import_id, email, line);
CREATE INDEX import_stage_name ON import_stage(import_id, sort_key, birth_date, line);
CREATE INDEX import_stage_person ON import_stage(import_id, person_id);
