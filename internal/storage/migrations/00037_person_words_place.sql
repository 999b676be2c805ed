-- +goose Up
-- person_words holds each word with its person's sort key and unit path
-- (issue 15), so that a search reads only the words it returns:
-- union-wide the first persons by name come from the primary key (word,
-- sort_key, person_id) without reading persons, and a scoped search seeks
-- each unit in its scope by person_words_place (unit_path, word), reading
-- nothing outside the scope. The writers of words copy both from persons
-- (wordsRefresh); person_words_follow carries a later change of either
-- (a move, a rename) to the person's words. Built afresh in the primary
-- key's order, with the keys added once the rows are in.
{{sqlite_only}}DROP TRIGGER person_words_delete;
{{sqlite_only}}CREATE TABLE person_words_new (word TEXT NOT NULL, sort_key TEXT NOT NULL, person_id BIGINT NOT NULL, unit_path TEXT NOT NULL, PRIMARY KEY (word, sort_key, person_id)) WITHOUT ROWID;
{{sqlite_only}}INSERT INTO person_words_new (word, sort_key, person_id, unit_path) SELECT w.word, p.sort_key, p.id, p.unit_path FROM persons p CROSS JOIN person_words w WHERE w.person_id = p.id ORDER BY w.word, p.sort_key, p.id;
{{pg_only}}CREATE TABLE person_words_new (word TEXT COLLATE "C" NOT NULL, sort_key TEXT COLLATE "C" NOT NULL, person_id BIGINT NOT NULL, unit_path TEXT COLLATE "C" NOT NULL);
{{pg_only}}INSERT INTO person_words_new (word, sort_key, person_id, unit_path) SELECT w.word, p.sort_key, p.id, p.unit_path FROM person_words w JOIN persons p ON p.id = w.person_id ORDER BY w.word, p.sort_key, p.id;
DROP TABLE person_words;
ALTER TABLE person_words_new RENAME TO person_words;
{{pg_only}}ALTER TABLE person_words ADD PRIMARY KEY (word, sort_key, person_id);
{{pg_only}}ALTER TABLE person_words ADD FOREIGN KEY (person_id) REFERENCES persons(id) ON DELETE CASCADE;
-- By person: to check a person in scope for a word, and to delete theirs.
CREATE INDEX person_words_person ON person_words(person_id, word);
-- By unit: SQLite's index holds the primary key's columns too.
{{sqlite_only}}CREATE INDEX person_words_place ON person_words(unit_path, word);
{{pg_only}}CREATE INDEX person_words_place ON person_words(unit_path, word) INCLUDE (sort_key, person_id);
{{sqlite_only}}CREATE TRIGGER person_words_delete AFTER DELETE ON persons BEGIN DELETE FROM person_words WHERE person_id = OLD.id; END;
{{sqlite_only}}CREATE TRIGGER person_words_follow AFTER UPDATE OF unit_path, sort_key ON persons WHEN OLD.unit_path <> NEW.unit_path OR OLD.sort_key <> NEW.sort_key BEGIN UPDATE person_words SET unit_path = NEW.unit_path, sort_key = NEW.sort_key WHERE person_id = NEW.id; END;
{{pg_only}}CREATE FUNCTION person_words_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE person_words SET unit_path = NEW.unit_path, sort_key = NEW.sort_key WHERE person_id = NEW.id; RETURN NULL; END $$;
{{pg_only}}CREATE TRIGGER person_words_follow AFTER UPDATE OF unit_path, sort_key ON persons FOR EACH ROW WHEN (OLD.unit_path <> NEW.unit_path OR OLD.sort_key <> NEW.sort_key) EXECUTE FUNCTION person_words_follow();

-- +goose Down
{{sqlite_only}}DROP TRIGGER person_words_follow;
{{sqlite_only}}DROP TRIGGER person_words_delete;
{{pg_only}}DROP TRIGGER person_words_follow ON persons;
{{pg_only}}DROP FUNCTION person_words_follow();
{{sqlite_only}}CREATE TABLE person_words_old (word TEXT NOT NULL, person_id BIGINT NOT NULL, PRIMARY KEY (word, person_id)) WITHOUT ROWID;
{{pg_only}}CREATE TABLE person_words_old (word TEXT COLLATE "C" NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, PRIMARY KEY (word, person_id));
INSERT INTO person_words_old (word, person_id) SELECT word, person_id FROM person_words ORDER BY word, person_id;
DROP TABLE person_words;
ALTER TABLE person_words_old RENAME TO person_words;
CREATE INDEX person_words_person ON person_words(person_id, word);
{{sqlite_only}}CREATE TRIGGER person_words_delete AFTER DELETE ON persons BEGIN DELETE FROM person_words WHERE person_id = OLD.id; END;
