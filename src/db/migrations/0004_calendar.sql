-- The working-day calendar: the dates that differ from plain Monday-Friday.
-- Portable SQL: dates as 'YYYY-MM-DD' text, times as Unix seconds (UTC).

-- Official days, as loaded by `shegong import holidays` from a published source
-- (source: 'chinese-days 1.5.7'). An import replaces the rows of the years it holds.
CREATE TABLE calendar_day (
    date TEXT PRIMARY KEY CHECK (length(date) = 10),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT
);

-- Administrators' additions and corrections (source 'admin'). They take precedence over
-- calendar_day and an import never changes them. 'ordinary' overrules an official entry:
-- the day follows the weekday rule.
CREATE TABLE calendar_correction (
    date TEXT PRIMARY KEY CHECK (length(date) = 10),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday', 'ordinary')),
    name TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT
);

-- The years whose arrangements are known: imported, or declared complete by an
-- administrator. A date in any other year is never guessed silently.
CREATE TABLE calendar_year (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT
);

-- Raised by every change above in the same transaction, so that each server process
-- notices a change (its own or another's) and reloads its in-memory calendar.
CREATE TABLE calendar_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);
