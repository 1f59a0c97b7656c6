/* The generic handlers every entity gets: list, get, create, update, delete, restore;
 * and engine_write, the one path by which rows are written (also used by import). */
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/id.h"
#include "engine/attachment.h"
#include "engine/internal.h"
#include "engine/workflow.h"
#include "server/access.h"
#include "server/audit.h"
#include "server/keystore.h"
#include "server/msg.h"
#include "server/reply.h"

static const struct entity *route_entity(struct req *r)
{
    return r->route->entity;
}

static void set_audit_object(struct req *r, const struct entity *e, int64_t id)
{
    r->audit.object_type = e->name;
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, id);
}

/* ---- Reading ------------------------------------------------------------------------ */

/* Whether the request asks for personal data in clear (?reveal=1 on a GET). */
static bool reveal_asked(struct req *r)
{
    const char *v = r->conn && strcmp(r->method, "GET") == 0
                        ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "reveal")
                        : NULL;
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

enum err engine_view_init(struct req *r, const struct entity *e, struct engine_view *v)
{
    memset(v, 0, sizeof(*v));
    /* masked by default, also for identity holders: clear values are shown only when
     * asked for (the console's 显示), and every row so shown is audited */
    if (!e->perms.identity || !access_has(r, e->perms.identity) || !reveal_asked(r))
        return ERR_OK;
    return access_scope(r, e->perms.identity, &v->identity);
}

static bool view_shown(struct req *r, struct engine_view *v, int64_t id, const char *fields)
{
    if (v->count_only) {
        v->nshown++;
        return true;
    }
    if (v->nshown == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        int64_t *ids = arena_calloc(&r->arena, cap, sizeof(*ids));
        const char **f = arena_calloc(&r->arena, cap, sizeof(*f));
        if (!ids || !f)
            return false;
        if (v->nshown) {
            memcpy(ids, v->shown, v->nshown * sizeof(*ids));
            memcpy(f, v->fields, v->nshown * sizeof(*f));
        }
        v->shown = ids;
        v->fields = f;
        v->cap = cap;
    }
    v->shown[v->nshown] = id;
    v->fields[v->nshown++] = fields;
    return true;
}

enum err engine_row_json(struct req *r, const struct entity *e, const struct db_rows *rows,
                         size_t i, struct engine_view *v, json_t **out)
{
    struct layout l;
    engine_layout(e, &l);
    json_t *o = json_object();
    if (!o)
        return ERR_NOMEM;
    bool reference = e->flags & ENTITY_REFERENCE;
    int64_t id = reference ? 0 : db_int(rows, i, COL_ID);
    if (!reference) {
        json_object_set_new(o, "id", json_id(id));
        json_object_set_new(o, "version", json_integer(db_int(rows, i, COL_VERSION)));
        json_object_set_new(o, "created_at", json_time(db_int(rows, i, COL_CREATED)));
        json_object_set_new(o, "updated_at", json_time(db_int(rows, i, COL_UPDATED)));
    }
    if (l.deleted >= 0 && !db_is_null(rows, i, (size_t)l.deleted))
        json_object_set_new(o, "deleted_at", json_time(db_int(rows, i, (size_t)l.deleted)));
    if (l.state >= 0)
        json_object_set_new(o, "state", json_string(db_str(rows, i, (size_t)l.state)));
    const struct field_def *scope = engine_scope_field(e);
    const char *region = NULL;
    if (scope) {
        int col = l.first;
        for (const struct field_def *f = e->fields; f != scope; f++)
            col += engine_field_cols(f);
        region = db_str(rows, i, (size_t)col);
    }
    bool clear = engine_view_clear(v, e, region), any_pii = false;
    struct sbuf shown; /* the personal fields shown in clear, for the audit record */
    sbuf_init(&shown, 4096);
    enum err err = ERR_OK;
    int col = l.first;
    for (const struct field_def *f = e->fields; f->name && !err; f++) {
        json_t *norm = NULL, *shown_v = NULL;
        err = engine_value_load(r, f, rows, i, col, &norm);
        if (!err && f->type == FT_ATTACHMENTS && v->skip_attachments)
            shown_v = json_incref(norm);
        else if (!err)
            err = engine_value_out(r, f, norm, clear, &shown_v);
        if (!err) {
            json_object_set_new(o, f->name, shown_v);
            if (f->pii) {
                any_pii = true;
                if (clear && engine_value_present(norm) && !(f->flags & FF_WITHHELD))
                    sbuf_addf(&shown, "%s\"%s\"", shown.len ? "," : "", f->name);
            }
        }
        if (!err && (f->type == FT_REF || f->type == FT_REGION)) {
            const char *label = db_str(rows, i, (size_t)col + 1);
            json_object_set_new(o, arena_printf(&r->arena, "%s_label", f->name),
                                label ? json_string(label) : json_null());
        }
        json_decref(norm);
        col += engine_field_cols(f);
    }
    /* identity material: withheld from some readers altogether, else shown as above */
    bool withheld = !err && e->hooks && e->hooks->withhold && e->hooks->withhold(r, e, o);
    for (const struct field_def *f = e->fields; !err && f->name; f++) {
        if (!(f->flags & FF_WITHHELD))
            continue;
        if (withheld)
            json_object_set_new(o, f->name, json_null());
        else if (f->pii && clear && engine_value_present(json_object_get(o, f->name)))
            sbuf_addf(&shown, "%s\"%s\"", shown.len ? "," : "", f->name);
    }
    if (withheld)
        json_object_set_new(o, "withheld", json_true());
    if (!err && any_pii)
        json_object_set_new(o, "masked", json_boolean(!clear));
    if (!err && sbuf_err(&shown))
        err = ERR_NOMEM; /* what was shown in clear, for its record, is not known */
    if (!err && shown.len && !reference &&
        !view_shown(r, v, id, arena_printf(&r->arena, "{\"fields\":[%s]}", shown.buf)))
        err = ERR_NOMEM;
    sbuf_release(&shown);
    if (err) {
        json_decref(o);
        return err;
    }
    *out = o;
    return ERR_OK;
}

static enum err view_audit_write(struct db_conn *c, void *ctx)
{
    void **p = ctx;
    struct req *r = p[0];
    const struct entity *e = p[1];
    struct engine_view *v = p[2];
    const char *action = arena_printf(&r->arena, "%s.identity_read", e->name);
    enum err err = ERR_OK;
    for (size_t i = 0; i < v->nshown && !err; i++) {
        char id[24];
        snprintf(id, sizeof(id), "%" PRId64, v->shown[i]);
        err = audit_event(r, action, e->name, id, "success", v->fields[i]);
    }
    return err;
}

/* Each row shown with personal data in clear gets a record before the answer goes out; a
 * read whose record cannot be written is not answered. */
enum err engine_view_audit(struct req *r, const struct entity *e, struct engine_view *v)
{
    if (!v->nshown || v->count_only)
        return ERR_OK;
    if (req_alloc_failed(r))
        return ERR_NOMEM; /* the answer is lost already: no record of a read not made */
    void *ctx[] = {r, (void *)e, v};
    if (db_in_tx(r->db))
        return view_audit_write(r->db, ctx);
    return db_tx_run(r->db, view_audit_write, ctx);
}

/* The row's normalised values (unmasked) by field name, and its version. */
static enum err load_row(struct req *r, const struct entity *e, int64_t id, json_t **out,
                         int64_t *version, const char **state)
{
    struct layout l;
    engine_layout(e, &l);
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, engine_select_live(e), DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    *version = db_int(&rows, 0, COL_VERSION);
    if (state)
        *state = l.state >= 0 ? db_str(&rows, 0, (size_t)l.state) : NULL;
    json_t *o = json_object();
    int col = l.first;
    for (const struct field_def *f = e->fields; f->name && !err; f++) {
        json_t *v = NULL;
        err = engine_value_load(r, f, &rows, 0, col, &v);
        if (!err)
            json_object_set_new(o, f->name, v);
        col += engine_field_cols(f);
    }
    if (err) {
        json_decref(o);
        return err;
    }
    *out = o;
    return ERR_OK;
}

enum err engine_get_json(struct req *r, const struct entity *e, int64_t id, json_t **out)
{
    struct layout l;
    engine_layout(e, &l);
    struct db_rows rows;
    struct engine_view v;
    enum err err = engine_row_filtered(r, e, id);
    if (!err)
        err = db_query_one(r->db, &r->arena, engine_select_live(e), DB_ARGS(DB_I(id)), &rows);
    if (!err)
        err = engine_view_init(r, e, &v);
    json_t *o = NULL;
    if (!err)
        err = engine_row_json(r, e, &rows, 0, &v, &o);
    if (!err && e->workflow)
        err = workflow_detail(r, e, id, db_str(&rows, 0, (size_t)l.state),
                              json_string_value(json_object_get(o, "region_code")), o);
    if (!err)
        err = engine_view_audit(r, e, &v);
    if (err) {
        json_decref(o);
        return err;
    }
    *out = o;
    return ERR_OK;
}

static enum err lookup_audit(struct db_conn *c, void *ctx)
{
    void **p = ctx;
    struct req *r = p[0];
    const struct entity *e = p[1];
    return audit_event(r, arena_printf(&r->arena, "%s.lookup", e->name), e->name, NULL, "success",
                       p[2]);
}

enum err engine_list(struct req *r)
{
    const struct entity *e = route_entity(r);
    struct engine_query q;
    enum err err = engine_query_build(r, e, &q);
    int64_t total = 0;
    bool exact = true;
    struct db_rows rows;
    /* a page is chosen on the key first when the rows come from the entity's table alone (a
     * search joins its full-text table: that page is read as it is) */
    bool keyed = !err && q.from.sql.buf && !strstr(q.from.sql.buf, " JOIN ");
    if (!err && keyed)
        err = sqlq_page_keyed(r->db, &r->arena, q.cols, &q.from, e->table,
                              e->flags & ENTITY_REFERENCE ? e->key : "id", q.order,
                              q.keyset ? 1 : q.page, q.size, &total, &rows);
    else if (!err)
        err = sqlq_page_capped(r->db, &r->arena, q.cols, &q.from, q.order, q.keyset ? 1 : q.page,
                               q.size, q.count_max, &total, &exact, &rows);
    engine_query_release(&q);
    if (err)
        return err;
    if (q.lookup) { /* who searched by an ID or phone number, and how much they found */
        void *ctx[] = {
            r, (void *)e,
            arena_printf(&r->arena, "{\"by\":[%s],\"found\":%" PRId64 "}", q.lookup, total)};
        err = db_tx_run(r->db, lookup_audit, ctx);
        if (err)
            return err;
    }
    struct engine_view v;
    err = engine_view_init(r, e, &v);
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows && !err; i++) {
        json_t *o = NULL;
        err = engine_row_json(r, e, &rows, i, &v, &o);
        if (!err)
            json_array_append_new(items, o);
    }
    if (!err)
        err = engine_view_audit(r, e, &v);
    if (err) {
        json_decref(items);
        return err;
    }
    json_t *body = json_pack("{s:o, s:I, s:b, s:I, s:I}", "items", items, "total",
                             (json_int_t)total, "total_exact", exact, "page",
                             (json_int_t)(q.keyset ? 1 : q.page), "size", (json_int_t)q.size);
    if (body && q.search)
        json_object_set_new(body, "search_order", json_string(q.search));
    if (body && q.key_col && rows.nrows == (size_t)q.size) {
        size_t last = rows.nrows - 1;
        int64_t id = db_int(&rows, last, COL_ID);
        int col = strcmp(q.key_col, "id") == 0           ? COL_ID
                  : strcmp(q.key_col, "created_at") == 0 ? COL_CREATED
                                                         : COL_UPDATED;
        const char *next = col == COL_ID ? arena_printf(&r->arena, "%" PRId64, id)
                                         : arena_printf(&r->arena, "%" PRId64 "_%" PRId64,
                                                        db_int(&rows, last, (size_t)col), id);
        json_object_set_new(body, "next", json_string(next));
    }
    return reply_json_take(r, 200, body);
}

enum err engine_get(struct req *r)
{
    const struct entity *e = route_entity(r);
    if (!(e->flags & ENTITY_REFERENCE)) {
        json_t *o;
        enum err err = engine_get_json(r, e, r->id, &o);
        return err ? err : reply_json_take(r, 200, o);
    }
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT ");
    sqlq_add(&q, engine_cols(e));
    sqlq_add(&q, " FROM ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " t WHERE t.");
    sqlq_add(&q, e->key);
    sqlq_add(&q, " = ");
    sqlq_arg(&q, DB_T(r->params[0]));
    struct db_rows rows;
    enum err err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (err)
        return err;
    if (rows.nrows != 1)
        return ERR_NOT_FOUND;
    struct engine_view v;
    json_t *o = NULL;
    err = engine_view_init(r, e, &v);
    if (!err)
        err = engine_row_json(r, e, &rows, 0, &v, &o);
    return err ? err : reply_json_take(r, 200, o);
}

/* ---- Writing ------------------------------------------------------------------------ */

static bool has_error(struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

static enum err check_keys(struct req *r, const struct entity *e, json_t *input, bool create)
{
    const char *key;
    json_t *v;
    json_object_foreach(input, key, v)
    {
        if (!create && strcmp(key, "version") == 0)
            continue;
        const struct field_def *f = engine_field(e, key);
        if (!f)
            req_field_error(r, key, key, "unknown_field");
        else if ((f->flags & FF_READONLY) || (!create && (f->flags & FF_CREATE_ONLY)))
            req_field_error(r, key, f->label, "read_only");
    }
    return ERR_OK;
}

/* "other=value": whether the merged row has that value in other. */
static bool condition_holds(struct req *r, const char *cond, json_t *merged)
{
    const char *eq = strchr(cond, '=');
    char other[64];
    size_t n = (size_t)(eq - cond);
    if (n >= sizeof(other))
        return false;
    memcpy(other, cond, n);
    other[n] = '\0';
    json_t *v = json_object_get(merged, other);
    return v && strcmp(engine_value_text(r, v), eq + 1) == 0;
}

static enum err check_unique(struct req *r, const struct entity *e, const struct field_def *f,
                             json_t *merged, int64_t id, bool *taken)
{
    *taken = false;
    json_t *v = json_object_get(merged, f->name);
    if (!engine_value_present(v))
        return ERR_OK;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT 1 FROM ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " t WHERE t.");
    sqlq_add(&q, f->name);
    if (engine_field_sealed(f)) { /* sealed values compare through their blind index */
        char idx[65];
        crypto_blind_index(engine_blind_kind(f), json_string_value(v), idx);
        sqlq_add(&q, "_idx = ");
        sqlq_arg(&q, DB_T(arena_strdup(&r->arena, idx)));
    } else {
        sqlq_add(&q, " = ");
        sqlq_arg(&q, engine_value_db(r, f, v));
    }
    sqlq_add(&q, " AND t.id <> ");
    sqlq_arg(&q, DB_I(id));
    if (e->flags & ENTITY_SOFT_DELETE)
        sqlq_add(&q, " AND t.deleted_at IS NULL");
    if (f->flags & FF_UNIQUE_REGION) {
        sqlq_add(&q, " AND t.region_code = ");
        sqlq_arg(&q, engine_value_db(r, f, json_object_get(merged, "region_code")));
    }
    struct db_rows rows;
    enum err err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err)
        *taken = rows.nrows > 0;
    return err;
}

/* The full-text document of the row: its searchable values, space-separated. */
static enum err index_row(struct req *r, const struct entity *e, int64_t id, json_t *merged)
{
    if (!(e->flags & ENTITY_FTS))
        return ERR_OK;
    const char *doc;
    enum err err = engine_fts_document(r, e, merged, &doc);
    return err ? err : engine_fts_index(r, e, id, doc);
}

enum err engine_reindex(struct req *r, const struct entity *e, int64_t id)
{
    if (!(e->flags & ENTITY_FTS))
        return ERR_OK;
    json_t *row = NULL;
    int64_t version;
    enum err err = load_row(r, e, id, &row, &version, NULL);
    if (!err)
        err = index_row(r, e, id, row);
    json_decref(row);
    return err;
}

/* Column assignments of the given values: names and bound values, sealed fields as their
 * _enc and _idx pair. */
struct assign {
    const char *cols[160];
    struct db_val vals[160];
    int n;
};

static enum err assign_values(struct req *r, const struct entity *e, json_t *values,
                              struct assign *a)
{
    for (const struct field_def *f = e->fields; f->name; f++) {
        json_t *v = json_object_get(values, f->name);
        if (!v || a->n > 156)
            continue;
        if (!engine_field_sealed(f)) {
            a->cols[a->n] = f->name;
            a->vals[a->n++] = engine_value_db(r, f, v);
            continue;
        }
        a->cols[a->n] = arena_printf(&r->arena, "%s_enc", f->name);
        a->cols[a->n + 1] = arena_printf(&r->arena, "%s_idx", f->name);
        enum err err = engine_value_seal(r, f, v, &a->vals[a->n], &a->vals[a->n + 1]);
        if (err)
            return err;
        a->n += 2;
    }
    return r->arena.failed ? ERR_NOMEM : ERR_OK;
}

static enum err insert_row(struct req *r, const struct entity *e, int64_t id, struct assign *a)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "INSERT INTO ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " (id, version, created_at, updated_at, created_by, updated_by");
    if (e->workflow)
        sqlq_add(&q, ", state");
    for (int i = 0; i < a->n; i++) {
        sqlq_add(&q, ", ");
        sqlq_add(&q, a->cols[i]);
    }
    sqlq_add(&q, ") VALUES (");
    sqlq_arg(&q, DB_I(id));
    sqlq_add(&q, ", 1, ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, ", ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, ", ");
    sqlq_arg(&q, r->user.id ? DB_I(r->user.id) : DB_NUL);
    sqlq_add(&q, ", ");
    sqlq_arg(&q, r->user.id ? DB_I(r->user.id) : DB_NUL);
    if (e->workflow) {
        sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_T(e->workflow->initial));
    }
    for (int i = 0; i < a->n; i++) {
        sqlq_add(&q, ", ");
        sqlq_arg(&q, a->vals[i]);
    }
    sqlq_add(&q, ")");
    enum err err = sqlq_exec(&q, r->db, NULL);
    sqlq_release(&q);
    return err;
}

static enum err update_row(struct req *r, const struct entity *e, int64_t id, int64_t version,
                           struct assign *a)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "UPDATE ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " SET version = version + 1, updated_at = ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, ", updated_by = ");
    sqlq_arg(&q, r->user.id ? DB_I(r->user.id) : DB_NUL);
    for (int i = 0; i < a->n; i++) {
        sqlq_add(&q, ", ");
        sqlq_add(&q, a->cols[i]);
        sqlq_add(&q, " = ");
        sqlq_arg(&q, a->vals[i]);
    }
    sqlq_add(&q, " WHERE id = ");
    sqlq_arg(&q, DB_I(id));
    sqlq_add(&q, " AND version = ");
    sqlq_arg(&q, DB_I(version));
    int64_t changes = 0;
    enum err err = sqlq_exec(&q, r->db, &changes);
    sqlq_release(&q);
    if (!err && changes != 1)
        return req_fail(r, ERR_CONFLICT, "version_conflict");
    return err;
}

static enum err write_checked(struct req *r, const struct entity *e, json_t *input, int64_t id,
                              int64_t version, int64_t *out_id, json_t *values, json_t **old,
                              json_t **merged_out)
{
    bool create = id == 0;
    int64_t current = 0;
    enum err err = ERR_OK;
    if (!create) {
        err = load_row(r, e, id, old, &current, NULL);
        if (err)
            return err;
        if (current != version)
            return req_fail(r, ERR_CONFLICT, "version_conflict");
    }
    check_keys(r, e, input, create);
    /* every field in definition order: its value, or that a required one is missing */
    for (const struct field_def *f = e->fields; f->name && !err; f++) {
        json_t *in = json_object_get(input, f->name), *v = NULL;
        if ((f->flags & FF_READONLY) || (!create && (f->flags & FF_CREATE_ONLY)))
            continue;
        if (in)
            err = engine_value_in(r, e, f, in, id, &v);
        if (v && json_object_set_new(values, f->name, v))
            return ERR_NOMEM; /* v is freed */
        bool missing = in ? v && !engine_value_present(v) : create;
        if ((f->flags & FF_REQUIRED) && missing)
            req_field_error(r, f->name, f->label, "required");
    }
    if (err)
        return err;
    /* the row as it will be: the stored values overlaid with the request's */
    json_t *merged = *merged_out = create ? json_object() : json_deep_copy(*old);
    if (!merged)
        return ERR_NOMEM;
    json_object_update(merged, values);
    for (const struct field_def *f = e->fields; f->name; f++)
        if (f->required_when && !has_error(r, f->name) &&
            condition_holds(r, f->required_when, merged) &&
            !engine_value_present(json_object_get(merged, f->name)))
            req_field_error(r, f->name, f->label, "required");
    struct engine_row row = {.values = values, .old = *old, .id = id, .create = create};
    if (e->hooks && e->hooks->validate)
        err = e->hooks->validate(r, e, &row);
    size_t invalid = r->nerrors;
    for (const struct field_def *f = e->fields; f->name && !err; f++) {
        bool taken;
        if (!(f->flags & (FF_UNIQUE | FF_UNIQUE_REGION)) || has_error(r, f->name))
            continue;
        err = check_unique(r, e, f, merged, id, &taken);
        if (!err && taken)
            req_field_error(r, f->name, f->label, "taken");
    }
    if (err)
        return err;
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].code, "out_of_scope") == 0)
            return ERR_FORBIDDEN;
    if (r->nerrors)
        return invalid ? ERR_INVALID : ERR_CONFLICT;
    if (e->hooks && e->hooks->before_save)
        err = e->hooks->before_save(r, e, &row);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    err = keystore_check(r->db);
    if (err == ERR_UNAVAILABLE)
        return req_fail(r, err, "key_rotated");
    if (err)
        return err;
    struct assign *a = arena_zalloc(&r->arena, sizeof(*a));
    if (!a)
        return ERR_NOMEM;
    err = assign_values(r, e, values, a);
    if (err)
        return err;
    if (create) {
        id = id_next();
        err = insert_row(r, e, id, a);
    } else {
        err = update_row(r, e, id, version, a);
    }
    if (err == ERR_CONFLICT && !r->message)
        r->message = msg_text("unique_conflict"); /* a concurrent write took the value */
    if (err)
        return err;
    json_object_update(merged, values); /* with what before_save derived */
    err = index_row(r, e, id, merged);
    for (const struct field_def *f = e->fields; f->name && !err; f++)
        if (f->type == FT_ATTACHMENTS && json_object_get(values, f->name))
            err = attachment_link(r, e, f, id, json_object_get(values, f->name));
    if (!err && create && e->workflow)
        err =
            workflow_on_create(r, e, id, json_string_value(json_object_get(merged, "region_code")));
    row.id = id;
    if (!err && e->hooks && e->hooks->after_save)
        err = e->hooks->after_save(r, e, &row);
    if (err)
        return err;
    *out_id = id;
    return ERR_OK;
}

enum err engine_write(struct req *r, const struct entity *e, json_t *input, int64_t id,
                      int64_t version, int64_t *out_id)
{
    if (!json_is_object(input))
        return req_fail(r, ERR_MALFORMED_JSON, "json_not_object");
    json_t *values = json_object(), *old = NULL, *merged = NULL;
    if (!values)
        return ERR_NOMEM;
    enum err err = write_checked(r, e, input, id, version, out_id, values, &old, &merged);
    json_decref(merged);
    if (!err) {
        struct sbuf b;
        sbuf_init(&b, 8192);
        const char *key;
        json_t *v;
        sbuf_adds(&b, "{\"fields\":[");
        int n = 0;
        json_object_foreach(values, key, v) sbuf_addf(&b, "%s\"%s\"", n++ ? "," : "", key);
        sbuf_adds(&b, "]}");
        set_audit_object(r, e, *out_id);
        r->audit.detail = sbuf_err(&b) ? NULL : arena_strdup(&r->arena, b.buf);
        sbuf_release(&b);
    }
    json_decref(values);
    json_decref(old);
    return err;
}

enum err engine_create(struct req *r)
{
    const struct entity *e = route_entity(r);
    int64_t id = 0;
    enum err err = engine_write(r, e, r->json, 0, 0, &id);
    json_t *o;
    if (!err)
        err = engine_get_json(r, e, id, &o);
    if (err)
        return err;
    reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/%s/%" PRId64, e->name, id));
    return reply_json_take(r, 201, o);
}

enum err engine_update(struct req *r)
{
    const struct entity *e = route_entity(r);
    json_t *ver = json_object_get(r->json, "version");
    if (!ver)
        return req_field_error(r, "version", "版本号", "required");
    if (!json_is_integer(ver))
        return req_field_error(r, "version", "版本号", "type_integer");
    int64_t id = 0;
    enum err err = engine_write(r, e, r->json, r->id, json_integer_value(ver), &id);
    json_t *o;
    if (!err)
        err = engine_get_json(r, e, id, &o);
    return err ? err : reply_json_take(r, 200, o);
}

enum err engine_delete(struct req *r)
{
    const struct entity *e = route_entity(r);
    int64_t changes = 0;
    enum err err;
    if (e->flags & ENTITY_SOFT_DELETE) {
        err = db_exec(r->db,
                      arena_printf(&r->arena,
                                   "UPDATE %s SET deleted_at = $2, version = version + 1, "
                                   "updated_at = $2, updated_by = $3 "
                                   "WHERE id = $1 AND deleted_at IS NULL",
                                   e->table),
                      DB_ARGS(DB_I(r->id), DB_I(r->now), DB_I(r->user.id)), &changes);
    } else {
        err = db_exec(r->db, arena_printf(&r->arena, "DELETE FROM %s WHERE id = $1", e->table),
                      DB_ARGS(DB_I(r->id)), &changes);
        if (err == ERR_CONFLICT)
            return req_fail(r, err, "delete_referenced");
        if (!err)
            err = engine_fts_delete(r, e, r->id);
    }
    if (err)
        return err;
    if (changes != 1)
        return ERR_NOT_FOUND;
    set_audit_object(r, e, r->id);
    return reply_no_content(r);
}

enum err engine_restore(struct req *r)
{
    const struct entity *e = route_entity(r);
    int64_t changes = 0;
    enum err err = db_exec(r->db,
                           arena_printf(&r->arena,
                                        "UPDATE %s SET deleted_at = NULL, version = version + 1, "
                                        "updated_at = $2, updated_by = $3 "
                                        "WHERE id = $1 AND deleted_at IS NOT NULL",
                                        e->table),
                           DB_ARGS(DB_I(r->id), DB_I(r->now), DB_I(r->user.id)), &changes);
    if (err == ERR_CONFLICT) /* a live row took a unique value meanwhile */
        return req_fail(r, err, "restore_conflict");
    if (err)
        return err;
    if (changes != 1)
        return req_fail(r, ERR_NOT_FOUND, "not_deleted");
    set_audit_object(r, e, r->id);
    json_t *o;
    err = engine_get_json(r, e, r->id, &o);
    return err ? err : reply_json_take(r, 200, o);
}
