/* Growable string builder.
 *
 * Invariants (after git's strbuf and SQLite's sqlite3_str): buf is never NULL and always
 * NUL-terminated, even when empty or failed; len never passes cap; once an append fails
 * (cap reached or out of memory) the error is sticky, later appends do nothing and
 * sbuf_err() reports it. */
#ifndef SHEGONG_CORE_SBUF_H
#define SHEGONG_CORE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct sbuf {
    char *buf;
    size_t len;
    size_t alloc; /* 0 while buf points at the shared empty string */
    size_t cap;   /* most bytes the content may hold */
    enum err err; /* sticky: ERR_TOO_LARGE or ERR_NOMEM */
};

#define SBUF_DEFAULT_CAP ((size_t)16 << 20)

/* Lifecycle: _init allocates nothing (cap 0 means SBUF_DEFAULT_CAP); _release frees the
 * content and leaves an empty, reusable buffer; _take hands the content to the caller
 * (who frees it) and resets the buffer. */
void sbuf_init(struct sbuf *sb, size_t cap);
void sbuf_release(struct sbuf *sb);
char *sbuf_take(struct sbuf *sb, size_t *len);
/* Empties the content but keeps the allocation and clears the sticky error. */
void sbuf_reset(struct sbuf *sb);

/* Appending. */
void sbuf_add(struct sbuf *sb, const void *data, size_t n);
/* s NULL (text that could not be allocated) sets the sticky ERR_NOMEM. */
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as the inside of a JSON string: quotes, backslashes and control characters
 * escaped. s must be valid UTF-8. */
void sbuf_add_json_str(struct sbuf *sb, const char *s);

/* Shortens the content to n bytes (n <= len). */
void sbuf_truncate(struct sbuf *sb, size_t n);

static inline enum err sbuf_err(const struct sbuf *sb)
{
    return sb->err;
}

#endif
