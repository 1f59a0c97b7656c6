-- The petitions' full-text documents (title and content only, never names).
CREATE VIRTUAL TABLE petition_fts USING fts5(body, tokenize = 'shegong');
