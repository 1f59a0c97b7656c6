/* The one error enum of shegong: every function that can fail returns it.
 * err_http() and err_code() are exhaustive switches without default, so a new value that
 * is not mapped breaks the build under -Werror. */
#ifndef SHEGONG_CORE_ERR_H
#define SHEGONG_CORE_ERR_H

enum err {
    ERR_OK = 0,
    ERR_INVALID,            /* 400 a field failed validation (details name the fields) */
    ERR_MALFORMED_JSON,     /* 400 the body is not JSON (line and column given) */
    ERR_BAD_ENCODING,       /* 400 text is not valid UTF-8 */
    ERR_UNAUTHENTICATED,    /* 401 no session or token, or it has expired */
    ERR_BAD_CREDENTIALS,    /* 401 wrong username or password (never says which) */
    ERR_FORBIDDEN,          /* 403 authenticated but lacks the permission */
    ERR_CSRF,               /* 403 a cookie-authenticated write without the CSRF header */
    ERR_ACCOUNT_LOCKED,     /* 403 locked after failed logins or by an administrator */
    ERR_ACCOUNT_DISABLED,   /* 403 disabled (unused too long, or by an administrator) */
    ERR_NOT_FOUND,          /* 404 no such route or object, or the object is out of scope */
    ERR_METHOD_NOT_ALLOWED, /* 405 the path exists, the method does not */
    ERR_CONFLICT,           /* 409 uniqueness or state conflict */
    ERR_TOO_LARGE,          /* 413 body or buffer past its cap */
    ERR_UNSUPPORTED_MEDIA,  /* 415 body is not application/json */
    ERR_UNPROCESSABLE,      /* 422 well-formed but cannot be done (policy, state) */
    ERR_RATE_LIMITED,       /* 429 too many requests */
    ERR_INTERNAL,           /* 500 our own bug */
    ERR_NOMEM,              /* 503 an allocation failed */
    ERR_DB,                 /* 500 the database failed */
    ERR_DB_BUSY,            /* 503 the database stayed busy; the caller may retry */
    ERR_UNAVAILABLE,        /* 503 shutting down, or a dependency is down */
    ERR_IO,                 /* 500 a file or socket operation failed */
};

/* The HTTP status an error answers with. */
int err_http(enum err e);
/* The stable snake_case code clients match on ("invalid", "not_found", ...). */
const char *err_code(enum err e);

#endif
