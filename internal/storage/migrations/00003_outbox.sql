-- +goose Up
-- Outgoing e-mail. A message is queued in the same transaction as the
-- change that causes it and sent later by the mail deliverer, which claims
-- due rows by moving next_attempt_at forward (a lease) and then marks them
-- sent, or failed with a later next_attempt_at, or failed for good.
CREATE TABLE outbox (
    id {{id}},
    created_at {{ts}} NOT NULL,
    to_addr TEXT NOT NULL,
    to_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    -- Erasing a person erases what was sent them.
    person_id BIGINT REFERENCES persons(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{ts}} NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at {{ts}},
    message_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_person ON outbox(person_id);

-- +goose Down
DROP TABLE outbox;
