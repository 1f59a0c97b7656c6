/* The web console's files (web/dist, built by Vite) served from the configured web root.
 *
 * Invariants: only GET and HEAD of paths outside /api/, /healthz and /metrics come here,
 * and only after the router found no route. A file is served only when its resolved path
 * (symlinks followed) lies inside the resolved root; any path with "..", ".", an empty or
 * hidden segment, a control byte or a backslash is refused before the file system is
 * touched. Hashed assets under /assets/ are cached for a year; everything else
 * (index.html above all) is revalidated on every use. A path that is no file answers
 * index.html (the console's own routes: /e/unit/123, /portal, /login), except under
 * /assets/ and for names with a static file extension, which answer 404. */
#ifndef SHEGONG_SERVER_STATIC_H
#define SHEGONG_SERVER_STATIC_H

#include <stdbool.h>

#include "server/req.h"

/* Whether a request that matched no route is one for the web root to answer. */
bool static_applies(const char *method, const char *path);

/* Answers r from the web root: ERR_OK with the file (200), 304 when If-None-Match holds
 * the file's tag, or ERR_NOT_FOUND (with a message) for a refused or missing path. */
enum err static_serve(struct req *r);

/* Pure pieces, exposed for the unit tests. */

/* Whether a decoded URL path is safe to map under the root (see the invariants). */
bool static_path_safe(const char *path);
/* The Content-Type for a file name by its extension; NULL when the extension is unknown. */
const char *static_content_type(const char *name);
/* Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" token whose q is
 * not 0). NULL accepts nothing. */
bool static_accepts_gzip(const char *accept_encoding);
/* Whether If-None-Match (may be NULL) lists etag, or is "*". */
bool static_etag_matches(const char *if_none_match, const char *etag);

#endif
