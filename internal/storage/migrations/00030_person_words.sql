-- +goose Up
-- person_words: the words of each person's search key (persons.search_key:
-- names, e-mail, mobile, folded as search folds them), so that search
-- finds a word by its beginning in the index instead of scanning every
-- person's key (issue 15). A key splits at spaces and at the separators
-- storage.wordSeps names (search.go); the writers of search_key refresh
-- their person's words in the same transaction (refreshWords), and
-- deleting a person deletes them.
-- Lines marked pg_only or sqlite_only (in double braces) run on that
-- engine only (storage/dialect.go).
{{sqlite_only}}CREATE TABLE person_words (word TEXT NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, PRIMARY KEY (word, person_id)) WITHOUT ROWID;
{{pg_only}}CREATE TABLE person_words (word TEXT COLLATE "C" NOT NULL, person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, PRIMARY KEY (word, person_id));
-- By person: to check a person in scope for a word, and to delete theirs.
CREATE INDEX person_words_person ON person_words(person_id, word);

-- The words of the persons there are, split as storage.personWordsSQL
-- splits them (TestPersonWordsMigration compares the two).
{{sqlite_only}}WITH RECURSIVE split(id, word, rest) AS (SELECT p.id, '', replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(p.search_key, '.', ' '), ',', ' '), ';', ' '), ':', ' '), '@', ' '), '-', ' '), '_', ' '), '+', ' '), '''', ' '), '"', ' '), '(', ' '), ')', ' '), '/', ' '), '&', ' ') || ' ' FROM persons p UNION ALL SELECT id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> '') INSERT INTO person_words (word, person_id) SELECT DISTINCT word, id FROM split WHERE word <> '' ORDER BY word, id;
{{pg_only}}INSERT INTO person_words (word, person_id) SELECT DISTINCT w.word, p.id FROM persons p, unnest(string_to_array(translate(p.search_key, '.,;:@-_+''"()/&', '              '), ' ')) AS w(word) WHERE w.word <> '' ORDER BY w.word, p.id;

-- +goose Down
DROP TABLE person_words;
