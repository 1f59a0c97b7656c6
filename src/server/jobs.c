/* The background job thread (see jobs.h). */
#include "server/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/clock.h"
#include "db/db_lock.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "server/log.h"
#include "server/server.h"

#define JOBS_PERIOD    60 /* seconds between runs when no job asks to run sooner */
#define JOBS_LOCK_NAME "shegong.jobs"
/* seconds a rate-limit window is kept after it began: the longest window (the portal's
 * hour) and two minutes */
#define RATE_KEEP 3720

static const struct job_def *registered[JOBS_MAX + 1];
static size_t nregistered;

void jobs_register(const struct job_def *job)
{
    if (nregistered == JOBS_MAX) {
        fputs("shegong: more background jobs than JOBS_MAX\n", stderr);
        abort();
    }
    registered[nregistered++] = job;
}

const struct job_def *const *jobs_registered(size_t *n)
{
    *n = nregistered;
    return registered;
}

struct jobs {
    struct server *srv;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

struct run_ctx {
    int disabled;
};

static enum err run_tx(struct db_conn *c, void *ctx)
{
    struct run_ctx *rc = ctx;
    struct arena a;
    arena_init(&a, 0);
    int64_t now = clock_now();
    int64_t cutoff = now - (int64_t)ACCOUNTS_INACTIVE_DAYS * 86400;
    struct db_rows rows;
    enum err e = db_query(c, &a,
                          "SELECT id, username FROM users WHERE status = 'active' AND "
                          "COALESCE(last_login_at, created_at) < $1",
                          DB_ARGS(DB_I(cutoff)), &rows);
    for (size_t i = 0; !e && i < rows.nrows; i++) {
        e = db_exec(c, "UPDATE users SET status = 'disabled', updated_at = $2 WHERE id = $1",
                    DB_ARGS(DB_I(db_int(&rows, i, 0)), DB_I(now)), NULL);
        if (!e)
            e = db_exec(c, "DELETE FROM session WHERE user_id = $1",
                        DB_ARGS(DB_I(db_int(&rows, i, 0))), NULL);
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)db_int(&rows, i, 0));
        struct audit_rec rec = {
            .username = "(system)",
            .action = "user.disable_inactive",
            .object_type = "user",
            .object_id = id,
            .result = "success",
            .detail = "{\"reason\":\"unused_90_days\"}",
        };
        if (!e)
            e = audit_append(c, &rec);
        if (!e)
            rc->disabled++;
    }
    if (!e)
        e = db_exec(
            c, "DELETE FROM session WHERE expires_at <= $1 OR last_seen_at + idle_seconds <= $1",
            DB_ARGS(DB_I(now)), NULL);
    if (!e)
        e = db_exec(c,
                    "DELETE FROM login_failure WHERE last_failure_at < $1 AND "
                    "(locked_until IS NULL OR locked_until < $2)",
                    DB_ARGS(DB_I(now - 86400), DB_I(now)), NULL);
    if (!e)
        e = db_exec(c, "DELETE FROM rate_counter WHERE window_start < $1",
                    DB_ARGS(DB_I(now - RATE_KEEP)), NULL);
    arena_release(&a);
    return e;
}

static enum err run_all(struct db_conn *c, int *disabled, int counts[JOBS_MAX])
{
    struct run_ctx rc = {0};
    enum err e = db_tx_run(c, run_tx, &rc);
    *disabled = rc.disabled;
    for (size_t i = 0; i < nregistered; i++) {
        int n = 0;
        enum err je = registered[i]->run(c, clock_now(), &n);
        e = e ? e : je;
        if (counts)
            counts[i] = n;
    }
    return e;
}

enum err jobs_run_once(struct db_conn *c, bool wait, int *disabled, int counts[JOBS_MAX])
{
    *disabled = 0;
    for (size_t i = 0; counts && i < nregistered; i++)
        counts[i] = 0;
    int64_t key = db_job_lock_key(JOBS_LOCK_NAME);
    bool got = false;
    enum err e = db_job_lock(c, key, wait, &got);
    if (e || !got)
        return e; /* another server is running them */
    e = run_all(c, disabled, counts);
    enum err ue = db_job_unlock(c, key);
    return e ? e : ue;
}

/* Seconds until the next run: a minute, or less when a job asks to run sooner (on the
 * process clock with its test offset). */
static int64_t next_wait(struct db_conn *c)
{
    int64_t now = clock_now(), wait = JOBS_PERIOD;
    for (size_t i = 0; i < nregistered; i++) {
        int64_t when = 0;
        if (registered[i]->next && !registered[i]->next(c, now, &when) && when && when - now < wait)
            wait = when - now;
    }
    return wait < 1 ? 1 : wait;
}

/* Logs what the run did. */
static void log_run(int disabled, const int counts[JOBS_MAX])
{
    char msg[96];
    if (disabled) {
        snprintf(msg, sizeof(msg), "disabled %d account(s) unused for 90 days", disabled);
        log_event("jobs", msg);
    }
    for (size_t i = 0; i < nregistered; i++)
        if (counts[i]) {
            snprintf(msg, sizeof(msg), "%d %s", counts[i], registered[i]->done);
            log_event("jobs", msg);
        }
}

static void *loop(void *arg)
{
    struct jobs *j = arg;
    pthread_mutex_lock(&j->lock);
    while (!j->stop) {
        pthread_mutex_unlock(&j->lock);
        struct db_conn *c;
        int disabled = 0, counts[JOBS_MAX] = {0};
        int64_t wait = JOBS_PERIOD;
        enum err e = db_conn_get(j->srv->db, &c);
        if (!e)
            e = jobs_run_once(c, false, &disabled, counts);
        if (!e)
            wait = next_wait(c);
        if (e)
            log_event("jobs", "a background job failed; it runs again in a minute");
        else
            log_run(disabled, counts);
        pthread_mutex_lock(&j->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)wait;
        while (!j->stop && pthread_cond_timedwait(&j->wake, &j->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

struct jobs *jobs_start(struct server *srv)
{
    struct jobs *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->srv = srv;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (pthread_create(&j->thread, NULL, loop, j) != 0) {
        free(j);
        return NULL;
    }
    return j;
}

void jobs_stop(struct jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->wake);
    free(j);
}
