-- Accounts, roles at posts, sessions, API tokens and the append-only audit chain.
-- Portable SQL: BIGINT ids made by the server, times as Unix seconds (UTC).

CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked', 'disabled')),
    password_changed_at BIGINT NOT NULL,
    last_login_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Failed logins by username, whether or not the account exists, so that the answers for
-- an unknown name and a real one cannot be told apart.
CREATE TABLE login_failure (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until BIGINT,
    last_failure_at BIGINT NOT NULL
);

CREATE TABLE password_history (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, created_at);

CREATE TABLE role (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    admin_kind TEXT CHECK (admin_kind IN ('sysadmin', 'secadmin', 'auditor')),
    builtin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE role_permission (
    role TEXT NOT NULL REFERENCES role (name) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

-- A role held at a post: a region (12-digit code) and optionally a unit (0 = none).
CREATE TABLE user_role (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL REFERENCES role (name),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    unit_id BIGINT NOT NULL DEFAULT 0,
    granted_by BIGINT,
    granted_at BIGINT NOT NULL,
    UNIQUE (user_id, role, region_code, unit_id)
);
CREATE INDEX user_role_user ON user_role (user_id);

CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    idle_seconds INTEGER NOT NULL,
    ip TEXT
);
CREATE INDEX "session_user" ON session (user_id);

CREATE TABLE api_token (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_token_user ON api_token (user_id);

-- Append-only; each record's hash covers its fields and the previous record's hash.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT,
    username TEXT,
    ip TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    result TEXT NOT NULL,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- Departments and organs that receive work, at a region.
CREATE TABLE unit (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    parent_id BIGINT REFERENCES unit (id),
    contact TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE INDEX unit_region ON unit (region_code);
