-- +goose Up
-- Typed values (issue 11): every other column holding one of a fixed set
-- of words is checked against its list in Go, as 00013 did for
-- memberships.source and contacts.kind, and the same way: CHECK
-- constraints on PostgreSQL, triggers on INSERT and UPDATE of the column
-- on SQLite (which cannot add a CHECK without rebuilding the table). The
-- lists are model.UnitKinds, model.MembershipStatuses (with '' on persons,
-- a person who never was a member), model.MembershipTypes, model.Roles,
-- model.TaskKinds, model.TaskStatuses, storage.ImportKinds,
-- pipeline.Entries, pipeline.Closing (with '' for an open entry),
-- model.MatchSources, model.MatchKeys and model.MatchDecisions (with ''
-- for an open pair); values_test.go holds them to each other. A new value
-- in Go needs a migration that replaces the constraint and the triggers.
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).

{{pg_only}}ALTER TABLE org_units ADD CONSTRAINT org_units_kind_check CHECK (kind IN ('union', 'region', 'branch', 'club'));
{{pg_only}}ALTER TABLE persons ADD CONSTRAINT persons_member_status_check CHECK (member_status IN ('', 'prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted'));
{{pg_only}}ALTER TABLE memberships ADD CONSTRAINT memberships_type_check CHECK (type IN ('ordinary', 'student', 'retired', 'trainee'));
{{pg_only}}ALTER TABLE memberships ADD CONSTRAINT memberships_status_check CHECK (status IN ('prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted'));
{{pg_only}}ALTER TABLE roles ADD CONSTRAINT roles_role_check CHECK (role IN ('shop_steward', 'chief_shop_steward', 'club_leader', 'study_leader', 'recruitment_coordinator', 'advisor', 'board_member', 'union_admin', 'safety_rep'));
{{pg_only}}ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('welcome', 'ask', 'follow_up', 'convert', 'winback', 'dues_call', 'member_started'));
{{pg_only}}ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN ('open', 'done', 'cancelled'));
{{pg_only}}ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('newhires', 'staff'));
{{pg_only}}ALTER TABLE pipeline ADD CONSTRAINT pipeline_kind_check CHECK (kind IN ('newhire', 'unorganised'));
{{pg_only}}ALTER TABLE pipeline ADD CONSTRAINT pipeline_outcome_check CHECK (outcome IN ('', 'declined', 'joined', 'left'));
{{pg_only}}ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_source_check CHECK (source IN ('import', 'join'));
{{pg_only}}ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_match_check CHECK (match IN ('fnr', 'email', 'workplace', 'mobile', 'name_birth'));
{{pg_only}}ALTER TABLE match_candidates ADD CONSTRAINT match_candidates_decision_check CHECK (decision IN ('', 'merge', 'distinct'));
{{pg_only}}ALTER TABLE applications ADD CONSTRAINT applications_type_check CHECK (type IN ('ordinary', 'student', 'retired', 'trainee'));
{{sqlite_only}}CREATE TRIGGER org_units_kind_insert BEFORE INSERT ON org_units WHEN NEW.kind NOT IN ('union', 'region', 'branch', 'club') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: org_units_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER org_units_kind_update BEFORE UPDATE OF kind ON org_units WHEN NEW.kind NOT IN ('union', 'region', 'branch', 'club') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: org_units_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER persons_member_status_insert BEFORE INSERT ON persons WHEN NEW.member_status NOT IN ('', 'prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: persons_member_status_check'); END;
{{sqlite_only}}CREATE TRIGGER persons_member_status_update BEFORE UPDATE OF member_status ON persons WHEN NEW.member_status NOT IN ('', 'prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: persons_member_status_check'); END;
{{sqlite_only}}CREATE TRIGGER memberships_type_insert BEFORE INSERT ON memberships WHEN NEW.type NOT IN ('ordinary', 'student', 'retired', 'trainee') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_type_check'); END;
{{sqlite_only}}CREATE TRIGGER memberships_type_update BEFORE UPDATE OF type ON memberships WHEN NEW.type NOT IN ('ordinary', 'student', 'retired', 'trainee') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_type_check'); END;
{{sqlite_only}}CREATE TRIGGER memberships_status_insert BEFORE INSERT ON memberships WHEN NEW.status NOT IN ('prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_status_check'); END;
{{sqlite_only}}CREATE TRIGGER memberships_status_update BEFORE UPDATE OF status ON memberships WHEN NEW.status NOT IN ('prospect', 'active', 'arrears', 'resigned', 'removed', 'pending', 'rejected', 'merged', 'converted') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_status_check'); END;
{{sqlite_only}}CREATE TRIGGER roles_role_insert BEFORE INSERT ON roles WHEN NEW.role NOT IN ('shop_steward', 'chief_shop_steward', 'club_leader', 'study_leader', 'recruitment_coordinator', 'advisor', 'board_member', 'union_admin', 'safety_rep') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: roles_role_check'); END;
{{sqlite_only}}CREATE TRIGGER roles_role_update BEFORE UPDATE OF role ON roles WHEN NEW.role NOT IN ('shop_steward', 'chief_shop_steward', 'club_leader', 'study_leader', 'recruitment_coordinator', 'advisor', 'board_member', 'union_admin', 'safety_rep') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: roles_role_check'); END;
{{sqlite_only}}CREATE TRIGGER tasks_kind_insert BEFORE INSERT ON tasks WHEN NEW.kind NOT IN ('welcome', 'ask', 'follow_up', 'convert', 'winback', 'dues_call', 'member_started') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER tasks_kind_update BEFORE UPDATE OF kind ON tasks WHEN NEW.kind NOT IN ('welcome', 'ask', 'follow_up', 'convert', 'winback', 'dues_call', 'member_started') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER tasks_status_insert BEFORE INSERT ON tasks WHEN NEW.status NOT IN ('open', 'done', 'cancelled') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_status_check'); END;
{{sqlite_only}}CREATE TRIGGER tasks_status_update BEFORE UPDATE OF status ON tasks WHEN NEW.status NOT IN ('open', 'done', 'cancelled') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: tasks_status_check'); END;
{{sqlite_only}}CREATE TRIGGER imports_kind_insert BEFORE INSERT ON imports WHEN NEW.kind NOT IN ('newhires', 'staff') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: imports_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER imports_kind_update BEFORE UPDATE OF kind ON imports WHEN NEW.kind NOT IN ('newhires', 'staff') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: imports_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER pipeline_kind_insert BEFORE INSERT ON pipeline WHEN NEW.kind NOT IN ('newhire', 'unorganised') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: pipeline_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER pipeline_kind_update BEFORE UPDATE OF kind ON pipeline WHEN NEW.kind NOT IN ('newhire', 'unorganised') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: pipeline_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER pipeline_outcome_insert BEFORE INSERT ON pipeline WHEN NEW.outcome NOT IN ('', 'declined', 'joined', 'left') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: pipeline_outcome_check'); END;
{{sqlite_only}}CREATE TRIGGER pipeline_outcome_update BEFORE UPDATE OF outcome ON pipeline WHEN NEW.outcome NOT IN ('', 'declined', 'joined', 'left') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: pipeline_outcome_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_insert BEFORE INSERT ON match_candidates WHEN NEW.source NOT IN ('import', 'join') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_source_update BEFORE UPDATE OF source ON match_candidates WHEN NEW.source NOT IN ('import', 'join') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_source_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_match_insert BEFORE INSERT ON match_candidates WHEN NEW.match NOT IN ('fnr', 'email', 'workplace', 'mobile', 'name_birth') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_match_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_match_update BEFORE UPDATE OF match ON match_candidates WHEN NEW.match NOT IN ('fnr', 'email', 'workplace', 'mobile', 'name_birth') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_match_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_decision_insert BEFORE INSERT ON match_candidates WHEN NEW.decision NOT IN ('', 'merge', 'distinct') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_decision_check'); END;
{{sqlite_only}}CREATE TRIGGER match_candidates_decision_update BEFORE UPDATE OF decision ON match_candidates WHEN NEW.decision NOT IN ('', 'merge', 'distinct') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: match_candidates_decision_check'); END;
{{sqlite_only}}CREATE TRIGGER applications_type_insert BEFORE INSERT ON applications WHEN NEW.type NOT IN ('ordinary', 'student', 'retired', 'trainee') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: applications_type_check'); END;
{{sqlite_only}}CREATE TRIGGER applications_type_update BEFORE UPDATE OF type ON applications WHEN NEW.type NOT IN ('ordinary', 'student', 'retired', 'trainee') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: applications_type_check'); END;

-- +goose Down
{{pg_only}}ALTER TABLE applications DROP CONSTRAINT applications_type_check;
{{pg_only}}ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_decision_check;
{{pg_only}}ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_match_check;
{{pg_only}}ALTER TABLE match_candidates DROP CONSTRAINT match_candidates_source_check;
{{pg_only}}ALTER TABLE pipeline DROP CONSTRAINT pipeline_outcome_check;
{{pg_only}}ALTER TABLE pipeline DROP CONSTRAINT pipeline_kind_check;
{{pg_only}}ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
{{pg_only}}ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
{{pg_only}}ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
{{pg_only}}ALTER TABLE roles DROP CONSTRAINT roles_role_check;
{{pg_only}}ALTER TABLE memberships DROP CONSTRAINT memberships_status_check;
{{pg_only}}ALTER TABLE memberships DROP CONSTRAINT memberships_type_check;
{{pg_only}}ALTER TABLE persons DROP CONSTRAINT persons_member_status_check;
{{pg_only}}ALTER TABLE org_units DROP CONSTRAINT org_units_kind_check;
{{sqlite_only}}DROP TRIGGER applications_type_update;
{{sqlite_only}}DROP TRIGGER applications_type_insert;
{{sqlite_only}}DROP TRIGGER match_candidates_decision_update;
{{sqlite_only}}DROP TRIGGER match_candidates_decision_insert;
{{sqlite_only}}DROP TRIGGER match_candidates_match_update;
{{sqlite_only}}DROP TRIGGER match_candidates_match_insert;
{{sqlite_only}}DROP TRIGGER match_candidates_source_update;
{{sqlite_only}}DROP TRIGGER match_candidates_source_insert;
{{sqlite_only}}DROP TRIGGER pipeline_outcome_update;
{{sqlite_only}}DROP TRIGGER pipeline_outcome_insert;
{{sqlite_only}}DROP TRIGGER pipeline_kind_update;
{{sqlite_only}}DROP TRIGGER pipeline_kind_insert;
{{sqlite_only}}DROP TRIGGER imports_kind_update;
{{sqlite_only}}DROP TRIGGER imports_kind_insert;
{{sqlite_only}}DROP TRIGGER tasks_status_update;
{{sqlite_only}}DROP TRIGGER tasks_status_insert;
{{sqlite_only}}DROP TRIGGER tasks_kind_update;
{{sqlite_only}}DROP TRIGGER tasks_kind_insert;
{{sqlite_only}}DROP TRIGGER roles_role_update;
{{sqlite_only}}DROP TRIGGER roles_role_insert;
{{sqlite_only}}DROP TRIGGER memberships_status_update;
{{sqlite_only}}DROP TRIGGER memberships_status_insert;
{{sqlite_only}}DROP TRIGGER memberships_type_update;
{{sqlite_only}}DROP TRIGGER memberships_type_insert;
{{sqlite_only}}DROP TRIGGER persons_member_status_update;
{{sqlite_only}}DROP TRIGGER persons_member_status_insert;
{{sqlite_only}}DROP TRIGGER org_units_kind_update;
{{sqlite_only}}DROP TRIGGER org_units_kind_insert;
