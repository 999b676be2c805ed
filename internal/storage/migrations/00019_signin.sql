-- +goose Up
-- Sign-in by e-mail link, and two-factor codes (storage/signin.go).
--
-- A link is kept as the SHA-256 of its token (the token is only in the
-- e-mail), for the person it signs in; single-use (used_at) and deleted by
-- the hourly worker once expired.
CREATE TABLE signin_links (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    used_at {{ts}}
);
CREATE INDEX signin_links_expiry ON signin_links(expires_at);
CREATE INDEX signin_links_person ON signin_links(person_id);

-- A user's TOTP secret, sealed with the pseudonym key; confirmed_at is set
-- when the first code was right. last_step is the time step of the last
-- code accepted: a code of that step or earlier is a replay.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    confirmed_at {{ts}},
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes, as SHA-256 (they are 50 random bits each and
-- tried only at the rate sign-in allows).
CREATE TABLE recovery_codes (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at {{ts}},
    UNIQUE (user_id, code_hash)
);

-- +goose Down
DROP TABLE recovery_codes;
DROP TABLE user_totp;
DROP TABLE signin_links;
