-- +goose Up
-- Join applications, referral, member benefits, dues and recruiter credit.

-- An application is a membership with status 'pending' until the union
-- decides; these say when it came, in which language, and why it was
-- rejected.
ALTER TABLE memberships ADD COLUMN applied_at {{ts}};
ALTER TABLE memberships ADD COLUMN decided_at {{ts}};
ALTER TABLE memberships ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN lang TEXT NOT NULL DEFAULT 'nb';
CREATE INDEX memberships_status ON memberships(status);

-- A member who opted in to being shown on the recruiting leaderboards.
ALTER TABLE persons ADD COLUMN leaderboard_opt_in BOOLEAN NOT NULL DEFAULT FALSE;

-- Each member's personal referral code, made when first asked for.
CREATE TABLE referral_codes (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL
);

-- The member benefits shown where people join. types is a comma list of
-- membership types it applies to ('' for all).
CREATE TABLE benefits (
    id {{id}},
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    types TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

-- Dues paid per membership and month (the first of the month).
CREATE TABLE dues_payments (
    id {{id}},
    membership_id BIGINT NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
    month DATE NOT NULL,
    amount_ore BIGINT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    recorded_at {{ts}} NOT NULL,
    UNIQUE (membership_id, month)
);

-- Credit a recruiter earned once the recruit stayed and paid long enough.
CREATE TABLE credits (
    id {{id}},
    membership_id BIGINT NOT NULL UNIQUE REFERENCES memberships(id) ON DELETE CASCADE,
    recruiter_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    earned_at {{ts}} NOT NULL
);
CREATE INDEX credits_recruiter ON credits(recruiter_id, earned_at);

-- Reward levels: union-wide (unit_id NULL) or for one club or unit.
CREATE TABLE reward_levels (
    id {{id}},
    unit_id BIGINT REFERENCES org_units(id),
    recruits INTEGER NOT NULL,
    prize TEXT NOT NULL
);

-- Whether the prize of a level was handed out to a recruiter.
CREATE TABLE reward_handouts (
    level_id BIGINT NOT NULL REFERENCES reward_levels(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    handed_out_at {{ts}} NOT NULL,
    PRIMARY KEY (level_id, person_id)
);

-- +goose Down
DROP TABLE reward_handouts;
DROP TABLE reward_levels;
DROP TABLE credits;
DROP TABLE dues_payments;
DROP TABLE benefits;
DROP TABLE referral_codes;
DROP INDEX memberships_status;
ALTER TABLE persons DROP COLUMN leaderboard_opt_in;
ALTER TABLE memberships DROP COLUMN lang;
ALTER TABLE memberships DROP COLUMN reject_reason;
ALTER TABLE memberships DROP COLUMN decided_at;
ALTER TABLE memberships DROP COLUMN applied_at;
