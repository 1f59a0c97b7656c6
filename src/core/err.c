/* Mapping of the error enum to HTTP statuses and stable codes. */
#include "core/err.h"

int err_http(enum err e)
{
    switch (e) {
    case ERR_OK:
        return 200;
    case ERR_INVALID:
    case ERR_MALFORMED_JSON:
    case ERR_BAD_ENCODING:
        return 400;
    case ERR_UNAUTHENTICATED:
    case ERR_BAD_CREDENTIALS:
        return 401;
    case ERR_FORBIDDEN:
    case ERR_CSRF:
    case ERR_ACCOUNT_LOCKED:
    case ERR_ACCOUNT_DISABLED:
        return 403;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_METHOD_NOT_ALLOWED:
        return 405;
    case ERR_CONFLICT:
        return 409;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_UNSUPPORTED_MEDIA:
        return 415;
    case ERR_UNPROCESSABLE:
        return 422;
    case ERR_RATE_LIMITED:
        return 429;
    case ERR_INTERNAL:
    case ERR_DB:
    case ERR_IO:
        return 500;
    case ERR_NOMEM:
    case ERR_DB_BUSY:
    case ERR_UNAVAILABLE:
        return 503;
    }
    return 500;
}

const char *err_code(enum err e)
{
    switch (e) {
    case ERR_OK:
        return "ok";
    case ERR_INVALID:
        return "invalid";
    case ERR_MALFORMED_JSON:
        return "malformed_json";
    case ERR_BAD_ENCODING:
        return "bad_encoding";
    case ERR_UNAUTHENTICATED:
        return "unauthenticated";
    case ERR_BAD_CREDENTIALS:
        return "bad_credentials";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_CSRF:
        return "csrf_failed";
    case ERR_ACCOUNT_LOCKED:
        return "account_locked";
    case ERR_ACCOUNT_DISABLED:
        return "account_disabled";
    case ERR_NOT_FOUND:
        return "not_found";
    case ERR_METHOD_NOT_ALLOWED:
        return "method_not_allowed";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_TOO_LARGE:
        return "too_large";
    case ERR_UNSUPPORTED_MEDIA:
        return "unsupported_media_type";
    case ERR_UNPROCESSABLE:
        return "unprocessable";
    case ERR_RATE_LIMITED:
        return "rate_limited";
    case ERR_INTERNAL:
        return "internal";
    case ERR_NOMEM:
        return "out_of_memory";
    case ERR_DB:
        return "database_error";
    case ERR_DB_BUSY:
        return "database_busy";
    case ERR_UNAVAILABLE:
        return "unavailable";
    case ERR_IO:
        return "io_error";
    }
    return "internal";
}
