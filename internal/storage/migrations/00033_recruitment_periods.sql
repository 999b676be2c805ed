-- +goose Up
-- The recruitment page as a read of the rows it shows (issue 15). The
-- hourly figures of 00024 are summed per workplace on every request: at
-- 1M members tens of thousands of rows for the union over 90 days, sorted
-- in Go. Here they are kept summed per period of the page (30, 90 and 365
-- days back from today's midnight in Oslo):
--
-- recruitment_periods: the periods, in days, and each one's first UTC
--   hour (since 1970). The daily job (RebuildDailyCounts) sets them and
--   counts the tables below afresh; any other moment is read from the
--   hourly figures.
-- recruitment_period_counts / recruitment_period_waits: recruitment_counts
--   and recruitment_waits summed per period, unit path and workplace: a
--   scoped reader's rows are their scope's (Scope.FilterAt).
-- recruitment_union_counts / recruitment_union_waits: the same over every
--   unit path, per workplace with its sort key (workplace_id 0 is the
--   whole union, and its workplaces the count of workplaces with a list
--   or a new hire; each workplace's median is kept as lo and hi): a
--   union-wide reader's rows are read in order with a LIMIT, and the
--   totals, the count and the median from workplace 0.
--
-- The daily job runs again (at the next start of the server, or its next
-- run), so that the periods are filled today: until then the pages count
-- on request, as after 00024.
--
-- Triggers on recruitment_counts and recruitment_waits (themselves kept
-- by triggers on imports and pipeline) add each change to the periods its
-- hour falls in, in the same transaction. The latest list only grows, as
-- in recruitment_counts, until the daily job. Rows leave these tables
-- only by the daily job.
CREATE TABLE recruitment_periods (
    days BIGINT PRIMARY KEY,
    since_hour BIGINT NOT NULL
);
CREATE TABLE recruitment_period_counts (
    days BIGINT NOT NULL,
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT NOT NULL,
    lists BIGINT NOT NULL DEFAULT 0,
    last_list BIGINT NOT NULL DEFAULT 0,
    new_hires BIGINT NOT NULL DEFAULT 0,
    asked BIGINT NOT NULL DEFAULT 0,
    joined BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (days, unit_path, workplace_id)
);
CREATE TABLE recruitment_period_waits (
    days BIGINT NOT NULL,
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    entries BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (days, unit_path, workplace_id, minutes)
);
CREATE TABLE recruitment_union_counts (
    days BIGINT NOT NULL,
    workplace_id BIGINT NOT NULL,
    sort_key {{text_c}} NOT NULL,
    lists BIGINT NOT NULL DEFAULT 0,
    last_list BIGINT NOT NULL DEFAULT 0,
    new_hires BIGINT NOT NULL DEFAULT 0,
    asked BIGINT NOT NULL DEFAULT 0,
    joined BIGINT NOT NULL DEFAULT 0,
    workplaces BIGINT NOT NULL DEFAULT 0,
    lo BIGINT, -- the minutes of the lower and upper middle wait (the same
    hi BIGINT, -- for an odd count), NULL for none: the median, to order by
    PRIMARY KEY (days, workplace_id)
);
-- The page's default order, by name: the first rows are read in order.
CREATE INDEX recruitment_union_counts_name ON recruitment_union_counts(days, sort_key, workplace_id);
CREATE TABLE recruitment_union_waits (
    days BIGINT NOT NULL,
    workplace_id BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    entries BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (days, workplace_id, minutes)
);
{{sqlite_only}}UPDATE steward_counts_day SET day = '1970-01-01 00:00:00+00:00';
{{pg_only}}UPDATE steward_counts_day SET day = '1970-01-01';

{{sqlite_only}}CREATE TRIGGER recruitment_periods_counts_insert AFTER INSERT ON recruitment_counts BEGIN INSERT INTO recruitment_period_counts (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined) SELECT p.days, NEW.unit_path, NEW.workplace_id, NEW.lists, NEW.last_list, NEW.new_hires, NEW.asked, NEW.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, 0, '', NEW.lists, NEW.last_list, NEW.new_hires, NEW.asked, NEW.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, NEW.workplace_id, COALESCE((SELECT w.sort_key FROM workplaces w WHERE w.id = NEW.workplace_id), ''), NEW.lists, NEW.last_list, NEW.new_hires, NEW.asked, NEW.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; END;
{{sqlite_only}}CREATE TRIGGER recruitment_periods_counts_update AFTER UPDATE ON recruitment_counts BEGIN INSERT INTO recruitment_period_counts (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined) SELECT p.days, NEW.unit_path, NEW.workplace_id, NEW.lists - OLD.lists, NEW.last_list, NEW.new_hires - OLD.new_hires, NEW.asked - OLD.asked, NEW.joined - OLD.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, 0, '', NEW.lists - OLD.lists, NEW.last_list, NEW.new_hires - OLD.new_hires, NEW.asked - OLD.asked, NEW.joined - OLD.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, NEW.workplace_id, COALESCE((SELECT w.sort_key FROM workplaces w WHERE w.id = NEW.workplace_id), ''), NEW.lists - OLD.lists, NEW.last_list, NEW.new_hires - OLD.new_hires, NEW.asked - OLD.asked, NEW.joined - OLD.joined FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; END;
{{sqlite_only}}CREATE TRIGGER recruitment_periods_counts_delete AFTER DELETE ON recruitment_counts BEGIN INSERT INTO recruitment_period_counts (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined) SELECT p.days, OLD.unit_path, OLD.workplace_id, -OLD.lists, 0, -OLD.new_hires, -OLD.asked, -OLD.joined FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, 0, '', -OLD.lists, 0, -OLD.new_hires, -OLD.asked, -OLD.joined FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_union_counts (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, OLD.workplace_id, COALESCE((SELECT w.sort_key FROM workplaces w WHERE w.id = OLD.workplace_id), ''), -OLD.lists, 0, -OLD.new_hires, -OLD.asked, -OLD.joined FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = lists + excluded.lists, last_list = max(last_list, excluded.last_list), new_hires = new_hires + excluded.new_hires, asked = asked + excluded.asked, joined = joined + excluded.joined; END;
{{sqlite_only}}CREATE TRIGGER recruitment_periods_waits_insert AFTER INSERT ON recruitment_waits BEGIN INSERT INTO recruitment_period_waits (days, unit_path, workplace_id, minutes, entries) SELECT p.days, NEW.unit_path, NEW.workplace_id, NEW.minutes, NEW.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, 0, NEW.minutes, NEW.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, NEW.workplace_id, NEW.minutes, NEW.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; END;
{{sqlite_only}}CREATE TRIGGER recruitment_periods_waits_update AFTER UPDATE ON recruitment_waits BEGIN INSERT INTO recruitment_period_waits (days, unit_path, workplace_id, minutes, entries) SELECT p.days, NEW.unit_path, NEW.workplace_id, NEW.minutes, NEW.entries - OLD.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, 0, NEW.minutes, NEW.entries - OLD.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, NEW.workplace_id, NEW.minutes, NEW.entries - OLD.entries FROM recruitment_periods p WHERE NEW.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; END;
{{sqlite_only}}CREATE TRIGGER recruitment_periods_waits_delete AFTER DELETE ON recruitment_waits BEGIN INSERT INTO recruitment_period_waits (days, unit_path, workplace_id, minutes, entries) SELECT p.days, OLD.unit_path, OLD.workplace_id, OLD.minutes, -OLD.entries FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, 0, OLD.minutes, -OLD.entries FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; INSERT INTO recruitment_union_waits (days, workplace_id, minutes, entries) SELECT p.days, OLD.workplace_id, OLD.minutes, -OLD.entries FROM recruitment_periods p WHERE OLD.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = entries + excluded.entries; END;
-- Workplace 0 counts the workplaces with a list or a new hire.
{{sqlite_only}}CREATE TRIGGER recruitment_union_workplaces_insert AFTER INSERT ON recruitment_union_counts WHEN NEW.workplace_id <> 0 AND (NEW.lists > 0 OR NEW.new_hires > 0) BEGIN UPDATE recruitment_union_counts SET workplaces = workplaces + 1 WHERE days = NEW.days AND workplace_id = 0; END;
{{sqlite_only}}CREATE TRIGGER recruitment_union_workplaces_update AFTER UPDATE OF lists, new_hires ON recruitment_union_counts WHEN NEW.workplace_id <> 0 AND (NEW.lists > 0 OR NEW.new_hires > 0) <> (OLD.lists > 0 OR OLD.new_hires > 0) BEGIN UPDATE recruitment_union_counts SET workplaces = workplaces + CASE WHEN NEW.lists > 0 OR NEW.new_hires > 0 THEN 1 ELSE -1 END WHERE days = NEW.days AND workplace_id = 0; END;
-- A workplace's median follows its histogram (one pass over its rows):
-- the wait at a position is the least whose running count exceeds it.
{{sqlite_only}}CREATE TRIGGER recruitment_union_median_insert AFTER INSERT ON recruitment_union_waits WHEN NEW.workplace_id <> 0 BEGIN UPDATE recruitment_union_counts SET (lo, hi) = (SELECT MIN(CASE WHEN cum > (tot - 1) / 2 THEN minutes END), MIN(CASE WHEN cum > tot / 2 THEN minutes END) FROM (SELECT minutes, CAST(SUM(entries) OVER (ORDER BY minutes) AS BIGINT) AS cum, CAST(SUM(entries) OVER () AS BIGINT) AS tot FROM recruitment_union_waits WHERE days = NEW.days AND workplace_id = NEW.workplace_id AND entries > 0) r) WHERE days = NEW.days AND workplace_id = NEW.workplace_id; END;
{{sqlite_only}}CREATE TRIGGER recruitment_union_median_update AFTER UPDATE OF entries ON recruitment_union_waits WHEN NEW.workplace_id <> 0 BEGIN UPDATE recruitment_union_counts SET (lo, hi) = (SELECT MIN(CASE WHEN cum > (tot - 1) / 2 THEN minutes END), MIN(CASE WHEN cum > tot / 2 THEN minutes END) FROM (SELECT minutes, CAST(SUM(entries) OVER (ORDER BY minutes) AS BIGINT) AS cum, CAST(SUM(entries) OVER () AS BIGINT) AS tot FROM recruitment_union_waits WHERE days = NEW.days AND workplace_id = NEW.workplace_id AND entries > 0) r) WHERE days = NEW.days AND workplace_id = NEW.workplace_id; END;
{{sqlite_only}}CREATE TRIGGER recruitment_union_sort_key AFTER UPDATE OF sort_key ON workplaces BEGIN UPDATE recruitment_union_counts SET sort_key = NEW.sort_key WHERE days IN (SELECT days FROM recruitment_periods) AND workplace_id = NEW.id; END;

{{pg_only}}CREATE FUNCTION recruitment_periods_add_counts(c recruitment_counts, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO recruitment_period_counts AS t (days, unit_path, workplace_id, lists, last_list, new_hires, asked, joined) SELECT p.days, c.unit_path, c.workplace_id, sign * c.lists, CASE WHEN sign > 0 THEN c.last_list ELSE 0 END, sign * c.new_hires, sign * c.asked, sign * c.joined FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id) DO UPDATE SET lists = t.lists + excluded.lists, last_list = greatest(t.last_list, excluded.last_list), new_hires = t.new_hires + excluded.new_hires, asked = t.asked + excluded.asked, joined = t.joined + excluded.joined; INSERT INTO recruitment_union_counts AS t (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, 0, '', sign * c.lists, CASE WHEN sign > 0 THEN c.last_list ELSE 0 END, sign * c.new_hires, sign * c.asked, sign * c.joined FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = t.lists + excluded.lists, last_list = greatest(t.last_list, excluded.last_list), new_hires = t.new_hires + excluded.new_hires, asked = t.asked + excluded.asked, joined = t.joined + excluded.joined; INSERT INTO recruitment_union_counts AS t (days, workplace_id, sort_key, lists, last_list, new_hires, asked, joined) SELECT p.days, c.workplace_id, COALESCE((SELECT w.sort_key FROM workplaces w WHERE w.id = c.workplace_id), ''), sign * c.lists, CASE WHEN sign > 0 THEN c.last_list ELSE 0 END, sign * c.new_hires, sign * c.asked, sign * c.joined FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, workplace_id) DO UPDATE SET lists = t.lists + excluded.lists, last_list = greatest(t.last_list, excluded.last_list), new_hires = t.new_hires + excluded.new_hires, asked = t.asked + excluded.asked, joined = t.joined + excluded.joined; END $$;
{{pg_only}}CREATE FUNCTION recruitment_periods_add_waits(c recruitment_waits, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO recruitment_period_waits AS t (days, unit_path, workplace_id, minutes, entries) SELECT p.days, c.unit_path, c.workplace_id, c.minutes, sign * c.entries FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, unit_path, workplace_id, minutes) DO UPDATE SET entries = t.entries + excluded.entries; INSERT INTO recruitment_union_waits AS t (days, workplace_id, minutes, entries) SELECT p.days, 0, c.minutes, sign * c.entries FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = t.entries + excluded.entries; INSERT INTO recruitment_union_waits AS t (days, workplace_id, minutes, entries) SELECT p.days, c.workplace_id, c.minutes, sign * c.entries FROM recruitment_periods p WHERE c.hour >= p.since_hour ON CONFLICT (days, workplace_id, minutes) DO UPDATE SET entries = t.entries + excluded.entries; END $$;
{{pg_only}}CREATE FUNCTION recruitment_periods_counts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM recruitment_periods_add_counts(OLD, -1); END IF; IF TG_OP <> 'DELETE' THEN PERFORM recruitment_periods_add_counts(NEW, 1); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_periods_counts_change AFTER INSERT OR DELETE OR UPDATE ON recruitment_counts FOR EACH ROW EXECUTE FUNCTION recruitment_periods_counts_trigger();
{{pg_only}}CREATE FUNCTION recruitment_periods_waits_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM recruitment_periods_add_waits(OLD, -1); END IF; IF TG_OP <> 'DELETE' THEN PERFORM recruitment_periods_add_waits(NEW, 1); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_periods_waits_change AFTER INSERT OR DELETE OR UPDATE ON recruitment_waits FOR EACH ROW EXECUTE FUNCTION recruitment_periods_waits_trigger();
{{pg_only}}CREATE FUNCTION recruitment_union_workplaces_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE had BOOLEAN := TG_OP = 'UPDATE' AND (OLD.lists > 0 OR OLD.new_hires > 0); has BOOLEAN := NEW.lists > 0 OR NEW.new_hires > 0; BEGIN IF NEW.workplace_id <> 0 AND had <> has THEN UPDATE recruitment_union_counts SET workplaces = workplaces + CASE WHEN has THEN 1 ELSE -1 END WHERE days = NEW.days AND workplace_id = 0; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_union_workplaces_change AFTER INSERT OR UPDATE OF lists, new_hires ON recruitment_union_counts FOR EACH ROW EXECUTE FUNCTION recruitment_union_workplaces_trigger();
{{pg_only}}CREATE FUNCTION recruitment_union_median_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.workplace_id <> 0 THEN UPDATE recruitment_union_counts SET (lo, hi) = (SELECT MIN(CASE WHEN cum > (tot - 1) / 2 THEN minutes END), MIN(CASE WHEN cum > tot / 2 THEN minutes END) FROM (SELECT minutes, CAST(SUM(entries) OVER (ORDER BY minutes) AS BIGINT) AS cum, CAST(SUM(entries) OVER () AS BIGINT) AS tot FROM recruitment_union_waits WHERE days = NEW.days AND workplace_id = NEW.workplace_id AND entries > 0) r) WHERE days = NEW.days AND workplace_id = NEW.workplace_id; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_union_median AFTER INSERT OR UPDATE OF entries ON recruitment_union_waits FOR EACH ROW EXECUTE FUNCTION recruitment_union_median_trigger();
{{pg_only}}CREATE FUNCTION recruitment_union_sort_key_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE recruitment_union_counts SET sort_key = NEW.sort_key WHERE days IN (SELECT days FROM recruitment_periods) AND workplace_id = NEW.id; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_union_sort_key AFTER UPDATE OF sort_key ON workplaces FOR EACH ROW EXECUTE FUNCTION recruitment_union_sort_key_trigger();

-- +goose Down
{{pg_only}}DROP TRIGGER recruitment_union_sort_key ON workplaces;
{{pg_only}}DROP FUNCTION recruitment_union_sort_key_trigger();
{{pg_only}}DROP TRIGGER recruitment_union_median ON recruitment_union_waits;
{{pg_only}}DROP FUNCTION recruitment_union_median_trigger();
{{pg_only}}DROP TRIGGER recruitment_union_workplaces_change ON recruitment_union_counts;
{{pg_only}}DROP FUNCTION recruitment_union_workplaces_trigger();
{{pg_only}}DROP TRIGGER recruitment_periods_waits_change ON recruitment_waits;
{{pg_only}}DROP FUNCTION recruitment_periods_waits_trigger();
{{pg_only}}DROP TRIGGER recruitment_periods_counts_change ON recruitment_counts;
{{pg_only}}DROP FUNCTION recruitment_periods_counts_trigger();
{{pg_only}}DROP FUNCTION recruitment_periods_add_waits(recruitment_waits, INTEGER);
{{pg_only}}DROP FUNCTION recruitment_periods_add_counts(recruitment_counts, INTEGER);
{{sqlite_only}}DROP TRIGGER recruitment_union_sort_key;
{{sqlite_only}}DROP TRIGGER recruitment_union_median_update;
{{sqlite_only}}DROP TRIGGER recruitment_union_median_insert;
{{sqlite_only}}DROP TRIGGER recruitment_union_workplaces_update;
{{sqlite_only}}DROP TRIGGER recruitment_union_workplaces_insert;
{{sqlite_only}}DROP TRIGGER recruitment_periods_waits_delete;
{{sqlite_only}}DROP TRIGGER recruitment_periods_waits_update;
{{sqlite_only}}DROP TRIGGER recruitment_periods_waits_insert;
{{sqlite_only}}DROP TRIGGER recruitment_periods_counts_delete;
{{sqlite_only}}DROP TRIGGER recruitment_periods_counts_update;
{{sqlite_only}}DROP TRIGGER recruitment_periods_counts_insert;
DROP TABLE recruitment_union_waits;
DROP TABLE recruitment_union_counts;
DROP TABLE recruitment_period_waits;
DROP TABLE recruitment_period_counts;
DROP TABLE recruitment_periods;
