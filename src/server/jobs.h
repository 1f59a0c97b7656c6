/* Background jobs of a running server: disabling accounts unused for 90 days, removing
 * expired sessions, stale login counters and passed rate-limit windows, and the jobs other layers
 * register at start-up (the engine's deadline notices). One thread, woken every minute, sooner when
 * a registered job asks to run before that, and at shutdown. */
#ifndef SHEGONG_SERVER_JOBS_H
#define SHEGONG_SERVER_JOBS_H

#include <stddef.h>

#include "db/db.h"

#define JOBS_MAX 8 /* registered jobs */

/* A job of a layer above the server. It runs after the built-in ones, in its own
 * transaction, so one failing never undoes another's work. */
struct job_def {
    const char *name; /* its count's key in POST /api/v1/test/jobs: "notices" */
    const char *done; /* what its count counts, for the log: "deadline notice(s) written" */
    /* Does the work due at now; *count: how many things it did. */
    enum err (*run)(struct db_conn *c, int64_t now, int *count);
    /* The Unix time it must next run (0: not before the next minute); NULL: every minute. */
    enum err (*next)(struct db_conn *c, int64_t now, int64_t *when);
};

/* Adds job (process lifetime) to the table; only at start-up, before jobs_start or any
 * request. A full table is the program's mistake (BUG). */
void jobs_register(const struct job_def *job);
/* The registered jobs, in order (*n of them). */
const struct job_def *const *jobs_registered(size_t *n);

struct server;
struct jobs;

struct jobs *jobs_start(struct server *srv);
void jobs_stop(struct jobs *j);
/* Runs every job once on c (the job thread, and tests in test mode), holding the jobs'
 * advisory lock (db/db_lock.h) so that of several servers on one database one runs them at
 * a time: without wait, nothing runs when another holds it (the job thread: that one does
 * the work); with wait, the run follows the other's. *disabled counts the accounts
 * disabled for inactivity; counts (may be NULL) gets each registered job's count, in
 * registration order (zeros when nothing ran). */
enum err jobs_run_once(struct db_conn *c, bool wait, int *disabled, int counts[JOBS_MAX]);

#endif
