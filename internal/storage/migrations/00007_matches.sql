-- +goose Up
-- A possible match between a person who just came in (a prospect from an
-- employer's list, an applicant from the join page) and a person Verve
-- already knew. Verve never binds the two on its own when the known person
-- is outside the importer's scope, or when nobody verified the identifiers:
-- someone whose scope covers both places decides (unit_path is the lowest
-- unit covering both; the union's top when they are in different regions).
CREATE TABLE match_candidates (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    candidate_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    unit_path {{text_c}} NOT NULL,
    source TEXT NOT NULL,            -- import | join
    match TEXT NOT NULL,             -- fnr | email | mobile | name_birth
    import_id BIGINT REFERENCES imports(id),
    created_at {{ts}} NOT NULL,
    decision TEXT NOT NULL DEFAULT '', -- '' open | distinct (merged rows go with the merged person)
    decided_at {{ts}},
    decided_by BIGINT REFERENCES users(id),
    UNIQUE (person_id, candidate_id)
);
CREATE INDEX match_candidates_scope ON match_candidates(unit_path, decision);
CREATE INDEX match_candidates_candidate ON match_candidates(candidate_id);

-- A person may have several referral codes: merging two members keeps
-- both their codes working (links already shared must not die).
CREATE TABLE referral_codes_new (
    code TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL
);
INSERT INTO referral_codes_new (code, person_id, created_at) SELECT code, person_id, created_at FROM referral_codes;
DROP TABLE referral_codes;
ALTER TABLE referral_codes_new RENAME TO referral_codes;
CREATE INDEX referral_codes_person ON referral_codes(person_id, created_at);

-- +goose Down
DROP INDEX referral_codes_person;
CREATE TABLE referral_codes_old (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL
);
INSERT INTO referral_codes_old (person_id, code, created_at)
    SELECT person_id, MIN(code), MIN(created_at) FROM referral_codes GROUP BY person_id;
DROP TABLE referral_codes;
ALTER TABLE referral_codes_old RENAME TO referral_codes;
DROP TABLE match_candidates;
