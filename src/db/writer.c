#define _GNU_SOURCE /* pthread_setname_np */
/* Group commit: the writer thread and its queue (writer.h). */
#include "db/writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A write in the queue, allocated by writer_submit and freed once on_done was called. */
struct job {
    writer_fn fn;
    void *ctx;
    enum err result;
    writer_done_fn on_done;
    struct job *next;
};

struct writer {
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;
    struct job *head, *tail;
    bool stopping;
    struct writer_stats stats; /* under mu */
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void pause_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Puts jobs[0..n) back at the head of the queue, in their order (a batch cut short). */
static void requeue(struct writer *w, struct job **jobs, size_t n)
{
    if (!n)
        return;
    for (size_t i = 0; i + 1 < n; i++)
        jobs[i]->next = jobs[i + 1];
    jobs[n - 1]->next = w->head;
    if (!w->head)
        w->tail = jobs[n - 1];
    w->head = jobs[0];
}

/* Moves finished jobs[0..n) to *notify (linked through next), for finish_notify. */
static void finish_locked(struct job **jobs, size_t n, struct job **notify)
{
    for (size_t i = 0; i < n; i++) {
        jobs[i]->next = *notify;
        *notify = jobs[i];
    }
}

/* Tells the submitters their results, outside the lock (a callback may take other locks). */
static void finish_notify(struct job *notify)
{
    while (notify) {
        struct job *j = notify;
        notify = j->next;
        j->on_done(j->ctx, j->result);
        free(j);
    }
}

static enum err savepoint(struct db_conn *c, const char *sql)
{
    return db_exec(c, sql, DB_NOARGS, NULL);
}

/* One write in its savepoint; false when the transaction itself is broken. */
static bool run_one(struct db_conn *c, struct job *j)
{
    if (savepoint(c, "SAVEPOINT shegong_write")) {
        j->result = ERR_INTERNAL;
        return false;
    }
    bool rollback = false;
    j->result = j->fn(c, j->ctx, &rollback);
    if (db_conn_stale(c)) /* the library ran out of memory: give the transaction up (SQLite's
                             FTS5 may be left inconsistent) and reopen the connection */
        return false;
    if ((j->result || rollback) && savepoint(c, "ROLLBACK TO SAVEPOINT shegong_write"))
        return false;
    return savepoint(c, "RELEASE SAVEPOINT shegong_write") == ERR_OK;
}

static void count_batch(struct writer *w, size_t n, bool committed)
{
    int b = 0;
    while (b + 1 < WRITER_BUCKETS && ((size_t)2 << b) <= n)
        b++;
    w->stats.batches[b]++;
    w->stats.writes += n;
    if (committed)
        w->stats.commits++;
    else
        w->stats.failed_commits++;
    if (n > w->stats.max_batch)
        w->stats.max_batch = n;
}

/* Runs jobs[0..n) in one transaction and commits; the jobs cut off by the time limit are
 * put back in the queue. Returns how many were finished (their results set). */
static size_t run_batch(struct writer *w, struct db_conn *c, struct job **jobs, size_t n)
{
    enum err e = ERR_OK;
    size_t ran = 0;
    uint64_t run_us = 0, commit_us = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
        if (attempt)
            pause_ms(attempt * 20);
        e = db_conn_get(w->db, &c); /* opened afresh if it went stale */
        if (!e)
            e = db_begin(c, DB_TX_WRITE);
        if (e == ERR_DB_BUSY)
            continue;
        if (e)
            break;
        int64_t t0 = now_us();
        bool broken = false;
        for (ran = 0; ran < n && !broken; ran++) {
            if (ran && now_us() - t0 > WRITER_BATCH_US)
                break;
            broken = !run_one(c, jobs[ran]);
        }
        if (broken) { /* the transaction is lost: redo the others without the one that broke it */
            db_rollback(c);
            struct job *bad = jobs[ran - 1];
            memmove(jobs + ran - 1, jobs + ran, (n - ran) * sizeof(*jobs));
            n--;
            bad->result = bad->result ? bad->result : ERR_INTERNAL;
            struct job *notify = NULL;
            pthread_mutex_lock(&w->mu);
            finish_locked(&bad, 1, &notify);
            pthread_mutex_unlock(&w->mu);
            finish_notify(notify);
            attempt--; /* not the database's fault */
            if (!n)
                return 0;
            continue;
        }
        int64_t t1 = now_us();
        e = db_commit(c);
        int64_t t2 = now_us();
        run_us += (uint64_t)(t1 - t0);
        commit_us += (uint64_t)(t2 - t1);
        if (e == ERR_DB_BUSY) {
            db_rollback(c);
            continue;
        }
        break;
    }
    pthread_mutex_lock(&w->mu);
    if (e) { /* nothing of the batch was kept */
        if (!ran)
            ran = n;
        for (size_t i = 0; i < ran; i++)
            jobs[i]->result = e == ERR_DB_BUSY  ? ERR_DB_BUSY
                              : jobs[i]->result ? jobs[i]->result
                                                : e;
    }
    count_batch(w, ran, e == ERR_OK);
    w->stats.run_us += run_us;
    w->stats.commit_us += commit_us;
    requeue(w, jobs + ran, n - ran);
    struct job *notify = NULL;
    finish_locked(jobs, ran, &notify);
    pthread_mutex_unlock(&w->mu);
    finish_notify(notify);
    return ran;
}

static void fail_queued(struct writer *w, enum err e)
{
    struct job *notify = NULL;
    pthread_mutex_lock(&w->mu);
    struct job *j = w->head;
    w->head = w->tail = NULL;
    while (j) {
        struct job *next = j->next;
        j->result = e;
        finish_locked(&j, 1, &notify);
        j = next;
    }
    pthread_mutex_unlock(&w->mu);
    finish_notify(notify);
}

static void *loop(void *arg)
{
    struct writer *w = arg;
    pthread_setname_np(pthread_self(), "shegong-writer");
    struct db_conn *c = NULL;
    enum err ce = db_conn_get(w->db, &c);
    struct job *jobs[WRITER_BATCH_MAX];
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->work, &w->mu);
        if (!w->head) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        size_t n = 0;
        while (w->head && n < WRITER_BATCH_MAX) {
            jobs[n++] = w->head;
            w->head = w->head->next;
        }
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        if (ce) {
            requeue(w, jobs, 0);
            for (size_t i = 0; i < n; i++)
                jobs[i]->result = ERR_INTERNAL;
            struct job *notify = NULL;
            pthread_mutex_lock(&w->mu);
            finish_locked(jobs, n, &notify);
            pthread_mutex_unlock(&w->mu);
            finish_notify(notify);
            continue;
        }
        run_batch(w, c, jobs, n);
    }
    fail_queued(w, ERR_UNAVAILABLE);
    return NULL;
}

enum err writer_start(struct db *db, struct writer **out)
{
    *out = NULL;
    if (strcmp(db_backend(db), "sqlite") != 0)
        return ERR_OK;
    struct writer *w = calloc(1, sizeof(*w));
    if (!w)
        return ERR_NOMEM;
    w->db = db;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    if (pthread_create(&w->thread, NULL, loop, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->work);
        free(w);
        return ERR_INTERNAL;
    }
    *out = w;
    return ERR_OK;
}

void writer_stop(struct writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    free(w);
}

/* Appends j to the queue, under w->mu; false when the writer is stopping. */
static bool enqueue_locked(struct writer *w, struct job *j)
{
    if (w->stopping)
        return false;
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    pthread_cond_signal(&w->work);
    return true;
}

enum err writer_submit(struct writer *w, writer_fn fn, void *ctx, writer_done_fn on_done)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j)
        return ERR_NOMEM;
    *j = (struct job){.fn = fn, .ctx = ctx, .on_done = on_done};
    pthread_mutex_lock(&w->mu);
    bool queued = enqueue_locked(w, j);
    pthread_mutex_unlock(&w->mu);
    if (!queued) {
        free(j);
        return ERR_UNAVAILABLE;
    }
    return ERR_OK;
}

void writer_stats_get(const struct writer *w, struct writer_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!w)
        return;
    pthread_mutex_lock((pthread_mutex_t *)&w->mu);
    *out = w->stats;
    pthread_mutex_unlock((pthread_mutex_t *)&w->mu);
}
