-- Two-factor login (TOTP, RFC 6238): the secret of each user's authenticator, sealed with
-- the field-encryption key; recovery codes, stored hashed; the short-lived challenges that
-- join a login's password step to its second step; and which roles require it.
-- Portable SQL: times as Unix seconds (UTC).

ALTER TABLE role ADD COLUMN requires_2fa INTEGER NOT NULL DEFAULT 0;
-- the built-in roles are re-synced at every start; this covers a database before that
UPDATE role SET requires_2fa = 1 WHERE admin_kind IS NOT NULL;

-- One authenticator per user. enabled = 0 while an enrolment waits for its first code.
-- A code is good once: a step at or before last_used_step is refused.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_used_step BIGINT NOT NULL DEFAULT 0
);

-- Ten per enrolment, shown once; SHA-256 of the normalised 80-bit code; each used once.
CREATE TABLE totp_recovery_code (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX totp_recovery_code_user ON totp_recovery_code (user_id, code_hash);

-- The password was right; the second factor is still owed. Single use, five minutes;
-- in the database so that any server behind the balancer can finish the login.
CREATE TABLE login_challenge (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX login_challenge_user ON login_challenge (user_id);
CREATE INDEX login_challenge_expires ON login_challenge (expires_at);
