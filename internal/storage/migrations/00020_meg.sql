-- +goose Up
-- A steward's role may name the department they cover at the workplace:
-- new hires of that department are theirs (pipeline.Share).
ALTER TABLE roles ADD COLUMN department TEXT NOT NULL DEFAULT '';

-- An invitation to join, sent when a steward logs that a colleague joined:
-- an application prefilled from the known person invited_person_id, which
-- they confirm with consent. recruited_by is who asked them, credited with
-- the membership. Both are empty for applications from the join page.
ALTER TABLE applications ADD COLUMN invited_person_id BIGINT REFERENCES persons(id) ON DELETE CASCADE;
ALTER TABLE applications ADD COLUMN recruited_by BIGINT REFERENCES persons(id) ON DELETE SET NULL;
CREATE INDEX applications_invited ON applications(invited_person_id);

-- +goose Down
DROP INDEX applications_invited;
ALTER TABLE applications DROP COLUMN recruited_by;
ALTER TABLE applications DROP COLUMN invited_person_id;
ALTER TABLE roles DROP COLUMN department;
