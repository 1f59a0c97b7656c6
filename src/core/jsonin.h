/* Reading a JSON document from untrusted bytes: UTF-8 checked, nesting bounded,
 * duplicate keys and NUL characters refused, and the position of the first error kept
 * for the answer. */
#ifndef SHEGONG_CORE_JSONIN_H
#define SHEGONG_CORE_JSONIN_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

#define JSONIN_MAX_DEPTH 32

enum jsonin_reason {
    JSONIN_SYNTAX,     /* jansson's syntax error */
    JSONIN_DEPTH,      /* nested deeper than allowed */
    JSONIN_DUPLICATE,  /* a key appears twice in one object */
    JSONIN_EMPTY,      /* no document at all */
    JSONIN_NOT_OBJECT, /* the top level is not an object */
};

struct jsonin_error {
    enum jsonin_reason reason;
    int line;       /* 1-based; 0 when unknown */
    int column;     /* 1-based, in characters */
    char text[160]; /* jansson's English text, for the log only */
};

/* Routes jansson's allocations through malloc, noting a failure (core/oom.h), so that
 * jsonin_parse_object tells running out of memory from bad input and a request notices a
 * value jansson could not make. Call once at start, before any JSON value is made. */
void jsonin_init(void);

/* Parses n bytes into a JSON object. On failure returns ERR_BAD_ENCODING (invalid UTF-8)
 * or ERR_MALFORMED_JSON and fills *e, or ERR_NOMEM when jansson ran out of memory
 * (jsonin_init). The caller owns *out (json_decref). */
enum err jsonin_parse_object(const char *buf, size_t n, size_t max_depth, json_t **out,
                             struct jsonin_error *e);

/* json_loads for JSON the server wrote itself (a stored column); NULL when it is not JSON
 * or when memory ran out (then noted, core/oom.h). */
json_t *jsonin_loads(const char *text);

#endif
