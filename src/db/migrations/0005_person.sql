-- Citizens (DOMAIN.md §0 person), each held once, and the record of which key the sealed
-- personal data is under. Portable SQL. See docs/personal-data.md.

-- ID and phone numbers are stored only sealed (*_enc: "sm4:…" or "aes:…", core/crypto)
-- with a keyed blind index (*_idx: HMAC-SM3, 64 hex digits) for equality search; never in
-- plain text. The same ID number is the same person: its index is unique (several people
-- without one are allowed). A phone may be shared (a household's landline), so its index
-- only speeds up lookups. region_code is where the person lives (居住区域).
CREATE TABLE person (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT CHECK (gender IN ('male', 'female')),
    birth_date TEXT CHECK (birth_date IS NULL OR length(birth_date) = 10),
    id_number_enc TEXT,
    id_number_idx TEXT UNIQUE CHECK (id_number_idx IS NULL OR length(id_number_idx) = 64),
    phone_enc TEXT,
    phone_idx TEXT CHECK (phone_idx IS NULL OR length(phone_idx) = 64),
    region_code TEXT NOT NULL CHECK (length(region_code) = 12),
    address TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BIGINT,
    updated_by BIGINT,
    CHECK ((id_number_enc IS NULL) = (id_number_idx IS NULL)),
    CHECK ((phone_enc IS NULL) = (phone_idx IS NULL))
);
CREATE INDEX person_phone ON person (phone_idx);
CREATE INDEX person_region ON person (region_code, id);

-- The key every sealed value and blind index in this database is made with, by its
-- fingerprint (an HMAC of a constant under the key: it names the key, it does not reveal
-- it). Start-up refuses a key file that does not match; `shegong key rotate` changes the
-- row in the same transaction as the values.
CREATE TABLE crypto_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    cipher TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
