-- +goose Up
-- orgnr_choices remembers which workplace an organisasjonsnummer the
-- register names stands for when it is not a workplace's own: an admin's
-- choice among a hovedenhet's sub-units (ResolveParent), so that the next
-- register load finds the workplace chosen instead of creating the
-- hovedenhet again. Merging workplaces moves the choice along.
CREATE TABLE orgnr_choices (
    orgnr TEXT PRIMARY KEY,
    workplace_id BIGINT NOT NULL REFERENCES workplaces(id),
    chosen_at {{ts}} NOT NULL
);
CREATE INDEX orgnr_choices_workplace ON orgnr_choices(workplace_id);
-- +goose Down
DROP TABLE orgnr_choices;
