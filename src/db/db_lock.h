/* Advisory locks for work that exactly one of several servers on one database must do at a
 * time (the background jobs). On PostgreSQL a session-level pg_try_advisory_lock on the
 * connection, released by db_job_unlock or when the connection ends (a crashed server
 * never keeps it); on SQLite there is only ever one server per file, so the lock is always
 * granted.
 *
 * The key space is shared with the driver's write lock (db_pg.c, "shegong!"): keys come
 * from db_job_lock_key, which never answers that one. */
#ifndef SHEGONG_DB_DB_LOCK_H
#define SHEGONG_DB_DB_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* A stable 64-bit key for a job's name (FNV-1a, the top bit cleared). */
int64_t db_job_lock_key(const char *name);
/* Takes the lock: without waiting (*got false when another connection holds it), or with
 * wait, waiting as long as the connection's lock timeout allows (ERR_DB_BUSY after it).
 * Outside a transaction: the lock outlives commits, so a job running several transactions
 * holds it throughout. */
enum err db_job_lock(struct db_conn *c, int64_t key, bool wait, bool *got);
/* Releases a lock taken by db_job_lock on the same connection. */
enum err db_job_unlock(struct db_conn *c, int64_t key);

#endif
