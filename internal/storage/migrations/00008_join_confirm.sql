-- +goose Up
-- An application from the join page, kept apart from persons until its
-- e-mail address is confirmed: nobody verified what a visitor typed, so it
-- changes no one until then (storage/applications.go).
--
-- Unconfirmed: what the visitor typed, and the SHA-256 of the link's token
-- (the token itself is only in the e-mail); deleted by the hourly worker
-- once expires_at has passed. Confirmed: the typed fields are blanked (the
-- new person holds them) and person_id/membership_id say what it became.
-- The fødselsnummer is kept as its keyed hash for matching, and sealed with
-- the key only until the application has been exported to the member
-- register (exported_at).
CREATE TABLE applications (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    confirmed_at {{ts}},
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    birth_date DATE,
    fnr_hash TEXT,
    fnr_sealed TEXT,
    type TEXT NOT NULL,
    workplace_id BIGINT REFERENCES workplaces(id) ON DELETE SET NULL,
    institution TEXT NOT NULL DEFAULT '',
    programme TEXT NOT NULL DEFAULT '',
    expected_graduation DATE,
    referral_code TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'nb',
    person_id BIGINT REFERENCES persons(id) ON DELETE CASCADE,
    membership_id BIGINT REFERENCES memberships(id) ON DELETE CASCADE,
    exported_at {{ts}}
);
CREATE INDEX applications_expiry ON applications(expires_at) WHERE confirmed_at IS NULL;
CREATE INDEX applications_person ON applications(person_id);
CREATE INDEX applications_membership ON applications(membership_id);

-- +goose Down
DROP TABLE applications;
