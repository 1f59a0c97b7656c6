/* The dispatcher: the fixed order of checks before any handler runs (see dispatch.h). */
#include "server/dispatch.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/failalloc.h"
#include "core/clock.h"
#include "core/encode.h"
#include "core/jsonin.h"
#include "core/oom.h"
#include "core/regioncode.h"
#include "db/writer.h"
#include "server/access.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/log.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/router.h"
#include "server/server.h"
#include "server/static.h"

void dispatch_reject(struct req *r, enum err e, const char *text_code)
{
    if (text_code)
        r->message = msg_text(text_code);
    reply_error(r, e);
}

static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strlen("application/json");
    if (strncasecmp(ct, "application/json", n) != 0)
        return false;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* The body as a JSON object; 415, 400 with line and column, or 400 for bad UTF-8. */
static enum err parse_body(struct req *r)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!is_json_type(ct))
        return ERR_UNSUPPORTED_MEDIA;
    if (r->body.len == 0)
        return req_fail(r, ERR_MALFORMED_JSON, "body_required");
    struct jsonin_error je;
    enum err e = jsonin_parse_object(r->body.buf, r->body.len, JSONIN_MAX_DEPTH, &r->json, &je);
    if (e == ERR_MALFORMED_JSON) {
        switch (je.reason) {
        case JSONIN_EMPTY:
            return req_fail(r, e, "body_required");
        case JSONIN_NOT_OBJECT:
            return req_fail(r, e, "json_not_object");
        case JSONIN_DEPTH:
            r->message = arena_printf(&r->arena, "%s（第 %d 行第 %d 列）",
                                      msg_text("json_too_deep"), je.line, je.column);
            return e;
        case JSONIN_DUPLICATE:
            r->message = arena_printf(&r->arena, "%s（第 %d 行第 %d 列附近）",
                                      msg_text("json_duplicate_key"), je.line, je.column);
            return e;
        case JSONIN_SYNTAX:
            r->message =
                arena_printf(&r->arena, "请求内容不是合法的 JSON：第 %d 行第 %d 列附近有语法错误",
                             je.line, je.column);
            return e;
        }
    }
    return e;
}

/* Query-string parameters against the route's definitions; unknown names are ignored. */
static enum err parse_query(struct req *r)
{
    const struct param_def *defs = r->route->query;
    if (!defs)
        return ERR_OK;
    r->query = json_object();
    if (!r->query)
        return ERR_NOMEM;
    for (const struct param_def *d = defs; d->name; d++) {
        const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, d->name);
        if (!v || !*v)
            continue;
        json_t *val = NULL;
        int64_t n;
        switch (d->type) {
        case PARAM_STR:
            if (strlen(v) > 200) {
                req_field_error(r, d->name, d->label, "too_long");
                continue;
            }
            val = json_string(v); /* NULL for invalid UTF-8 */
            if (!val) {
                req_field_error(r, d->name, d->label, "invalid_format");
                continue;
            }
            break;
        case PARAM_INT:
        case PARAM_TIME:
            if (!parse_int64(v, &n)) {
                /* all digits but too long for 64 bits is a range problem, not a type one */
                size_t k = v[0] == '-' ? 1 : 0;
                while (v[k] >= '0' && v[k] <= '9')
                    k++;
                req_field_error(r, d->name, d->label,
                                v[k] == '\0' && k > 0 ? "out_of_range" : "type_integer");
                continue;
            }
            if ((d->min || d->max) && (n < d->min || n > d->max)) {
                req_field_error(r, d->name, d->label, "out_of_range");
                continue;
            }
            val = json_integer(n);
            break;
        case PARAM_BOOL:
            if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0")) {
                req_field_error(r, d->name, d->label, "type_boolean");
                continue;
            }
            val = json_boolean(v[0] == 't' || v[0] == '1');
            break;
        case PARAM_REGION:
            if (!regioncode_valid(v)) {
                req_field_error(r, d->name, d->label, "invalid_region");
                continue;
            }
            val = json_string(v);
            break;
        }
        if (!val || json_object_set_new(r->query, d->name, val))
            return ERR_NOMEM;
    }
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

/* Refused attempts are security events: a denied permission or scope on any route, and a
 * write refused as not found or conflicting, are recorded with result "failure" in their
 * own short transaction (the request's own work has been rolled back). Validation errors
 * are not recorded: they are the user's typing, not an attempt. */
static enum err refusal_record(struct db_conn *c, void *ctx)
{
    struct req *r = ctx;
    const char *action = r->route->action ? r->route->action : "access";
    const char *detail = arena_printf(&r->arena, "{\"code\":\"%s\",\"route\":\"%s %s\"}",
                                      err_code(r->status_err), r->route->method, r->route->pattern);
    return audit_event(r, action, r->audit.object_type,
                       r->id ? arena_printf(&r->arena, "%lld", (long long)r->id) : NULL, "failure",
                       detail);
}

static void audit_refusal(struct req *r, enum err e)
{
    bool write = r->route->flags & ROUTE_WRITE;
    if (!(e == ERR_FORBIDDEN || (write && (e == ERR_NOT_FOUND || e == ERR_CONFLICT))))
        return;
    r->status_err = e;
    if (db_in_tx(r->db))
        db_rollback(r->db);
    if (db_tx_run(r->db, refusal_record, r))
        log_error(r, "the audit record of a refused request could not be written");
}

/* A fresh start for a write that is run again (a busy database, a batch redone). */
static void attempt_reset(struct req *r)
{
    r->nerrors = 0;
    r->message = NULL;
    r->headers = NULL;
    r->status = 0;
    r->rollback_only = false;
    sbuf_reset(&r->out);
}

/* One write of a group commit batch (db/writer.h), on the writer's thread and connection:
 * the handler and its audit record inside the write's savepoint. */
static enum err grouped_write(struct db_conn *c, void *ctx, bool *rollback)
{
    struct req *r = ctx;
    struct db_conn *own = r->db;
    failalloc_restore(&r->fa);
    attempt_reset(r);
    oom_reset();
    r->db = c;
    enum err e = r->route->handler(r);
    if (!e && !r->rollback_only && !(r->route->flags & ROUTE_SELF_TX)) {
        enum err ae = audit_request(r, "success");
        if (ae) {
            log_error(r, "audit record could not be written; the write was rolled back");
            e = ae == ERR_DB_BUSY ? ERR_DB_BUSY : ERR_INTERNAL;
        }
    }
    /* as in answer(), but here: the note of a failed allocation is this (the writer's) thread's,
     * and a refusal made on what the failure left out must not reach the reader as such */
    if (e != ERR_TOO_LARGE && req_alloc_failed(r))
        e = ERR_NOMEM;
    *rollback = r->rollback_only;
    r->db = own;
    failalloc_save(&r->fa);
    return e;
}

/* The writer is done with r's write (on the writer's thread): libmicrohttpd calls the
 * request handler again, which answers (dispatch_resume). */
static void grouped_done(void *ctx, enum err result)
{
    struct req *r = ctx;
    r->resumed_err = result;
    MHD_resume_connection(r->conn);
}

/* Runs the handler inside the route's transaction, writes the audit record, commits. A
 * request during which an allocation failed is answered 503 and rolled back: where the code
 * went on without it, a header, a list item or a field may be missing. With group commit
 * a write is handed to the writer's batch and the connection suspended (r->suspended): it
 * is answered once the batch has committed. */
static enum err run_handler(struct req *r)
{
    const struct route *rt = r->route;
    bool write = rt->flags & ROUTE_WRITE;
    enum err e = ERR_OK;
    if (write && r->srv->writer && !(rt->flags & ROUTE_SELF_TX)) {
        MHD_suspend_connection(r->conn); /* before the writer could resume it */
        r->suspended = true;
        failalloc_save(&r->fa); /* the write takes its countdown along */
        e = writer_submit(r->srv->writer, grouped_write, r, grouped_done);
        if (e) { /* not queued: answer the error at once */
            r->resumed_err = e;
            MHD_resume_connection(r->conn);
        }
        return ERR_OK;
    }
    for (int attempt = 0; attempt < 4; attempt++) {
        if (attempt) {
            struct timespec ts = {0, (long)attempt * 25 * 1000000L};
            nanosleep(&ts, NULL);
            attempt_reset(r);
        }
        if (write) {
            e = db_begin(r->db, DB_TX_WRITE);
            if (e == ERR_DB_BUSY)
                continue;
            if (e)
                return e;
        }
        e = rt->handler(r);
        if (!write)
            return e ? e : req_alloc_failed(r) ? ERR_NOMEM : ERR_OK;
        if (e == ERR_DB_BUSY) {
            db_rollback(r->db);
            continue;
        }
        if (e || r->rollback_only) {
            db_rollback(r->db);
            return e;
        }
        if (!(rt->flags & ROUTE_SELF_TX)) {
            enum err ae = audit_request(r, "success");
            if (ae) {
                db_rollback(r->db);
                log_error(r, "audit record could not be written; the write was rolled back");
                return ae == ERR_DB_BUSY ? ERR_DB_BUSY : ERR_INTERNAL;
            }
        }
        if (req_alloc_failed(r)) {
            db_rollback(r->db);
            return ERR_NOMEM;
        }
        enum err ce = db_commit(r->db);
        if (ce == ERR_DB_BUSY)
            continue;
        if (ce)
            return ce;
        return e;
    }
    return e;
}

static void answer(struct req *r, enum err e);

void dispatch(struct req *r)
{
    struct server *srv = r->srv;
    struct route_match own, *mp = r->match;
    enum err e;

    if (atomic_load(&srv->stopping)) {
        e = req_fail(r, ERR_UNAVAILABLE, "shutting_down");
        goto out;
    }
    /* 1-2. route and method */
    if (mp) { /* routed when the request began (to choose its body cap) */
        e = (enum err)r->match_err;
    } else {
        mp = &own;
        e = router_match(srv->routes, r->method, r->path, srv->cfg->test_mode, &r->arena, mp);
    }
    struct route_match m = *mp;
    oom_reset();
    if (e == ERR_METHOD_NOT_ALLOWED) {
        reply_header(r, "Allow", arena_strdup(&r->arena, m.allow));
        goto out;
    }
    if (e == ERR_NOT_FOUND && static_applies(r->method, r->path)) {
        e = static_serve(r); /* the console's files; no session, no database */
        goto out;
    }
    if (e == ERR_NOT_FOUND)
        r->message = msg_text("unknown_route");
    if (e)
        goto out;
    r->route = &srv->routes[m.index];
    r->route_index = m.index;
    memcpy(r->params, m.params, sizeof(r->params));
    if (strstr(r->route->pattern, "{id}")) {
        const char *seg = strstr(r->route->pattern, "{id}");
        size_t pos = 0;
        for (const char *p = r->route->pattern; p < seg; p++)
            if (*p == '{')
                pos++;
        if (!parse_int64(r->params[pos], &r->id) || r->id <= 0) {
            e = ERR_NOT_FOUND;
            goto out;
        }
    }
    e = db_conn_get(srv->db, &r->db);
    if (e)
        goto out;

    /* 3. authentication (session cookie with CSRF on writes, or bearer token) */
    if (!(r->route->flags & ROUTE_PUBLIC)) {
        e = auth_authenticate(r);
        if (e)
            goto out;
        if (r->user.kind == AUTH_TOKEN && !auth_token_rate_allow(r)) {
            e = ERR_RATE_LIMITED;
            goto out;
        }
    }
    /* 4-5. permission and region scope */
    if (r->route->perm) {
        if (!access_has(r, r->route->perm)) {
            if (r->user.admin_kind)
                r->message = msg_text("admin_no_business");
            e = ERR_FORBIDDEN;
            goto out;
        }
        e = access_scope(r, r->route->perm, &r->scope);
        if (e)
            goto out;
        if (r->route->scope_table && r->id) {
            e = access_check_row(r, r->route->scope_table, r->id);
            if (e)
                goto out;
        }
    }
    /* 6. typed parameters: query string and body */
    e = parse_query(r);
    if (e)
        goto out;
    if (r->route->flags & ROUTE_JSON_BODY) {
        e = parse_body(r);
        if (e)
            goto out;
        const char *region = NULL;
        json_t *rc = json_object_get(r->json, "region_code");
        if (json_is_string(rc))
            region = json_string_value(rc);
        if (region && r->route->perm && regioncode_valid(region) &&
            !access_scope_allows(&r->scope, region)) {
            req_field_error(r, "region_code", "所属区划", "out_of_scope");
            e = ERR_FORBIDDEN;
            goto out;
        }
    }
    /* 7-9. transaction, handler, audit */
    e = run_handler(r);
    if (r->suspended)
        return; /* dispatch_resume answers */
    if (!e && r->nerrors)
        e = ERR_INVALID;
out:
    answer(r, e);
}

void dispatch_resume(struct req *r)
{
    r->suspended = false;
    failalloc_restore(&r->fa);
    enum err e = r->resumed_err;
    if (!e && r->nerrors)
        e = ERR_INVALID;
    answer(r, e);
}

/* The answer of a request that ended with e (the handler's reply when ERR_OK). */
static void answer(struct req *r, enum err e)
{
    if (e && e != ERR_TOO_LARGE && req_alloc_failed(r))
        e = ERR_NOMEM; /* a refusal made on what a failed allocation left out */
    if (e) {
        if (err_http(e) >= 500) {
            log_error(r, err_code(e));
            r->headers = NULL; /* a cookie or Location of the answer that was not given */
        }
        if (r->user.id && r->route)
            audit_refusal(r, e);
        reply_error(r, e);
    } else if (!r->status) {
        reply_no_content(r);
    }
}
