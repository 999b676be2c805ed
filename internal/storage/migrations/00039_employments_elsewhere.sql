-- +goose Up
-- employments.elsewhere marks an employment that its person's own place
-- does not stand for (issue 15): one that is not at the person's own
-- workplace (persons.workplace_id), or is there while the person's unit
-- is not that workplace's unit (the register may name another club).
-- Whoever has the workplace of an unmarked employment in scope, by its
-- unit's subtree or by the workplace, reads its person in their own right
-- (persons.unit_path is the path of persons.unit_id), so a scoped search
-- (employedInReach) walks only the marked ones, by employments_elsewhere:
-- at a million members 60,000 open employments in a coordinator's scope
-- were nearly all at the person's own workplace.
-- Triggers recompute the mark from persons and workplaces whenever an
-- employment's person or workplace, a person's workplace or unit, or a
-- workplace's unit changes. The register's first load, which writes with
-- them dropped (dropTriggers), mends the marks once its rows are in
-- (mendElsewhere), as a daily job does (MendElsewhere). A row written
-- without the column, and without the triggers, is marked: the safe side.
-- A migration that rebuilds employments, persons or workplaces on SQLite
-- drops these triggers and must create them again.
{{sqlite_only}}ALTER TABLE employments ADD COLUMN elsewhere BOOLEAN NOT NULL DEFAULT TRUE;
{{sqlite_only}}UPDATE employments SET elsewhere = FALSE WHERE EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id);
-- PostgreSQL adds the column without writing a row, and marks the few.
{{pg_only}}ALTER TABLE employments ADD COLUMN elsewhere BOOLEAN NOT NULL DEFAULT FALSE;
{{pg_only}}UPDATE employments e SET elsewhere = TRUE WHERE NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = e.person_id AND p.workplace_id = e.workplace_id AND w.unit_id = p.unit_id);
{{pg_only}}ALTER TABLE employments ALTER COLUMN elsewhere SET DEFAULT TRUE;
CREATE INDEX employments_elsewhere ON employments(workplace_id, person_id) WHERE end_date IS NULL AND elsewhere;

{{sqlite_only}}CREATE TRIGGER elsewhere_insert AFTER INSERT ON employments BEGIN UPDATE employments SET elsewhere = NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id) WHERE id = NEW.id; END;
{{sqlite_only}}CREATE TRIGGER elsewhere_update AFTER UPDATE OF person_id, workplace_id ON employments BEGIN UPDATE employments SET elsewhere = NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id) WHERE id = NEW.id; END;
{{sqlite_only}}CREATE TRIGGER elsewhere_person AFTER UPDATE OF workplace_id, unit_id ON persons WHEN OLD.workplace_id IS NOT NEW.workplace_id OR OLD.unit_id IS NOT NEW.unit_id BEGIN UPDATE employments SET elsewhere = NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id) WHERE person_id = NEW.id; END;
{{sqlite_only}}CREATE TRIGGER elsewhere_workplace AFTER UPDATE OF unit_id ON workplaces WHEN OLD.unit_id IS NOT NEW.unit_id BEGIN UPDATE employments SET elsewhere = NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id) WHERE workplace_id = NEW.id; END;

{{pg_only}}CREATE FUNCTION employment_elsewhere(person BIGINT, wp BIGINT) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.id = person AND p.workplace_id = wp AND w.unit_id = p.unit_id) $$;
-- PostgreSQL writes concurrently: an employment's mark waits for a change
-- to its person still to commit (FOR SHARE), or that change's trigger
-- would miss the employment and the employment see the person as was.
-- (A workplace moved to another unit moves the persons of its unit with it.)
{{pg_only}}CREATE FUNCTION elsewhere_employment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM 1 FROM persons WHERE id = NEW.person_id FOR SHARE; NEW.elsewhere := employment_elsewhere(NEW.person_id, NEW.workplace_id); RETURN NEW; END $$;
{{pg_only}}CREATE TRIGGER elsewhere_employment BEFORE INSERT OR UPDATE OF person_id, workplace_id ON employments FOR EACH ROW EXECUTE FUNCTION elsewhere_employment();
{{pg_only}}CREATE FUNCTION elsewhere_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE employments SET elsewhere = employment_elsewhere(person_id, workplace_id) WHERE person_id = NEW.id; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER elsewhere_person AFTER UPDATE OF workplace_id, unit_id ON persons FOR EACH ROW WHEN (OLD.workplace_id IS DISTINCT FROM NEW.workplace_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION elsewhere_person();
{{pg_only}}CREATE FUNCTION elsewhere_workplace() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE employments SET elsewhere = employment_elsewhere(person_id, workplace_id) WHERE workplace_id = NEW.id; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER elsewhere_workplace AFTER UPDATE OF unit_id ON workplaces FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) EXECUTE FUNCTION elsewhere_workplace();

-- +goose Down
{{pg_only}}DROP TRIGGER elsewhere_workplace ON workplaces;
{{pg_only}}DROP FUNCTION elsewhere_workplace();
{{pg_only}}DROP TRIGGER elsewhere_person ON persons;
{{pg_only}}DROP FUNCTION elsewhere_person();
{{pg_only}}DROP TRIGGER elsewhere_employment ON employments;
{{pg_only}}DROP FUNCTION elsewhere_employment();
{{pg_only}}DROP FUNCTION employment_elsewhere(BIGINT, BIGINT);
{{sqlite_only}}DROP TRIGGER elsewhere_workplace;
{{sqlite_only}}DROP TRIGGER elsewhere_person;
{{sqlite_only}}DROP TRIGGER elsewhere_update;
{{sqlite_only}}DROP TRIGGER elsewhere_insert;
DROP INDEX employments_elsewhere;
ALTER TABLE employments DROP COLUMN elsewhere;
