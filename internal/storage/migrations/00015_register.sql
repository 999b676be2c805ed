-- +goose Up
-- Register sync (issue 12): the union's member register loaded into Verve
-- and kept in step with it (storage/register.go).

-- The register's member number, and the protection the population
-- register puts on an address (a protected one is blanked for everyone
-- but union admins).
ALTER TABLE persons ADD COLUMN member_no TEXT;
ALTER TABLE persons ADD COLUMN address_protection TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX persons_member_no ON persons(member_no);

-- The register's code of a region, branch or club, unique among its
-- parent's children of the same kind.
ALTER TABLE org_units ADD COLUMN code TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX org_units_code ON org_units(parent_id, kind, code) WHERE code <> '';

-- Who appointed a role: Verve (a steward appointed here) or the register.
-- A register load opens and closes only the register's roles.
ALTER TABLE roles ADD COLUMN source TEXT NOT NULL DEFAULT 'verve';
-- Likewise for employments: a job change in the register ends the
-- register's employment and leaves one Verve knows of otherwise.
ALTER TABLE employments ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- What the register says of a membership's dues (model.DuesStatus) and
-- the first day of the month it is paid up to.
ALTER TABLE memberships ADD COLUMN dues_status TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN paid_up_to DATE;

-- One load of a register export: who ran it, when, and what it did.
CREATE TABLE register_loads (
    id {{id}},
    at {{ts}} NOT NULL,
    user_id BIGINT REFERENCES users(id),
    username TEXT NOT NULL DEFAULT '',
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    first_load BOOLEAN NOT NULL DEFAULT FALSE,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_failed INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    resigned INTEGER NOT NULL DEFAULT 0,
    tasks INTEGER NOT NULL DEFAULT 0
);

-- The register's last value of each field of a member, as keyed hashes
-- (HMAC with the fødselsnummer key, truncated; register.Hashes encodes
-- them), so the next load applies only what the register changed. No
-- clear value is kept here: Verve's own columns hold what it uses.
CREATE TABLE register_values (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    hashes TEXT NOT NULL,
    load_id BIGINT NOT NULL REFERENCES register_loads(id)
);

-- The union's own words for coded values (membership type, status, role,
-- resignation reason, dues), mapped once by an admin and remembered.
CREATE TABLE register_words (
    field TEXT NOT NULL,
    word TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (field, word)
);

-- Members a complete export no longer has, awaiting an admin's
-- confirmation that they resigned: never resigned by the load itself.
CREATE TABLE register_missing (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    load_id BIGINT NOT NULL REFERENCES register_loads(id)
);

-- A register load records possible matches of its own source
-- (model.MatchFromRegister): 00014's check of match_candidates.source
-- is replaced, as its comment says.
{{pg_only}}ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_source_check;
{{pg_only}}ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_source_check CHECK (source IN ('import', 'join', 'register'));
{{sqlite_only}}DROP TRIGGER match_candidates_source_insert;
{{sqlite_only}}DROP TRIGGER match_candidates_source_update;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_insert BEFORE INSERT ON match_candidates WHEN NEW.source NOT IN ('import', 'join', 'register') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_update BEFORE UPDATE OF source ON match_candidates WHEN NEW.source NOT IN ('import', 'join', 'register') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;

-- +goose Down
{{pg_only}}ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_source_check;
{{pg_only}}ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_source_check CHECK (source IN ('import', 'join'));
{{sqlite_only}}DROP TRIGGER match_candidates_source_insert;
{{sqlite_only}}DROP TRIGGER match_candidates_source_update;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_insert BEFORE INSERT ON match_candidates WHEN NEW.source NOT IN ('import', 'join') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_update BEFORE UPDATE OF source ON match_candidates WHEN NEW.source NOT IN ('import', 'join') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;
DROP TABLE register_missing;
DROP TABLE register_words;
DROP TABLE register_values;
DROP TABLE register_loads;
ALTER TABLE memberships DROP COLUMN paid_up_to;
ALTER TABLE memberships DROP COLUMN dues_status;
ALTER TABLE employments DROP COLUMN source;
ALTER TABLE roles DROP COLUMN source;
DROP INDEX org_units_code;
ALTER TABLE org_units DROP COLUMN code;
DROP INDEX persons_member_no;
ALTER TABLE persons DROP COLUMN address_protection;
ALTER TABLE persons DROP COLUMN member_no;
