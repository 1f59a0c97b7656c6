-- Attachments (engine/attachment.c, docs/engine.md): uploaded files and the rows that link
-- them. Portable SQL.

-- One row per upload. The bytes live once per content under DATA_DIR/files/ab/cd/<sha256>
-- (ab and cd: the first two pairs of hex digits), so two uploads of the same content share
-- the file. mime and ext were decided from the file's bytes (core/filetype), never from
-- what the client said; name is the sanitised original name with that extension.
CREATE TABLE attachment (
    id BIGINT PRIMARY KEY,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size BIGINT NOT NULL CHECK (size > 0),
    mime TEXT NOT NULL,
    ext TEXT NOT NULL,
    name TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachment_sha256 ON attachment (sha256);
CREATE INDEX attachment_created_by ON attachment (created_by, id);

-- Which attachments field of which row holds a file. A reader of that row (the entity's
-- read permission, the row's region in scope) may download it.
CREATE TABLE attachment_link (
    attachment_id BIGINT NOT NULL REFERENCES attachment (id),
    entity TEXT NOT NULL,
    row_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    PRIMARY KEY (attachment_id, entity, row_id, field)
);
CREATE INDEX attachment_link_row ON attachment_link (entity, row_id);
