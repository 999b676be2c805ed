-- +goose Up
-- PostgreSQL: the persons' keys compare byte by byte (COLLATE "C"). They
-- are only ever looked up by equality (a keyed hash, an e-mail address, a
-- mobile number, a member number), yet under the database's collation
-- (C.UTF-8 and the like) every comparison went through the locale and a
-- sort could not use abbreviated keys: a register's first load of a
-- million members built their four indexes in 5.6 s, in C 2.6 s (issue 12).
-- SQLite compares them byte by byte already.
{{pg_only}}ALTER TABLE persons ALTER COLUMN fnr_hash TYPE TEXT COLLATE "C", ALTER COLUMN email TYPE TEXT COLLATE "C", ALTER COLUMN mobile TYPE TEXT COLLATE "C", ALTER COLUMN member_no TYPE TEXT COLLATE "C";

-- +goose Down
{{pg_only}}ALTER TABLE persons ALTER COLUMN fnr_hash TYPE TEXT COLLATE "default", ALTER COLUMN email TYPE TEXT COLLATE "default", ALTER COLUMN mobile TYPE TEXT COLLATE "default", ALTER COLUMN member_no TYPE TEXT COLLATE "default";
