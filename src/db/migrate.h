/* Numbered schema migrations, compiled into the binary from the .sql files in src/db/migrations.
 * A file named NNNN_name.sql applies to every backend; NNNN_name.sqlite.sql or
 * NNNN_name.pg.sql only to that one. Each applies in its own transaction and is recorded
 * in schema_migrations; a failure leaves the database as it was. */
#ifndef SHEGONG_DB_MIGRATE_H
#define SHEGONG_DB_MIGRATE_H

#include <stdio.h>

#include "db/db.h"

struct migration {
    const char *name; /* file name, e.g. "0001_init.sql"; NULL ends the table */
    const char *sql;
};

extern const struct migration migrations[];

/* Applies the pending migrations, reporting each on log (may be NULL). On failure writes
 * a readable reason into errbuf (which migration, what the database said). */
enum err migrate_up(struct db *db, FILE *log, int *applied, char *errbuf, size_t errlen);
/* The same with an explicit table (tests use it to prove a failed migration changes
 * nothing). */
enum err migrate_apply(struct db *db, const struct migration *list, FILE *log, int *applied,
                       char *errbuf, size_t errlen);

#endif
