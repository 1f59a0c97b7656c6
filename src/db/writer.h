/* Group commit (docs/group-commit.md): one writer thread per SQLite database runs the
 * writes that request threads hand it, one after another inside a single transaction, each
 * in its own savepoint, and commits once for the whole batch; only then does it tell the
 * requests their results. A write that fails is rolled back to its savepoint alone and gets its
 * own error; the others in the batch are not affected.
 *
 * Invariants:
 * - Nothing is acknowledged before its commit is durable: a write's on_done hears ERR_OK only
 *   after the COMMIT of the transaction that holds it has returned.
 * - Writes run strictly one after another on the writer's connection, so whatever they
 *   append (the audit chain) is in one order.
 * - A batch takes what is queued when it starts (a lone request never waits for company);
 *   it is cut at WRITER_BATCH_MAX writes or after WRITER_BATCH_US of work, and what is left
 *   waits for the next batch. While a batch commits, the next one gathers.
 * - Reads never wait for the writer: they use the request threads' own connections (WAL).
 * - writer_stop runs what is queued (each submitter is told) before it returns.
 * On PostgreSQL there is no writer: writes use ordinary transactions (the server groups
 * commits itself). */
#ifndef SHEGONG_DB_WRITER_H
#define SHEGONG_DB_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

#define WRITER_BATCH_MAX 256
#define WRITER_BATCH_US  20000

struct writer;

/* The work of one write, run on the writer's thread with the writer's connection c inside
 * its savepoint. ERR_OK keeps it; any other result rolls it back to the savepoint (as
 * does *rollback set true: a dry run). It may be run again (when the batch's COMMIT met a
 * busy database the whole batch is redone), so it must start from a clean state. */
typedef enum err (*writer_fn)(struct db_conn *c, void *ctx, bool *rollback);

/* Starts the writer of db (SQLite only: *out is NULL for other backends). */
enum err writer_start(struct db *db, struct writer **out);
/* Runs what is queued, then stops the thread; writer_submit refuses from then on. */
void writer_stop(struct writer *w);

/* Hands fn(c, ctx) to the writer without waiting. on_done(ctx, result) is called on the
 * writer's thread once the write is durable or was rolled back: ERR_OK, fn's own error, the
 * batch's (ERR_DB_BUSY, ERR_INTERNAL) when the COMMIT failed and nothing of it was kept, or
 * ERR_UNAVAILABLE when the writer stopped first. When the write cannot be queued at all
 * (ERR_UNAVAILABLE: the writer is stopping; ERR_NOMEM) on_done is never called. The server
 * suspends the request's connection meanwhile, so its thread serves other connections and
 * batches grow with the clients, not with the threads. */
typedef void (*writer_done_fn)(void *ctx, enum err result);
enum err writer_submit(struct writer *w, writer_fn fn, void *ctx, writer_done_fn on_done);

/* Counts since start: batches by size (bucket i holds sizes 2^i .. 2^(i+1)-1, the last
 * one everything above), writes, commits, and the longest batch. */
#define WRITER_BUCKETS 9
struct writer_stats {
    uint64_t batches[WRITER_BUCKETS];
    uint64_t writes, commits, failed_commits;
    uint64_t max_batch;
    uint64_t run_us, commit_us; /* wall time running the writes, and committing */
};
void writer_stats_get(const struct writer *w, struct writer_stats *out);

#endif
