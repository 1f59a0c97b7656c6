/* The request context and the route table entry: the two shapes every handler sees.
 *
 * A request's memory all comes from req->arena and goes when the request ends. The
 * dispatcher fills the context in a fixed order (route, method, authentication,
 * permission, region scope, parameters, transaction) before the handler runs, so a
 * handler never checks any of these itself. */
#ifndef SHEGONG_SERVER_REQ_H
#define SHEGONG_SERVER_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/failalloc.h"
#include "core/sbuf.h"
#include "db/db.h"

struct req;
struct server;
struct entity;
struct route_match;
struct MHD_Connection;

typedef enum err (*handler_fn)(struct req *r);

enum route_flags {
    ROUTE_PUBLIC = 1 << 0,    /* no authentication needed */
    ROUTE_WRITE = 1 << 1,     /* runs in a write transaction; audited on success */
    ROUTE_JSON_BODY = 1 << 2, /* needs a JSON object body (415 / 400 otherwise) */
    ROUTE_TEST_ONLY = 1 << 3, /* exists only when the server runs with --test-mode */
    ROUTE_SELF_TX = 1 << 4,   /* runs its own short transactions and writes its own audit
                                 records (slow password hashing must not hold the lock) */
    ROUTE_RAW = 1 << 5,       /* answers text, not JSON (metrics) */
    ROUTE_UPLOAD = 1 << 6,    /* a raw file body: its cap is the server's upload limit
                                 (config upload_cap) when set, else body_limit */
};

/* A typed query-string parameter. */
enum param_type { PARAM_STR, PARAM_INT, PARAM_REGION, PARAM_BOOL, PARAM_TIME };

struct param_def {
    const char *name;
    enum param_type type;
    const char *label; /* 中文, for error messages */
    int64_t min, max;  /* PARAM_INT bounds (both 0: none) */
};

#define ROUTE_MAX_PARAMS 4
#define ROUTE_MAX_QUERY  12

struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/units/{id}"; {id} segments parse as 64-bit ids */
    handler_fn handler;
    const char *perm;              /* permission needed; NULL: any authenticated user */
    unsigned flags;                /* enum route_flags */
    const char *action;            /* audit action for writes, e.g. "unit.update" */
    const char *scope_table;       /* table whose row {id} must lie in the caller's scope */
    const struct param_def *query; /* accepted query parameters, {0}-terminated */
    const struct entity *entity;   /* generated entity routes: the entity served */
    size_t body_limit;             /* bytes a body may have (0: the server's limit) */
};

enum auth_kind { AUTH_NONE = 0, AUTH_SESSION, AUTH_TOKEN };

struct post {
    const char *role;
    const char *region_code;
    int64_t unit_id;
};

struct principal {
    int64_t id; /* 0: anonymous */
    const char *username;
    const char *display_name;
    enum auth_kind kind;
    const char *session_hash; /* AUTH_SESSION */
    int64_t token_id;         /* AUTH_TOKEN */
    const char *admin_kind;   /* "sysadmin", "secadmin", "auditor" or NULL */
    struct post *posts;
    size_t nposts;
    struct grant {
        const char *role;
        const char *perm;
    } * grants; /* (role, permission) pairs of the roles the user holds */
    size_t ngrants;
    const char *csrf;   /* AUTH_SESSION: the session's CSRF token */
    const char **perms; /* distinct permission names */
    size_t nperms;
};

/* The regions a user may act in for one permission: the subtrees of the posts whose role
 * grants it. */
struct scope {
    const char **roots;
    size_t n;
};

struct field_error {
    const char *field;
    const char *code;
    const char *message;
    int row; /* an imported file's row (header = 1); 0: not from an import */
};

struct header {
    const char *name;
    const char *value;
    struct header *next;
};

struct req {
    struct arena arena;
    struct server *srv;
    struct db_conn *db;
    /* A write handed to the group-commit writer: the connection is suspended until the
     * writer has its result (resumed_err), and dispatch_resume answers then. */
    bool suspended;
    struct failalloc_state fa; /* tests/alloc: the countdown the write took to the writer */
    enum err resumed_err;
    struct MHD_Connection *conn;
    char request_id[40];
    char ip[48];
    const char *method;
    const char *path;
    const struct route *route;
    int route_index;
    const char *params[ROUTE_MAX_PARAMS]; /* path parameters, in pattern order */
    int64_t id;                           /* the {id} parameter, when the pattern has one */
    json_t *query;                        /* typed query parameters by name */
    struct sbuf body;
    bool body_too_large;
    json_t *json; /* the parsed body (ROUTE_JSON_BODY) */
    struct principal user;
    struct scope scope;
    int64_t t0_us;
    int64_t now; /* Unix seconds at the start of the request */

    /* The answer. */
    int status;
    struct sbuf out;
    const char *content_type;
    struct header *headers;
    struct field_error *errors;
    size_t nerrors, errors_cap;
    const char *message; /* overrides the error's default message */
    bool rollback_only;  /* a write route's work is rolled back even on success (dry runs) */
    /* A file answer (reply_file_take): sent instead of out while status is still
     * file_status; the request owns file_fd until the answer is queued. */
    bool file_open;
    int file_fd;
    uint64_t file_size;
    int file_status;
    size_t body_cap;           /* the cap chosen for this request's body (route or server) */
    struct route_match *match; /* the router's answer, made once when the request began */
    int match_err;             /* its enum err */
    enum err status_err;       /* the error being answered, for the refusal's audit record */

    /* What the audit record says about this request. */
    struct {
        const char *action;
        const char *object_type;
        char object_id[24];
        const char *detail;
    } audit;
};

#endif
