-- SQLite: each searchable table's ids with their region. A search matching many rows counts
-- the matches in the reader's scope from this small index instead of reading each matching
-- row (src/engine/fulltext.c names it with INDEXED BY: for a look-up by id SQLite would read
-- the table otherwise). PostgreSQL plans its own index-only scans.
CREATE INDEX IF NOT EXISTS unit_id_scope ON unit (id, region_code);
CREATE INDEX IF NOT EXISTS petition_id_scope ON petition (id, region_code);
CREATE INDEX IF NOT EXISTS dispute_id_scope ON dispute (id, region_code);
CREATE INDEX IF NOT EXISTS work_order_id_scope ON work_order (id, region_code);
CREATE INDEX IF NOT EXISTS whistle_id_scope ON whistle (id, region_code);
