-- Full-text documents of the entities that have them: rowid is the row's id, body the
-- searchable fields joined, tokenized by 'shegong' (core/search: Han bigrams and
-- unigrams). The engine keeps them in step with every write.
CREATE VIRTUAL TABLE unit_fts USING fts5(body, tokenize = 'shegong');
INSERT INTO unit_fts (rowid, body) SELECT id, name FROM unit;
