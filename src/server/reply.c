/* Answers and body readers (see reply.h). */
#include "server/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/encode.h"
#include "core/oom.h"
#include "core/utf8.h"
#include "server/msg.h"

static void dumps_into(struct req *r, json_t *body)
{
    sbuf_reset(&r->out);
    char *s = json_dumps(body, JSON_COMPACT);
    if (s) {
        sbuf_adds(&r->out, s);
        free(s);
    }
}

enum err reply_json_take(struct req *r, int status, json_t *body)
{
    if (!body)
        return ERR_NOMEM;
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    dumps_into(r, body);
    json_decref(body);
    return sbuf_err(&r->out) ? ERR_NOMEM : ERR_OK;
}

enum err reply_no_content(struct req *r)
{
    r->status = 204;
    sbuf_reset(&r->out);
    return ERR_OK;
}

void reply_header(struct req *r, const char *name, const char *value)
{
    struct header *h = arena_alloc(&r->arena, sizeof(*h));
    if (!h)
        return;
    h->name = name;
    h->value = value;
    h->next = r->headers;
    r->headers = h;
}

/* Open311 GeoReport v2 clients read an error as [{"code":<HTTP status>,"description":…}]
 * (docs/open311.md), so every error under /open311/ — the router's 404 and 405, a body
 * too large, a rate limit, a handler's field errors (one item each) — takes that form. */
static bool open311_path(const char *path)
{
    return path && strncmp(path, "/open311/", 9) == 0;
}

static json_t *open311_errors(struct req *r, int status, const char *message)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->nerrors; i++)
        json_array_append_new(
            list, json_pack("{s:i, s:s}", "code", status, "description", r->errors[i].message));
    if (list && !r->nerrors)
        json_array_append_new(list,
                              json_pack("{s:i, s:s}", "code", status, "description", message));
    return list;
}

void reply_error(struct req *r, enum err e)
{
    /* rate limits count per minute unless the handler said when its window ends: the
     * next window opens at the next full minute */
    bool retry_given = false;
    for (const struct header *h = r->headers; h; h = h->next)
        retry_given = retry_given || strcasecmp(h->name, "Retry-After") == 0;
    if (e == ERR_RATE_LIMITED && !retry_given)
        reply_header(r, "Retry-After", arena_printf(&r->arena, "%d", 60 - (int)(r->now % 60)));
    json_t *details = json_array();
    for (size_t i = 0; i < r->nerrors; i++) {
        json_t *d = json_pack("{s:s, s:s, s:s}", "field", r->errors[i].field, "code",
                              r->errors[i].code, "message", r->errors[i].message);
        if (d && r->errors[i].row)
            json_object_set_new(d, "row", json_integer(r->errors[i].row));
        json_array_append_new(details, d);
    }
    const char *message = r->message;
    if (!message && e == ERR_INVALID && r->nerrors) {
        struct sbuf sb;
        sbuf_init(&sb, 4096);
        for (size_t i = 0; i < r->nerrors && i < 3; i++) {
            if (i)
                sbuf_adds(&sb, "；");
            sbuf_adds(&sb, r->errors[i].message);
        }
        if (r->nerrors > 3)
            sbuf_addf(&sb, "等%zu处错误", r->nerrors);
        message = arena_strdup(&r->arena, sb.buf);
        sbuf_release(&sb);
    }
    if (!message)
        message = msg_err(e);
    json_t *body;
    if (open311_path(r->path)) {
        json_decref(details);
        body = open311_errors(r, err_http(e), message);
    } else {
        json_t *err = json_pack("{s:s, s:s, s:o}", "code", err_code(e), "message", message,
                                "details", details);
        body = json_pack("{s:o, s:s}", "error", err, "request_id", r->request_id);
    }
    r->status = err_http(e);
    r->content_type = "application/json; charset=utf-8";
    sbuf_reset(&r->out);
    if (body) {
        dumps_into(r, body);
        json_decref(body);
    }
    if (!body || sbuf_err(&r->out)) {
        sbuf_reset(&r->out);
        sbuf_adds(&r->out, open311_path(r->path)
                               ? "[{\"code\":503,\"description\":\"服务器繁忙\"}]"
                               : "{\"error\":{\"code\":\"out_of_memory\",\"message\":"
                                 "\"服务器繁忙\",\"details\":[]}}");
    }
}

/* Field names and labels may be a client's text (an unknown parameter's name): control
 * characters become '?' before they reach a message or a log. */
static const char *printable(struct req *r, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && *p >= 0x20 && *p != 0x7f)
        p++;
    if (!*p)
        return s;
    char *copy = arena_strdup(&r->arena, s);
    if (!copy)
        return "?";
    for (unsigned char *q = (unsigned char *)copy; *q; q++)
        if (*q < 0x20 || *q == 0x7f)
            *q = '?';
    return copy;
}

enum err req_field_error(struct req *r, const char *field, const char *label, const char *code)
{
    if (r->nerrors == r->errors_cap) {
        size_t cap = r->errors_cap ? r->errors_cap * 2 : 8;
        struct field_error *e = arena_calloc(&r->arena, cap, sizeof(*e));
        if (!e)
            return ERR_INVALID;
        if (r->nerrors)
            memcpy(e, r->errors, r->nerrors * sizeof(*e));
        r->errors = e;
        r->errors_cap = cap;
    }
    r->errors[r->nerrors++] = (struct field_error){
        .field = printable(r, field),
        .code = code,
        .message = msg_field(&r->arena, code, printable(r, label)),
    };
    return ERR_INVALID;
}

enum err req_fail(struct req *r, enum err e, const char *text_code)
{
    r->message = msg_text(text_code);
    return e;
}

bool req_alloc_failed(const struct req *r)
{
    return r->arena.failed || oom_noted();
}

static json_t *body_get(struct req *r, const char *key, const char *label, enum body_req need)
{
    json_t *v = r->json ? json_object_get(r->json, key) : NULL;
    if ((!v || json_is_null(v)) && need == REQUIRED)
        req_field_error(r, key, label, "required");
    return v && !json_is_null(v) ? v : NULL;
}

const char *body_str(struct req *r, const char *key, const char *label, enum body_req need,
                     size_t maxlen)
{
    json_t *v = body_get(r, key, label, need);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        req_field_error(r, key, label, "type_string");
        return NULL;
    }
    const char *s = json_string_value(v);
    if (need == REQUIRED && !*s) {
        req_field_error(r, key, label, "required");
        return NULL;
    }
    if (maxlen && utf8_len(s) > maxlen) {
        req_field_error(r, key, label, "too_long");
        return NULL;
    }
    return s;
}

bool body_int(struct req *r, const char *key, const char *label, enum body_req need, int64_t *out)
{
    json_t *v = body_get(r, key, label, need);
    if (!v)
        return false;
    if (!json_is_integer(v)) {
        req_field_error(r, key, label, "type_integer");
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

bool body_id(struct req *r, const char *key, const char *label, enum body_req need, int64_t *out)
{
    json_t *v = body_get(r, key, label, need);
    if (!v)
        return false;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_string(v) && parse_int64(json_string_value(v), out) && *out > 0)
        return true;
    req_field_error(r, key, label, "type_id");
    return false;
}

void body_allow(struct req *r, const char *const *keys)
{
    if (!r->json)
        return;
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v)
    {
        int ok = 0;
        for (const char *const *k = keys; *k; k++)
            if (strcmp(*k, key) == 0)
                ok = 1;
        if (!ok) {
            /* the key text goes into the message: keep it short (whole characters) and
             * printable */
            size_t n = strlen(key);
            if (n > 64) {
                n = 64;
                while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
                    n--;
            }
            char *safe = arena_strndup(&r->arena, key, n);
            for (char *p = safe; p && *p; p++)
                if ((unsigned char)*p < 0x20)
                    *p = '?';
            req_field_error(r, safe ? safe : "?", safe ? safe : "?", "unknown_field");
        }
    }
}

const char *query_str(struct req *r, const char *name)
{
    json_t *v = r->query ? json_object_get(r->query, name) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool query_int(struct req *r, const char *name, int64_t *out)
{
    json_t *v = r->query ? json_object_get(r->query, name) : NULL;
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

void query_page(struct req *r, int64_t default_size, int64_t *page, int64_t *size)
{
    if (!query_int(r, "page", page))
        *page = 1;
    if (!query_int(r, "page_size", size))
        *size = default_size;
}

enum err reply_page_take(struct req *r, json_t *items, int64_t total, int64_t page, int64_t size)
{
    return reply_json_take(r, 200,
                           json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                                     (json_int_t)total, "page", (json_int_t)page, "page_size",
                                     (json_int_t)size));
}

json_t *json_id(int64_t id)
{
    if (!id)
        return json_null();
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRId64, id);
    return json_string(buf);
}

json_t *json_time(int64_t t)
{
    if (!t)
        return json_null();
    char buf[21];
    clock_format_utc(t, buf);
    return json_string(buf);
}
