/* JSON-lines logging on stderr (see log.h). */
#include "server/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/sbuf.h"

static void emit(struct sbuf *sb)
{
    sbuf_addc(sb, '\n');
    if (!sbuf_err(sb)) {
        ssize_t n = write(STDERR_FILENO, sb->buf, sb->len); /* one write: lines stay whole */
        (void)n;
    }
    sbuf_release(sb);
}

static void begin(struct sbuf *sb, const char *kind)
{
    char t[21];
    clock_format_utc(clock_now(), t);
    sbuf_init(sb, 8192);
    sbuf_addf(sb, "{\"time\":\"%s\",\"kind\":\"%s\"", t, kind);
}

void log_access(const struct req *r, int status, int64_t us)
{
    struct sbuf sb;
    begin(&sb, "access");
    sbuf_addf(&sb, ",\"request_id\":\"%s\",\"method\":\"", r->request_id);
    sbuf_add_json_str(&sb, r->method); /* libmicrohttpd admits only token characters */
    sbuf_adds(&sb, "\",\"route\":\"");
    sbuf_add_json_str(&sb, r->route ? r->route->pattern : "(unmatched)");
    sbuf_addf(&sb, "\",\"status\":%d,\"bytes\":%zu,\"us\":%" PRId64, status, r->out.len, us);
    if (r->user.id)
        sbuf_addf(&sb, ",\"user_id\":\"%" PRId64 "\"", r->user.id);
    sbuf_adds(&sb, ",\"ip\":\"");
    sbuf_add_json_str(&sb, r->ip);
    sbuf_adds(&sb, "\"}");
    emit(&sb);
}

void log_event(const char *what, const char *text)
{
    struct sbuf sb;
    begin(&sb, "event");
    sbuf_adds(&sb, ",\"event\":\"");
    sbuf_add_json_str(&sb, what);
    sbuf_adds(&sb, "\",\"text\":\"");
    sbuf_add_json_str(&sb, text);
    sbuf_adds(&sb, "\"}");
    emit(&sb);
}

void log_slow_sql(const char *sql, int64_t us)
{
    char text[2001];
    size_t n = strlen(sql);
    if (n >= sizeof(text)) { /* cut at a character's start: the line stays valid UTF-8 */
        n = sizeof(text) - 1;
        while (n && ((unsigned char)sql[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(text, sql, n);
    text[n] = '\0';
    struct sbuf sb;
    begin(&sb, "event");
    sbuf_addf(&sb, ",\"event\":\"slow_sql\",\"ms\":%.1f,\"text\":\"", (double)us / 1000.0);
    sbuf_add_json_str(&sb, text);
    sbuf_adds(&sb, "\"}");
    emit(&sb);
}

void log_error(const struct req *r, const char *text)
{
    struct sbuf sb;
    begin(&sb, "error");
    sbuf_addf(&sb, ",\"request_id\":\"%s\",\"route\":\"", r->request_id);
    sbuf_add_json_str(&sb, r->route ? r->route->pattern : "(unmatched)");
    sbuf_adds(&sb, "\",\"text\":\"");
    sbuf_add_json_str(&sb, text);
    sbuf_adds(&sb, "\"}");
    emit(&sb);
}
