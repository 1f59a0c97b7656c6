/* The SQLite driver: WAL, synchronous=FULL by default, foreign keys, secure_delete, a busy
 * timeout; $n placeholders become ?n. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/driver.h"
#include "db/fts_sqlite.h"

static enum err map_rc(int rc)
{
    switch (rc & 0xFF) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return ERR_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ERR_DB_BUSY;
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_NOMEM:
        return ERR_NOMEM;
    case SQLITE_TOOBIG:
        return ERR_TOO_LARGE;
    default:
        return ERR_DB;
    }
}

static enum err sq_connect(const char *target, const struct db_options *opt, void **handle,
                           char *errbuf, size_t errlen)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(
        target, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open SQLite database '%s': %s", target,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? ERR_NOMEM : ERR_IO;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000);
    char pragmas[256];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY;",
             opt->sync == DB_SYNC_NORMAL ? "NORMAL" : "FULL");
    char *msg = NULL;
    rc = sqlite3_exec(db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot set up SQLite database '%s': %s", target,
                 msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(db);
        return rc == SQLITE_BUSY ? ERR_DB_BUSY : rc == SQLITE_NOMEM ? ERR_NOMEM : ERR_IO;
    }
    enum err e = db_sqlite_register_tokenizer(db);
    if (e) {
        snprintf(errbuf, errlen, "cannot register the full-text tokenizer 'shegong' on '%s': %s",
                 target, sqlite3_errmsg(db));
        sqlite3_close(db);
        return e;
    }
    *handle = db;
    return ERR_OK;
}

static void sq_disconnect(void *h)
{
    sqlite3_close_v2(h);
}

/* $12 -> ?12 outside quoted text. */
static char *translate(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = sql[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '$' && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
            ch = '?';
        }
        out[i] = ch;
    }
    return out;
}

static enum err sq_prepare(void *h, const char *sql, void **stmt)
{
    char *q = translate(sql);
    if (!q)
        return ERR_NOMEM;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(h, q, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "shegong: SQL prepare failed: %s\n", sqlite3_errmsg(h));
        return map_rc(rc) == ERR_OK ? ERR_DB : map_rc(rc);
    }
    if (!st)
        return ERR_INTERNAL; /* no statement in the text */
    *stmt = st;
    return ERR_OK;
}

static void sq_finalize(void *st)
{
    sqlite3_finalize(st);
}

static enum err sq_bind(void *stmt, const struct db_val *args, int nargs)
{
    sqlite3_stmt *st = stmt;
    if (nargs != sqlite3_bind_parameter_count(st))
        return ERR_INTERNAL;
    for (int i = 0; i < nargs; i++) {
        int rc;
        switch (args[i].type) {
        case DB_NULL:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        case DB_INT:
            rc = sqlite3_bind_int64(st, i + 1, args[i].i);
            break;
        case DB_REAL:
            rc = sqlite3_bind_double(st, i + 1, args[i].d);
            break;
        case DB_TEXT:
            rc = sqlite3_bind_text(st, i + 1, args[i].s, (int)args[i].n, SQLITE_STATIC);
            break;
        default:
            return ERR_INTERNAL;
        }
        if (rc != SQLITE_OK)
            return map_rc(rc);
    }
    return ERR_OK;
}

static enum err sq_step(void *stmt, bool *row)
{
    int rc = sqlite3_step(stmt);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return ERR_OK;
    enum err e = map_rc(rc);
    return e ? e : ERR_DB;
}

static int sq_column_count(void *stmt)
{
    return sqlite3_column_count(stmt);
}

static const char *sq_column_name(void *stmt, int col)
{
    return sqlite3_column_name(stmt, col);
}

static void sq_column(void *stmt, int col, struct db_val *out)
{
    *out = (struct db_val){0};
    switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
        out->type = DB_INT;
        out->i = sqlite3_column_int64(stmt, col);
        break;
    case SQLITE_FLOAT:
        out->type = DB_REAL;
        out->d = sqlite3_column_double(stmt, col);
        break;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        out->type = DB_TEXT;
        out->s = (const char *)sqlite3_column_text(stmt, col);
        out->n = (size_t)sqlite3_column_bytes(stmt, col);
        if (!out->s) {
            out->s = "";
            out->n = 0;
        }
        break;
    default:
        out->type = DB_NULL;
    }
}

static void sq_reset(void *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static int64_t sq_changes(void *h)
{
    return sqlite3_changes64(h);
}

static enum err sq_exec_script(void *h, const char *sql)
{
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    enum err e = map_rc(rc);
    return rc == SQLITE_OK ? ERR_OK : (e ? e : ERR_DB);
}

static const char *sq_errmsg(void *h)
{
    return sqlite3_errmsg(h);
}

static enum err sq_integrity(void *h, char *why, size_t whylen)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(why, whylen, "%s", sqlite3_errmsg(h));
        return ERR_DB;
    }
    enum err e = ERR_OK;
    rc = sqlite3_step(st);
    const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (!res || strcmp(res, "ok") != 0) {
        snprintf(why, whylen, "%s", res ? res : sqlite3_errmsg(h));
        e = ERR_CONFLICT;
    }
    sqlite3_finalize(st);
    return e;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .scheme = "sqlite:",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind = sq_bind,
    .step = sq_step,
    .column_count = sq_column_count,
    .column_name = sq_column_name,
    .column = sq_column,
    .reset = sq_reset,
    .changes = sq_changes,
    .exec_script = sq_exec_script,
    .errmsg = sq_errmsg,
    .integrity = sq_integrity,
    .begin_read = "BEGIN",
    .begin_write = "BEGIN IMMEDIATE",
};
