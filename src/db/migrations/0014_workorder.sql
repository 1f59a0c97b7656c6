-- 接诉即办 work orders, the dispatch catalogue (派单目录), the 三率 months, 每月一题 topics and
-- 街乡吹哨·部门报到 whistles (docs/workorder.md, docs/whistle.md). Portable SQL; the engine's
-- standard columns on every engine table; times are Unix seconds (UTC), months "YYYY-MM".
-- Full-text tables: 0014_workorder_fts.

-- A category of the dispatch catalogue: who handles it and within what limits. region_code
-- is the catalogue's jurisdiction (a district or city); codes are unique in it. Each change
-- of the rules bumps version and writes dispatch_category_version, so an order keeps the
-- rules it was dispatched under (work_order.category_version and its snapshot columns).
CREATE TABLE dispatch_category (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES dispatch_category (id),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    handler_kind TEXT NOT NULL CHECK (handler_kind IN ('township', 'department', 'district')),
    handler_unit_id BIGINT REFERENCES unit (id),
    urgency TEXT NOT NULL CHECK (urgency IN ('urgent', 'utility', 'general', 'complex')),
    respond_amount BIGINT NOT NULL CHECK (respond_amount > 0),
    respond_unit TEXT NOT NULL
        CHECK (respond_unit IN ('minutes', 'hours', 'calendar_days', 'working_days')),
    limit_amount BIGINT NOT NULL CHECK (limit_amount > 0),
    limit_unit TEXT NOT NULL
        CHECK (limit_unit IN ('minutes', 'hours', 'calendar_days', 'working_days')),
    active BIGINT NOT NULL DEFAULT 1,
    description TEXT,
    keywords TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE UNIQUE INDEX dispatch_category_code ON dispatch_category (region_code, code);
CREATE INDEX dispatch_category_region ON dispatch_category (region_code, id);
CREATE INDEX dispatch_category_parent ON dispatch_category (parent_id);

-- Every version of a category's rules as it was (JSON of the rule columns).
CREATE TABLE dispatch_category_version (
    category_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    rules TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    changed_by BIGINT,
    PRIMARY KEY (category_id, version)
);

-- A work order (诉求工单). The rule columns (respond_*, limit_*) are the catalogue's at
-- dispatch; rate_month is the month of the (last) dispatch, which the 三率 count it in.
CREATE TABLE work_order (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('received', 'dispatched', 'signed', 'contacted',
        'handling', 'replied', 'called_back', 'closed', 'returned', 'redirected')),
    code TEXT NOT NULL,
    channel TEXT NOT NULL,
    type TEXT NOT NULL,
    caller_name TEXT,
    caller_phone_enc TEXT,
    caller_phone_idx TEXT CHECK (caller_phone_idx IS NULL OR length(caller_phone_idx) = 64),
    content TEXT NOT NULL,
    address TEXT,
    location TEXT,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    category_id BIGINT REFERENCES dispatch_category (id),
    urgency TEXT CHECK (urgency IS NULL OR urgency IN ('urgent', 'utility', 'general', 'complex')),
    received_at BIGINT NOT NULL,
    unit_id BIGINT REFERENCES unit (id),
    copy_unit_id BIGINT REFERENCES unit (id),
    category_version BIGINT,
    respond_amount BIGINT,
    respond_unit TEXT,
    limit_amount BIGINT,
    limit_unit TEXT,
    rate_month TEXT CHECK (rate_month IS NULL OR length(rate_month) = 7),
    dispatched_at BIGINT,
    signed_at BIGINT,
    contacted_at BIGINT,
    replied_at BIGINT,
    called_back_at BIGINT,
    closed_at BIGINT,
    respond_due BIGINT,
    handle_due BIGINT,
    responded_in_time BIGINT,
    return_reason TEXT,
    return_note TEXT,
    return_count BIGINT NOT NULL DEFAULT 0,
    returned_unit_id BIGINT REFERENCES unit (id),
    arbitration TEXT,
    arbitration_note TEXT,
    extension_amount BIGINT,
    extension_reason TEXT,
    extension_state TEXT
        CHECK (extension_state IS NULL OR extension_state IN ('pending', 'approved', 'rejected')),
    contact_note TEXT,
    reply TEXT,
    result TEXT,
    solved BIGINT,
    satisfaction TEXT
        CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    callback_note TEXT,
    redirect_to TEXT,
    answer TEXT,
    whistle_id BIGINT,
    source_whistle_id BIGINT,
    source_token_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE UNIQUE INDEX work_order_code ON work_order (code);
CREATE INDEX work_order_region ON work_order (region_code, id);
CREATE INDEX work_order_state ON work_order (state, region_code);
CREATE INDEX work_order_unit ON work_order (unit_id, state);
CREATE INDEX work_order_month ON work_order (rate_month, unit_id);
CREATE INDEX work_order_category ON work_order (category_id, received_at);
CREATE INDEX work_order_phone ON work_order (caller_phone_idx);
CREATE INDEX work_order_whistle ON work_order (source_whistle_id);

-- The weights of the composite (per mille each, summing to 1000) and other settings of the
-- 三率, one row per key.
CREATE TABLE workorder_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT
);

-- A published (frozen) month: its figures never change afterwards.
CREATE TABLE workorder_month (
    month TEXT PRIMARY KEY CHECK (length(month) = 7),
    weights TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by BIGINT
);

-- The frozen figures of a published month, one row per unit; rates in per mille.
CREATE TABLE workorder_rate (
    month TEXT NOT NULL,
    unit_id BIGINT NOT NULL,
    unit_kind TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    orders BIGINT NOT NULL,
    responded BIGINT NOT NULL,
    called_back BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    response_rate BIGINT,
    solve_rate BIGINT,
    satisfaction_rate BIGINT,
    composite BIGINT,
    rank BIGINT,
    PRIMARY KEY (month, unit_id)
);
CREATE INDEX workorder_rate_region ON workorder_rate (month, region_code);

-- The orders a published month counted, with what each counted for (the drill-down of a
-- frozen month shows exactly these).
CREATE TABLE workorder_rate_item (
    month TEXT NOT NULL,
    unit_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    responded BIGINT NOT NULL,
    called_back BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    PRIMARY KEY (month, unit_id, order_id)
);

-- 每月一题: a recurring problem chosen as a month's topic, a supervised task with a lead
-- unit and a due date (its workflow's clock raises 督办 notices).
CREATE TABLE monthly_topic (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'done', 'cancelled')),
    title TEXT NOT NULL,
    month TEXT NOT NULL CHECK (length(month) = 7),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    category_id BIGINT REFERENCES dispatch_category (id),
    lead_unit_id BIGINT NOT NULL REFERENCES unit (id),
    description TEXT,
    order_count BIGINT,
    due_on TEXT CHECK (due_on IS NULL OR length(due_on) = 10),
    progress TEXT,
    result TEXT,
    done_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE INDEX monthly_topic_region ON monthly_topic (region_code, id);
CREATE UNIQUE INDEX monthly_topic_month ON monthly_topic (month, region_code, category_id);

-- A whistle (吹哨) raised by a township or street unit; the units it summons are
-- whistle_summons rows (one each), created with it.
CREATE TABLE whistle (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('raised', 'accepted', 'cancelled')),
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('daily', 'tackle', 'emergency')),
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    address TEXT,
    location TEXT,
    photos TEXT,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    summoned_units TEXT NOT NULL,
    work_order_id BIGINT REFERENCES work_order (id),
    raised_at BIGINT NOT NULL,
    rate_month TEXT NOT NULL CHECK (length(rate_month) = 7),
    accepted_at BIGINT,
    result_note TEXT,
    cancel_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE UNIQUE INDEX whistle_code ON whistle (code);
CREATE INDEX whistle_region ON whistle (region_code, id);
CREATE INDEX whistle_unit ON whistle (unit_id, rate_month);

-- One summoned unit of a whistle: 报到 within the kind's limit, handling, the report back,
-- and the township's rating (1..5 each) that ranks units (反向考核).
CREATE TABLE whistle_summons (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('summoned', 'reported', 'done', 'rated', 'withdrawn')),
    whistle_id BIGINT NOT NULL REFERENCES whistle (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    kind TEXT NOT NULL CHECK (kind IN ('daily', 'tackle', 'emergency')),
    rate_month TEXT NOT NULL CHECK (length(rate_month) = 7),
    summoned_at BIGINT NOT NULL,
    report_due BIGINT NOT NULL,
    reported_at BIGINT,
    reported_in_time BIGINT,
    report_note TEXT,
    handled_at BIGINT,
    handling_note TEXT,
    rating_timeliness BIGINT CHECK (rating_timeliness IS NULL OR rating_timeliness BETWEEN 1 AND 5),
    rating_effect BIGINT CHECK (rating_effect IS NULL OR rating_effect BETWEEN 1 AND 5),
    rating_attitude BIGINT CHECK (rating_attitude IS NULL OR rating_attitude BETWEEN 1 AND 5),
    rating_comment TEXT,
    rated_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE UNIQUE INDEX whistle_summons_unit ON whistle_summons (whistle_id, unit_id);
CREATE INDEX whistle_summons_region ON whistle_summons (region_code, id);
CREATE INDEX whistle_summons_for ON whistle_summons (unit_id, state);
CREATE INDEX whistle_summons_month ON whistle_summons (rate_month, unit_id);
