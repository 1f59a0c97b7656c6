/* The list query of an entity from the query string: scope, filters, full text, sort and
 * keyset paging, all in one SQL statement with bound values. */
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/utf8.h"
#include "engine/internal.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/reply.h"

#define MAX_LIST_VALUES 50
#define MAX_PAGE_SIZE   200
#define MAX_ARGS        40

/* Query-string names read elsewhere: format (export), dry_run (import), reveal (views). */
static bool reserved(const char *name)
{
    return strcmp(name, "format") == 0 || strcmp(name, "dry_run") == 0 ||
           strcmp(name, "reveal") == 0;
}

struct arg {
    const char *key, *value;
};
struct args {
    struct arg a[MAX_ARGS];
    int n;
    bool overflow;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct args *as = cls;
    if (as->n == MAX_ARGS) {
        as->overflow = true;
        return MHD_NO;
    }
    as->a[as->n++] = (struct arg){key, value ? value : ""};
    return MHD_YES;
}

static const char *key_col(const struct entity *e)
{
    return (e->flags & ENTITY_REFERENCE) ? e->key : "id";
}

/* Splits "a,b,c" into at most MAX_LIST_VALUES values (in the arena). */
static int split(struct arena *a, const char *s, const char **out)
{
    int n = 0;
    while (n < MAX_LIST_VALUES) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        out[n] = arena_strndup(a, s, len);
        if (!out[n++])
            return -2; /* out of memory */
        if (!comma)
            return n;
        s = comma + 1;
    }
    return -1;
}

static void add_col(struct sqlq *q, const char *col)
{
    sqlq_add(q, "t.");
    sqlq_add(q, col);
}

/* One filter parameter: field=v[,v...], field_from=, field_to=. */
static enum err filter(struct req *r, const struct entity *e, struct engine_query *q,
                       const char *name, const char *param, const char *value)
{
    size_t n = strlen(name);
    const char *op = "=";
    char base[64];
    if (n > 5 && strcmp(name + n - 5, "_from") == 0)
        op = ">=", n -= 5;
    else if (n > 3 && strcmp(name + n - 3, "_to") == 0)
        op = "<=", n -= 3;
    if (n >= sizeof(base))
        return req_field_error(r, param, name, "unknown_filter");
    memcpy(base, name, n);
    base[n] = '\0';
    const struct field_def *f = engine_field(e, base);
    if (!f && *op == '=' && n == strlen(name) && strcmp(base, "state") == 0 && e->workflow) {
        const char *vals[MAX_LIST_VALUES];
        int k = split(&r->arena, value, vals);
        if (k < 0)
            return req_field_error(r, param, "状态", "too_many");
        sqlq_add(&q->from, " AND t.state IN (");
        for (int i = 0; i < k; i++) {
            sqlq_add(&q->from, i ? ", " : "");
            sqlq_arg(&q->from, DB_T(vals[i]));
        }
        sqlq_add(&q->from, ")");
        return ERR_OK;
    }
    if (!f || !(f->flags & FF_FILTERABLE))
        return req_field_error(r, param, f ? f->label : name, "unknown_filter");
    bool ranged =
        f->type == FT_INT || f->type == FT_DECIMAL || f->type == FT_DATE || f->type == FT_DATETIME;
    if (*op != '=' && !ranged)
        return req_field_error(r, param, f->label, "unknown_filter");
    if (*op != '=') {
        json_t *v;
        enum err err = engine_value_filter(r, f, param, value, &v);
        if (err || !v)
            return err;
        sqlq_add(&q->from, " AND ");
        add_col(&q->from, f->name);
        sqlq_add(&q->from, *op == '>' ? " >= " : " <= ");
        sqlq_arg(&q->from, engine_value_db(r, f, v));
        json_decref(v);
        return ERR_OK;
    }
    const char *vals[MAX_LIST_VALUES];
    int k = split(&r->arena, value, vals);
    if (k == -2)
        return ERR_NOMEM;
    if (k < 0)
        return req_field_error(r, param, f->label, "too_many");
    sqlq_add(&q->from, " AND (");
    for (int i = 0; i < k; i++) {
        json_t *v;
        enum err err = engine_value_filter(r, f, param, vals[i], &v);
        if (err || !v)
            return err;
        sqlq_add(&q->from, i ? " OR " : "");
        if (f->type == FT_REGION || (f->flags & FF_SCOPE)) { /* a region: its subtree */
            if (!region_code_shape(json_string_value(v))) {
                json_decref(v);
                return req_field_error(r, param, f->label, "invalid_region");
            }
            const char *code = arena_strdup(&r->arena, json_string_value(v));
            struct scope sub = {&code, 1};
            access_scope_sql(&sub, arena_printf(&r->arena, "t.%s", f->name), &r->arena, &q->from);
        } else if (engine_field_sealed(f)) {
            char idx[65];
            crypto_blind_index(engine_blind_kind(f), json_string_value(v), idx);
            sqlq_add(&q->from, "t.");
            sqlq_add(&q->from, f->name);
            sqlq_add(&q->from, "_idx = ");
            sqlq_arg(&q->from, DB_T(arena_strdup(&r->arena, idx)));
            if (i == 0)
                q->lookup = q->lookup ? arena_printf(&r->arena, "%s,\"%s\"", q->lookup, f->name)
                                      : arena_printf(&r->arena, "\"%s\"", f->name);
        } else if (f->type == FT_TAGS || f->type == FT_MULTI_REF) {
            /* stored as a JSON array of strings: the quoted value is the element */
            const char *needle = f->type == FT_TAGS ? json_string_value(v)
                                                    : arena_printf(&r->arena, "%" PRId64,
                                                                   (int64_t)json_integer_value(v));
            const char *like = db_like_contains(&r->arena, needle); /* "%text%" */
            if (!like)
                return ERR_NOMEM;
            add_col(&q->from, f->name);
            sqlq_add(&q->from, " LIKE ");
            sqlq_arg(&q->from, DB_T(arena_printf(&r->arena, "%%\"%.*s\"%%", (int)strlen(like) - 2,
                                                 like + 1)));
            sqlq_add(&q->from, " ESCAPE '\\'");
        } else {
            add_col(&q->from, f->name);
            sqlq_add(&q->from, " = ");
            sqlq_arg(&q->from, engine_value_db(r, f, v));
        }
        json_decref(v);
    }
    sqlq_add(&q->from, ")");
    return ERR_OK;
}

/* q= on an entity without a full-text table: LIKE on its searchable fields (one with the
 * table started from its matches: fts has their order, NULL when nothing searchable was
 * typed, and how far to count them). */
static enum err full_text(struct req *r, const struct entity *e, struct engine_query *q,
                          const char *text, const struct engine_fts *fts, bool *ranked)
{
    if (e->flags & ENTITY_FTS) {
        if (fts->order) {
            q->order = fts->order;
            q->search = fts->ranked ? "relevance" : "newest";
            *ranked = true;
        }
        return ERR_OK;
    }
    int n = 0;
    for (const struct field_def *f = e->fields; f->name; f++) {
        if (!(f->flags & FF_SEARCHABLE))
            continue;
        sqlq_add(&q->from, n++ ? " OR " : " AND (");
        add_col(&q->from, f->name);
        sqlq_add(&q->from, " LIKE ");
        sqlq_arg(&q->from, DB_T(db_like_contains(&r->arena, text)));
        sqlq_add(&q->from, " ESCAPE '\\'");
    }
    if (n)
        sqlq_add(&q->from, ")");
    return ERR_OK;
}

static bool sortable(const struct entity *e, const char *name)
{
    if (strcmp(name, key_col(e)) == 0)
        return true;
    if (!(e->flags & ENTITY_REFERENCE) &&
        (strcmp(name, "created_at") == 0 || strcmp(name, "updated_at") == 0))
        return true;
    if (e->workflow && strcmp(name, "state") == 0)
        return true;
    const struct field_def *f = engine_field(e, name);
    return f && (f->flags & FF_SORTABLE);
}

/* "-created_at,name" into ORDER BY text ending in the key; keyset paging is possible when
 * the order is one of id, created_at, updated_at (never NULL) before the key. */
static enum err sort(struct req *r, const struct entity *e, struct engine_query *q,
                     const char *spec, bool user)
{
    const char *parts[MAX_LIST_VALUES];
    int k = split(&r->arena, spec, parts);
    if (k < 0 || k > 5)
        return req_field_error(r, "sort", "排序", "too_many");
    struct sbuf b;
    sbuf_init(&b, 1024);
    bool key_seen = false, desc_last = false;
    for (int i = 0; i < k; i++) {
        const char *p = parts[i];
        bool desc = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        if (!sortable(e, p)) {
            sbuf_release(&b);
            return req_field_error(r, "sort", "排序", user ? "unknown_sort" : "invalid_format");
        }
        sbuf_addf(&b, "%st.%s %s", i ? ", " : "", p, desc ? "DESC" : "ASC");
        key_seen = key_seen || strcmp(p, key_col(e)) == 0;
        desc_last = desc;
        if (k == 1 && !(e->flags & ENTITY_REFERENCE) &&
            (strcmp(p, "id") == 0 || strcmp(p, "created_at") == 0 ||
             strcmp(p, "updated_at") == 0)) {
            q->key_col = strcmp(p, "id") == 0           ? "id"
                         : strcmp(p, "created_at") == 0 ? "created_at"
                                                        : "updated_at";
            q->key_desc = desc;
        }
    }
    if (!key_seen)
        sbuf_addf(&b, ", t.%s %s", key_col(e), q->key_col && desc_last ? "DESC" : "ASC");
    q->order = sbuf_err(&b) ? NULL : arena_strdup(&r->arena, b.buf);
    sbuf_release(&b);
    return q->order ? ERR_OK : ERR_NOMEM;
}

/* after=V_ID (or ID when sorting by id): the rows after that one in this order. */
static enum err keyset(struct req *r, const struct entity *e, struct engine_query *q,
                       const char *token)
{
    if (!q->key_col)
        return req_field_error(r, "after", "翻页位置", "keyset_sort");
    long long v = 0, id = 0;
    char *end;
    if (strcmp(q->key_col, "id") == 0) {
        id = strtoll(token, &end, 10);
        v = id;
    } else {
        v = strtoll(token, &end, 10);
        if (*end == '_')
            id = strtoll(end + 1, &end, 10);
    }
    if (!*token || *end || id <= 0)
        return req_field_error(r, "after", "翻页位置", "invalid_format");
    const char *cmp = q->key_desc ? " < " : " > ";
    sqlq_add(&q->from, " AND (t.");
    sqlq_add(&q->from, q->key_col);
    sqlq_add(&q->from, cmp);
    sqlq_arg(&q->from, DB_I(v));
    if (strcmp(q->key_col, "id") != 0) {
        sqlq_add(&q->from, " OR (t.");
        sqlq_add(&q->from, q->key_col);
        sqlq_add(&q->from, " = ");
        sqlq_arg(&q->from, DB_I(v));
        sqlq_add(&q->from, " AND t.id");
        sqlq_add(&q->from, cmp);
        sqlq_arg(&q->from, DB_I(id));
        sqlq_add(&q->from, ")");
    }
    sqlq_add(&q->from, ")");
    q->keyset = true;
    return ERR_OK;
}

/* page and size: "type_integer" for text, "out_of_range" for a number outside lo..hi. */
static const char *parse_count(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end)
        return "type_integer";
    if (errno || v < lo || v > hi)
        return "out_of_range";
    *out = v;
    return NULL;
}

enum err engine_query_build(struct req *r, const struct entity *e, struct engine_query *q)
{
    memset(q, 0, sizeof(*q));
    sqlq_init(&q->from);
    q->page = 1;
    q->size = 20;
    q->cols = engine_cols(e);
    if (!q->cols)
        return ERR_NOMEM;
    struct args as = {.n = 0};
    if (r->conn)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect, &as);
    if (as.overflow)
        return req_field_error(r, "query", "查询条件", "too_many");

    /* a full-text search starts from its matches (engine_fts_from) */
    struct engine_fts fts = {0};
    const char *text = NULL;
    bool sorted = false;
    for (int i = 0; i < as.n; i++) {
        if (strcmp(as.a[i].key, "q") == 0 && *as.a[i].value && strlen(as.a[i].value) <= 1000)
            text = as.a[i].value;
        if (strcmp(as.a[i].key, "sort") == 0 && *as.a[i].value)
            sorted = true;
    }
    if ((e->flags & ENTITY_FTS) && text) {
        enum err jerr = engine_fts_from(r, e, text, sorted, &q->from, &fts);
        if (jerr && jerr != ERR_INVALID)
            return jerr;
    } else {
        sqlq_add(&q->from, "FROM ");
        sqlq_add(&q->from, e->table);
        sqlq_add(&q->from, " t");
    }
    sqlq_add(&q->from, " WHERE ");
    const struct field_def *scope = engine_scope_field(e);
    if (scope)
        access_scope_sql(&r->scope, arena_printf(&r->arena, "t.%s", scope->name), &r->arena,
                         &q->from);
    else
        sqlq_add(&q->from, "1 = 1");
    enum err ferr = engine_read_filter(r, e, &q->from);
    if (ferr)
        return ferr;

    const char *sort_spec = NULL, *after = NULL;
    text = NULL;
    bool deleted = false;
    enum err err = ERR_OK;
    for (int i = 0; i < as.n && !err; i++) {
        const char *k = as.a[i].key, *v = as.a[i].value;
        if (strlen(v) > 1000) {
            req_field_error(r, k, k, "too_long");
            continue;
        }
        if (!utf8_valid(v, strlen(v))) {
            req_field_error(r, k, k, "invalid_format");
            continue;
        }
        if (reserved(k))
            continue;
        const char *bad;
        if (strcmp(k, "page") == 0) {
            if ((bad = parse_count(v, 1, 100000, &q->page)))
                req_field_error(r, k, "页码", bad);
        } else if (strcmp(k, "size") == 0) {
            if ((bad = parse_count(v, 1, MAX_PAGE_SIZE, &q->size)))
                req_field_error(r, k, "每页条数", bad);
        } else if (strcmp(k, "sort") == 0) {
            sort_spec = v;
        } else if (strcmp(k, "after") == 0) {
            after = *v ? v : NULL;
        } else if (strcmp(k, "q") == 0) {
            text = *v ? v : NULL;
        } else if (strcmp(k, "deleted") == 0) {
            if (strcmp(v, "1") && strcmp(v, "true") && strcmp(v, "0") && strcmp(v, "false"))
                req_field_error(r, k, "已删除", "type_boolean");
            deleted = v[0] == '1' || v[0] == 't';
        } else if (strcmp(k, "region") == 0) {
            if (!engine_scope_field(e)) {
                req_field_error(r, k, "区划", "unknown_filter");
            } else if (*v) {
                err = filter(r, e, q, engine_scope_field(e)->name, k, v);
            }
        } else if (*v) {
            err = filter(r, e, q, k, k, v);
        }
        if (err == ERR_INVALID) /* recorded; go on to report every mistake */
            err = ERR_OK;
    }
    if (err)
        return err;
    if (e->flags & ENTITY_SOFT_DELETE) {
        if (deleted && !(e->perms.del && access_has(r, e->perms.del)))
            return ERR_FORBIDDEN;
        sqlq_add(&q->from, deleted ? " AND t.deleted_at IS NOT NULL" : " AND t.deleted_at IS NULL");
    } else if (deleted) {
        req_field_error(r, "deleted", "已删除", "unknown_filter");
    }
    bool ranked = false;
    if (text && !r->nerrors) {
        err = full_text(r, e, q, text, &fts, &ranked);
        if (err)
            return err;
    }
    if (sort_spec && *sort_spec) {
        err = sort(r, e, q, sort_spec, true);
    } else if (ranked && fts.ranked) {
        q->order = arena_printf(&r->arena, "%s, t.%s", q->order, key_col(e));
    } else if (ranked) {
        q->order = fts.order; /* newest first: the key alone */
    } else {
        err = sort(r, e, q, e->default_sort ? e->default_sort : "-id", false);
    }
    if (err)
        return err;
    if (fts.capped && ranked && !(sort_spec && *sort_spec)) /* the pages asked for and 4 more */
        q->count_max = (q->page + SEARCH_COUNT_AHEAD) * q->size;
    if (after && !r->nerrors)
        err = keyset(r, e, q, after);
    if (err)
        return err;
    /* the page query adds LIMIT and OFFSET: two values more */
    if (q->from.overflow || q->from.nargs > SQLQ_MAX_ARGS - 2)
        return req_field_error(r, "query", "查询条件", "too_many");
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

void engine_query_release(struct engine_query *q)
{
    sqlq_release(&q->from);
}
