-- +goose Up
-- Stored values in English (issue 11). Membership sources were Norwegian
-- words beside English identifiers; they become the English identifiers of
-- model.Source. Every other enum-like column already holds English
-- identifiers. New rows are checked against the lists in model: on
-- PostgreSQL by CHECK constraints; SQLite cannot add a CHECK to an existing
-- column without rebuilding the table (memberships is referenced by dues,
-- credits and applications with ON DELETE CASCADE, so a rebuild inside
-- goose's transaction, with foreign keys on, would delete them), so there
-- the same lists are enforced by triggers on INSERT and UPDATE of the column.
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).

UPDATE memberships SET source = 'student_transfer' WHERE source = 'studentovergang';
UPDATE memberships SET source = 'recruited' WHERE source = 'verving';
UPDATE memberships SET source = 'website' WHERE source = 'nettsiden';
UPDATE memberships SET source = 'shop_steward' WHERE source = 'tillitsvalgt';
UPDATE memberships SET source = 'campaign' WHERE source = 'kampanje';
UPDATE memberships SET source = 'student_recruitment' WHERE source = 'studentverving';
UPDATE memberships SET source = 'transfer' WHERE source = 'overføring';

{{pg_only}}ALTER TABLE memberships ADD CONSTRAINT memberships_source_check CHECK (source IN ('', 'join_page', 'workplace', 'recruited', 'website', 'shop_steward', 'campaign', 'student_recruitment', 'student_transfer', 'transfer'));
{{pg_only}}ALTER TABLE contacts ADD CONSTRAINT contacts_kind_check CHECK (kind IN ('visit', 'phone', 'sms', 'email', 'meeting'));
{{sqlite_only}}CREATE TRIGGER memberships_source_insert BEFORE INSERT ON memberships WHEN NEW.source NOT IN ('', 'join_page', 'workplace', 'recruited', 'website', 'shop_steward', 'campaign', 'student_recruitment', 'student_transfer', 'transfer') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_source_check'); END;
{{sqlite_only}}CREATE TRIGGER memberships_source_update BEFORE UPDATE OF source ON memberships WHEN NEW.source NOT IN ('', 'join_page', 'workplace', 'recruited', 'website', 'shop_steward', 'campaign', 'student_recruitment', 'student_transfer', 'transfer') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: memberships_source_check'); END;
{{sqlite_only}}CREATE TRIGGER contacts_kind_insert BEFORE INSERT ON contacts WHEN NEW.kind NOT IN ('visit', 'phone', 'sms', 'email', 'meeting') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: contacts_kind_check'); END;
{{sqlite_only}}CREATE TRIGGER contacts_kind_update BEFORE UPDATE OF kind ON contacts WHEN NEW.kind NOT IN ('visit', 'phone', 'sms', 'email', 'meeting') BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: contacts_kind_check'); END;

-- +goose Down
{{pg_only}}ALTER TABLE contacts DROP CONSTRAINT contacts_kind_check;
{{pg_only}}ALTER TABLE memberships DROP CONSTRAINT memberships_source_check;
{{sqlite_only}}DROP TRIGGER contacts_kind_update;
{{sqlite_only}}DROP TRIGGER contacts_kind_insert;
{{sqlite_only}}DROP TRIGGER memberships_source_update;
{{sqlite_only}}DROP TRIGGER memberships_source_insert;
UPDATE memberships SET source = 'studentovergang' WHERE source = 'student_transfer';
UPDATE memberships SET source = 'verving' WHERE source = 'recruited';
UPDATE memberships SET source = 'nettsiden' WHERE source = 'website';
UPDATE memberships SET source = 'tillitsvalgt' WHERE source = 'shop_steward';
UPDATE memberships SET source = 'kampanje' WHERE source = 'campaign';
UPDATE memberships SET source = 'studentverving' WHERE source = 'student_recruitment';
UPDATE memberships SET source = 'overføring' WHERE source = 'transfer';
