/* The running server: configuration, the database, the route table, and the HTTP
 * daemon. server_run blocks until SIGTERM or SIGINT, then shuts down gracefully: it
 * stops accepting, lets requests in flight finish (bounded by shutdown_grace_s; requests
 * arriving meanwhile get 503), closes the database and returns. */
#ifndef SHEGONG_SERVER_SERVER_H
#define SHEGONG_SERVER_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "server/req.h"

struct config {
    const char *db_url;
    const char *data_dir;
    const char *bind;
    int port;
    int threads;               /* worker threads; 0: one per core */
    size_t body_cap;           /* bytes; larger bodies get 413 */
    size_t upload_cap;         /* SHEGONG_ATTACHMENT_LIMIT: the body cap of ROUTE_UPLOAD
                                  routes (0: the route's body_limit) */
    unsigned conn_limit;       /* open connections in all */
    unsigned per_ip_limit;     /* open connections per client address */
    unsigned conn_timeout_s;   /* idle connection timeout */
    size_t conn_memory;        /* libmicrohttpd per-connection memory limit */
    bool secure_cookies;       /* add Secure to the session cookie */
    bool test_mode;            /* enables the test-only routes (moving the clock) */
    const char *trusted_proxy; /* address whose X-Request-Id / X-Forwarded-For are believed */
    unsigned node_id;          /* 0..1023, part of every generated id */
    int login_rate_per_min;    /* login attempts per client address per minute */
    int token_rate_per_min;    /* requests per API token per minute (0: no limit) */
    int portal_submit_rate;    /* portal submissions per client address an hour (0: none) */
    int portal_lookup_rate;    /* portal look-ups and requests per address an hour (0: none) */
    const char *public_url;    /* SHEGONG_PUBLIC_URL: the portal's address for citizens (QR
                                  codes on receipts); NULL: the request's Host */
    enum db_sync sync;
    bool group_commit; /* SQLite: writes go through one writer that commits in batches */
    int shutdown_grace_s;
    int slow_sql_ms;       /* SHEGONG_SLOW_SQL_MS: statements this slow are logged; -1: none */
    bool quiet;            /* no access log */
    const char *key_file;  /* SHEGONG_KEY_FILE; NULL: <data_dir>/shegong.key */
    const char *cipher;    /* SHEGONG_CIPHER: "sm4" (NULL, the default) or "aes256gcm" */
    const char *web_dir;   /* SHEGONG_WEB_DIR: the built console (server/static.h) */
    bool db_url_set;       /* db_url came from SHEGONG_DB or --db, not from data_dir */
    char db_url_buf[4200]; /* db_url derived from data_dir */
};

/* Defaults that work on a laptop (see docs/configuration.md). */
void config_defaults(struct config *cfg);

struct server {
    const struct config *cfg;
    struct db *db;
    const struct route *routes;
    int nroutes;
    atomic_int inflight;
    atomic_bool stopping;
    _Atomic int64_t last_start_us; /* monotonic time the newest request started */
    struct writer *writer;         /* group commit (db/writer.h); NULL: one commit per write */
};

/* Serves until a signal; returns ERR_OK after a clean shutdown. */
enum err server_run(const struct config *cfg, struct db *db, const struct route *routes);

#endif
