-- Petitions (信访事项, docs/petition.md): the engine's petition table, the petitioners who
-- brought each item (persons, sealed in the person table), and the portal's tracking key.
-- Portable SQL. The when-stopped of deadline clocks is kept for on-time figures.
ALTER TABLE deadline ADD COLUMN stopped_at BIGINT;

CREATE TABLE petition (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL,
    title TEXT,
    channel TEXT NOT NULL,
    class TEXT NOT NULL,
    category TEXT NOT NULL,
    content TEXT NOT NULL,
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    complained_unit_id BIGINT,
    unit_id BIGINT,
    collective BIGINT,
    headcount BIGINT,
    confidential BIGINT,
    query_code TEXT,
    petitioner_name TEXT,
    petitioner_count BIGINT,
    documents TEXT,
    repeat_of BIGINT,
    after_rereview BIGINT,
    reject_reason TEXT,
    reject_guidance TEXT,
    reply_kind TEXT,
    reply_facts TEXT,
    reply_basis TEXT,
    reply_text TEXT,
    extension_days BIGINT,
    extension_reason TEXT,
    objection_reason TEXT,
    rating TEXT,
    rating_comment TEXT,
    review_decision TEXT,
    review_text TEXT,
    rereview_decision TEXT,
    rereview_text TEXT,
    dispute_id BIGINT,
    mediation_outcome TEXT,
    routed_at BIGINT,
    accepted_at BIGINT,
    replied_at BIGINT,
    rated_at BIGINT,
    reviewed_at BIGINT,
    rereviewed_at BIGINT,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT
);
CREATE INDEX petition_region ON petition (region_code, id);
CREATE INDEX petition_region_created ON petition (region_code, created_at);
CREATE INDEX petition_state ON petition (state, region_code);
CREATE INDEX petition_unit ON petition (unit_id, state);
CREATE INDEX petition_complained ON petition (complained_unit_id);
CREATE INDEX petition_repeat ON petition (repeat_of);
CREATE UNIQUE INDEX petition_query_code ON petition (query_code);

-- Who brought an item: persons, in the order given; representatives of a collective visit
-- are marked (at most 5).
CREATE TABLE petitioner (
    petition_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person (id),
    representative BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (petition_id, seq)
);
CREATE INDEX petitioner_person ON petitioner (person_id, petition_id);

-- The portal's key to an item: the query code and a keyed hash of the code with the last
-- four digits of the contact phone (so the phone is never needed in clear to check it).
CREATE TABLE petition_track (
    petition_id BIGINT PRIMARY KEY,
    query_code TEXT NOT NULL UNIQUE,
    phone_key TEXT
);
