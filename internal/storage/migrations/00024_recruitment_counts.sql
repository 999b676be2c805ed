-- +goose Up
-- More figures kept current (issue 15): the recruitment page's per
-- workplace and hour, and the steward count per unit behind home's
-- "workplaces without a steward". Triggers keep them in the transaction
-- of whatever change (an import, an outcome, a merge, an erasure, a
-- role); the daily job (RebuildDailyCounts, storage/aggregates.go)
-- counts them afresh and moves steward_counts_day to today: the pages read
-- them only when it has run today.
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).

-- recruitment_counts: per unit path, workplace and UTC hour (hours since
-- 1970) the lists received and the latest of them, and the new hires who
-- entered the pipeline then, how many were asked and how many joined.
-- The page's periods start at midnight in Oslo, always a whole UTC hour.
-- SQLite holds times as Go writes them, in UTC: their first 19
-- characters are what strftime reads.
CREATE TABLE recruitment_counts (
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    lists BIGINT NOT NULL DEFAULT 0,
    last_list BIGINT NOT NULL DEFAULT 0, -- seconds since 1970, 0 for none
    new_hires BIGINT NOT NULL DEFAULT 0,
    asked BIGINT NOT NULL DEFAULT 0,
    joined BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_path, workplace_id, hour)
);
CREATE INDEX recruitment_counts_hour ON recruitment_counts(hour);
-- recruitment_waits: how many of those asked waited how many whole
-- minutes from their start date (or entry) to the first contact: the
-- histogram the median days are read from.
CREATE TABLE recruitment_waits (
    unit_path {{text_c}} NOT NULL,
    workplace_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    entries BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_path, workplace_id, hour, minutes)
);
CREATE INDEX recruitment_waits_hour ON recruitment_waits(hour);


{{sqlite_only}}CREATE TRIGGER recruitment_imports_insert AFTER INSERT ON imports BEGIN INSERT INTO recruitment_counts (unit_path, workplace_id, hour, lists, last_list) VALUES (NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, 1, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER)) ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET lists = lists + 1, last_list = max(last_list, excluded.last_list); END;
{{sqlite_only}}CREATE TRIGGER recruitment_imports_delete AFTER DELETE ON imports BEGIN UPDATE recruitment_counts SET lists = lists - 1 WHERE unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600; END;
{{sqlite_only}}CREATE TRIGGER recruitment_imports_update AFTER UPDATE OF unit_path, workplace_id, created_at ON imports BEGIN UPDATE recruitment_counts SET lists = lists - 1 WHERE unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600; INSERT INTO recruitment_counts (unit_path, workplace_id, hour, lists, last_list) VALUES (NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, 1, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER)) ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET lists = lists + 1, last_list = max(last_list, excluded.last_list); END;
{{sqlite_only}}CREATE TRIGGER recruitment_pipeline_add AFTER INSERT ON pipeline WHEN NEW.kind = 'newhire' BEGIN INSERT INTO recruitment_counts (unit_path, workplace_id, hour, new_hires, asked, joined) VALUES (NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, 1, NEW.first_contact_at IS NOT NULL, NEW.outcome = 'joined') ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET new_hires = new_hires + 1, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_waits (unit_path, workplace_id, hour, minutes, entries) SELECT NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, max(0, (CAST(strftime('%s', substr(NEW.first_contact_at, 1, 19)) AS INTEGER) - CAST(strftime('%s', substr(COALESCE(NEW.start_date, NEW.created_at), 1, 19)) AS INTEGER)) / 60), 1 WHERE NEW.first_contact_at IS NOT NULL ON CONFLICT (unit_path, workplace_id, hour, minutes) DO UPDATE SET entries = entries + 1; END;
{{sqlite_only}}CREATE TRIGGER recruitment_pipeline_remove AFTER DELETE ON pipeline WHEN OLD.kind = 'newhire' BEGIN UPDATE recruitment_counts SET new_hires = new_hires - 1, asked = asked - (OLD.first_contact_at IS NOT NULL), joined = joined - (OLD.outcome = 'joined') WHERE unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600; UPDATE recruitment_waits SET entries = entries - 1 WHERE OLD.first_contact_at IS NOT NULL AND unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600 AND minutes = max(0, (CAST(strftime('%s', substr(OLD.first_contact_at, 1, 19)) AS INTEGER) - CAST(strftime('%s', substr(COALESCE(OLD.start_date, OLD.created_at), 1, 19)) AS INTEGER)) / 60); END;
{{sqlite_only}}CREATE TRIGGER recruitment_pipeline_update_old AFTER UPDATE OF unit_path, workplace_id, kind, start_date, created_at, first_contact_at, outcome ON pipeline WHEN OLD.kind = 'newhire' BEGIN UPDATE recruitment_counts SET new_hires = new_hires - 1, asked = asked - (OLD.first_contact_at IS NOT NULL), joined = joined - (OLD.outcome = 'joined') WHERE unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600; UPDATE recruitment_waits SET entries = entries - 1 WHERE OLD.first_contact_at IS NOT NULL AND unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = CAST(strftime('%s', substr(OLD.created_at, 1, 19)) AS INTEGER) / 3600 AND minutes = max(0, (CAST(strftime('%s', substr(OLD.first_contact_at, 1, 19)) AS INTEGER) - CAST(strftime('%s', substr(COALESCE(OLD.start_date, OLD.created_at), 1, 19)) AS INTEGER)) / 60); END;
{{sqlite_only}}CREATE TRIGGER recruitment_pipeline_update_new AFTER UPDATE OF unit_path, workplace_id, kind, start_date, created_at, first_contact_at, outcome ON pipeline WHEN NEW.kind = 'newhire' BEGIN INSERT INTO recruitment_counts (unit_path, workplace_id, hour, new_hires, asked, joined) VALUES (NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, 1, NEW.first_contact_at IS NOT NULL, NEW.outcome = 'joined') ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET new_hires = new_hires + 1, asked = asked + excluded.asked, joined = joined + excluded.joined; INSERT INTO recruitment_waits (unit_path, workplace_id, hour, minutes, entries) SELECT NEW.unit_path, NEW.workplace_id, CAST(strftime('%s', substr(NEW.created_at, 1, 19)) AS INTEGER) / 3600, max(0, (CAST(strftime('%s', substr(NEW.first_contact_at, 1, 19)) AS INTEGER) - CAST(strftime('%s', substr(COALESCE(NEW.start_date, NEW.created_at), 1, 19)) AS INTEGER)) / 60), 1 WHERE NEW.first_contact_at IS NOT NULL ON CONFLICT (unit_path, workplace_id, hour, minutes) DO UPDATE SET entries = entries + 1; END;

{{pg_only}}CREATE FUNCTION recruitment_imports_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE recruitment_counts SET lists = lists - 1 WHERE unit_path = OLD.unit_path AND workplace_id = OLD.workplace_id AND hour = floor(extract(epoch FROM OLD.created_at) / 3600)::bigint; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO recruitment_counts AS c (unit_path, workplace_id, hour, lists, last_list) VALUES (NEW.unit_path, NEW.workplace_id, floor(extract(epoch FROM NEW.created_at) / 3600)::bigint, 1, floor(extract(epoch FROM NEW.created_at))::bigint) ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET lists = c.lists + 1, last_list = greatest(c.last_list, excluded.last_list); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_imports_change AFTER INSERT OR DELETE OR UPDATE OF unit_path, workplace_id, created_at ON imports FOR EACH ROW EXECUTE FUNCTION recruitment_imports_trigger();
{{pg_only}}CREATE FUNCTION recruitment_pipeline_add(e pipeline, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$ DECLARE h BIGINT := floor(extract(epoch FROM e.created_at) / 3600)::bigint; BEGIN IF e.kind <> 'newhire' THEN RETURN; END IF; INSERT INTO recruitment_counts AS c (unit_path, workplace_id, hour, new_hires, asked, joined) VALUES (e.unit_path, e.workplace_id, h, sign, CASE WHEN e.first_contact_at IS NOT NULL THEN sign ELSE 0 END, CASE WHEN e.outcome = 'joined' THEN sign ELSE 0 END) ON CONFLICT (unit_path, workplace_id, hour) DO UPDATE SET new_hires = c.new_hires + excluded.new_hires, asked = c.asked + excluded.asked, joined = c.joined + excluded.joined; IF e.first_contact_at IS NOT NULL THEN INSERT INTO recruitment_waits AS w (unit_path, workplace_id, hour, minutes, entries) VALUES (e.unit_path, e.workplace_id, h, greatest(0, floor(extract(epoch FROM e.first_contact_at - COALESCE(e.start_date::timestamp AT TIME ZONE 'UTC', e.created_at)) / 60))::bigint, sign) ON CONFLICT (unit_path, workplace_id, hour, minutes) DO UPDATE SET entries = w.entries + excluded.entries; END IF; END $$;
{{pg_only}}CREATE FUNCTION recruitment_pipeline_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM recruitment_pipeline_add(OLD, -1); END IF; IF TG_OP <> 'DELETE' THEN PERFORM recruitment_pipeline_add(NEW, 1); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER recruitment_pipeline_change AFTER INSERT OR DELETE OR UPDATE OF unit_path, workplace_id, kind, start_date, created_at, first_contact_at, outcome ON pipeline FOR EACH ROW EXECUTE FUNCTION recruitment_pipeline_trigger();

-- steward_counts: per org unit its workplaces and the shop stewards in
-- office on steward_counts_day.day (a role ending on a later day).
CREATE TABLE steward_counts (
    unit_id BIGINT PRIMARY KEY,
    workplaces BIGINT NOT NULL DEFAULT 0,
    stewards BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE steward_counts_day (
    day DATE NOT NULL
);
-- Counted first by the daily job: until it has run for today the pages
-- count on request.
{{sqlite_only}}INSERT INTO steward_counts_day (day) VALUES ('1970-01-01 00:00:00+00:00');
{{pg_only}}INSERT INTO steward_counts_day (day) VALUES ('1970-01-01');

{{sqlite_only}}CREATE TRIGGER steward_counts_workplace_insert AFTER INSERT ON workplaces BEGIN INSERT INTO steward_counts (unit_id, workplaces) VALUES (NEW.unit_id, 1) ON CONFLICT (unit_id) DO UPDATE SET workplaces = workplaces + 1; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_workplace_delete AFTER DELETE ON workplaces BEGIN UPDATE steward_counts SET workplaces = workplaces - 1 WHERE unit_id = OLD.unit_id; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_workplace_update AFTER UPDATE OF unit_id ON workplaces BEGIN UPDATE steward_counts SET workplaces = workplaces - 1 WHERE unit_id = OLD.unit_id; INSERT INTO steward_counts (unit_id, workplaces) VALUES (NEW.unit_id, 1) ON CONFLICT (unit_id) DO UPDATE SET workplaces = workplaces + 1; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_new AFTER INSERT ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_update AFTER UPDATE OF unit_id, role, end_date ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards; UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_delete AFTER DELETE ON roles BEGIN UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;

{{pg_only}}CREATE FUNCTION steward_counts_recount(unit BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO steward_counts AS c (unit_id, stewards) VALUES (unit, (SELECT count(*) FROM roles r WHERE r.unit_id = unit AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards $$;
{{pg_only}}CREATE FUNCTION steward_counts_role_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN PERFORM steward_counts_recount(OLD.unit_id); END IF; IF TG_OP <> 'DELETE' THEN PERFORM steward_counts_recount(NEW.unit_id); END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER steward_counts_role_change AFTER INSERT OR DELETE OR UPDATE OF unit_id, role, end_date ON roles FOR EACH ROW EXECUTE FUNCTION steward_counts_role_trigger();
{{pg_only}}CREATE FUNCTION steward_counts_workplace_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN UPDATE steward_counts SET workplaces = workplaces - 1 WHERE unit_id = OLD.unit_id; END IF; IF TG_OP <> 'DELETE' THEN INSERT INTO steward_counts AS c (unit_id, workplaces) VALUES (NEW.unit_id, 1) ON CONFLICT (unit_id) DO UPDATE SET workplaces = c.workplaces + 1; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER steward_counts_workplace_change AFTER INSERT OR DELETE OR UPDATE OF unit_id ON workplaces FOR EACH ROW EXECUTE FUNCTION steward_counts_workplace_trigger();

-- +goose Down
{{pg_only}}DROP TRIGGER steward_counts_workplace_change ON workplaces;
{{pg_only}}DROP FUNCTION steward_counts_workplace_trigger();
{{pg_only}}DROP TRIGGER steward_counts_role_change ON roles;
{{pg_only}}DROP FUNCTION steward_counts_role_trigger();
{{pg_only}}DROP FUNCTION steward_counts_recount(BIGINT);
{{sqlite_only}}DROP TRIGGER steward_counts_role_delete;
{{sqlite_only}}DROP TRIGGER steward_counts_role_update;
{{sqlite_only}}DROP TRIGGER steward_counts_role_new;
{{sqlite_only}}DROP TRIGGER steward_counts_workplace_update;
{{sqlite_only}}DROP TRIGGER steward_counts_workplace_delete;
{{sqlite_only}}DROP TRIGGER steward_counts_workplace_insert;
DROP TABLE steward_counts_day;
DROP TABLE steward_counts;
{{pg_only}}DROP TRIGGER recruitment_pipeline_change ON pipeline;
{{pg_only}}DROP FUNCTION recruitment_pipeline_trigger();
{{pg_only}}DROP FUNCTION recruitment_pipeline_add(pipeline, INTEGER);
{{pg_only}}DROP TRIGGER recruitment_imports_change ON imports;
{{pg_only}}DROP FUNCTION recruitment_imports_trigger();
{{sqlite_only}}DROP TRIGGER recruitment_pipeline_update_new;
{{sqlite_only}}DROP TRIGGER recruitment_pipeline_update_old;
{{sqlite_only}}DROP TRIGGER recruitment_pipeline_remove;
{{sqlite_only}}DROP TRIGGER recruitment_pipeline_add;
{{sqlite_only}}DROP TRIGGER recruitment_imports_update;
{{sqlite_only}}DROP TRIGGER recruitment_imports_delete;
{{sqlite_only}}DROP TRIGGER recruitment_imports_insert;
DROP TABLE recruitment_waits;
DROP TABLE recruitment_counts;
