-- The entity engine (docs/engine.md): the standard columns on the tables it serves, and
-- the codes administrators add to extendable dictionaries. Portable SQL.

-- Every engine row carries a version (optimistic locking: a PATCH names the version it
-- read) and, for soft deletion, when it was deleted.
ALTER TABLE unit ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE unit ADD COLUMN deleted_at BIGINT;
CREATE INDEX unit_name ON unit (name);
ALTER TABLE grid ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE person ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Codes added to an extendable enum (struct enum_def) beyond the built-in ones.
CREATE TABLE dictionary (
    enum_name TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    sort BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    PRIMARY KEY (enum_name, code)
);
