-- People's mediation (人民调解, docs/mediation.md): committees, their mediators, disputes
-- with their workflow state, and the records of mediation sessions. Portable SQL; the
-- engine's standard columns on every table (engine.h); dates as "YYYY-MM-DD" text, amounts
-- in fen (the value times 100). The disputes' full-text table is in 0013_mediation_fts.

-- term_end is derived from term_start (three years); member_count is kept by the mediator
-- hooks (active 主任, 副主任 and 委员; a committee has three to nine).
CREATE TABLE mediation_committee (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    term_start TEXT NOT NULL CHECK (length(term_start) = 10),
    term_end TEXT CHECK (term_end IS NULL OR length(term_end) = 10),
    member_count BIGINT NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    contact TEXT,
    address TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE INDEX mediation_committee_region ON mediation_committee (region_code, id);
CREATE UNIQUE INDEX mediation_committee_name ON mediation_committee (region_code, name);

-- Mediators are never deleted: one who leaves is set to 'left', so past disputes keep
-- their mediator. The phone is sealed with a blind index, like a person's.
CREATE TABLE mediator (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    gender TEXT CHECK (gender IS NULL OR gender IN ('male', 'female')),
    phone_enc TEXT,
    phone_idx TEXT CHECK (phone_idx IS NULL OR length(phone_idx) = 64),
    committee_id BIGINT NOT NULL REFERENCES mediation_committee (id),
    post TEXT NOT NULL
        CHECK (post IN ('director', 'deputy', 'member', 'fulltime', 'parttime')),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    appointed_on TEXT CHECK (appointed_on IS NULL OR length(appointed_on) = 10),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT,
    CHECK ((phone_enc IS NULL) = (phone_idx IS NULL))
);
CREATE INDEX mediator_region ON mediator (region_code, id);
CREATE INDEX mediator_committee ON mediator (committee_id, status, post);
CREATE INDEX mediator_phone ON mediator (phone_idx);

-- A dispute and what its workflow recorded: the committee and mediator (set on
-- acceptance), the level of that committee, the agreement or the failure with where the
-- parties were told to go, the performance and the closing date.
CREATE TABLE dispute (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('registered', 'accepted', 'declined', 'mediating',
        'agreed', 'failed', 'performed', 'not_performed', 'closed')),
    summary TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    source TEXT NOT NULL
        CHECK (source IN ('walk_in', 'grid_patrol', 'petition', 'work_order', 'other')),
    source_ref TEXT,
    occurred_on TEXT CHECK (occurred_on IS NULL OR length(occurred_on) = 10),
    amount BIGINT CHECK (amount IS NULL OR amount >= 0),
    party_a_name TEXT NOT NULL,
    party_a_phone_enc TEXT,
    party_a_phone_idx TEXT CHECK (party_a_phone_idx IS NULL OR length(party_a_phone_idx) = 64),
    party_b_name TEXT NOT NULL,
    party_b_phone_enc TEXT,
    party_b_phone_idx TEXT CHECK (party_b_phone_idx IS NULL OR length(party_b_phone_idx) = 64),
    other_parties TEXT,
    party_count BIGINT NOT NULL DEFAULT 2 CHECK (party_count >= 2),
    committee_id BIGINT REFERENCES mediation_committee (id),
    mediator_id BIGINT REFERENCES mediator (id),
    level TEXT CHECK (level IS NULL OR level IN ('village', 'township', 'county', 'above')),
    registered_on TEXT NOT NULL CHECK (length(registered_on) = 10),
    decline_reason TEXT,
    agreement_content TEXT,
    agreed_on TEXT,
    performance_due TEXT,
    signed_by TEXT,
    judicial_applied_on TEXT,
    court TEXT,
    fail_reason TEXT,
    where_to_go TEXT CHECK (where_to_go IS NULL OR where_to_go IN ('arbitration',
        'administrative', 'court', 'petition', 'other')),
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('agreed', 'failed', 'declined')),
    performance TEXT CHECK (performance IS NULL OR performance IN ('performed', 'not_performed')),
    performed_on TEXT,
    not_performed_reason TEXT,
    closed_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT,
    CHECK ((party_a_phone_enc IS NULL) = (party_a_phone_idx IS NULL)),
    CHECK ((party_b_phone_enc IS NULL) = (party_b_phone_idx IS NULL))
);
CREATE INDEX dispute_region ON dispute (region_code, id);
-- the figures: a region's disputes registered in a period
CREATE INDEX dispute_registered ON dispute (registered_on, region_code);
CREATE INDEX dispute_party_a_phone ON dispute (party_a_phone_idx);
CREATE INDEX dispute_party_b_phone ON dispute (party_b_phone_idx);
CREATE INDEX dispute_committee ON dispute (committee_id);
CREATE INDEX dispute_mediator ON dispute (mediator_id);

-- The record of one mediation session; region_code is its dispute's (the scope).
CREATE TABLE dispute_session (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    dispute_id BIGINT NOT NULL REFERENCES dispute (id),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    held_at BIGINT NOT NULL,
    mediator_id BIGINT NOT NULL REFERENCES mediator (id),
    place TEXT,
    participants TEXT NOT NULL,
    notes TEXT NOT NULL,
    next_steps TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE INDEX dispute_session_region ON dispute_session (region_code, id);
CREATE INDEX dispute_session_dispute ON dispute_session (dispute_id, held_at);
