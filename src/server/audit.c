/* Hash-chained audit records (see audit.h). */
#include "server/audit.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/encode.h"
#include "db/sqlq.h"
#include "server/reply.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Length-prefixed fields, so that no two different records hash the same input. */
static void hash_field(crypto_hash_sha256_state *st, const char *s)
{
    char len[24];
    if (!s) {
        crypto_hash_sha256_update(st, (const unsigned char *)"-|", 2);
        return;
    }
    size_t n = strlen(s);
    int k = snprintf(len, sizeof(len), "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

static void record_hash(const char *prev, int64_t seq, int64_t at, int64_t user_id,
                        const struct audit_rec *r, char out[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    char num[3][24];
    snprintf(num[0], sizeof(num[0]), "%" PRId64, seq);
    snprintf(num[1], sizeof(num[1]), "%" PRId64, at);
    snprintf(num[2], sizeof(num[2]), "%" PRId64, user_id);
    const char *fields[] = {prev,           num[0],       num[1],        num[2],
                            r->username,    r->ip,        r->request_id, r->action,
                            r->object_type, r->object_id, r->result,     r->detail};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        hash_field(&st, fields[i]);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    hex_encode(h, sizeof(h), out);
}

static atomic_bool fail_injected;

void audit_test_fail(bool on)
{
    atomic_store(&fail_injected, on);
}

enum err audit_append(struct db_conn *c, const struct audit_rec *rec)
{
    if (atomic_load(&fail_injected))
        return ERR_IO;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct db_rows last;
    enum err e = db_query(c, &a, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                          DB_NOARGS, &last);
    if (e)
        goto out;
    int64_t seq = last.nrows ? db_int(&last, 0, 0) + 1 : 1;
    const char *prev = last.nrows ? db_str(&last, 0, 1) : GENESIS;
    int64_t at = clock_now();
    char hash[65];
    record_hash(prev, seq, at, rec->user_id, rec, hash);
    e = db_exec(c,
                "INSERT INTO audit_log (seq, at, user_id, username, ip, request_id, action, "
                "object_type, object_id, result, detail, prev_hash, hash) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                DB_ARGS(DB_I(seq), DB_I(at), rec->user_id ? DB_I(rec->user_id) : DB_NUL,
                        DB_T(rec->username), DB_T(rec->ip), DB_T(rec->request_id),
                        DB_T(rec->action), DB_T(rec->object_type), DB_T(rec->object_id),
                        DB_T(rec->result), DB_T(rec->detail), DB_T(prev), DB_T(hash)),
                NULL);
out:
    arena_release(&a);
    return e;
}

enum err audit_event(struct req *r, const char *action, const char *object_type,
                     const char *object_id, const char *result, const char *detail)
{
    struct audit_rec rec = {
        .user_id = r->user.id,
        .username = r->user.username,
        .ip = r->ip,
        .request_id = r->request_id,
        .action = action,
        .object_type = object_type,
        .object_id = object_id,
        .result = result,
        .detail = detail,
    };
    return audit_append(r->db, &rec);
}

enum err audit_request(struct req *r, const char *result)
{
    const char *action = r->audit.action ? r->audit.action : r->route->action;
    if (!action)
        action = r->route->pattern;
    return audit_event(r, action, r->audit.object_type,
                       r->audit.object_id[0] ? r->audit.object_id : NULL, result, r->audit.detail);
}

enum err audit_verify(struct db_conn *c, int64_t *checked, int64_t *bad_seq, char *why,
                      size_t whylen)
{
    char prev[65] = GENESIS;
    int64_t expect_seq = 1, after = 0;
    *checked = 0;
    *bad_seq = 0;
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        struct db_rows rows;
        enum err e = db_query(c, &a,
                              "SELECT seq, at, user_id, username, ip, request_id, action, "
                              "object_type, object_id, result, detail, prev_hash, hash "
                              "FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000",
                              DB_ARGS(DB_I(after)), &rows);
        if (e) {
            arena_release(&a);
            snprintf(why, whylen, "cannot read audit_log: %s", db_errmsg(c));
            return e;
        }
        for (size_t i = 0; i < rows.nrows; i++) {
            int64_t seq = db_int(&rows, i, 0);
            struct audit_rec rec = {
                .username = db_str(&rows, i, 3),
                .ip = db_str(&rows, i, 4),
                .request_id = db_str(&rows, i, 5),
                .action = db_str(&rows, i, 6),
                .object_type = db_str(&rows, i, 7),
                .object_id = db_str(&rows, i, 8),
                .result = db_str(&rows, i, 9),
                .detail = db_str(&rows, i, 10),
            };
            const char *stored_prev = db_str(&rows, i, 11);
            const char *stored = db_str(&rows, i, 12);
            char h[65];
            record_hash(prev, seq, db_int(&rows, i, 1), db_int(&rows, i, 2), &rec, h);
            const char *problem = NULL;
            if (seq != expect_seq)
                problem = "a record is missing before it (sequence gap)";
            else if (!stored_prev || strcmp(stored_prev, prev) != 0)
                problem = "its link to the previous record does not match";
            else if (!stored || strcmp(stored, h) != 0)
                problem = "its contents do not match its hash (the record was altered)";
            if (problem) {
                *bad_seq = seq;
                snprintf(why, whylen, "%s", problem);
                arena_release(&a);
                return ERR_CONFLICT;
            }
            memcpy(prev, stored, 65);
            expect_seq = seq + 1;
            after = seq;
            (*checked)++;
        }
        size_t n = rows.nrows;
        arena_release(&a);
        if (n < 5000)
            return ERR_OK;
    }
}

static const char *const audit_cols = "seq, at, user_id, username, ip, request_id, action, "
                                      "object_type, object_id, result, detail, hash";

enum err audit_list(struct req *r)
{
    int64_t page, size, v;
    query_page(r, 50, &page, &size);
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "FROM audit_log WHERE 1 = 1");
    if (query_int(r, "user_id", &v)) {
        sqlq_add(&q, " AND user_id = ");
        sqlq_arg(&q, DB_I(v));
    }
    const char *s;
    if ((s = query_str(r, "action"))) {
        sqlq_add(&q, " AND action = ");
        sqlq_arg(&q, DB_T(s));
    }
    if ((s = query_str(r, "object_type"))) {
        sqlq_add(&q, " AND object_type = ");
        sqlq_arg(&q, DB_T(s));
    }
    if ((s = query_str(r, "object_id"))) {
        sqlq_add(&q, " AND object_id = ");
        sqlq_arg(&q, DB_T(s));
    }
    if ((s = query_str(r, "result"))) {
        sqlq_add(&q, " AND result = ");
        sqlq_arg(&q, DB_T(s));
    }
    if (query_int(r, "from", &v)) {
        sqlq_add(&q, " AND at >= ");
        sqlq_arg(&q, DB_I(v));
    }
    if (query_int(r, "to", &v)) {
        sqlq_add(&q, " AND at < ");
        sqlq_arg(&q, DB_I(v));
    }
    int64_t total = 0;
    struct db_rows rows;
    enum err e = sqlq_page(r->db, &r->arena, audit_cols, &q, "seq DESC", page, size, &total, &rows);
    if (e)
        goto out;
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        char seq[24];
        snprintf(seq, sizeof(seq), "%" PRId64, db_int(&rows, i, 0));
        json_array_append_new(
            items, json_pack("{s:s, s:o, s:o, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:s?, s:s}",
                             "seq", seq, "at", json_time(db_int(&rows, i, 1)), "user_id",
                             json_id(db_int(&rows, i, 2)), "username", db_str(&rows, i, 3), "ip",
                             db_str(&rows, i, 4), "request_id", db_str(&rows, i, 5), "action",
                             db_str(&rows, i, 6), "object_type", db_str(&rows, i, 7), "object_id",
                             db_str(&rows, i, 8), "result", db_str(&rows, i, 9), "detail",
                             db_str(&rows, i, 10), "hash", db_str(&rows, i, 11)));
    }
    e = reply_page_take(r, items, total, page, size);
out:
    sqlq_release(&q);
    return e;
}
