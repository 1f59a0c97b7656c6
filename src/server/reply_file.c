/* Answers whose body is a file (downloads, exports): the open file goes to libmicrohttpd
 * as it is (server/http.c queues it), with a Content-Disposition that every browser reads. */
#include <string.h>
#include <unistd.h>

#include "server/reply.h"

/* RFC 5987 attr-char: sent as they are in filename*; everything else is %XX. */
static bool attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$&+-.^_`|~", c) != NULL;
}

/* A byte that must never reach a header: control characters, quotes, backslash. */
static bool unsafe(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
}

/* attachment; filename="ascii"; filename*=UTF-8''percent-encoded. The ASCII fallback
 * shows each non-ASCII character (a whole UTF-8 sequence) as '_'; both forms turn
 * control characters, quotes and backslashes into '_', so the header cannot be split
 * or its parameter broken out of. */
static const char *disposition(struct arena *a, const char *name)
{
    struct sbuf sb;
    sbuf_init(&sb, 4096);
    sbuf_adds(&sb, "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p >= 0x80) {
            if ((*p & 0xC0) != 0x80) /* the lead byte of a sequence */
                sbuf_addc(&sb, '_');
        } else {
            sbuf_addc(&sb, unsafe(*p) ? '_' : (char)*p);
        }
    }
    sbuf_adds(&sb, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p < 0x80 && unsafe(*p) ? '_' : *p;
        if (attr_char(c))
            sbuf_addc(&sb, (char)c);
        else
            sbuf_addf(&sb, "%%%02X", c);
    }
    const char *out = sbuf_err(&sb) ? NULL : arena_strdup(a, sb.buf);
    sbuf_release(&sb);
    return out;
}

enum err reply_file_take(struct req *r, int status, int fd, uint64_t size, const char *content_type,
                         const char *filename)
{
    if (r->file_open) /* a retried handler answers again */
        close(r->file_fd);
    r->file_open = false;
    if (filename && *filename) {
        const char *cd = disposition(&r->arena, filename);
        if (!cd) {
            close(fd);
            return ERR_NOMEM;
        }
        reply_header(r, "Content-Disposition", cd);
    }
    r->status = status;
    r->content_type = content_type ? content_type : "application/octet-stream";
    sbuf_reset(&r->out);
    r->file_open = true;
    r->file_fd = fd;
    r->file_size = size;
    r->file_status = status;
    return ERR_OK;
}
