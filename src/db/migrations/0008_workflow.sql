-- Workflows of engine entities (engine/workflow.h, docs/engine.md "Workflows and
-- deadlines"): the history of transitions, the deadline clocks, the 督办 notices of the job
-- runner and their read marks. Portable SQL; times are Unix seconds (UTC).

-- One row per transition, "create" included: who moved which row from where to where.
CREATE TABLE workflow_history (
    id BIGINT PRIMARY KEY,
    entity TEXT NOT NULL,
    row_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    user_id BIGINT,
    at BIGINT NOT NULL,
    comment TEXT,
    fields TEXT -- JSON object of the action's fields as shown (personal data masked)
);
CREATE INDEX workflow_history_row ON workflow_history (entity, row_id, id);

-- One clock per row and rule name. due_at is the last second that is still in time.
CREATE TABLE deadline (
    id BIGINT PRIMARY KEY,
    entity TEXT NOT NULL,
    row_id BIGINT NOT NULL,
    region_code TEXT,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'stopped')),
    paused_at BIGINT,
    extended BIGINT NOT NULL DEFAULT 0,
    UNIQUE (entity, row_id, name)
);
-- the job's scan and next wake-up: an entity's running clocks by due time
CREATE INDEX deadline_due ON deadline (entity, state, due_at);

-- 督办 notices: one per clock, kind and due time, so a re-run or a restart of the job never
-- writes one twice (and a clock that was restarted or extended gets fresh ones). The job
-- finds the clocks still to notice through this key.
CREATE TABLE notice (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    deadline_id BIGINT NOT NULL,
    entity TEXT NOT NULL,
    row_id BIGINT NOT NULL,
    region_code TEXT,
    perm TEXT NOT NULL,
    title TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (deadline_id, kind, due_at)
);
CREATE INDEX notice_perm_region ON notice (perm, region_code, id);

CREATE TABLE notice_read (
    notice_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);
