/* Growable string builder with a cap and a sticky error (see sbuf.h). */
#include "core/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char sbuf_empty[1];

void sbuf_init(struct sbuf *sb, size_t cap)
{
    sb->buf = sbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
    sb->cap = cap ? cap : SBUF_DEFAULT_CAP;
    sb->err = ERR_OK;
}

void sbuf_release(struct sbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    sbuf_init(sb, sb->cap);
}

char *sbuf_take(struct sbuf *sb, size_t *len)
{
    char *p = sb->alloc ? sb->buf : strdup("");
    if (len)
        *len = sb->len;
    sbuf_init(sb, sb->cap);
    return p;
}

void sbuf_reset(struct sbuf *sb)
{
    sb->len = 0;
    sb->buf[0] = '\0';
    sb->err = ERR_OK;
}

/* Makes room for n more bytes plus the terminator; false (error set) if it cannot. */
static int grow(struct sbuf *sb, size_t n)
{
    if (sb->err)
        return 0;
    if (n > sb->cap - sb->len) {
        sb->err = ERR_TOO_LARGE;
        return 0;
    }
    size_t need = sb->len + n + 1;
    if (need <= sb->alloc)
        return 1;
    size_t alloc = sb->alloc ? sb->alloc : 64;
    while (alloc < need)
        alloc = alloc < ((size_t)1 << 30) ? alloc * 2 : need;
    char *p = realloc(sb->alloc ? sb->buf : NULL, alloc);
    if (!p) {
        sb->err = ERR_NOMEM;
        return 0;
    }
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = alloc;
    return 1;
}

void sbuf_add(struct sbuf *sb, const void *data, size_t n)
{
    if (!grow(sb, n))
        return;
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
    if (!s) { /* text that could not be allocated */
        if (!sb->err)
            sb->err = ERR_NOMEM;
        return;
    }
    sbuf_add(sb, s, strlen(s));
}

void sbuf_addc(struct sbuf *sb, char c)
{
    sbuf_add(sb, &c, 1);
}

void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        if (!sb->err)
            sb->err = ERR_INTERNAL;
        return;
    }
    if (!grow(sb, (size_t)n))
        return;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void sbuf_add_json_str(struct sbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sbuf_add(sb, run, (size_t)(p - run));
        switch (c) {
        case '"':
            sbuf_adds(sb, "\\\"");
            break;
        case '\\':
            sbuf_adds(sb, "\\\\");
            break;
        case '\n':
            sbuf_adds(sb, "\\n");
            break;
        case '\r':
            sbuf_adds(sb, "\\r");
            break;
        case '\t':
            sbuf_adds(sb, "\\t");
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sbuf_add(sb, u, sizeof(u));
        }
        }
        run = p + 1;
    }
    sbuf_adds(sb, run);
}

void sbuf_truncate(struct sbuf *sb, size_t n)
{
    if (n >= sb->len)
        return;
    sb->len = n;
    sb->buf[n] = '\0';
}
