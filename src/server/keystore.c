/* The key file bound to its database: start-up checks, rotation (see keystore.h). */
#include "server/keystore.h"

#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

void keystore_new_path(const char *path, char *out, size_t len)
{
    snprintf(out, len, "%s.new", path);
}

/* The fingerprint recorded in the database into fp[33]; "" when there is none yet. */
static enum err recorded(struct db_conn *c, char fp[33])
{
    struct arena a;
    arena_init(&a, 1 << 16);
    struct db_rows rows;
    enum err e =
        db_query(c, &a, "SELECT fingerprint FROM crypto_key WHERE id = 1", DB_NOARGS, &rows);
    fp[0] = '\0';
    if (!e && rows.nrows && db_str(&rows, 0, 0))
        snprintf(fp, 33, "%s", db_str(&rows, 0, 0));
    arena_release(&a);
    return e;
}

struct record_ctx {
    const struct crypto_key *k;
};

static enum err record_first(struct db_conn *c, void *ctx)
{
    const struct crypto_key *k = ((struct record_ctx *)ctx)->k;
    return db_exec(c,
                   "INSERT INTO crypto_key (id, fingerprint, cipher, changed_at) "
                   "VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
                   DB_ARGS(DB_T(k->fingerprint), DB_T(crypto_alg_name(k->alg)), DB_I(clock_now())),
                   NULL);
}

/* Derives the key in file path; ERR_NOT_FOUND when there is no such file. */
static enum err load(const char *path, enum crypto_alg alg, struct crypto_key *k, char *errbuf,
                     size_t errlen)
{
    unsigned char master[CRYPTO_MASTER_BYTES];
    enum err e = crypto_key_read(path, master, errbuf, errlen);
    if (!e)
        crypto_key_derive(master, alg, k);
    crypto_wipe(master, sizeof(master));
    return e;
}

enum err keystore_open(struct db *db, const char *path, enum crypto_alg alg, FILE *log,
                       char *errbuf, size_t errlen)
{
    struct db_conn *c;
    char fp[33];
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = recorded(c, fp);
    if (e) {
        snprintf(errbuf, errlen, "cannot read the key record: %s", db_errmsg(c));
        return e;
    }
    struct crypto_key k;
    if (!fp[0]) {
        /* the first start of this database: make the key, or adopt the one that is there */
        e = crypto_init(path, true, alg, errbuf, errlen);
        if (e)
            return e;
        struct record_ctx ctx = {crypto_current()};
        e = db_tx_run(c, record_first, &ctx);
        if (!e)
            e = recorded(c, fp);
        if (e) {
            snprintf(errbuf, errlen, "cannot record the key: %s", db_errmsg(c));
            return e;
        }
        if (strcmp(fp, crypto_current()->fingerprint) == 0)
            return ERR_OK;
        /* another process recorded another key first: fall through to the checks */
    }
    e = load(path, alg, &k, errbuf, errlen);
    if (e && e != ERR_NOT_FOUND)
        return e;
    if (!e && strcmp(k.fingerprint, fp) == 0) {
        crypto_use(&k);
        crypto_wipe(&k, sizeof(k));
        return ERR_OK;
    }
    bool missing = e == ERR_NOT_FOUND;
    char have[33];
    snprintf(have, sizeof(have), "%s", missing ? "" : k.fingerprint);
    /* a rotation that committed but did not get to move its key into place */
    char next[4200], old[4200];
    keystore_new_path(path, next, sizeof(next));
    struct crypto_key nk;
    char ignored[256];
    if (load(next, alg, &nk, ignored, sizeof(ignored)) == ERR_OK &&
        strcmp(nk.fingerprint, fp) == 0) {
        e = keystore_switch(path, old, sizeof(old), errbuf, errlen);
        if (!e) {
            crypto_use(&nk);
            if (log)
                fprintf(log,
                        "shegong: finished an interrupted key rotation: '%s' is now the key; "
                        "the previous one is kept as '%s'\n",
                        path, old[0] ? old : "(none)");
        }
        crypto_wipe(&nk, sizeof(nk));
        crypto_wipe(&k, sizeof(k));
        return e;
    }
    crypto_wipe(&nk, sizeof(nk));
    crypto_wipe(&k, sizeof(k));
    if (missing)
        snprintf(errbuf, errlen,
                 "the key file '%s' is missing, but this database's personal data is sealed "
                 "under key %s: restore that key file from its backup (SHEGONG_KEY_FILE names "
                 "another place); a new key would make the data unreadable",
                 path, fp);
    else
        snprintf(errbuf, errlen,
                 "the key file '%s' holds key %s, but this database's personal data is sealed "
                 "under key %s: use the key file that belongs to this database "
                 "(SHEGONG_KEY_FILE)",
                 path, have, fp);
    return ERR_CONFLICT;
}

enum err keystore_check(struct db_conn *c)
{
    const struct crypto_key *k = crypto_current();
    char fp[33];
    if (!k)
        return ERR_UNAVAILABLE;
    enum err e = recorded(c, fp);
    if (e)
        return e;
    return strcmp(fp, k->fingerprint) == 0 ? ERR_OK : ERR_UNAVAILABLE;
}

static void draw(struct keystore_progress *p, bool last)
{
    if (!p->tty || (!last && p->done % 1000))
        return;
    fprintf(p->tty, "\rkey rotate: %" PRId64 " / %" PRId64 " values%s", p->done, p->total,
            last ? "\n" : "");
    fflush(p->tty);
}

static enum err count_all(struct db_conn *c, const struct sealed_column *cols, int64_t *total)
{
    *total = 0;
    for (const struct sealed_column *col = cols; col->table; col++) {
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL", col->table,
                 col->column);
        struct arena a;
        arena_init(&a, 1 << 16);
        struct db_rows rows;
        enum err e = db_query_one(c, &a, sql, DB_NOARGS, &rows);
        if (!e)
            *total += db_int(&rows, 0, 0);
        arena_release(&a);
        if (e)
            return e;
    }
    return ERR_OK;
}

/* Re-seals one batch of col after key `after`; *last gets the batch's last key, *n its
 * size (0: the column is done). */
static enum err reseal_batch(struct db_conn *c, const struct sealed_column *col,
                             const struct crypto_key *old, const struct crypto_key *new_key,
                             struct keystore_progress *p, int64_t *after, size_t *n)
{
    char sel[320], upd[320];
    snprintf(sel, sizeof(sel),
             "SELECT %s, %s FROM %s WHERE %s IS NOT NULL AND %s > $1 ORDER BY %s LIMIT 500",
             col->key, col->column, col->table, col->column, col->key, col->key);
    if (col->index)
        snprintf(upd, sizeof(upd), "UPDATE %s SET %s = $2, %s = $3 WHERE %s = $1", col->table,
                 col->column, col->index, col->key);
    else
        snprintf(upd, sizeof(upd), "UPDATE %s SET %s = $2 WHERE %s = $1", col->table, col->column,
                 col->key);
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_query(c, &a, sel, DB_ARGS(DB_I(*after)), &rows);
    *n = e ? 0 : rows.nrows;
    for (size_t i = 0; i < *n && !e; i++) {
        int64_t key = db_int(&rows, i, 0);
        const char *plain, *sealed;
        char idx[65];
        e = crypto_open_with(old, &a, db_str(&rows, i, 1), &plain);
        if (e == ERR_CONFLICT) {
            p->bad_table = col->table;
            p->bad_key = key;
        }
        if (!e)
            e = crypto_seal_with(new_key, &a, plain, &sealed);
        if (!e && col->index) {
            e = crypto_blind_index_with(new_key, col->kind, plain, idx) ? ERR_OK : ERR_NOMEM;
            if (!e)
                e = db_exec(c, upd, DB_ARGS(DB_I(key), DB_T(sealed), DB_T(idx)), NULL);
        } else if (!e) {
            e = db_exec(c, upd, DB_ARGS(DB_I(key), DB_T(sealed)), NULL);
        }
        *after = key;
        p->done++;
        draw(p, false);
    }
    arena_release(&a);
    return e;
}

enum err keystore_reseal(struct db_conn *c, const struct sealed_column *cols,
                         const struct crypto_key *old, const struct crypto_key *new_key,
                         struct keystore_progress *p)
{
    p->done = 0;
    p->bad_table = NULL;
    p->bad_key = 0;
    enum err e = count_all(c, cols, &p->total);
    for (const struct sealed_column *col = cols; col->table && !e; col++) {
        int64_t after = INT64_MIN;
        size_t n = 1;
        while (n && !e)
            e = reseal_batch(c, col, old, new_key, p, &after, &n);
    }
    if (e)
        return e;
    draw(p, true);
    int64_t changed = 0;
    e = db_exec(
        c, "UPDATE crypto_key SET fingerprint = $1, cipher = $2, changed_at = $3 WHERE id = 1",
        DB_ARGS(DB_T(new_key->fingerprint), DB_T(crypto_alg_name(new_key->alg)), DB_I(clock_now())),
        &changed);
    if (!e && changed != 1)
        e = db_exec(c,
                    "INSERT INTO crypto_key (id, fingerprint, cipher, changed_at) "
                    "VALUES (1, $1, $2, $3)",
                    DB_ARGS(DB_T(new_key->fingerprint), DB_T(crypto_alg_name(new_key->alg)),
                            DB_I(clock_now())),
                    NULL);
    return e;
}

enum err keystore_switch(const char *path, char *old_path, size_t old_len, char *errbuf,
                         size_t errlen)
{
    char next[4200], stamp[32];
    keystore_new_path(path, next, sizeof(next));
    time_t t = (time_t)clock_now();
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    old_path[0] = '\0';
    /* keep the old key under a name of its own (a hard link: same file, same mode) */
    for (int i = 1; i < 100; i++) {
        if (i == 1)
            snprintf(old_path, old_len, "%s.old-%s", path, stamp);
        else
            snprintf(old_path, old_len, "%s.old-%s-%d", path, stamp, i);
        if (link(path, old_path) == 0)
            break;
        if (errno == ENOENT) { /* no old key file to keep */
            old_path[0] = '\0';
            break;
        }
        if (errno != EEXIST) {
            snprintf(errbuf, errlen, "cannot keep the old key as '%s': %s", old_path,
                     strerror(errno));
            return ERR_IO;
        }
    }
    if (rename(next, path) != 0) {
        snprintf(errbuf, errlen, "cannot move the new key '%s' to '%s': %s", next, path,
                 strerror(errno));
        return ERR_IO;
    }
    if (fs_sync_parent(path) != 0) {
        snprintf(errbuf, errlen, "cannot sync the directory of '%s': %s", path, strerror(errno));
        return ERR_IO;
    }
    return ERR_OK;
}
