/* Workflow transitions: the action handler, the history, what a row's JSON says about its
 * workflow, and the workflow part of /meta. Clocks are in deadline.c, notices and the job
 * in notices.c, the to-do list in todo.c. */
#include "engine/internal.h"
#include "engine/workflow.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/id.h"
#include "core/jsonin.h"
#include "engine/attachment.h"
#include "engine/deadline.h"
#include "server/access.h"
#include "server/keystore.h"
#include "server/msg.h"
#include "server/reply.h"

#define COMMENT_MAX 500

/* ---- Definitions ------------------------------------------------------------------- */

static const struct state_def *state_of(const struct workflow *w, const char *name)
{
    for (const struct state_def *s = w->states; name && s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

const char *workflow_state_label(const struct workflow *w, const char *name)
{
    const struct state_def *s = state_of(w, name);
    return s ? s->label : name;
}

/* Whether t may start from state ("*": any state that is not final). */
static bool from_matches(const struct workflow *w, const struct transition *t, const char *state)
{
    if (strcmp(t->from, "*") == 0) {
        const struct state_def *s = state_of(w, state);
        return s && !s->final;
    }
    return strcmp(t->from, state) == 0;
}

const char *workflow_transition_perm(const struct entity *e, const struct transition *t)
{
    return t->perm ? t->perm : e->perms.write;
}

/* The fields of an action as forms need them (as /meta describes an entity's). */
static json_t *fields_json(const struct field_def *fields)
{
    json_t *list = json_array();
    for (const struct field_def *f = fields; list && f && f->name; f++)
        json_array_append_new(list, engine_field_meta(f));
    return list;
}

static json_t *rules_json(const struct deadline_rule *rules)
{
    static const char *const ops[] = {"", "start", "stop", "pause", "resume", "extend"};
    static const char *const units[] = {"", "calendar_days", "working_days", "hours", "minutes"};
    json_t *list = json_array();
    for (const struct deadline_rule *d = rules; list && d && d->name; d++) {
        json_t *o = json_pack("{s:s, s:s}", "name", d->name, "op", ops[d->op]);
        if (!o)
            continue;
        if (d->label)
            json_object_set_new(o, "label", json_string(d->label));
        if (d->op == DL_START || d->op == DL_EXTEND) {
            json_object_set_new(o, "amount", json_integer(d->amount));
            json_object_set_new(o, "unit", json_string(units[d->unit]));
            json_object_set_new(o, "roll_forward", json_boolean(d->roll_forward));
        }
        json_array_append_new(list, o);
    }
    return list;
}

json_t *workflow_meta(const struct entity *e)
{
    const struct workflow *w = e->workflow;
    if (!w)
        return json_null();
    json_t *states = json_array();
    for (const struct state_def *s = w->states; states && s->name; s++)
        json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "name", s->name, "label",
                                                s->label, "final", s->final));
    json_t *transitions = json_array();
    for (const struct transition *t = w->transitions; transitions && t->action; t++) {
        const char *perm = workflow_transition_perm(e, t);
        json_array_append_new(
            transitions, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "from", t->from, "action",
                                   t->action, "label", t->label, "to", t->to, "perm",
                                   perm ? json_string(perm) : json_null(), "fields",
                                   fields_json(t->fields), "deadlines", rules_json(t->deadlines)));
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:i}", "initial", w->initial, "states", states,
                     "transitions", transitions, "on_create", rules_json(w->on_create),
                     "supervise_perm",
                     w->supervise_perm ? json_string(w->supervise_perm) : json_null(),
                     "due_soon_days", w->due_soon_days ? w->due_soon_days : DEADLINE_SOON_DAYS);
}

/* ---- History ----------------------------------------------------------------------- */

static enum err history_add(struct req *r, const struct entity *e, int64_t id, const char *action,
                            const char *from, const char *to, const char *comment, json_t *fields)
{
    char *text = fields && json_object_size(fields) ? json_dumps(fields, JSON_COMPACT) : NULL;
    const char *kept = text ? arena_strdup(&r->arena, text) : NULL;
    free(text);
    return db_exec(r->db,
                   "INSERT INTO workflow_history (id, entity, row_id, action, from_state, "
                   "to_state, user_id, at, comment, fields) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   DB_ARGS(DB_I(id_next()), DB_T(e->name), DB_I(id), DB_T(action), DB_T(from),
                           DB_T(to), r->user.id ? DB_I(r->user.id) : DB_NUL, DB_I(r->now),
                           DB_T(comment), DB_T(kept)),
                   NULL);
}

static const char *action_label(const struct workflow *w, const char *action)
{
    if (strcmp(action, "create") == 0)
        return msg_text("workflow_created");
    for (const struct transition *t = w->transitions; t->action; t++)
        if (strcmp(t->action, action) == 0)
            return t->label;
    return action;
}

static enum err history_json(struct req *r, const struct entity *e, int64_t id, json_t **out)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT h.action, h.from_state, h.to_state, u.display_name, h.at, "
                            "h.comment, h.fields FROM workflow_history h "
                            "LEFT JOIN users u ON u.id = h.user_id "
                            "WHERE h.entity = $1 AND h.row_id = $2 ORDER BY h.at, h.id",
                            DB_ARGS(DB_T(e->name), DB_I(id)), &rows);
    if (err)
        return err;
    json_t *list = json_array();
    for (size_t i = 0; list && i < rows.nrows; i++) {
        const char *action = db_str(&rows, i, 0);
        const char *fields = db_str(&rows, i, 6);
        json_t *f = fields ? jsonin_loads(fields) : NULL;
        json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "action", action, "label",
                              action_label(e->workflow, action), "from",
                              db_str(&rows, i, 1) ? json_string(db_str(&rows, i, 1)) : json_null(),
                              "to", db_str(&rows, i, 2), "user",
                              db_str(&rows, i, 3) ? json_string(db_str(&rows, i, 3)) : json_null(),
                              "at", json_time(db_int(&rows, i, 4)), "comment",
                              db_str(&rows, i, 5) ? json_string(db_str(&rows, i, 5)) : json_null(),
                              "fields", f ? f : json_object());
        json_array_append_new(list, o);
    }
    *out = list;
    return list ? ERR_OK : ERR_NOMEM;
}

/* ---- Creation and the row's JSON --------------------------------------------------- */

enum err workflow_on_create(struct req *r, const struct entity *e, int64_t id,
                            const char *region_code)
{
    const struct workflow *w = e->workflow;
    if (!w)
        return ERR_OK;
    enum err err = history_add(r, e, id, "create", NULL, w->initial, NULL, NULL);
    const char *why = NULL;
    if (!err)
        err =
            deadline_apply(r->db, &r->arena, e, id, region_code, w->on_create, r->now, NULL, &why);
    if (err == ERR_CONFLICT && why)
        r->message = why;
    return err;
}

enum err workflow_scope_sql(struct req *r, const char *perm, const char *column, struct sqlq *q)
{
    struct scope s;
    enum err err = access_scope(r, perm, &s);
    if (!err)
        access_scope_sql(&s, column, &r->arena, q);
    return err;
}

/* Whether r's user may take t on a row of region_code now (the state aside). */
static enum err may_take(struct req *r, const struct entity *e, const struct transition *t,
                         const char *region_code, bool *held, bool *in_scope)
{
    const char *perm = workflow_transition_perm(e, t);
    *held = perm && access_has(r, perm);
    *in_scope = false;
    if (!*held)
        return ERR_OK;
    if (!engine_scope_field(e)) {
        *in_scope = true;
        return ERR_OK;
    }
    struct scope s;
    enum err err = access_scope(r, perm, &s);
    if (err)
        return err;
    *in_scope = region_code && access_scope_allows(&s, region_code);
    return ERR_OK;
}

enum err workflow_detail(struct req *r, const struct entity *e, int64_t id, const char *state,
                         const char *region_code, json_t *row)
{
    const struct workflow *w = e->workflow;
    if (!w)
        return ERR_OK;
    json_object_set_new(row, "state_label", json_string(workflow_state_label(w, state)));
    json_t *history = NULL, *deadlines = NULL;
    enum err err = history_json(r, e, id, &history);
    if (!err)
        err = deadline_list_json(r->db, &r->arena, e, id, r->now, &deadlines);
    json_t *actions = json_array();
    for (const struct transition *t = w->transitions; !err && actions && t->action; t++) {
        if (!state || !from_matches(w, t, state))
            continue;
        bool held, in_scope;
        err = may_take(r, e, t, region_code, &held, &in_scope);
        if (err || !held || !in_scope)
            continue;
        json_array_append_new(actions, json_pack("{s:s, s:s, s:s, s:s, s:o}", "action", t->action,
                                                 "label", t->label, "to", t->to, "to_label",
                                                 workflow_state_label(w, t->to), "fields",
                                                 fields_json(t->fields)));
    }
    if (!err && (!history || !deadlines || !actions))
        err = ERR_NOMEM;
    if (err) {
        json_decref(history);
        json_decref(deadlines);
        json_decref(actions);
        return err;
    }
    json_object_set_new(row, "history", history);
    json_object_set_new(row, "deadlines", deadlines);
    json_object_set_new(row, "actions", actions);
    return ERR_OK;
}

/* ---- Action fields ----------------------------------------------------------------- */

/* Checks the body's value of each action field with engine_value_in, as create does, into
 * values (by name); a required one that is absent or empty is a field error. */
static enum err take_fields(struct req *r, const struct entity *e, const struct transition *t,
                            json_t *values)
{
    for (const struct field_def *f = t->fields; f && f->name; f++) {
        json_t *in = json_object_get(r->json, f->name), *v = NULL;
        size_t before = r->nerrors;
        enum err err = in ? engine_value_in(r, e, f, in, r->id, &v) : ERR_OK;
        if (err)
            return err;
        if (v)
            json_object_set_new(values, f->name, v);
        if (r->nerrors == before && (f->flags & FF_REQUIRED) && !engine_value_present(v))
            req_field_error(r, f->name, f->label, "required");
    }
    return ERR_OK;
}

/* The fields for the history as the API shows them, personal data masked (the history is
 * shown to every reader of the row and never holds a sealed value in clear); the comment
 * field is the history's comment and not repeated here. */
static enum err shown_fields(struct req *r, const struct transition *t, json_t *values,
                             json_t **out)
{
    json_t *shown = json_object();
    enum err err = shown ? ERR_OK : ERR_NOMEM;
    for (const struct field_def *f = t->fields; !err && f && f->name; f++) {
        json_t *v = json_object_get(values, f->name), *o = NULL;
        if (!v || strcmp(f->name, "comment") == 0)
            continue;
        err = engine_value_out(r, f, v, false, &o);
        if (!err)
            json_object_set_new(shown, f->name, o);
    }
    if (err) {
        json_decref(shown);
        shown = NULL;
    }
    *out = shown;
    return err;
}

/* ---- The action ---------------------------------------------------------------------- */

struct current {
    const char *state;
    int64_t version;
    const char *region_code;
};

static enum err read_row(struct req *r, const struct entity *e, struct current *cur)
{
    bool scoped = engine_scope_field(e) != NULL;
    const char *sql =
        arena_printf(&r->arena, "SELECT state, version, %s FROM %s WHERE id = $1%s",
                     scoped ? "region_code" : "NULL", e->table,
                     (e->flags & ENTITY_SOFT_DELETE) ? " AND deleted_at IS NULL" : "");
    if (!sql)
        return ERR_NOMEM;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(r->id)), &rows);
    if (err)
        return err;
    cur->state = db_str(&rows, 0, 0);
    cur->version = db_int(&rows, 0, 1);
    cur->region_code = db_str(&rows, 0, 2);
    return cur->state ? ERR_OK : ERR_INTERNAL;
}

/* The transition named action that starts from state, else the first one named action. */
static const struct transition *find_transition(const struct workflow *w, const char *action,
                                                const char *state, bool *state_ok)
{
    const struct transition *first = NULL;
    *state_ok = false;
    for (const struct transition *t = w->transitions; t->action; t++) {
        if (strcmp(t->action, action) != 0)
            continue;
        if (from_matches(w, t, state)) {
            *state_ok = true;
            return t;
        }
        if (!first)
            first = t;
    }
    return first;
}

/* Reads the body: comment, version and the action's fields, all errors at once. */
static enum err read_body(struct req *r, const struct entity *e, const struct transition *t,
                          json_t *values, const char **comment, bool *has_version, int64_t *version)
{
    const char *keys[64];
    size_t nkeys = 0;
    bool comment_field = false;
    keys[nkeys++] = "comment";
    keys[nkeys++] = "version";
    for (const struct field_def *f = t->fields; f && f->name && nkeys < 63; f++) {
        if (strcmp(f->name, "comment") == 0)
            comment_field = true;
        else if (strcmp(f->name, "version") != 0)
            keys[nkeys++] = f->name;
    }
    keys[nkeys] = NULL;
    body_allow(r, keys);
    *has_version = body_int(r, "version", msg_text("workflow_version_label"), OPTIONAL, version);
    if (!comment_field)
        *comment =
            body_str(r, "comment", msg_text("workflow_comment_label"), OPTIONAL, COMMENT_MAX);
    enum err err = take_fields(r, e, t, values);
    if (err)
        return err;
    if (comment_field)
        *comment = json_string_value(json_object_get(values, "comment"));
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

/* Appends ", col = value" for each action field that is also a field of e (the scope
 * field aside: an action never moves a row out of a scope); *search says whether a
 * searchable one was written. */
static enum err set_columns(struct req *r, const struct entity *e, const struct transition *t,
                            json_t *values, struct sqlq *q, bool *search)
{
    const struct field_def *scope = engine_scope_field(e);
    bool checked = false;
    *search = false;
    for (const struct field_def *f = t->fields; f && f->name; f++) {
        const struct field_def *col = engine_field(e, f->name);
        json_t *v = json_object_get(values, f->name);
        if (!v || !col || col == scope)
            continue;
        if (col->type != f->type)
            return ERR_INTERNAL; /* the definition's mistake: the value is not the column's */
        *search = *search || (col->flags & FF_SEARCHABLE);
        if (!engine_field_sealed(col)) {
            sqlq_add(q, ", ");
            sqlq_add(q, col->name);
            sqlq_add(q, " = ");
            sqlq_arg(q, engine_value_db(r, col, v));
            continue;
        }
        enum err err = checked ? ERR_OK : keystore_check(r->db);
        if (err == ERR_UNAVAILABLE)
            return req_fail(r, err, "key_rotated");
        struct db_val enc, idx;
        if (!err)
            err = engine_value_seal(r, col, v, &enc, &idx);
        if (err)
            return err;
        checked = true;
        const char *names = arena_printf(&r->arena, ", %s_enc = ", col->name);
        const char *idx_name = arena_printf(&r->arena, ", %s_idx = ", col->name);
        if (!names || !idx_name)
            return ERR_NOMEM;
        sqlq_add(q, names);
        sqlq_arg(q, enc);
        sqlq_add(q, idx_name);
        sqlq_arg(q, idx);
    }
    return ERR_OK;
}

/* The UPDATE of the row: the new state and version, and the action's fields that are
 * also fields of the entity (their attachments linked, the full-text document renewed). */
static enum err update_row(struct req *r, const struct entity *e, const struct transition *t,
                           json_t *values, int64_t version)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "UPDATE ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " SET state = ");
    sqlq_arg(&q, DB_T(t->to));
    sqlq_add(&q, ", version = version + 1, updated_at = ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, ", updated_by = ");
    sqlq_arg(&q, r->user.id ? DB_I(r->user.id) : DB_NUL);
    bool search = false;
    enum err err = set_columns(r, e, t, values, &q, &search);
    sqlq_add(&q, " WHERE id = ");
    sqlq_arg(&q, DB_I(r->id));
    sqlq_add(&q, " AND version = ");
    sqlq_arg(&q, DB_I(version));
    int64_t changes = 0;
    if (!err)
        err = sqlq_exec(&q, r->db, &changes);
    sqlq_release(&q);
    if (!err && changes != 1)
        err = req_fail(r, ERR_CONFLICT, "workflow_stale");
    for (const struct field_def *f = t->fields; !err && f && f->name; f++) {
        const struct field_def *col = engine_field(e, f->name);
        json_t *v = json_object_get(values, f->name);
        if (v && col && col->type == FT_ATTACHMENTS)
            err = attachment_link(r, e, col, r->id, v);
    }
    if (!err && search)
        err = engine_reindex(r, e, r->id);
    return err;
}

static void set_audit(struct req *r, const struct entity *e, const struct transition *t,
                      const char *from)
{
    r->audit.action = arena_printf(&r->arena, "%s.%s", e->name, t->action);
    r->audit.object_type = e->name;
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, r->id);
    json_t *d = json_pack("{s:s, s:s}", "from", from, "to", t->to);
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    r->audit.detail = s ? arena_strdup(&r->arena, s) : NULL;
    free(s);
    json_decref(d);
}

/* The action on row r->id with the body in r->json (may be NULL: no fields). */
static enum err take(struct req *r, const struct entity *e, const char *action, bool system,
                     json_t **out)
{
    const struct workflow *w = e ? e->workflow : NULL;
    if (!w || !action)
        return ERR_NOT_FOUND;
    struct current cur;
    enum err err = system ? ERR_OK : engine_row_filtered(r, e, r->id);
    if (!err)
        err = read_row(r, e, &cur);
    if (err)
        return err;
    bool state_ok;
    const struct transition *t = find_transition(w, action, cur.state, &state_ok);
    if (!t)
        return req_fail(r, ERR_NOT_FOUND, "workflow_unknown_action");
    if (!system) {
        bool held, in_scope;
        err = may_take(r, e, t, cur.region_code, &held, &in_scope);
        if (err)
            return err;
        if (!held)
            return req_fail(r, ERR_FORBIDDEN, "workflow_forbidden");
        if (!in_scope)
            return req_fail(r, ERR_FORBIDDEN, "workflow_out_of_scope");
    }
    if (!state_ok) {
        r->message = arena_printf(&r->arena, "%s%s", msg_text("workflow_wrong_state"),
                                  workflow_state_label(w, cur.state));
        return ERR_CONFLICT;
    }

    json_t *values = json_object(), *shown = NULL;
    if (!values || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, values)) {
        json_decref(values);
        return ERR_NOMEM;
    }
    const char *comment = NULL;
    bool has_version = false;
    int64_t version = 0;
    err = read_body(r, e, t, values, &comment, &has_version, &version);
    if (err)
        return err;
    if (has_version && version != cur.version)
        return req_fail(r, ERR_CONFLICT, "workflow_stale");

    err = update_row(r, e, t, values, cur.version);
    const char *why = NULL;
    if (!err)
        err = deadline_apply(r->db, &r->arena, e, r->id, cur.region_code, t->deadlines, r->now,
                             values, &why);
    if (err == ERR_CONFLICT && why)
        r->message = why;
    if (!err)
        err = shown_fields(r, t, values, &shown);
    if (!err)
        err = history_add(r, e, r->id, t->action, cur.state, t->to, comment, shown);
    json_decref(shown);
    if (!err && e->hooks && e->hooks->on_transition)
        err = e->hooks->on_transition(r, e, r->id, t, r->json);
    if (err)
        return err;
    set_audit(r, e, t, cur.state);
    return out ? engine_get_json(r, e, r->id, out) : ERR_OK;
}

enum err engine_take_action(struct req *r, const struct entity *e, int64_t id, const char *action,
                            json_t *body, bool system, json_t **out)
{
    int64_t saved_id = r->id;
    json_t *saved_json = r->json, *empty = body ? NULL : json_object();
    if (!body && !empty)
        return ERR_NOMEM;
    r->id = id;
    r->json = body ? body : empty;
    enum err err = take(r, e, action, system, out);
    r->id = saved_id;
    r->json = saved_json;
    json_decref(empty);
    return err;
}

enum err engine_action(struct req *r)
{
    json_t *row = NULL;
    enum err err = take(r, r->route->entity, r->params[1], false, &row);
    return err ? err : reply_json_take(r, 200, row);
}
