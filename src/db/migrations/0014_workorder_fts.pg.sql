-- Full-text documents of work orders and whistles (PostgreSQL): the searchable fields'
-- tokens (core/search) as a tsvector of the simple configuration, as for SQLite's FTS5.
CREATE TABLE work_order_fts (
    rowid BIGINT PRIMARY KEY,
    body TSVECTOR NOT NULL
);
CREATE INDEX work_order_fts_body ON work_order_fts USING GIN (body);
CREATE TABLE whistle_fts (
    rowid BIGINT PRIMARY KEY,
    body TSVECTOR NOT NULL
);
CREATE INDEX whistle_fts_body ON whistle_fts USING GIN (body);
