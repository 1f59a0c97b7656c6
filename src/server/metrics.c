/* Request counters and latency histograms for /metrics (see metrics.h). */
#include "server/metrics.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>

#include "db/db.h"
#include "db/writer.h"

#define MAX_ROUTES 512
static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409,
                               413, 415, 422, 429, 499, 500, 503, 0 /* other */};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))
static const int64_t bounds_us[] = {500,   1000,   2500,   5000,   10000,   25000,
                                    50000, 100000, 250000, 500000, 1000000, 2500000};
#define NBUCKET (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct route_stats {
    _Atomic uint64_t by_status[NSTATUS];
    _Atomic uint64_t buckets[NBUCKET + 1]; /* last: +Inf */
    _Atomic uint64_t sum_us;
};

static const struct route *table;
static int ntable;
static struct route_stats stats[MAX_ROUTES + 1]; /* last slot: unmatched */

void metrics_init(const struct route *routes, int nroutes)
{
    table = routes;
    ntable = nroutes < MAX_ROUTES ? nroutes : MAX_ROUTES;
}

void metrics_observe(int route_index, int status, int64_t us)
{
    struct route_stats *s =
        &stats[route_index >= 0 && route_index < ntable ? route_index : MAX_ROUTES];
    size_t si = NSTATUS - 1;
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (statuses[i] == status)
            si = i;
    atomic_fetch_add(&s->by_status[si], 1);
    size_t b = NBUCKET;
    for (size_t i = 0; i < NBUCKET; i++)
        if (us <= bounds_us[i]) {
            b = i;
            break;
        }
    atomic_fetch_add(&s->buckets[b], 1);
    atomic_fetch_add(&s->sum_us, (uint64_t)(us > 0 ? us : 0));
}

static void render_route(struct sbuf *out, const char *method, const char *pattern,
                         struct route_stats *s)
{
    uint64_t total = 0;
    for (size_t i = 0; i < NSTATUS; i++) {
        uint64_t n = atomic_load(&s->by_status[i]);
        if (!n)
            continue;
        total += n;
        if (statuses[i])
            sbuf_addf(out,
                      "shegong_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} "
                      "%" PRIu64 "\n",
                      method, pattern, statuses[i], n);
        else
            sbuf_addf(out,
                      "shegong_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} "
                      "%" PRIu64 "\n",
                      method, pattern, n);
    }
    if (!total)
        return;
    uint64_t cum = 0;
    for (size_t i = 0; i <= NBUCKET; i++) {
        cum += atomic_load(&s->buckets[i]);
        if (i < NBUCKET)
            sbuf_addf(out,
                      "shegong_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                      "le=\"%g\"} %" PRIu64 "\n",
                      method, pattern, (double)bounds_us[i] / 1e6, cum);
        else
            sbuf_addf(out,
                      "shegong_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                      "le=\"+Inf\"} %" PRIu64 "\n",
                      method, pattern, cum);
    }
    sbuf_addf(out,
              "shegong_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
              "shegong_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %" PRIu64
              "\n",
              method, pattern, (double)atomic_load(&s->sum_us) / 1e6, method, pattern, cum);
}

/* The group-commit writer: batches by size (a histogram over powers of two), writes,
 * commits, and the wall time spent running writes and committing them. */
static void render_writer(struct sbuf *out, const struct writer *w)
{
    struct writer_stats ws;
    writer_stats_get(w, &ws);
    sbuf_adds(out, "# HELP shegong_writer_batch_size Writes per group commit batch.\n"
                   "# TYPE shegong_writer_batch_size histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i < WRITER_BUCKETS; i++) {
        cum += ws.batches[i];
        if (i + 1 < WRITER_BUCKETS)
            sbuf_addf(out, "shegong_writer_batch_size_bucket{le=\"%llu\"} %" PRIu64 "\n",
                      (unsigned long long)((2ULL << i) - 1), cum);
    }
    sbuf_addf(out,
              "shegong_writer_batch_size_bucket{le=\"+Inf\"} %" PRIu64 "\n"
              "shegong_writer_batch_size_sum %" PRIu64 "\n"
              "shegong_writer_batch_size_count %" PRIu64 "\n"
              "# HELP shegong_writer_batch_max Largest batch since start.\n"
              "# TYPE shegong_writer_batch_max gauge\n"
              "shegong_writer_batch_max %" PRIu64 "\n"
              "# HELP shegong_writer_failed_commits_total Batches whose commit failed.\n"
              "# TYPE shegong_writer_failed_commits_total counter\n"
              "shegong_writer_failed_commits_total %" PRIu64 "\n"
              "# HELP shegong_writer_run_seconds_total Wall time running the writes of batches.\n"
              "# TYPE shegong_writer_run_seconds_total counter\n"
              "shegong_writer_run_seconds_total %.6f\n"
              "# HELP shegong_writer_commit_seconds_total Wall time committing batches.\n"
              "# TYPE shegong_writer_commit_seconds_total counter\n"
              "shegong_writer_commit_seconds_total %.6f\n",
              cum, ws.writes, ws.commits + ws.failed_commits, ws.max_batch, ws.failed_commits,
              (double)ws.run_us / 1e6, (double)ws.commit_us / 1e6);
}

void metrics_render(struct sbuf *out, int inflight, const struct writer *w)
{
    sbuf_adds(out, "# HELP shegong_http_requests_total Requests answered, by route and status.\n"
                   "# TYPE shegong_http_requests_total counter\n"
                   "# HELP shegong_http_request_duration_seconds Time to answer, by route.\n"
                   "# TYPE shegong_http_request_duration_seconds histogram\n");
    for (int i = 0; i < ntable; i++)
        render_route(out, table[i].method, table[i].pattern, &stats[i]);
    render_route(out, "-", "(unmatched)", &stats[MAX_ROUTES]);
    sbuf_addf(out,
              "# HELP shegong_http_requests_in_flight Requests being served now.\n"
              "# TYPE shegong_http_requests_in_flight gauge\n"
              "shegong_http_requests_in_flight %d\n",
              inflight);
    struct db_stats ds;
    db_stats_get(&ds);
    sbuf_addf(out,
              "# HELP shegong_db_queries_total Statements run.\n"
              "# TYPE shegong_db_queries_total counter\n"
              "shegong_db_queries_total %" PRIu64 "\n"
              "# HELP shegong_db_query_seconds_total Time spent in statements.\n"
              "# TYPE shegong_db_query_seconds_total counter\n"
              "shegong_db_query_seconds_total %.6f\n"
              "# HELP shegong_db_commits_total Transactions committed.\n"
              "# TYPE shegong_db_commits_total counter\n"
              "shegong_db_commits_total %" PRIu64 "\n"
              "# HELP shegong_db_commit_seconds_total Time spent committing (fsync).\n"
              "# TYPE shegong_db_commit_seconds_total counter\n"
              "shegong_db_commit_seconds_total %.6f\n"
              "# HELP shegong_db_busy_total Times the database stayed locked.\n"
              "# TYPE shegong_db_busy_total counter\n"
              "shegong_db_busy_total %" PRIu64 "\n"
              "# HELP shegong_db_errors_total Database errors.\n"
              "# TYPE shegong_db_errors_total counter\n"
              "shegong_db_errors_total %" PRIu64 "\n"
              "# HELP shegong_db_slow_queries_total Statements over SHEGONG_SLOW_SQL_MS.\n"
              "# TYPE shegong_db_slow_queries_total counter\n"
              "shegong_db_slow_queries_total %" PRIu64 "\n",
              ds.queries, (double)ds.query_us / 1e6, ds.commits, (double)ds.commit_us / 1e6,
              ds.busy, ds.errors, ds.slow);
    if (w)
        render_writer(out, w);
}
