/* Applies the embedded migrations in order, each in its own transaction. */
#include "db/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/sbuf.h"

static const char *suffix_backend(const char *name)
{
    if (strstr(name, ".sqlite.sql"))
        return "sqlite";
    if (strstr(name, ".pg.sql"))
        return "postgres";
    return NULL;
}

/* The migration's text for this database. SQLite keeps a table's rows in a B-tree keyed by
 * the rowid, and only a column declared exactly INTEGER PRIMARY KEY is that rowid: a BIGINT
 * PRIMARY KEY would be a second, separate unique index, written on every insert and read on
 * every look-up by id before the row itself. So on SQLite every "BIGINT PRIMARY KEY" becomes
 * "INTEGER PRIMARY KEY" (the same 64-bit values; only a NULL key would be filled in by SQLite
 * instead of refused, and shegong always gives its ids). NULL when out of memory. */
static char *dialect_sql(const char *backend, const char *sql)
{
    static const char from[] = "BIGINT PRIMARY KEY", to[] = "INTEGER PRIMARY KEY";
    struct sbuf b;
    sbuf_init(&b, (size_t)16 << 20);
    const char *p = sql, *hit;
    if (strcmp(backend, "sqlite") == 0)
        for (; (hit = strstr(p, from)); p = hit + sizeof(from) - 1) {
            sbuf_add(&b, p, (size_t)(hit - p));
            sbuf_adds(&b, to);
        }
    sbuf_adds(&b, p);
    char *out = sbuf_err(&b) ? NULL : sbuf_take(&b, NULL);
    sbuf_release(&b);
    return out;
}

static int known(const struct migration *list, const char *name)
{
    for (const struct migration *m = list; m->name; m++)
        if (strcmp(m->name, name) == 0)
            return 1;
    return 0;
}

enum err migrate_up(struct db *db, FILE *log, int *applied, char *errbuf, size_t errlen)
{
    return migrate_apply(db, migrations, log, applied, errbuf, errlen);
}

enum err migrate_apply(struct db *db, const struct migration *list, FILE *log, int *applied,
                       char *errbuf, size_t errlen)
{
    struct db_conn *c;
    struct arena a;
    arena_init(&a, 0);
    *applied = 0;
    enum err e = db_conn_get(db, &c);
    if (e) {
        snprintf(errbuf, errlen, "cannot connect to the database");
        goto out;
    }
    e = db_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
    if (e) {
        snprintf(errbuf, errlen, "cannot create schema_migrations: %s", db_errmsg(c));
        goto out;
    }
    struct db_rows done;
    e = db_query(c, &a, "SELECT name FROM schema_migrations ORDER BY name", DB_NOARGS, &done);
    if (e) {
        snprintf(errbuf, errlen, "cannot read schema_migrations: %s", db_errmsg(c));
        goto out;
    }
    for (size_t i = 0; i < done.nrows; i++) {
        if (!known(list, db_str(&done, i, 0))) {
            snprintf(errbuf, errlen,
                     "the database has migration %s, which this shegong does not know: "
                     "it was made by a newer version",
                     db_str(&done, i, 0));
            e = ERR_CONFLICT;
            goto out;
        }
    }
    for (const struct migration *m = list; m->name; m++) {
        const char *only = suffix_backend(m->name);
        if (only && strcmp(only, db_backend(db)) != 0)
            continue;
        int found = 0;
        for (size_t i = 0; i < done.nrows; i++)
            if (strcmp(db_str(&done, i, 0), m->name) == 0)
                found = 1;
        if (found)
            continue;
        e = db_begin(c, DB_TX_WRITE);
        if (e) {
            snprintf(errbuf, errlen, "cannot start migration %s: %s", m->name, db_errmsg(c));
            goto out;
        }
        char *sql = dialect_sql(db_backend(db), m->sql);
        e = sql ? db_exec_script(c, sql) : ERR_NOMEM;
        free(sql);
        if (e) {
            snprintf(errbuf, errlen, "migration %s failed: %s", m->name, db_errmsg(c));
            db_rollback(c);
            goto out;
        }
        e = db_exec(c, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                    DB_ARGS(DB_T(m->name), DB_I(clock_now())), NULL);
        if (!e)
            e = db_commit(c);
        if (e) {
            snprintf(errbuf, errlen, "cannot record migration %s: %s", m->name, db_errmsg(c));
            db_rollback(c);
            goto out;
        }
        if (log)
            fprintf(log, "migrate: applied %s\n", m->name);
        (*applied)++;
    }
out:
    arena_release(&a);
    return e;
}
