-- +goose Up
-- Fødselsnumre are kept only as keyed hashes (storage/keys.go hashes any
-- number an older database still holds in clear, on the first start after
-- this migration). The unique index moves with the column.
ALTER TABLE persons RENAME COLUMN fnr TO fnr_hash;
ALTER TABLE import_stage RENAME COLUMN fnr TO fnr_hash;

-- +goose Down
ALTER TABLE import_stage RENAME COLUMN fnr_hash TO fnr;
ALTER TABLE persons RENAME COLUMN fnr_hash TO fnr;
