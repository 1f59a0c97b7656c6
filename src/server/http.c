/* libmicrohttpd glue: the two-call handler pattern, raw body reading with a cap, the
 * response with security headers, and the daemon's life from start to graceful stop. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/encode.h"
#include "core/failalloc.h"
#include "db/writer.h"
#include "server/dispatch.h"
#include "server/jobs.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/router.h"
#include "server/server.h"

/* The console is served by this server; style-src allows the inline style attributes
 * that Element Plus sets. No inline scripts, no eval. */
static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

#define QUIET_US 1000000 /* see the shutdown in server_run; generous for a loaded machine */

static bool request_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 36)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static void fill_client(struct req *r, struct server *srv)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    r->ip[0] = '\0';
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof(r->ip));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip,
                      sizeof(r->ip));
    }
    bool trusted = srv->cfg->trusted_proxy && strcmp(srv->cfg->trusted_proxy, r->ip) == 0;
    const char *rid =
        trusted ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id") : NULL;
    if (rid && request_id_ok(rid)) {
        snprintf(r->request_id, sizeof(r->request_id), "%s", rid);
    } else {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof(raw));
        hex_encode(raw, sizeof(raw), r->request_id);
    }
    if (trusted) {
        /* the proxy appends the address it saw last */
        const char *xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            unsigned char tmp[16];
            if (inet_pton(AF_INET, last, tmp) == 1 || inet_pton(AF_INET6, last, tmp) == 1)
                snprintf(r->ip, sizeof(r->ip), "%s", last);
        }
    }
}

static struct req *req_new(struct server *srv, struct MHD_Connection *conn, const char *method,
                           const char *url)
{
    struct req *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    arena_init(&r->arena, 0);
    sbuf_init(&r->body, srv->cfg->body_cap);
    sbuf_init(&r->out, 0);
    r->srv = srv;
    r->conn = conn;
    r->t0_us = clock_mono_us();
    r->now = clock_now();
    r->route_index = -1;
    r->body_cap = srv->cfg->body_cap;
    r->method = arena_strdup(&r->arena, method);
    r->path = arena_strdup(&r->arena, url);
    if (!r->method || !r->path) {
        arena_release(&r->arena);
        free(r);
        return NULL;
    }
    fill_client(r, srv);
    atomic_fetch_add(&srv->inflight, 1);
    atomic_store(&srv->last_start_us, clock_mono_us());
    return r;
}

static void req_free(struct req *r)
{
    atomic_fetch_sub(&r->srv->inflight, 1);
    if (r->file_open)
        close(r->file_fd);
    json_decref(r->json);
    json_decref(r->query);
    sbuf_release(&r->body);
    sbuf_release(&r->out);
    arena_release(&r->arena);
    free(r);
}

/* The answer's body: the file reply_file_take left (libmicrohttpd then owns and closes the
 * descriptor), unless an error answer replaced it; else the buffer. */
static struct MHD_Response *response_of(struct req *r)
{
    if (r->file_open && r->status == r->file_status) {
        struct MHD_Response *resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
        if (resp)
            r->file_open = false;
        return resp;
    }
    return MHD_create_response_from_buffer(r->out.len, r->out.buf, MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result queue(struct req *r)
{
    struct MHD_Response *resp = response_of(r);
    if (!resp)
        return MHD_NO;
    if (r->status != 204 && r->status != 304)
        MHD_add_response_header(resp, "Content-Type",
                                r->content_type ? r->content_type
                                                : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    bool cache_set = false; /* the console's files say how long they keep (server/static.c) */
    for (struct header *h = r->headers; h; h = h->next) {
        MHD_add_response_header(resp, h->name, h->value);
        if (strcasecmp(h->name, "Cache-Control") == 0)
            cache_set = true;
    }
    if (!cache_set)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (atomic_load(&r->srv->stopping))
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The body cap of this request, known before any byte of the body: the route's own limit
 * (uploads: the configured upload limit first), else the server's. */
static void body_cap_choose(struct req *r)
{
    const struct config *cfg = r->srv->cfg;
    /* the match is kept for the dispatcher, which would otherwise route again */
    struct route_match *m = arena_zalloc(&r->arena, sizeof(*m));
    if (!m)
        return;
    r->match = m;
    r->match_err = router_match(r->srv->routes, r->method, r->path, cfg->test_mode, &r->arena, m);
    if (r->match_err != ERR_OK)
        return;
    const struct route *rt = &r->srv->routes[m->index];
    size_t cap = rt->body_limit;
    if ((rt->flags & ROUTE_UPLOAD) && cfg->upload_cap)
        cap = cfg->upload_cap;
    if (cap && cap != r->body_cap) {
        r->body_cap = cap;
        sbuf_release(&r->body); /* still empty: nothing was read yet */
        sbuf_init(&r->body, cap);
    }
}

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    int *n = cls;
    if (strcasecmp(key, "Content-Length") == 0)
        n[0] += value && strchr(value, ',') ? 2 : 1; /* "70, 75" is two lengths too */
    else if (strcasecmp(key, "Transfer-Encoding") == 0)
        n[1]++;
    return MHD_YES;
}

/* A request whose body length is ambiguous — two Content-Length headers, or one beside a
 * Transfer-Encoding — is refused: a proxy in front might read it the other way and
 * smuggle a second request past it (RFC 9112 §6.3). */
static bool framing_ambiguous(struct MHD_Connection *conn)
{
    int n[2] = {0, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, n);
    return n[0] > 1 || (n[0] && n[1]);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    struct req *r = *con_cls;
    if (!r) {
        r = req_new(srv, conn, method, url);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        if (framing_ambiguous(conn)) {
            r->body_too_large = true; /* nothing of the body is read; the answer is queued */
            dispatch_reject(r, ERR_MALFORMED_JSON, "ambiguous_length");
            return queue(r);
        }
        body_cap_choose(r);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        if (cl && parse_int64(cl, &n) && (uint64_t)n > r->body_cap) {
            /* Decided now, before reading: answering on the first call closes the
             * connection, which is what an oversized upload deserves. */
            r->body_too_large = true;
            dispatch_reject(r, ERR_TOO_LARGE, "body_too_large");
            return queue(r);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (r->body.len + *upload_data_size > r->body_cap) {
            /* A chunked body past the cap: cut the connection off. */
            r->body_too_large = true;
            return MHD_NO;
        }
        sbuf_add(&r->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->body_too_large)
        return MHD_YES; /* the 413 is already queued */
    if (r->suspended) { /* called again: the writer resumed the connection */
        dispatch_resume(r);
#ifdef SHEGONG_FAILALLOC
        reply_header(r, "X-Fail-Alloc-Hit", failalloc_disarm() ? "1" : "0");
#endif
        return queue(r);
    }
#ifdef SHEGONG_FAILALLOC
    /* tests/alloc: the N-th allocation of the dispatch fails; the answer says if one did */
    const char *fail = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Fail-Alloc");
    int64_t nth;
    if (fail && parse_int64(fail, &nth) && nth > 0)
        failalloc_arm((long)nth);
    dispatch(r);
    if (!r->suspended) /* else the write took the countdown to the writer */
        reply_header(r, "X-Fail-Alloc-Hit", failalloc_disarm() ? "1" : "0");
#else
    dispatch(r);
#endif
    if (r->suspended)
        return MHD_YES; /* answered when the writer resumes the connection */
    return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct req *r = *con_cls;
    if (!r)
        return;
    int64_t us = clock_mono_us() - r->t0_us;
    int status = r->status ? r->status : 499; /* closed before an answer */
    metrics_observe(r->route_index, status, us);
    if (!r->srv->cfg->quiet)
        log_access(r, status, us);
    req_free(r);
    *con_cls = NULL;
}

/* libmicrohttpd's own decoding of the path and the query, except that an encoded NUL
 * (%00) becomes the byte 0xFF: the path would otherwise end there unseen
 * ("/index.html%00.png" read as "/index.html"), while 0xFF is invalid UTF-8 that every
 * check refuses. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = (char)0xFF;
    return n;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    log_event("http", buf);
}

enum err server_run(const struct config *cfg, struct db *db, const struct route *routes)
{
    struct server srv = {.cfg = cfg, .db = db, .routes = routes};
    for (srv.nroutes = 0; routes[srv.nroutes].pattern; srv.nroutes++)
        ;
    atomic_init(&srv.inflight, 0);
    atomic_init(&srv.stopping, false);
    atomic_init(&srv.last_start_us, 0);
    metrics_init(routes, srv.nroutes);

    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->bind, &sa.sin_addr) != 1) {
        fprintf(stderr, "shegong: bind address '%s' is not an IPv4 address\n", cfg->bind);
        return ERR_INVALID;
    }
    /* Signals are taken by sigwait below; block them before any thread starts. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (cfg->group_commit && writer_start(db, &srv.writer) != ERR_OK) {
        fprintf(stderr, "shegong: cannot start the database writer\n");
        return ERR_INTERNAL;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads =
        cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)(cores > 0 ? cores : 2);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)cfg->port, NULL, NULL, on_request, &srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        NULL, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
        MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_END);
    if (!d) {
        int why = errno;
        writer_stop(srv.writer);
        fprintf(stderr, "shegong: cannot listen on %s:%d: %s\n", cfg->bind, cfg->port,
                strerror(why));
        return ERR_IO;
    }
    struct jobs *jobs = jobs_start(&srv);
    fprintf(stderr, "shegong: serving on http://%s:%d (%u threads, database %s%s)\n", cfg->bind,
            cfg->port, threads, db_backend(db), srv.writer ? ", group commit" : "");
    fflush(stderr);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_event("shutdown", sig == SIGTERM ? "SIGTERM received" : "SIGINT received");
    atomic_store(&srv.stopping, true);
    MHD_socket lsock = MHD_quiesce_daemon(d);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    /* Requests being served finish; requests already sent on open connections are read
     * and answered (503, Connection: close). An open connection that stays quiet for
     * QUIET_US after the signal is taken to have nothing more to say. */
    int64_t start = clock_mono_us();
    int64_t deadline = start + (int64_t)cfg->shutdown_grace_s * 1000000;
    for (;;) {
        int64_t now = clock_mono_us();
        if (now >= deadline)
            break;
        const union MHD_DaemonInfo *di =
            MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        unsigned conns = di ? di->num_connections : 0;
        bool quiet = now - start >= QUIET_US && now - atomic_load(&srv.last_start_us) >= QUIET_US;
        if (atomic_load(&srv.inflight) == 0 && (conns == 0 || quiet))
            break;
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&srv.inflight);
    jobs_stop(jobs);
    /* What was queued is committed and its connections resumed before the daemon stops (a
     * write submitted from now on is refused: 503), so no connection stays suspended. */
    writer_stop(srv.writer);
    MHD_stop_daemon(d);
    char msg[96];
    if (left)
        snprintf(msg, sizeof(msg), "stopped; %d request(s) were cut off at the deadline", left);
    else
        snprintf(msg, sizeof(msg), "stopped cleanly; no request was in flight");
    log_event("shutdown", msg);
    return ERR_OK;
}
