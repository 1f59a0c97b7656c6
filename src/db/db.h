/* The one database interface. Module code speaks only this; the drivers (db_sqlite.c,
 * db_pg.c) hide the dialects.
 *
 * Invariants: SQL is written with $1..$n placeholders and every value is bound, never
 * spliced in; identifiers come only from the code's own tables. Each thread uses its own
 * connection (db_conn_get), so a connection is never shared between threads. Rows read
 * with db_query are copied into the caller's arena and stay valid after the statement
 * is reused. */
#ifndef SHEGONG_DB_DB_H
#define SHEGONG_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"

enum db_type { DB_NULL = 0, DB_INT, DB_REAL, DB_TEXT };

struct db_val {
    enum db_type type;
    int64_t i;
    double d;
    const char *s; /* DB_TEXT: NUL-terminated */
    size_t n;      /* DB_TEXT: length in bytes */
};

#define DB_I(x) ((struct db_val){.type = DB_INT, .i = (x)})
#define DB_R(x) ((struct db_val){.type = DB_REAL, .d = (x)})
#define DB_T(x) db_text(x)
#define DB_NUL  ((struct db_val){.type = DB_NULL})
/* Builds the (args, nargs) pair: db_exec(c, sql, DB_ARGS(DB_I(1), DB_T(name)), NULL). */
#define DB_ARGS(...)                                                                               \
    (const struct db_val[]){__VA_ARGS__},                                                          \
        (int)(sizeof((struct db_val[]){__VA_ARGS__}) / sizeof(struct db_val))
#define DB_NOARGS NULL, 0

static inline struct db_val db_text(const char *s)
{
    if (!s)
        return (struct db_val){.type = DB_NULL};
    return (struct db_val){.type = DB_TEXT, .s = s, .n = strlen(s)};
}

/* A result copied into an arena: cell (r, c) is cells[r * ncols + c]. */
struct db_rows {
    size_t nrows, ncols;
    const char **names;
    struct db_val *cells;
};

enum db_sync { DB_SYNC_FULL = 0, DB_SYNC_NORMAL };

struct db_options {
    enum db_sync sync;        /* SQLite: synchronous=FULL (default) or NORMAL */
    int busy_timeout_ms;      /* how long a writer waits for the lock; 0 = 5000 */
    int statement_timeout_ms; /* PostgreSQL: longest statement; 0 = 30000 */
};

struct db;
struct db_conn;

/* Opening. url is "sqlite:PATH" (or a bare path) or "postgres://…" / "postgresql://…"
 * (a libpq URL: host, port, database, sslmode and the rest); errbuf gets a readable
 * reason. */
enum err db_open(const char *url, const struct db_options *opt, struct db **out, char *errbuf,
                 size_t errlen);
/* Closes every connection the threads opened. No thread may use the db afterwards. */
void db_close(struct db *db);
/* "sqlite" or "postgres". */
const char *db_backend(const struct db *db);
/* The same for the database a connection belongs to. */
const char *db_conn_backend(const struct db_conn *c);

/* The calling thread's connection, opened on first use. */
enum err db_conn_get(struct db *db, struct db_conn **out);
/* Whether the library ran out of memory on c since it was opened: db_conn_get opens it afresh
 * outside a transaction; inside one, the transaction should be given up. */
bool db_conn_stale(const struct db_conn *c);

/* Statements. db_exec runs a statement that returns no rows (changes may be NULL);
 * db_query copies all rows into the arena; db_query_one wants exactly one row and answers
 * ERR_NOT_FOUND for none. A constraint violation answers ERR_CONFLICT and a lock that
 * did not clear ERR_DB_BUSY; db_errmsg tells the details. sql NULL (text that could not be
 * allocated) answers ERR_NOMEM. */
enum err db_exec(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
                 int64_t *changes);
enum err db_query(struct db_conn *c, struct arena *a, const char *sql, const struct db_val *args,
                  int nargs, struct db_rows *out);
enum err db_query_one(struct db_conn *c, struct arena *a, const char *sql,
                      const struct db_val *args, int nargs, struct db_rows *out);
/* Runs several statements without parameters (migrations). */
enum err db_exec_script(struct db_conn *c, const char *sql);
/* The backend's own integrity check (SQLite: PRAGMA integrity_check). */
enum err db_integrity(struct db_conn *c, char *why, size_t whylen);
/* The backend's text for the last failure on this connection. */
const char *db_errmsg(struct db_conn *c);
/* Copies the whole database into a new SQLite file at dest_path (which must not exist),
 * as one consistent snapshot taken while others go on writing (SQLite's online backup
 * API on a connection of its own; db_backup.c). PostgreSQL answers ERR_INVALID: back it
 * up with pg_dump. errbuf says what went wrong. */
enum err db_backup(struct db *db, const char *dest_path, char *errbuf, size_t errlen);
/* Restore's last step on SQLite: puts the database file staged_path in place of target
 * (which need not exist). ERR_CONFLICT while another connection has target open (a server
 * running on it); else target's write-ahead log is folded in, target is kept as keep_path,
 * staged_path is renamed onto it and the directory is synced. */
enum err db_restore_file(const char *target, const char *staged_path, const char *keep_path,
                         char *errbuf, size_t errlen);

/* Transactions. A write transaction takes the write lock at once (SQLite BEGIN IMMEDIATE),
 * so a busy database fails here, before any work, and the caller can retry the whole unit.
 * Nested begin is a bug. */
enum db_tx { DB_TX_READ, DB_TX_WRITE };
enum err db_begin(struct db_conn *c, enum db_tx kind);
enum err db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);
bool db_in_tx(const struct db_conn *c);
/* Runs fn inside a write transaction, retrying the whole of it (up to 5 times, with
 * backoff) when the database is busy; commits when fn returns ERR_OK, rolls back else. */
enum err db_tx_run(struct db_conn *c, enum err (*fn)(struct db_conn *c, void *ctx), void *ctx);

/* Result access. Text of a NULL cell is NULL; int of a NULL cell is 0. */
static inline const struct db_val *db_cell(const struct db_rows *r, size_t row, size_t col)
{
    return &r->cells[row * r->ncols + col];
}
static inline int64_t db_int(const struct db_rows *r, size_t row, size_t col)
{
    const struct db_val *v = db_cell(r, row, col);
    return v->type == DB_INT ? v->i : v->type == DB_REAL ? (int64_t)v->d : 0;
}
static inline const char *db_str(const struct db_rows *r, size_t row, size_t col)
{
    const struct db_val *v = db_cell(r, row, col);
    return v->type == DB_TEXT ? v->s : NULL;
}
static inline bool db_is_null(const struct db_rows *r, size_t row, size_t col)
{
    return db_cell(r, row, col)->type == DB_NULL;
}

/* Timing totals for /metrics. */
struct db_stats {
    uint64_t queries;
    uint64_t query_us;
    uint64_t commits;
    uint64_t commit_us;
    uint64_t busy;
    uint64_t errors;
    uint64_t slow; /* statements that took at least the slow threshold */
};
void db_stats_get(struct db_stats *out);

/* Statements taking at least min_us are counted (db_stats.slow) and passed to fn with their
 * text (placeholders, never the bound values) and duration; min_us below 0 turns it off.
 * Process-wide; set before the first statement runs. */
typedef void (*db_slow_fn)(const char *sql, int64_t us);
void db_set_slow_log(int64_t min_us, db_slow_fn fn);

#endif
