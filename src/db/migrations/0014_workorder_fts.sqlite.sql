-- Full-text documents of work orders and whistles (docs/search.md): rowid is the row's id,
-- body its searchable fields joined (never the caller's name), tokenized by 'shegong'.
CREATE VIRTUAL TABLE work_order_fts USING fts5(body, tokenize = 'shegong');
CREATE VIRTUAL TABLE whistle_fts USING fts5(body, tokenize = 'shegong');
