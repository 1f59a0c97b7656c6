/* What a database backend provides. db.c drives it; nothing else includes this.
 * Handles and statements are opaque to db.c. Text pointers from column() stay valid until
 * the next step/reset of that statement. */
#ifndef SHEGONG_DB_DRIVER_H
#define SHEGONG_DB_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

struct db_driver {
    const char *name;       /* "sqlite" */
    const char *scheme;     /* URL prefix: "sqlite:" */
    const char *alt_scheme; /* another prefix that selects this driver, or NULL */
    bool whole_url;         /* connect() gets the URL with its scheme (libpq wants it) */
    /* Opens one connection to target (the URL without the scheme). */
    enum err (*connect)(const char *target, const struct db_options *opt, void **handle,
                        char *errbuf, size_t errlen);
    void (*disconnect)(void *handle);
    /* Compiles sql written with $n placeholders. */
    enum err (*prepare)(void *handle, const char *sql, void **stmt);
    void (*finalize)(void *stmt);
    enum err (*bind)(void *stmt, const struct db_val *args, int nargs);
    /* Advances; *row says whether a row is available. */
    enum err (*step)(void *stmt, bool *row);
    int (*column_count)(void *stmt);
    const char *(*column_name)(void *stmt, int col);
    void (*column)(void *stmt, int col, struct db_val *out);
    void (*reset)(void *stmt);
    int64_t (*changes)(void *handle);
    enum err (*exec_script)(void *handle, const char *sql);
    const char *(*errmsg)(void *handle);
    /* The backend's own consistency check; why names the first problem. */
    enum err (*integrity)(void *handle, char *why, size_t whylen);
    const char *begin_read;  /* SQL that opens a read transaction */
    const char *begin_write; /* SQL that opens a write transaction */
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

#endif
