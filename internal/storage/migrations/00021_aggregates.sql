-- +goose Up
-- Figures kept current so that no page counts a million rows on a request
-- (issue 15). Triggers keep them in the transaction that changes persons
-- or credits, whatever code path does it; the daily "aggregates" job
-- rebuilds them (storage/aggregates.go), which also mends any drift.
-- A migration that rebuilds persons or credits on SQLite drops their
-- triggers and must create them again.
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).

-- person_counts: per unit path and workplace (0 for none), the members
-- (status active or arrears) and the others in another union or none, as
-- workplaceSummarySQL counted them. Summed over a scope's path ranges,
-- they are that scope's figures.
CREATE TABLE person_counts (
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT NOT NULL,
    members BIGINT NOT NULL DEFAULT 0,
    other_union BIGINT NOT NULL DEFAULT 0,
    non_members BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_path, workplace_id)
);
CREATE INDEX person_counts_workplace ON person_counts(workplace_id);
INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members)
    SELECT unit_path, COALESCE(workplace_id, 0),
        SUM(CASE WHEN member_status IN ('active', 'arrears') THEN 1 ELSE 0 END),
        SUM(CASE WHEN member_status NOT IN ('active', 'arrears') AND other_union <> '' THEN 1 ELSE 0 END),
        SUM(CASE WHEN member_status NOT IN ('active', 'arrears') AND other_union = '' THEN 1 ELSE 0 END)
    FROM persons GROUP BY unit_path, COALESCE(workplace_id, 0);

-- credit_counts: credits per recruiter and calendar year (UTC, as the
-- leaderboard's years).
CREATE TABLE credit_counts (
    recruiter_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    credits BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (recruiter_id, year)
);
CREATE INDEX credit_counts_year ON credit_counts(year, credits);
{{sqlite_only}}INSERT INTO credit_counts (recruiter_id, year, credits) SELECT recruiter_id, CAST(substr(earned_at, 1, 4) AS INTEGER), count(*) FROM credits GROUP BY 1, 2;
{{pg_only}}INSERT INTO credit_counts (recruiter_id, year, credits) SELECT recruiter_id, EXTRACT(YEAR FROM earned_at AT TIME ZONE 'UTC')::int, count(*) FROM credits GROUP BY 1, 2;

{{sqlite_only}}CREATE TRIGGER person_counts_insert AFTER INSERT ON persons BEGIN INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) VALUES (NEW.unit_path, COALESCE(NEW.workplace_id, 0), NEW.member_status IN ('active', 'arrears'), NEW.member_status NOT IN ('active', 'arrears') AND NEW.other_union <> '', NEW.member_status NOT IN ('active', 'arrears') AND NEW.other_union = '') ON CONFLICT (unit_path, workplace_id) DO UPDATE SET members = members + excluded.members, other_union = other_union + excluded.other_union, non_members = non_members + excluded.non_members; END;
{{sqlite_only}}CREATE TRIGGER person_counts_delete AFTER DELETE ON persons BEGIN INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) VALUES (OLD.unit_path, COALESCE(OLD.workplace_id, 0), -(OLD.member_status IN ('active', 'arrears')), -(OLD.member_status NOT IN ('active', 'arrears') AND OLD.other_union <> ''), -(OLD.member_status NOT IN ('active', 'arrears') AND OLD.other_union = '')) ON CONFLICT (unit_path, workplace_id) DO UPDATE SET members = members + excluded.members, other_union = other_union + excluded.other_union, non_members = non_members + excluded.non_members; END;
{{sqlite_only}}CREATE TRIGGER person_counts_update AFTER UPDATE OF unit_path, workplace_id, member_status, other_union ON persons BEGIN INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) VALUES (OLD.unit_path, COALESCE(OLD.workplace_id, 0), -(OLD.member_status IN ('active', 'arrears')), -(OLD.member_status NOT IN ('active', 'arrears') AND OLD.other_union <> ''), -(OLD.member_status NOT IN ('active', 'arrears') AND OLD.other_union = '')) ON CONFLICT (unit_path, workplace_id) DO UPDATE SET members = members + excluded.members, other_union = other_union + excluded.other_union, non_members = non_members + excluded.non_members; INSERT INTO person_counts (unit_path, workplace_id, members, other_union, non_members) VALUES (NEW.unit_path, COALESCE(NEW.workplace_id, 0), NEW.member_status IN ('active', 'arrears'), NEW.member_status NOT IN ('active', 'arrears') AND NEW.other_union <> '', NEW.member_status NOT IN ('active', 'arrears') AND NEW.other_union = '') ON CONFLICT (unit_path, workplace_id) DO UPDATE SET members = members + excluded.members, other_union = other_union + excluded.other_union, non_members = non_members + excluded.non_members; END;
{{sqlite_only}}CREATE TRIGGER credit_counts_insert AFTER INSERT ON credits BEGIN INSERT INTO credit_counts (recruiter_id, year, credits) VALUES (NEW.recruiter_id, CAST(substr(NEW.earned_at, 1, 4) AS INTEGER), 1) ON CONFLICT (recruiter_id, year) DO UPDATE SET credits = credits + 1; END;
{{sqlite_only}}CREATE TRIGGER credit_counts_delete AFTER DELETE ON credits BEGIN UPDATE credit_counts SET credits = credits - 1 WHERE recruiter_id = OLD.recruiter_id AND year = CAST(substr(OLD.earned_at, 1, 4) AS INTEGER); END;
{{sqlite_only}}CREATE TRIGGER credit_counts_update AFTER UPDATE OF recruiter_id, earned_at ON credits BEGIN UPDATE credit_counts SET credits = credits - 1 WHERE recruiter_id = OLD.recruiter_id AND year = CAST(substr(OLD.earned_at, 1, 4) AS INTEGER); INSERT INTO credit_counts (recruiter_id, year, credits) VALUES (NEW.recruiter_id, CAST(substr(NEW.earned_at, 1, 4) AS INTEGER), 1) ON CONFLICT (recruiter_id, year) DO UPDATE SET credits = credits + 1; END;

{{pg_only}}CREATE FUNCTION person_counts_add(path TEXT, wp BIGINT, status TEXT, other TEXT, sign INTEGER) RETURNS void LANGUAGE sql AS $$ INSERT INTO person_counts AS c (unit_path, workplace_id, members, other_union, non_members) VALUES (path, COALESCE(wp, 0), CASE WHEN status IN ('active', 'arrears') THEN sign ELSE 0 END, CASE WHEN status NOT IN ('active', 'arrears') AND other <> '' THEN sign ELSE 0 END, CASE WHEN status NOT IN ('active', 'arrears') AND other = '' THEN sign ELSE 0 END) ON CONFLICT (unit_path, workplace_id) DO UPDATE SET members = c.members + excluded.members, other_union = c.other_union + excluded.other_union, non_members = c.non_members + excluded.non_members $$;
{{pg_only}}CREATE FUNCTION person_counts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM person_counts_add(OLD.unit_path, OLD.workplace_id, OLD.member_status, OLD.other_union, -1); END IF; IF TG_OP <> 'DELETE' THEN PERFORM person_counts_add(NEW.unit_path, NEW.workplace_id, NEW.member_status, NEW.other_union, 1); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER person_counts_change AFTER INSERT OR DELETE OR UPDATE OF unit_path, workplace_id, member_status, other_union ON persons FOR EACH ROW EXECUTE FUNCTION person_counts_trigger();
{{pg_only}}CREATE FUNCTION credit_counts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE credit_counts SET credits = credits - 1 WHERE recruiter_id = OLD.recruiter_id AND year = EXTRACT(YEAR FROM OLD.earned_at AT TIME ZONE 'UTC')::int; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO credit_counts AS c (recruiter_id, year, credits) VALUES (NEW.recruiter_id, EXTRACT(YEAR FROM NEW.earned_at AT TIME ZONE 'UTC')::int, 1) ON CONFLICT (recruiter_id, year) DO UPDATE SET credits = c.credits + 1; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER credit_counts_change AFTER INSERT OR DELETE OR UPDATE OF recruiter_id, earned_at ON credits FOR EACH ROW EXECUTE FUNCTION credit_counts_trigger();

-- Students by graduation: the graduating list reads only current student
-- memberships up to a date (status first: SQLite, unanalysed, would
-- otherwise prefer memberships_status).
CREATE INDEX memberships_graduation ON memberships(status, expected_graduation) WHERE type = 'student' AND end_date IS NULL;

-- +goose Down
DROP INDEX memberships_graduation;
{{pg_only}}DROP TRIGGER credit_counts_change ON credits;
{{pg_only}}DROP FUNCTION credit_counts_trigger();
{{pg_only}}DROP TRIGGER person_counts_change ON persons;
{{pg_only}}DROP FUNCTION person_counts_trigger();
{{pg_only}}DROP FUNCTION person_counts_add(TEXT, BIGINT, TEXT, TEXT, INTEGER);
{{sqlite_only}}DROP TRIGGER credit_counts_update;
{{sqlite_only}}DROP TRIGGER credit_counts_delete;
{{sqlite_only}}DROP TRIGGER credit_counts_insert;
{{sqlite_only}}DROP TRIGGER person_counts_update;
{{sqlite_only}}DROP TRIGGER person_counts_delete;
{{sqlite_only}}DROP TRIGGER person_counts_insert;
DROP TABLE credit_counts;
DROP TABLE person_counts;
