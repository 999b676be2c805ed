-- +goose Up
-- What Enhetsregisteret says about a workplace (verve import enheter): its
-- address, its industry (primary NACE code), its hovedenhet (parent_orgnr,
-- so a register export naming the hovedenhet can be mapped to its
-- sub-units), the day the register closed it, and the day a load last
-- updated it from the register.
ALTER TABLE workplaces ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN postal_place TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN nace_code TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN nace_text TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN parent_orgnr TEXT NOT NULL DEFAULT '';
ALTER TABLE workplaces ADD COLUMN closed_date DATE;
ALTER TABLE workplaces ADD COLUMN register_date DATE;
CREATE INDEX workplaces_parent ON workplaces(parent_orgnr);

-- +goose Down
DROP INDEX workplaces_parent;
ALTER TABLE workplaces DROP COLUMN register_date;
ALTER TABLE workplaces DROP COLUMN closed_date;
ALTER TABLE workplaces DROP COLUMN parent_orgnr;
ALTER TABLE workplaces DROP COLUMN nace_text;
ALTER TABLE workplaces DROP COLUMN nace_code;
ALTER TABLE workplaces DROP COLUMN postal_place;
ALTER TABLE workplaces DROP COLUMN address;
