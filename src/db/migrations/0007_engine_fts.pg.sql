-- Full-text documents of the entities that have them (PostgreSQL): rowid is the row's id,
-- body the searchable fields' tokens (core/search: Han bigrams and unigrams with their
-- positions) as a tsvector of the simple configuration, so searches match SQLite's FTS5
-- table on the same data. The engine keeps them in step with every write; `shegong
-- migrate --from … --to …` fills them for copied rows.
CREATE TABLE unit_fts (
    rowid BIGINT PRIMARY KEY,
    body TSVECTOR NOT NULL
);
CREATE INDEX unit_fts_body ON unit_fts USING GIN (body);
