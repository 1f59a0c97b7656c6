/* Route matching by segments (see router.h). */
#include "server/router.h"

#include <string.h>

/* Matches one pattern; on success fills params (copied into a). */
static int match_one(const char *pattern, const char *path, struct arena *a, const char **params,
                     size_t *nparams)
{
    size_t np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pend = strchr(p, '}');
            const char *send = strchr(s, '/');
            if (!pend)
                return 0;
            size_t len = send ? (size_t)(send - s) : strlen(s);
            if (len == 0 || np == ROUTE_MAX_PARAMS)
                return 0;
            if (params) {
                params[np] = arena_strndup(a, s, len);
                if (!params[np])
                    return 0;
            }
            np++;
            p = pend + 1;
            s += len;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || *s)
        return 0;
    *nparams = np;
    return 1;
}

enum err router_match(const struct route *routes, const char *method, const char *path,
                      int test_mode, struct arena *a, struct route_match *m)
{
    memset(m, 0, sizeof(*m));
    m->index = -1;
    int path_found = 0;
    size_t alen = 0;
    int best = -1;
    size_t best_np = 0;
    for (int i = 0; routes[i].pattern; i++) {
        const struct route *rt = &routes[i];
        if ((rt->flags & ROUTE_TEST_ONLY) && !test_mode)
            continue;
        size_t np = 0;
        if (!match_one(rt->pattern, path, NULL, NULL, &np))
            continue;
        path_found = 1;
        if (strcmp(rt->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
            /* the most literal pattern wins: /region/export before /region/{code} */
            if (best < 0 || np < best_np) {
                best = i;
                best_np = np;
            }
            continue;
        }
        size_t ml = strlen(rt->method);
        if (!strstr(m->allow, rt->method) && alen + ml + 2 < sizeof(m->allow)) {
            if (alen) {
                memcpy(m->allow + alen, ", ", 2);
                alen += 2;
            }
            memcpy(m->allow + alen, rt->method, ml);
            alen += ml;
            m->allow[alen] = '\0';
        }
    }
    if (best >= 0) {
        if (!match_one(routes[best].pattern, path, a, m->params, &m->nparams))
            return ERR_NOMEM;
        m->index = best;
        return ERR_OK;
    }
    return path_found ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND;
}
