-- The petitions' full-text documents (title and content only, never names).
CREATE TABLE petition_fts (
    rowid BIGINT PRIMARY KEY,
    body TSVECTOR NOT NULL
);
CREATE INDEX petition_fts_body ON petition_fts USING GIN (body);
