/* Advisory job locks (see db_lock.h): backend-specific SQL chosen by the connection's
 * backend, everything else behind db.h. */
#include "db/db_lock.h"

#include <string.h>

#define PG_WRITE_LOCK_KEY INT64_C(8316008206865164065) /* db_pg.c's write lock */

static bool on_postgres(struct db_conn *c)
{
    return strcmp(db_conn_backend(c), "postgres") == 0;
}

int64_t db_job_lock_key(const char *name)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
    int64_t key = (int64_t)(h & INT64_MAX);
    return key == PG_WRITE_LOCK_KEY ? key - 1 : key;
}

enum err db_job_lock(struct db_conn *c, int64_t key, bool wait, bool *got)
{
    *got = true;
    if (!on_postgres(c))
        return ERR_OK;
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_query_one(c, &a,
                              wait ? "SELECT 1 FROM (SELECT pg_advisory_lock($1::bigint)) l"
                                   : "SELECT CASE WHEN pg_try_advisory_lock($1::bigint) "
                                     "THEN 1 ELSE 0 END",
                              DB_ARGS(DB_I(key)), &rows);
    *got = !e && db_int(&rows, 0, 0) == 1;
    arena_release(&a);
    return e;
}

enum err db_job_unlock(struct db_conn *c, int64_t key)
{
    if (!on_postgres(c))
        return ERR_OK;
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e =
        db_query_one(c, &a, "SELECT pg_advisory_unlock($1::bigint)", DB_ARGS(DB_I(key)), &rows);
    arena_release(&a);
    return e;
}
