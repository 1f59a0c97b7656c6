-- Full-text documents of disputes (PostgreSQL): rowid is the dispute's id, body the
-- searchable fields' tokens (core/search) as a tsvector of the simple configuration, so
-- searches match SQLite's FTS5 table on the same data.
CREATE TABLE dispute_fts (
    rowid BIGINT PRIMARY KEY,
    body TSVECTOR NOT NULL
);
CREATE INDEX dispute_fts_body ON dispute_fts USING GIN (body);
