-- Near-duplicate petitions (重复件, docs/duplicates.md): the MinHash fingerprint of each
-- petition's content (core/minhash), kept by modules/petition/dup.c. Portable SQL.

-- sig is the 64-bit signature stored as a signed BIGINT (the same bits); b0..b3 are the
-- four 16-bit band keys (0..65535). A check reads the rows that share a band key with the
-- new text, each band through its own index, and compares signatures in C. No foreign
-- key: the row follows its petition through dup_index and dup_remove, and this table
-- applies without the petition migrations. Each band index holds the id and the signature,
-- so a lookup reads the newest rows of a band key from the index alone and stops at its
-- cap (a key shared by thousands of texts comes from their stock phrases).
CREATE TABLE petition_minhash (
    petition_id BIGINT PRIMARY KEY,
    sig BIGINT NOT NULL,
    b0 INTEGER NOT NULL CHECK (b0 BETWEEN 0 AND 65535),
    b1 INTEGER NOT NULL CHECK (b1 BETWEEN 0 AND 65535),
    b2 INTEGER NOT NULL CHECK (b2 BETWEEN 0 AND 65535),
    b3 INTEGER NOT NULL CHECK (b3 BETWEEN 0 AND 65535)
);
CREATE INDEX petition_minhash_b0 ON petition_minhash (b0, petition_id, sig);
CREATE INDEX petition_minhash_b1 ON petition_minhash (b1, petition_id, sig);
CREATE INDEX petition_minhash_b2 ON petition_minhash (b2, petition_id, sig);
CREATE INDEX petition_minhash_b3 ON petition_minhash (b3, petition_id, sig);
