-- Full-text documents of disputes (docs/search.md): rowid is the dispute's id, body its
-- searchable fields joined (summary, content, parties, agreement), tokenized by 'shegong'.
-- The engine keeps them in step with every write.
CREATE VIRTUAL TABLE dispute_fts USING fts5(body, tokenize = 'shegong');
