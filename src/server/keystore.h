/* The field-encryption key and the database it belongs to. The database records the
 * fingerprint of the key its sealed values are under (table crypto_key); start-up loads the
 * key file and refuses one that does not match, and key rotation re-seals every registered
 * column and changes the record in one transaction.
 *
 * Rotation writes the new key next to the old one as "<key>.new" before its transaction
 * and moves it into place after the commit (keeping the old one as "<key>.old-<time>"), so
 * a crash between the two is finished by the next start-up: the database names the key it
 * needs, and "<key>.new" is it. */
#ifndef SHEGONG_SERVER_KEYSTORE_H
#define SHEGONG_SERVER_KEYSTORE_H

#include <stdint.h>
#include <stdio.h>

#include "core/crypto.h"
#include "db/db.h"

/* A column holding sealed values, for rotation (the registry is src/model/sealed.c).
 * The table's key column is an integer primary key. */
struct sealed_column {
    const char *table;
    const char *key;    /* integer primary key column, e.g. "id" */
    const char *column; /* the sealed text, e.g. "id_number_enc" */
    const char *index;  /* its blind index column, or NULL */
    const char *kind;   /* the blind index's kind ("idcard", "phone"), with index */
};

/* Start-up: loads the key at path into the process (crypto_use), creating the key file
 * on the very first start (no crypto_key record yet) and recording its fingerprint;
 * finishes an interrupted rotation (saying so on log, if given); refuses a missing or
 * foreign key file. errbuf says what is wrong and what to do. */
enum err keystore_open(struct db *db, const char *path, enum crypto_alg alg, FILE *log,
                       char *errbuf, size_t errlen);
/* Inside a write transaction, before sealing: ERR_UNAVAILABLE when the database has been
 * rotated to another key since this process loaded its own. */
enum err keystore_check(struct db_conn *c);

struct keystore_progress {
    int64_t total; /* sealed values found before the work began */
    int64_t done;
    FILE *tty; /* where a progress line is drawn, or NULL */
    /* where the work stopped when it failed */
    const char *bad_table;
    int64_t bad_key;
};

/* Inside a write transaction: opens every sealed value of cols (sentinel: table NULL)
 * with old, seals it with new_key, recomputes its blind index, and records new_key as the
 * database's key. ERR_CONFLICT (bad_table / bad_key set) when a value cannot be opened:
 * the caller rolls back and nothing changes. */
enum err keystore_reseal(struct db_conn *c, const struct sealed_column *cols,
                         const struct crypto_key *old, const struct crypto_key *new_key,
                         struct keystore_progress *p);
/* After the commit: keeps path as "<path>.old-<UTC time>" (old_path, at least 4200 bytes)
 * and moves "<path>.new" into place, syncing the directory. */
enum err keystore_switch(const char *path, char *old_path, size_t old_len, char *errbuf,
                         size_t errlen);
/* "<path>.new" into out. */
void keystore_new_path(const char *path, char *out, size_t len);

#endif
