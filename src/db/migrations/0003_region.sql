-- The national division tree (统计用区划代码, National Bureau of Statistics) and the grids
-- (网格) users add below villages and communities. Portable SQL: codes are 12-digit text,
-- ids made by the server, times as Unix seconds (UTC). See docs/regions.md.

-- One row per region, loaded by `shegong import regions`, never typed in. Shorter source
-- codes are padded with zeros (11 -> 110000000000). full_name is the path from the
-- province down, joined by '/', without placeholder levels (市辖区, 县, 省直辖县级行政区划):
-- 北京市/朝阳区/建外街道. placeholder = 1 marks such a level; the row stays, because codes
-- below it carry its digits.
CREATE TABLE region (
    code TEXT PRIMARY KEY CHECK (length(code) = 12),
    parent_code TEXT CHECK (parent_code IS NULL OR length(parent_code) = 12),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    placeholder INTEGER NOT NULL DEFAULT 0 CHECK (placeholder IN (0, 1)),
    updated_at BIGINT NOT NULL
);
-- children of a region, in code order
CREATE INDEX region_parent ON region (parent_code, code);

-- A grid below a village or community (level 5). Workers will link to person records once
-- those exist; no personal data is kept here.
CREATE TABLE grid (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT,
    region_code TEXT NOT NULL REFERENCES region (code),
    households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
    population INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT,
    UNIQUE (region_code, name),
    UNIQUE (region_code, code)
);
