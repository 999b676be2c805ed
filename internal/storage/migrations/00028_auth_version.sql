-- +goose Up
-- auth_version counts changes to who may do what: accounts, roles, their
-- portfolios, units' paths, workplaces' groups and sessions. Each server process keeps the
-- sessions and principals it has read in memory and checks this one row
-- every second, dropping them when it moved (authcache.go), so that a
-- disabled account or an ended role takes effect in every process within
-- seconds. A SQLite migration that rebuilds one of these tables must
-- create its triggers again.
--
-- SQLite has one writer, so a row does. On PostgreSQL a row would lock
-- every sign-in behind a register import's transaction; a sequence takes
-- no lock, but moves before the change is visible: entries read in
-- between are dropped by age (authMaxAge).
{{sqlite_only}}CREATE TABLE auth_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
{{sqlite_only}}INSERT INTO auth_version (id, version) VALUES (1, 0);
{{pg_only}}CREATE SEQUENCE auth_version;

{{sqlite_only}}CREATE TRIGGER auth_version_users_insert AFTER INSERT ON users BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_users_update AFTER UPDATE ON users BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_users_delete AFTER DELETE ON users BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_roles_insert AFTER INSERT ON roles BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_roles_update AFTER UPDATE ON roles BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_roles_delete AFTER DELETE ON roles BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_role_scopes_insert AFTER INSERT ON role_scopes BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_role_scopes_update AFTER UPDATE ON role_scopes BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_role_scopes_delete AFTER DELETE ON role_scopes BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_org_units_update AFTER UPDATE OF path, kind ON org_units BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_workplaces_insert AFTER INSERT ON workplaces BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_workplaces_update AFTER UPDATE OF unit_id, parent_orgnr ON workplaces BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_workplaces_delete AFTER DELETE ON workplaces BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_sessions_insert AFTER INSERT ON sessions BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_sessions_update AFTER UPDATE ON sessions BEGIN UPDATE auth_version SET version = version + 1; END;
{{sqlite_only}}CREATE TRIGGER auth_version_sessions_delete AFTER DELETE ON sessions BEGIN UPDATE auth_version SET version = version + 1; END;

{{pg_only}}CREATE FUNCTION auth_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('auth_version'); RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER auth_version_users AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
{{pg_only}}CREATE TRIGGER auth_version_roles AFTER INSERT OR UPDATE OR DELETE ON roles FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
{{pg_only}}CREATE TRIGGER auth_version_role_scopes AFTER INSERT OR UPDATE OR DELETE ON role_scopes FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
{{pg_only}}CREATE TRIGGER auth_version_org_units AFTER UPDATE OF path, kind ON org_units FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
{{pg_only}}CREATE TRIGGER auth_version_workplaces AFTER INSERT OR DELETE OR UPDATE OF unit_id, parent_orgnr ON workplaces FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
{{pg_only}}CREATE TRIGGER auth_version_sessions AFTER INSERT OR UPDATE OR DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();

-- +goose Down
{{pg_only}}DROP TRIGGER auth_version_sessions ON sessions;
{{pg_only}}DROP TRIGGER auth_version_workplaces ON workplaces;
{{pg_only}}DROP TRIGGER auth_version_org_units ON org_units;
{{pg_only}}DROP TRIGGER auth_version_role_scopes ON role_scopes;
{{pg_only}}DROP TRIGGER auth_version_roles ON roles;
{{pg_only}}DROP TRIGGER auth_version_users ON users;
{{pg_only}}DROP FUNCTION auth_version_bump();
{{sqlite_only}}DROP TRIGGER auth_version_sessions_delete;
{{sqlite_only}}DROP TRIGGER auth_version_sessions_update;
{{sqlite_only}}DROP TRIGGER auth_version_sessions_insert;
{{sqlite_only}}DROP TRIGGER auth_version_workplaces_delete;
{{sqlite_only}}DROP TRIGGER auth_version_workplaces_update;
{{sqlite_only}}DROP TRIGGER auth_version_workplaces_insert;
{{sqlite_only}}DROP TRIGGER auth_version_org_units_update;
{{sqlite_only}}DROP TRIGGER auth_version_role_scopes_delete;
{{sqlite_only}}DROP TRIGGER auth_version_role_scopes_update;
{{sqlite_only}}DROP TRIGGER auth_version_role_scopes_insert;
{{sqlite_only}}DROP TRIGGER auth_version_roles_delete;
{{sqlite_only}}DROP TRIGGER auth_version_roles_update;
{{sqlite_only}}DROP TRIGGER auth_version_roles_insert;
{{sqlite_only}}DROP TRIGGER auth_version_users_delete;
{{sqlite_only}}DROP TRIGGER auth_version_users_update;
{{sqlite_only}}DROP TRIGGER auth_version_users_insert;
{{sqlite_only}}DROP TABLE auth_version;
{{pg_only}}DROP SEQUENCE auth_version;
