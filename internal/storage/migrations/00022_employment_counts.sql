-- +goose Up
-- A member with several employers counts at each workplace (issue 12):
-- person_counts counts every person once, at their own workplace
-- (persons.workplace_id); employment_counts adds, per workplace, the
-- current members (active or arrears) with an open employment there
-- that is not their own workplace. A workplace's members are the sum of
-- the two (workplaceSummarySQL); unit and scope totals still count each
-- member once. Triggers keep it current; RebuildAggregates mends drift.
-- A migration that rebuilds persons or employments on SQLite drops these
-- triggers and must create them again (as those of 00021).
CREATE TABLE employment_counts (
    workplace_id BIGINT PRIMARY KEY,
    members BIGINT NOT NULL DEFAULT 0
);
INSERT INTO employment_counts (workplace_id, members)
    SELECT e.workplace_id, count(*) FROM employments e JOIN persons p ON p.id = e.person_id
    WHERE e.end_date IS NULL AND p.member_status IN ('active', 'arrears') AND (p.workplace_id IS NULL OR p.workplace_id <> e.workplace_id)
    GROUP BY e.workplace_id;

{{sqlite_only}}CREATE TRIGGER employment_counts_insert AFTER INSERT ON employments WHEN NEW.end_date IS NULL BEGIN INSERT INTO employment_counts (workplace_id, members) SELECT NEW.workplace_id, 1 FROM persons p WHERE p.id = NEW.person_id AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS NOT NEW.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = members + excluded.members; END;
{{sqlite_only}}CREATE TRIGGER employment_counts_delete AFTER DELETE ON employments WHEN OLD.end_date IS NULL BEGIN UPDATE employment_counts SET members = members - 1 WHERE workplace_id = OLD.workplace_id AND EXISTS (SELECT 1 FROM persons p WHERE p.id = OLD.person_id AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS NOT OLD.workplace_id); END;
{{sqlite_only}}CREATE TRIGGER employment_counts_update AFTER UPDATE OF person_id, workplace_id, end_date ON employments BEGIN UPDATE employment_counts SET members = members - 1 WHERE OLD.end_date IS NULL AND workplace_id = OLD.workplace_id AND EXISTS (SELECT 1 FROM persons p WHERE p.id = OLD.person_id AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS NOT OLD.workplace_id); INSERT INTO employment_counts (workplace_id, members) SELECT NEW.workplace_id, 1 FROM persons p WHERE NEW.end_date IS NULL AND p.id = NEW.person_id AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS NOT NEW.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = members + excluded.members; END;
{{sqlite_only}}CREATE TRIGGER employment_counts_person AFTER UPDATE OF workplace_id, member_status ON persons WHEN OLD.workplace_id IS NOT NEW.workplace_id OR OLD.member_status IS NOT NEW.member_status BEGIN INSERT INTO employment_counts (workplace_id, members) SELECT e.workplace_id, -count(*) FROM employments e WHERE e.person_id = OLD.id AND e.end_date IS NULL AND OLD.member_status IN ('active', 'arrears') AND e.workplace_id IS NOT OLD.workplace_id GROUP BY e.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = members + excluded.members; INSERT INTO employment_counts (workplace_id, members) SELECT e.workplace_id, count(*) FROM employments e WHERE e.person_id = NEW.id AND e.end_date IS NULL AND NEW.member_status IN ('active', 'arrears') AND e.workplace_id IS NOT NEW.workplace_id GROUP BY e.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = members + excluded.members; END;

{{pg_only}}CREATE FUNCTION employment_counts_add(wp BIGINT, person BIGINT, sign INTEGER) RETURNS void LANGUAGE sql AS $$ INSERT INTO employment_counts AS c (workplace_id, members) SELECT wp, sign FROM persons p WHERE p.id = person AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS DISTINCT FROM wp ON CONFLICT (workplace_id) DO UPDATE SET members = c.members + excluded.members $$;
{{pg_only}}CREATE FUNCTION employment_counts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN IF OLD.end_date IS NULL THEN PERFORM employment_counts_add(OLD.workplace_id, OLD.person_id, -1); END IF; END IF; IF TG_OP <> 'DELETE' THEN IF NEW.end_date IS NULL THEN PERFORM employment_counts_add(NEW.workplace_id, NEW.person_id, 1); END IF; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER employment_counts_change AFTER DELETE OR UPDATE OF person_id, workplace_id, end_date ON employments FOR EACH ROW EXECUTE FUNCTION employment_counts_trigger();
{{pg_only}}CREATE FUNCTION employment_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO employment_counts AS c (workplace_id, members) SELECT n.workplace_id, count(*) FROM employment_counts_new n JOIN persons p ON p.id = n.person_id WHERE n.end_date IS NULL AND p.member_status IN ('active', 'arrears') AND p.workplace_id IS DISTINCT FROM n.workplace_id GROUP BY n.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = c.members + excluded.members; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER employment_counts_insert AFTER INSERT ON employments REFERENCING NEW TABLE AS employment_counts_new FOR EACH STATEMENT EXECUTE FUNCTION employment_counts_inserted();
{{pg_only}}CREATE FUNCTION employment_counts_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.member_status IN ('active', 'arrears') THEN INSERT INTO employment_counts AS c (workplace_id, members) SELECT e.workplace_id, -count(*) FROM employments e WHERE e.person_id = OLD.id AND e.end_date IS NULL AND e.workplace_id IS DISTINCT FROM OLD.workplace_id GROUP BY e.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = c.members + excluded.members; END IF; IF NEW.member_status IN ('active', 'arrears') THEN INSERT INTO employment_counts AS c (workplace_id, members) SELECT e.workplace_id, count(*) FROM employments e WHERE e.person_id = NEW.id AND e.end_date IS NULL AND e.workplace_id IS DISTINCT FROM NEW.workplace_id GROUP BY e.workplace_id ON CONFLICT (workplace_id) DO UPDATE SET members = c.members + excluded.members; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER employment_counts_person AFTER UPDATE OF workplace_id, member_status ON persons FOR EACH ROW WHEN (OLD.workplace_id IS DISTINCT FROM NEW.workplace_id OR OLD.member_status IS DISTINCT FROM NEW.member_status) EXECUTE FUNCTION employment_counts_person();

-- +goose Down
{{pg_only}}DROP TRIGGER employment_counts_person ON persons;
{{pg_only}}DROP FUNCTION employment_counts_person();
{{pg_only}}DROP TRIGGER employment_counts_insert ON employments;
{{pg_only}}DROP FUNCTION employment_counts_inserted();
{{pg_only}}DROP TRIGGER employment_counts_change ON employments;
{{pg_only}}DROP FUNCTION employment_counts_trigger();
{{pg_only}}DROP FUNCTION employment_counts_add(BIGINT, BIGINT, INTEGER);
{{sqlite_only}}DROP TRIGGER employment_counts_person;
{{sqlite_only}}DROP TRIGGER employment_counts_update;
{{sqlite_only}}DROP TRIGGER employment_counts_delete;
{{sqlite_only}}DROP TRIGGER employment_counts_insert;
DROP TABLE employment_counts;
