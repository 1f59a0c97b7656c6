/* Loading the calendar from the database, and the cache of it (see calendar_db.h). */
#include "modules/calendar/calendar_db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
    [CALENDAR_ORDINARY] = "ordinary",
    [CALENDAR_HOLIDAY] = "holiday",
    [CALENDAR_WORKDAY] = "workday",
};

const char *calendar_kind_name(enum calendar_kind k)
{
    return kind_names[k];
}

bool calendar_kind_parse(const char *s, enum calendar_kind *k)
{
    for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(kind_names[i], s) == 0) {
            *k = (enum calendar_kind)i;
            return true;
        }
    }
    return false;
}

/* Applies rows of (date, kind, name) to cal. */
static enum err apply_rows(struct calendar *cal, const struct db_rows *rows)
{
    for (size_t i = 0; i < rows->nrows; i++) {
        int32_t day;
        enum calendar_kind kind;
        if (!calendar_parse_date(db_str(rows, i, 0), &day) ||
            !calendar_kind_parse(db_str(rows, i, 1), &kind))
            return ERR_DB; /* only validated values are ever written */
        enum err e = calendar_set(cal, day, kind, db_str(rows, i, 2));
        if (e)
            return e;
    }
    return ERR_OK;
}

enum err calendar_db_load(struct db_conn *c, struct calendar *cal)
{
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_query(c, &a, "SELECT date, kind, name FROM calendar_day ORDER BY date",
                          DB_NOARGS, &rows);
    if (!e)
        e = apply_rows(cal, &rows);
    if (!e)
        e = db_query(c, &a, "SELECT date, kind, name FROM calendar_correction ORDER BY date",
                     DB_NOARGS, &rows);
    if (!e)
        e = apply_rows(cal, &rows);
    if (!e)
        e = db_query(c, &a, "SELECT year FROM calendar_year", DB_NOARGS, &rows);
    for (size_t i = 0; !e && i < rows.nrows; i++)
        calendar_cover_year(cal, (int)db_int(&rows, i, 0));
    arena_release(&a);
    return e;
}

enum err calendar_db_touch(struct db_conn *c)
{
    return db_exec(c, "UPDATE calendar_version SET version = version + 1 WHERE id = 1", DB_NOARGS,
                   NULL);
}

/* One loaded calendar, shared by the requests that use it; freed with its last user. */
struct snapshot {
    struct calendar cal;
    int64_t version;
    atomic_int refs;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *cached; /* holds one reference */

static void snapshot_unref(void *ptr)
{
    struct snapshot *s = ptr;
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        calendar_release(&s->cal);
        free(s);
    }
}

/* Reads the version and, when the cache is stale, the calendar itself: in one read
 * transaction when the caller has none, so the two agree. */
static enum err load_snapshot(struct db_conn *c, struct arena *a, struct snapshot **out)
{
    bool own_tx = !db_in_tx(c);
    enum err e = own_tx ? db_begin(c, DB_TX_READ) : ERR_OK;
    if (e)
        return e;
    struct db_rows rows;
    e = db_query_one(c, a, "SELECT version FROM calendar_version WHERE id = 1", DB_NOARGS, &rows);
    if (e == ERR_NOT_FOUND)
        e = ERR_DB;
    int64_t version = e ? 0 : db_int(&rows, 0, 0);
    struct snapshot *s = NULL;
    if (!e) {
        pthread_mutex_lock(&cache_lock);
        if (cached && cached->version == version) {
            s = cached;
            atomic_fetch_add(&s->refs, 1);
        }
        pthread_mutex_unlock(&cache_lock);
    }
    if (!e && !s) {
        /* stale or empty cache: load a fresh snapshot; the caller offers it to the cache */
        s = malloc(sizeof(*s));
        if (!s)
            e = ERR_NOMEM;
        if (s) {
            calendar_init(&s->cal);
            s->version = version;
            atomic_init(&s->refs, 1);
            e = calendar_db_load(c, &s->cal);
        }
        if (e) {
            snapshot_unref(s);
            s = NULL;
        }
    }
    if (own_tx)
        db_rollback(c);
    *out = s;
    return e;
}

enum err calendar_db_current(struct db_conn *c, struct arena *a, const struct calendar **out)
{
    struct snapshot *s;
    enum err e = load_snapshot(c, a, &s);
    if (e)
        return e;
    struct snapshot *old = NULL;
    pthread_mutex_lock(&cache_lock);
    if (s != cached && (!cached || cached->version < s->version)) {
        old = cached;
        cached = s;
        atomic_fetch_add(&s->refs, 1);
    }
    pthread_mutex_unlock(&cache_lock);
    snapshot_unref(old);
    if (!arena_on_release(a, snapshot_unref, s)) {
        snapshot_unref(s);
        return ERR_NOMEM;
    }
    *out = &s->cal;
    return ERR_OK;
}
