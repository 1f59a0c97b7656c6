-- Rate limits shared by every server on the database (server/auth.c): one counter per key
-- and fixed window. key is a keyed hash of what is limited (the client address for logins),
-- never the address itself; window_start is the window's first second (Unix time). The
-- background job removes windows that have passed. Portable SQL: the counter is bumped by
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING on both databases.
CREATE TABLE rate_counter (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
