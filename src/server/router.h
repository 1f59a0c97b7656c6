/* Matching a request path against the route table. Patterns are literal segments and
 * {name} parameters, which match one non-empty segment. */
#ifndef SHEGONG_SERVER_ROUTER_H
#define SHEGONG_SERVER_ROUTER_H

#include <stddef.h>

#include "core/arena.h"
#include "server/req.h"

struct route_match {
    int index; /* into the table; -1 when nothing matched */
    const char *params[ROUTE_MAX_PARAMS];
    size_t nparams;
    char allow[64]; /* the methods the path supports, for 405's Allow header */
};

/* Finds the route for method and path among the routes (a table ending at a route with a
 * NULL pattern). When several patterns match, the one with the fewest parameters wins
 * (a literal segment is more specific: /region/export before /region/{code}), then the
 * earliest. Returns ERR_OK, ERR_NOT_FOUND (no pattern matches the
 * path) or ERR_METHOD_NOT_ALLOWED (m->allow lists what would). Parameter values are
 * copied into a. Routes flagged ROUTE_TEST_ONLY match only when test_mode is set. */
enum err router_match(const struct route *routes, const char *method, const char *path,
                      int test_mode, struct arena *a, struct route_match *m);

#endif
