/* The database interface over a driver: per-thread connections, a prepared-statement
 * cache per connection, transactions with retry, rows copied into arenas. */
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "db/driver.h"

#define STMT_CACHE 128

struct stmt_slot {
    char *sql;
    void *stmt;
    uint64_t used; /* tick of last use, for eviction */
};

struct db_conn {
    struct db *db;
    void *handle;
    bool in_tx;
    bool stale; /* opened afresh by the next db_conn_get (count_error) */
    uint64_t tick;
    struct stmt_slot cache[STMT_CACHE];
    struct db_conn *next; /* all connections of the db */
};

struct db {
    const struct db_driver *drv;
    char *target;
    struct db_options opt;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct db_conn *conns;
};

static const struct db_driver *const drivers[] = {&db_sqlite_driver, &db_pg_driver};

static _Atomic uint64_t st_queries, st_query_us, st_commits, st_commit_us, st_busy, st_errors,
    st_slow;
static int64_t slow_min_us = -1;
static db_slow_fn slow_fn;

void db_set_slow_log(int64_t min_us, db_slow_fn fn)
{
    slow_min_us = fn ? min_us : -1;
    slow_fn = fn;
}

void db_stats_get(struct db_stats *out)
{
    out->queries = atomic_load(&st_queries);
    out->query_us = atomic_load(&st_query_us);
    out->commits = atomic_load(&st_commits);
    out->commit_us = atomic_load(&st_commit_us);
    out->busy = atomic_load(&st_busy);
    out->errors = atomic_load(&st_errors);
    out->slow = atomic_load(&st_slow);
}

enum err db_open(const char *url, const struct db_options *opt, struct db **out, char *errbuf,
                 size_t errlen)
{
    *out = NULL;
    const struct db_driver *drv = NULL;
    const char *target = url;
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]) && !drv; i++) {
        const char *schemes[] = {drivers[i]->scheme, drivers[i]->alt_scheme};
        for (size_t k = 0; k < 2 && !drv; k++) {
            size_t n = schemes[k] ? strlen(schemes[k]) : 0;
            if (n && strncmp(url, schemes[k], n) == 0) {
                drv = drivers[i];
                target = drv->whole_url ? (url[n] ? url : url + n) : url + n;
            }
        }
    }
    if (!drv) {
        if (strstr(url, "://")) {
            snprintf(errbuf, errlen, "unknown database URL scheme in '%s'", url);
            return ERR_INVALID;
        }
        drv = &db_sqlite_driver; /* a bare path */
    }
    if (!*target) {
        snprintf(errbuf, errlen, "database URL '%s' names no database", url);
        return ERR_INVALID;
    }
    struct db *db = calloc(1, sizeof(*db));
    if (!db)
        return ERR_NOMEM;
    db->drv = drv;
    db->target = strdup(target);
    if (opt)
        db->opt = *opt;
    if (!db->target || pthread_key_create(&db->key, NULL) != 0) {
        free(db->target);
        free(db);
        return ERR_NOMEM;
    }
    pthread_mutex_init(&db->lock, NULL);
    /* Open one connection now so that a bad path or URL fails at start-up. */
    void *h = NULL;
    enum err e = drv->connect(db->target, &db->opt, &h, errbuf, errlen);
    if (e) {
        pthread_key_delete(db->key);
        pthread_mutex_destroy(&db->lock);
        free(db->target);
        free(db);
        return e;
    }
    drv->disconnect(h);
    *out = db;
    return ERR_OK;
}

static void cache_clear(struct db_conn *c)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (c->cache[i].stmt)
            c->db->drv->finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
        c->cache[i] = (struct stmt_slot){0};
    }
}

void db_close(struct db *db)
{
    if (!db)
        return;
    struct db_conn *c = db->conns;
    while (c) {
        struct db_conn *next = c->next;
        if (c->in_tx)
            db->drv->exec_script(c->handle, "ROLLBACK");
        cache_clear(c);
        db->drv->disconnect(c->handle);
        free(c);
        c = next;
    }
    pthread_key_delete(db->key);
    pthread_mutex_destroy(&db->lock);
    free(db->target);
    free(db);
}

const char *db_backend(const struct db *db)
{
    return db->drv->name;
}

const char *db_conn_backend(const struct db_conn *c)
{
    return c->db->drv->name;
}

/* A stale connection's handle replaced by a new one; on failure the old one stays, stale. */
static enum err reconnect(struct db_conn *c)
{
    char errbuf[256];
    void *h = NULL;
    enum err e = c->db->drv->connect(c->db->target, &c->db->opt, &h, errbuf, sizeof(errbuf));
    if (e)
        return e;
    cache_clear(c);
    c->db->drv->disconnect(c->handle);
    c->handle = h;
    c->stale = false;
    return ERR_OK;
}

bool db_conn_stale(const struct db_conn *c)
{
    return c->stale;
}

enum err db_conn_get(struct db *db, struct db_conn **out)
{
    struct db_conn *c = pthread_getspecific(db->key);
    if (c) {
        enum err e = c->stale && !c->in_tx ? reconnect(c) : ERR_OK;
        if (e)
            return e;
        *out = c;
        return ERR_OK;
    }
    c = calloc(1, sizeof(*c));
    if (!c)
        return ERR_NOMEM;
    char errbuf[256];
    enum err e = db->drv->connect(db->target, &db->opt, &c->handle, errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr, "shegong: database connection failed: %s\n", errbuf);
        free(c);
        return e;
    }
    c->db = db;
    pthread_mutex_lock(&db->lock);
    c->next = db->conns;
    db->conns = c;
    pthread_mutex_unlock(&db->lock);
    pthread_setspecific(db->key, c);
    *out = c;
    return ERR_OK;
}

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The cached statement for sql, prepared on first use; evicts the least recently used. */
static enum err stmt_get(struct db_conn *c, const char *sql, void **stmt)
{
    size_t start = sql_hash(sql) % STMT_CACHE, victim = start;
    c->tick++;
    for (size_t k = 0; k < 8; k++) {
        struct stmt_slot *s = &c->cache[(start + k) % STMT_CACHE];
        if (s->sql && strcmp(s->sql, sql) == 0) {
            s->used = c->tick;
            *stmt = s->stmt;
            return ERR_OK;
        }
        if (!s->sql) {
            victim = (start + k) % STMT_CACHE;
            break;
        }
        if (s->used < c->cache[victim].used)
            victim = (start + k) % STMT_CACHE;
    }
    void *st = NULL;
    enum err e = c->db->drv->prepare(c->handle, sql, &st);
    if (e)
        return e;
    char *copy = strdup(sql);
    if (!copy) {
        c->db->drv->finalize(st);
        return ERR_NOMEM;
    }
    struct stmt_slot *s = &c->cache[victim];
    if (s->stmt)
        c->db->drv->finalize(s->stmt);
    free(s->sql);
    *s = (struct stmt_slot){.sql = copy, .stmt = st, .used = c->tick};
    *stmt = st;
    return ERR_OK;
}

/* Counts a failure; one out of memory marks the connection stale: after it the library
 * may keep state in memory that no longer matches the database (SQLite's FTS5 then reports
 * a sound index as corrupt), so db_conn_get opens it afresh. */
static void count_error(struct db_conn *c, enum err e)
{
    if (e == ERR_NOMEM)
        c->stale = true;
    if (e == ERR_DB_BUSY)
        atomic_fetch_add(&st_busy, 1);
    else if (e != ERR_CONFLICT)
        atomic_fetch_add(&st_errors, 1);
}

static enum err run(struct db_conn *c, struct arena *a, const char *sql, const struct db_val *args,
                    int nargs, struct db_rows *out, int64_t *changes)
{
    const struct db_driver *drv = c->db->drv;
    if (!sql)
        return ERR_NOMEM; /* text built in an arena that had no room */
    int64_t t0 = clock_mono_us();
    void *st = NULL;
    enum err e = stmt_get(c, sql, &st);
    if (e)
        goto out;
    e = drv->bind(st, args, nargs);
    if (e)
        goto done;
    size_t cap = 0;
    if (out) {
        *out = (struct db_rows){0};
        out->ncols = (size_t)drv->column_count(st);
        out->names = arena_calloc(a, out->ncols ? out->ncols : 1, sizeof(char *));
        if (!out->names) {
            e = ERR_NOMEM;
            goto done;
        }
        for (size_t i = 0; i < out->ncols; i++) {
            out->names[i] = arena_strdup(a, drv->column_name(st, (int)i));
            if (!out->names[i]) {
                e = ERR_NOMEM;
                goto done;
            }
        }
    }
    for (;;) {
        bool row = false;
        e = drv->step(st, &row);
        if (e || !row)
            break;
        if (!out)
            continue;
        if (out->nrows == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct db_val *cells =
                arena_calloc(a, ncap * (out->ncols ? out->ncols : 1), sizeof(struct db_val));
            if (!cells) {
                e = ERR_NOMEM;
                break;
            }
            if (out->nrows)
                memcpy(cells, out->cells, out->nrows * out->ncols * sizeof(struct db_val));
            out->cells = cells;
            cap = ncap;
        }
        for (size_t i = 0; i < out->ncols; i++) {
            struct db_val v;
            drv->column(st, (int)i, &v);
            if (v.type == DB_TEXT) {
                v.s = arena_strndup(a, v.s, v.n);
                if (!v.s) {
                    e = ERR_NOMEM;
                    break;
                }
            }
            out->cells[out->nrows * out->ncols + i] = v;
        }
        if (e)
            break;
        out->nrows++;
    }
    if (!e && changes)
        *changes = drv->changes(c->handle);
done:
    drv->reset(st);
out:
    if (e)
        count_error(c, e);
    int64_t us = clock_mono_us() - t0;
    atomic_fetch_add(&st_queries, 1);
    atomic_fetch_add(&st_query_us, (uint64_t)us);
    if (slow_min_us >= 0 && us >= slow_min_us) {
        atomic_fetch_add(&st_slow, 1);
        slow_fn(sql, us);
    }
    return e;
}

enum err db_exec(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
                 int64_t *changes)
{
    return run(c, NULL, sql, args, nargs, NULL, changes);
}

enum err db_query(struct db_conn *c, struct arena *a, const char *sql, const struct db_val *args,
                  int nargs, struct db_rows *out)
{
    return run(c, a, sql, args, nargs, out, NULL);
}

enum err db_query_one(struct db_conn *c, struct arena *a, const char *sql,
                      const struct db_val *args, int nargs, struct db_rows *out)
{
    enum err e = run(c, a, sql, args, nargs, out, NULL);
    if (!e && out->nrows == 0)
        return ERR_NOT_FOUND;
    return e;
}

enum err db_exec_script(struct db_conn *c, const char *sql)
{
    enum err e = c->db->drv->exec_script(c->handle, sql);
    if (e)
        count_error(c, e);
    return e;
}

enum err db_integrity(struct db_conn *c, char *why, size_t whylen)
{
    return c->db->drv->integrity(c->handle, why, whylen);
}

const char *db_errmsg(struct db_conn *c)
{
    return c->db->drv->errmsg(c->handle);
}

enum err db_begin(struct db_conn *c, enum db_tx kind)
{
    if (c->in_tx)
        return ERR_INTERNAL;
    const struct db_driver *drv = c->db->drv;
    enum err e =
        drv->exec_script(c->handle, kind == DB_TX_WRITE ? drv->begin_write : drv->begin_read);
    if (e) {
        count_error(c, e);
        return e;
    }
    c->in_tx = true;
    return ERR_OK;
}

enum err db_commit(struct db_conn *c)
{
    if (!c->in_tx)
        return ERR_INTERNAL;
    int64_t t0 = clock_mono_us();
    enum err e = c->db->drv->exec_script(c->handle, "COMMIT");
    if (e) {
        count_error(c, e);
        db_rollback(c);
        return e;
    }
    c->in_tx = false;
    atomic_fetch_add(&st_commits, 1);
    atomic_fetch_add(&st_commit_us, (uint64_t)(clock_mono_us() - t0));
    return ERR_OK;
}

void db_rollback(struct db_conn *c)
{
    if (!c->in_tx)
        return;
    /* ROLLBACK needs memory too: one that failed is tried again, since a transaction left
     * open would keep this connection (and for a write, the database's lock) for good */
    for (int i = 0; i < 3 && c->db->drv->exec_script(c->handle, "ROLLBACK"); i++)
        ;
    c->in_tx = false;
}

bool db_in_tx(const struct db_conn *c)
{
    return c->in_tx;
}

enum err db_tx_run(struct db_conn *c, enum err (*fn)(struct db_conn *c, void *ctx), void *ctx)
{
    enum err e = ERR_DB_BUSY;
    for (int attempt = 0; attempt < 5; attempt++) {
        if (attempt) {
            struct timespec ts = {0, (long)(attempt * 20) * 1000000L};
            nanosleep(&ts, NULL);
        }
        e = db_begin(c, DB_TX_WRITE);
        if (e == ERR_DB_BUSY)
            continue;
        if (e)
            return e;
        e = fn(c, ctx);
        if (e) {
            db_rollback(c);
            if (e == ERR_DB_BUSY)
                continue;
            return e;
        }
        e = db_commit(c);
        if (e != ERR_DB_BUSY)
            return e;
    }
    return e;
}
