/* The web console's built files (see static.h): path safety, content types, precompressed
 * gzip variants, cache headers and the fallback to index.html for the console's routes. */
#include "server/static.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/utf8.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/server.h"

#define PATH_CAP 1024 /* longest URL path mapped to a file */

/* Hashed file names change with their content: a year, and no revalidation. */
static const char CACHE_ASSET[] = "public, max-age=31536000, immutable";
/* index.html and unhashed files: use only after asking (the ETag makes that cheap). */
static const char CACHE_REVALIDATE[] = "no-cache";

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ttf", "font/ttf"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {NULL, NULL},
};

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s is prefix itself or prefix followed by '/'. */
static bool is_under(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 && (s[n] == '\0' || s[n] == '/');
}

bool static_applies(const char *method, const char *path)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return false;
    return path[0] == '/' && !is_under(path, "/api") && !is_under(path, "/healthz") &&
           !is_under(path, "/metrics") && !is_under(path, "/open311");
}

bool static_path_safe(const char *path)
{
    size_t n = strlen(path);
    /* invalid UTF-8 includes the 0xFF an encoded NUL became (server/http.c) */
    if (path[0] != '/' || n > PATH_CAP || !utf8_valid(path, n))
        return false;
    for (const char *seg = path + 1;;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        /* empty: "//" inside; a trailing '/' ends the path and is allowed */
        if ((len == 0 && end) || seg[0] == '.')
            return false;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)seg[i];
            if (c < 0x20 || c == 0x7f || c == '\\')
                return false;
        }
        if (!end)
            return true;
        seg = end + 1;
    }
}

/* The extension of the last segment of name, or NULL. */
static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : NULL;
}

const char *static_content_type(const char *name)
{
    const char *ext = extension(name);
    if (!ext)
        return NULL;
    for (size_t i = 0; types[i].ext; i++)
        if (strcasecmp(ext, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* Whether a q-value ("0", "0.0", "0.000", "1") means "not acceptable". */
static bool q_zero(const char *q, size_t n)
{
    if (n == 0 || q[0] != '0')
        return false;
    for (size_t i = 1; i < n; i++)
        if (q[i] != '.' && q[i] != '0')
            return false;
    return true;
}

bool static_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    int gzip = -1, star = -1; /* -1: not named; 0: refused; 1: accepted */
    const char *p = accept_encoding;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t toklen = (size_t)(p - tok);
        bool accepted = true;
        while (*p && *p != ',') { /* parameters: only q matters */
            while (*p == ';' || *p == ' ' || *p == '\t')
                p++;
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
                const char *q = p + 2;
                size_t qlen = strcspn(q, ",; \t");
                accepted = !q_zero(q, qlen);
                p = q + qlen;
            } else {
                p += strcspn(p, ",;");
            }
        }
        if ((toklen == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
            (toklen == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gzip = accepted;
        else if (toklen == 1 && tok[0] == '*')
            star = accepted;
    }
    return gzip >= 0 ? gzip == 1 : star == 1;
}

bool static_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    if (has_prefix(etag, "W/"))
        etag += 2;
    size_t elen = strlen(etag);
    const char *p = if_none_match;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (has_prefix(p, "W/"))
            p += 2; /* If-None-Match compares weakly */
        size_t n = strcspn(p, ", \t");
        if (n == elen && memcmp(p, etag, n) == 0)
            return true;
        p += n;
    }
    return false;
}

struct file {
    char path[PATH_MAX]; /* resolved: no symlink, no "..", inside the root */
    int fd;
    struct stat st;
};

/* Opens want when it resolves to a regular file strictly inside root (itself resolved);
 * ERR_FORBIDDEN when it resolves to something outside, ERR_NOT_FOUND otherwise. */
static enum err open_inside(const char *root, const char *want, struct file *f)
{
    if (!realpath(want, f->path))
        return ERR_NOT_FOUND;
    size_t n = strlen(root);
    if (strcmp(f->path, root) == 0)
        return ERR_NOT_FOUND; /* the root itself: a directory, so the page */
    if (strncmp(f->path, root, n) != 0 || f->path[n] != '/')
        return ERR_FORBIDDEN; /* exists, but outside: answered 404 without the fallback */
    /* resolved, so a symlink here means it was swapped in since: refuse it */
    f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (f->fd < 0)
        return ERR_NOT_FOUND;
    if (fstat(f->fd, &f->st) != 0 || !S_ISREG(f->st.st_mode)) {
        close(f->fd);
        return ERR_NOT_FOUND;
    }
    return ERR_OK;
}

static const char *etag_of(struct req *r, const struct stat *st, bool gz)
{
    return arena_printf(&r->arena, "\"%llx-%llx%s\"", (unsigned long long)st->st_size,
                        (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                            (unsigned long long)st->st_mtim.tv_nsec,
                        gz ? "-gz" : "");
}

static enum err not_found(struct req *r, const char *text_code)
{
    r->message = msg_text(text_code);
    return ERR_NOT_FOUND;
}

enum err static_serve(struct req *r)
{
    char root[PATH_MAX], want[PATH_MAX + 8];
    struct file f, gz;
    if (!static_path_safe(r->path))
        return not_found(r, "unknown_route");
    if (!realpath(r->srv->cfg->web_dir, root))
        return not_found(r, "web_not_built");
    int n = snprintf(want, sizeof(want), "%s%s", root, r->path);
    if (n < 0 || (size_t)n >= sizeof(want))
        return not_found(r, "unknown_route");
    bool asset = has_prefix(r->path, "/assets/");
    enum err found = open_inside(root, want, &f);
    if (found != ERR_OK) {
        /* a missing script or image must not turn into the page */
        if (found == ERR_FORBIDDEN || asset || static_content_type(r->path))
            return not_found(r, "unknown_route");
        n = snprintf(want, sizeof(want), "%s/index.html", root);
        if (n < 0 || (size_t)n >= sizeof(want) || open_inside(root, want, &f) != ERR_OK)
            return not_found(r, "web_not_built");
        asset = false;
    }
    const char *type = static_content_type(f.path);
    const char *encoding = NULL;
    n = snprintf(want, sizeof(want), "%s.gz", f.path);
    if (n > 0 && (size_t)n < sizeof(want) && open_inside(root, want, &gz) == ERR_OK) {
        reply_header(r, "Vary", "Accept-Encoding");
        const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
        if (static_accepts_gzip(ae)) {
            close(f.fd);
            f.fd = gz.fd;
            f.st = gz.st;
            encoding = "gzip";
        } else {
            close(gz.fd);
        }
    }
    const char *etag = etag_of(r, &f.st, encoding != NULL);
    if (!etag) {
        close(f.fd);
        return ERR_NOMEM;
    }
    reply_header(r, "Cache-Control", asset ? CACHE_ASSET : CACHE_REVALIDATE);
    reply_header(r, "ETag", etag);
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (static_etag_matches(inm, etag)) {
        close(f.fd);
        r->status = 304;
        return ERR_OK;
    }
    if (encoding)
        reply_header(r, "Content-Encoding", encoding);
    return reply_file_take(r, 200, f.fd, (uint64_t)f.st.st_size,
                           type ? type : "application/octet-stream", NULL);
}
