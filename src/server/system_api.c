/* GET /healthz, GET /metrics and the test-mode routes. */
#include "server/system_api.h"

#include "core/clock.h"
#include "server/audit.h"
#include "server/jobs.h"
#include "server/metrics.h"
#include "server/reply.h"
#include "server/server.h"

enum err system_healthz(struct req *r)
{
    struct db_rows rows;
    enum err e = db_query_one(r->db, &r->arena, "SELECT 1", DB_NOARGS, &rows);
    if (e) {
        r->message = "数据库无法访问";
        return ERR_UNAVAILABLE;
    }
    return reply_json_take(r, 200, json_pack("{s:s}", "status", "ok"));
}

enum err system_metrics(struct req *r)
{
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(&r->out, atomic_load(&r->srv->inflight), r->srv->writer);
    return sbuf_err(&r->out);
}

enum err system_test_clock(struct req *r)
{
    int64_t n = 0;
    if (!body_int(r, "advance_seconds", "advance_seconds", REQUIRED, &n))
        return ERR_INVALID;
    clock_advance(n);
    return reply_json_take(r, 200, json_pack("{s:I}", "now", (json_int_t)clock_now()));
}

enum err system_test_jobs(struct req *r)
{
    int disabled = 0, counts[JOBS_MAX] = {0};
    enum err e = jobs_run_once(r->db, true, &disabled, counts);
    json_t *o = e ? NULL : json_pack("{s:i}", "disabled", disabled);
    size_t n = 0;
    const struct job_def *const *jobs = jobs_registered(&n);
    for (size_t i = 0; o && i < n; i++)
        json_object_set_new(o, jobs[i]->name, json_integer(counts[i]));
    return e ? e : reply_json_take(r, 200, o);
}

enum err system_test_audit_fail(struct req *r)
{
    json_t *on = json_object_get(r->json, "fail");
    if (!json_is_boolean(on))
        return req_field_error(r, "fail", "fail", "type_boolean");
    audit_test_fail(json_is_true(on));
    return reply_no_content(r);
}
