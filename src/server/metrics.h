/* Prometheus counters: requests by route and status, a latency histogram per route,
 * requests in flight, and database timings. Lock-free; any thread may observe. */
#ifndef SHEGONG_SERVER_METRICS_H
#define SHEGONG_SERVER_METRICS_H

#include <stdint.h>

#include "core/sbuf.h"
#include "server/req.h"

/* Keeps the route table for the labels; call once before serving. */
void metrics_init(const struct route *routes, int nroutes);
/* Counts one finished request (route_index -1: unmatched). */
void metrics_observe(int route_index, int status, int64_t us);
/* Writes the text exposition format. */
struct writer;
/* The text of /metrics; w is the group-commit writer (NULL: none, e.g. PostgreSQL). */
void metrics_render(struct sbuf *out, int inflight, const struct writer *w);

#endif
