-- +goose Up
-- Home's figures for a union-wide or large-subtree reader as a read of a
-- few rows (issue 15).
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).

-- subtree_counts: per unit path P below the root ('/1/4/', '/1/4/17/' …),
-- the members (status active or arrears) of every unit path that begins
-- with P: the members of the unit at P and all below it; per root path
-- ('/1/') the members of the root itself. depth is P's number of
-- segments. A subtree's members are its row, the union's the sum of its
-- root's and its regions' rows (depth up to 2), so that no row counts
-- every change: PostgreSQL keeps every version of a row a transaction
-- updates, and the n-th update of one row in a transaction walks the n
-- before it (10,000 updates of one row in one transaction took 1.9 s,
-- 40,000 33 s); a register load changes members one statement at a time.
-- Kept by triggers on persons named person_counts_…, so that the
-- register's first load drops them with 00021's and counts afresh; the
-- daily aggregates job counts them afresh too.
CREATE TABLE subtree_counts (
    path {{text_c}} PRIMARY KEY,
    depth INTEGER NOT NULL,
    members BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX subtree_counts_depth ON subtree_counts(depth, path);

-- SQLite: a path's prefixes are its segments (json_each of the path split
-- at '/'), each prefix as long as the segments up to it. A trigger per
-- person changed, updating in place.
{{sqlite_only}}INSERT INTO subtree_counts (path, depth, members) SELECT path, depth, SUM(members) FROM (SELECT substr(c.unit_path, 1, 1 + sum(length(j.value) + 1) OVER (PARTITION BY c.unit_path, c.workplace_id ORDER BY j.key)) AS path, j.key + 1 AS depth, count(*) OVER (PARTITION BY c.unit_path, c.workplace_id) AS n, c.members FROM person_counts c, json_each('["' || replace(trim(c.unit_path, '/'), '/', '","') || '"]') j WHERE j.value <> '') p WHERE depth >= 2 OR depth = n GROUP BY path, depth HAVING SUM(members) <> 0;
{{sqlite_only}}CREATE TRIGGER person_counts_subtree_insert AFTER INSERT ON persons WHEN NEW.member_status IN ('active', 'arrears') BEGIN INSERT INTO subtree_counts (path, depth, members) SELECT path, depth, 1 FROM (SELECT substr(NEW.unit_path, 1, 1 + sum(length(value) + 1) OVER (ORDER BY key)) AS path, key + 1 AS depth, count(*) OVER () AS n FROM json_each('["' || replace(trim(NEW.unit_path, '/'), '/', '","') || '"]') WHERE value <> '') WHERE depth >= 2 OR depth = n ON CONFLICT (path) DO UPDATE SET members = members + excluded.members; END;
{{sqlite_only}}CREATE TRIGGER person_counts_subtree_delete AFTER DELETE ON persons WHEN OLD.member_status IN ('active', 'arrears') BEGIN INSERT INTO subtree_counts (path, depth, members) SELECT path, depth, -1 FROM (SELECT substr(OLD.unit_path, 1, 1 + sum(length(value) + 1) OVER (ORDER BY key)) AS path, key + 1 AS depth, count(*) OVER () AS n FROM json_each('["' || replace(trim(OLD.unit_path, '/'), '/', '","') || '"]') WHERE value <> '') WHERE depth >= 2 OR depth = n ON CONFLICT (path) DO UPDATE SET members = members + excluded.members; END;
{{sqlite_only}}CREATE TRIGGER person_counts_subtree_update AFTER UPDATE OF unit_path, member_status ON persons WHEN (OLD.member_status IN ('active', 'arrears')) <> (NEW.member_status IN ('active', 'arrears')) OR (NEW.member_status IN ('active', 'arrears') AND OLD.unit_path <> NEW.unit_path) BEGIN INSERT INTO subtree_counts (path, depth, members) SELECT path, depth, -1 FROM (SELECT substr(OLD.unit_path, 1, 1 + sum(length(value) + 1) OVER (ORDER BY key)) AS path, key + 1 AS depth, count(*) OVER () AS n FROM json_each('["' || replace(trim(OLD.unit_path, '/'), '/', '","') || '"]') WHERE value <> '') WHERE (depth >= 2 OR depth = n) AND OLD.member_status IN ('active', 'arrears') ON CONFLICT (path) DO UPDATE SET members = members + excluded.members; INSERT INTO subtree_counts (path, depth, members) SELECT path, depth, 1 FROM (SELECT substr(NEW.unit_path, 1, 1 + sum(length(value) + 1) OVER (ORDER BY key)) AS path, key + 1 AS depth, count(*) OVER () AS n FROM json_each('["' || replace(trim(NEW.unit_path, '/'), '/', '","') || '"]') WHERE value <> '') WHERE (depth >= 2 OR depth = n) AND NEW.member_status IN ('active', 'arrears') ON CONFLICT (path) DO UPDATE SET members = members + excluded.members; END;

-- PostgreSQL: statement triggers with transition tables, one upsert per
-- prefix per statement (a seed's or a move's many rows at once).
{{pg_only}}CREATE FUNCTION subtree_prefixes(p TEXT) RETURNS TABLE (path TEXT, depth INTEGER) LANGUAGE sql IMMUTABLE AS $$ SELECT '/' || array_to_string(a.s[1:i], '/') || '/', i FROM (SELECT string_to_array(trim(both '/' from p), '/') AS s) a, generate_subscripts(a.s, 1) AS i WHERE i >= 2 OR i = array_length(a.s, 1) $$;
{{pg_only}}INSERT INTO subtree_counts (path, depth, members) SELECT x.path, x.depth, SUM(c.members) FROM person_counts c, subtree_prefixes(c.unit_path) x GROUP BY x.path, x.depth HAVING SUM(c.members) <> 0;
{{pg_only}}CREATE FUNCTION person_counts_subtree_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN INSERT INTO subtree_counts AS c (path, depth, members) SELECT x.path, x.depth, count(*) FROM new_rows n, subtree_prefixes(n.unit_path) x WHERE n.member_status IN ('active', 'arrears') GROUP BY x.path, x.depth ON CONFLICT (path) DO UPDATE SET members = c.members + excluded.members; ELSIF TG_OP = 'DELETE' THEN INSERT INTO subtree_counts AS c (path, depth, members) SELECT x.path, x.depth, -count(*) FROM old_rows o, subtree_prefixes(o.unit_path) x WHERE o.member_status IN ('active', 'arrears') GROUP BY x.path, x.depth ON CONFLICT (path) DO UPDATE SET members = c.members + excluded.members; ELSE INSERT INTO subtree_counts AS c (path, depth, members) SELECT x.path, x.depth, SUM(d.sign) FROM (SELECT o.unit_path, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.member_status IN ('active', 'arrears') AND (n.member_status NOT IN ('active', 'arrears') OR n.unit_path <> o.unit_path) UNION ALL SELECT n.unit_path, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.member_status IN ('active', 'arrears') AND (o.member_status NOT IN ('active', 'arrears') OR n.unit_path <> o.unit_path)) d, subtree_prefixes(d.unit_path) x GROUP BY x.path, x.depth HAVING SUM(d.sign) <> 0 ON CONFLICT (path) DO UPDATE SET members = c.members + excluded.members; END IF; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER person_counts_subtree_insert AFTER INSERT ON persons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_counts_subtree_trigger();
{{pg_only}}CREATE TRIGGER person_counts_subtree_delete AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_counts_subtree_trigger();
{{pg_only}}CREATE TRIGGER person_counts_subtree_update AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_counts_subtree_trigger();

-- steward_counts.covered: the unit's workplaces that have a shop steward
-- of their own (a role on the workplace) in office on
-- steward_counts_day.day, which home counted per unit on request. The
-- role triggers of 00024 count it with the unit's stewards.
ALTER TABLE steward_counts ADD COLUMN covered BIGINT NOT NULL DEFAULT 0;
UPDATE steward_counts SET covered = (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = steward_counts.unit_id AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)));
{{sqlite_only}}DROP TRIGGER steward_counts_role_new;
{{sqlite_only}}DROP TRIGGER steward_counts_role_update;
{{sqlite_only}}DROP TRIGGER steward_counts_role_delete;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_new AFTER INSERT ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards, covered) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))), (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards, covered = excluded.covered; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_update AFTER UPDATE OF unit_id, workplace_id, role, end_date ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards, covered) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))), (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards, covered = excluded.covered; UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))), covered = (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_delete AFTER DELETE ON roles BEGIN UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))), covered = (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;
{{pg_only}}CREATE OR REPLACE FUNCTION steward_counts_recount(unit BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO steward_counts AS c (unit_id, stewards, covered) VALUES (unit, (SELECT count(*) FROM roles r WHERE r.unit_id = unit AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))), (SELECT count(DISTINCT r.workplace_id) FROM roles r WHERE r.unit_id = unit AND r.workplace_id IS NOT NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards, covered = excluded.covered $$;
{{pg_only}}DROP TRIGGER steward_counts_role_change ON roles;
{{pg_only}}CREATE TRIGGER steward_counts_role_change AFTER INSERT OR DELETE OR UPDATE OF unit_id, workplace_id, role, end_date ON roles FOR EACH ROW EXECUTE FUNCTION steward_counts_role_trigger();

-- +goose Down
{{pg_only}}DROP TRIGGER steward_counts_role_change ON roles;
{{pg_only}}CREATE TRIGGER steward_counts_role_change AFTER INSERT OR DELETE OR UPDATE OF unit_id, role, end_date ON roles FOR EACH ROW EXECUTE FUNCTION steward_counts_role_trigger();
{{pg_only}}CREATE OR REPLACE FUNCTION steward_counts_recount(unit BIGINT) RETURNS void LANGUAGE sql AS $$ INSERT INTO steward_counts AS c (unit_id, stewards) VALUES (unit, (SELECT count(*) FROM roles r WHERE r.unit_id = unit AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards $$;
{{sqlite_only}}DROP TRIGGER steward_counts_role_new;
{{sqlite_only}}DROP TRIGGER steward_counts_role_update;
{{sqlite_only}}DROP TRIGGER steward_counts_role_delete;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_new AFTER INSERT ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_update AFTER UPDATE OF unit_id, role, end_date ON roles BEGIN INSERT INTO steward_counts (unit_id, stewards) VALUES (NEW.unit_id, (SELECT count(*) FROM roles r WHERE r.unit_id = NEW.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day)))) ON CONFLICT (unit_id) DO UPDATE SET stewards = excluded.stewards; UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;
{{sqlite_only}}CREATE TRIGGER steward_counts_role_delete AFTER DELETE ON roles BEGIN UPDATE steward_counts SET stewards = (SELECT count(*) FROM roles r WHERE r.unit_id = OLD.unit_id AND r.workplace_id IS NULL AND r.role IN ('shop_steward', 'chief_shop_steward') AND (r.end_date IS NULL OR r.end_date > (SELECT day FROM steward_counts_day))) WHERE unit_id = OLD.unit_id; END;
ALTER TABLE steward_counts DROP COLUMN covered;
{{pg_only}}DROP TRIGGER person_counts_subtree_update ON persons;
{{pg_only}}DROP TRIGGER person_counts_subtree_delete ON persons;
{{pg_only}}DROP TRIGGER person_counts_subtree_insert ON persons;
{{pg_only}}DROP FUNCTION person_counts_subtree_trigger();
{{pg_only}}DROP FUNCTION subtree_prefixes(TEXT);
{{sqlite_only}}DROP TRIGGER person_counts_subtree_update;
{{sqlite_only}}DROP TRIGGER person_counts_subtree_delete;
{{sqlite_only}}DROP TRIGGER person_counts_subtree_insert;
DROP TABLE subtree_counts;
