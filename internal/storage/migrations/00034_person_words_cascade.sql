-- +goose Up
-- SQLite: person_words loses its foreign key to persons, and a trigger
-- deletes a person's words with them instead (as ON DELETE CASCADE did).
-- A foreign key is checked per inserted row by a lookup of the person:
-- a register's first load writes its six million words in word order, so
-- each lookup went to a random page of persons (in the sqlite3 shell at a
-- million members 20 s of the statement's 29; SQLite cannot suspend the
-- check inside a transaction). The words are only ever written from
-- persons (wordsRefresh), so none can point at a missing one.
-- PostgreSQL keeps its foreign key, which the first load drops and adds
-- back in one pass.
{{sqlite_only}}CREATE TABLE person_words_new (word TEXT NOT NULL, person_id BIGINT NOT NULL, PRIMARY KEY (word, person_id)) WITHOUT ROWID;
{{sqlite_only}}INSERT INTO person_words_new (word, person_id) SELECT word, person_id FROM person_words ORDER BY word, person_id;
{{sqlite_only}}DROP TABLE person_words;
{{sqlite_only}}ALTER TABLE person_words_new RENAME TO person_words;
{{sqlite_only}}CREATE INDEX person_words_person ON person_words(person_id, word);
{{sqlite_only}}CREATE TRIGGER person_words_delete AFTER DELETE ON persons BEGIN DELETE FROM person_words WHERE person_id = OLD.id; END;

-- +goose Down
{{sqlite_only}}DROP TRIGGER person_words_delete;
{{sqlite_only}}CREATE TABLE person_words_old (word TEXT NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, PRIMARY KEY (word, person_id)) WITHOUT ROWID;
{{sqlite_only}}INSERT INTO person_words_old (word, person_id) SELECT word, person_id FROM person_words ORDER BY word, person_id;
{{sqlite_only}}DROP TABLE person_words;
{{sqlite_only}}ALTER TABLE person_words_old RENAME TO person_words;
{{sqlite_only}}CREATE INDEX person_words_person ON person_words(person_id, word);
