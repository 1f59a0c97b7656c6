/* What the work order tables cannot say (docs/workorder.md): an order's category and code,
 * who reads which order, and what each transition does beyond its fields: the snapshot of
 * the limits, the clocks started with it, the units an order may go to. The catalogue and
 * the suggestion are in workorder_catalogue.c. */
#include "modules/workorder/workorder_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define CODE_TRIES          8
#define CLOCK_RESPOND_LABEL "签收并先行联系期限"
#define CLOCK_HANDLE_LABEL  "办理反馈期限"

/* ---- Helpers ------------------------------------------------------------------------ */

/* "YYYY-MM" of now in Asia/Shanghai: the month an order counts in. */
static void month_of(int64_t now, char out[CALENDAR_MONTH_LEN + 1])
{
    calendar_format_month(calendar_month_of(calendar_today(now)), out);
}

/* ---- Orders: who reads ---------------------------------------------------------------------- */

static enum err wo_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    static const char *const parts[] = {" AND (t.unit_id IN ", " OR t.copy_unit_id IN ", ")", NULL};
    return access_units_narrow(r, e->perms.read, q, parts);
}

/* ---- Orders: registration ---------------------------------------------------------------- */

static enum err wo_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create) { /* what was registered may be corrected until it is dispatched */
        struct db_rows rows;
        enum err err = db_query_one(r->db, &r->arena, "SELECT state FROM work_order WHERE id = $1",
                                    DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        const char *state = db_str(&rows, 0, 0);
        if (strcmp(state ? state : "", "received") != 0) {
            r->message = arena_printf(&r->arena, "%s%s", msg_text("workorder_not_editable"),
                                      workflow_state_label(e->workflow, state ? state : ""));
            return ERR_CONFLICT;
        }
    }
    bool changed =
        json_object_get(row->values, "category_id") || json_object_get(row->values, "region_code");
    int64_t category = workorder_id_value(workorder_value_of(row, "category_id"));
    const char *region = json_string_value(workorder_value_of(row, "region_code"));
    if (!changed || !category || workorder_has_error(r, "category_id") ||
        workorder_has_error(r, "region_code"))
        return ERR_OK;
    struct workorder_category c;
    return workorder_category_check(r, category, region, "category_id",
                                    workorder_label_of(e, "category_id"), &c);
}

/* A new code: yyMMdd (Asia/Shanghai) and six random digits, unused. */
static enum err new_code(struct req *r, char out[13])
{
    int y, m, d;
    calendar_to_ymd(calendar_today(r->now), &y, &m, &d);
    for (int i = 0; i < CODE_TRIES; i++) {
        snprintf(out, 13, "%02u%02u%02u%06u", (unsigned)(y % 100), (unsigned)(m % 100),
                 (unsigned)(d % 100), (unsigned)(randombytes_uniform(1000000) % 1000000u));
        struct db_rows rows;
        enum err err = db_query(r->db, &r->arena, "SELECT 1 FROM work_order WHERE code = $1",
                                DB_ARGS(DB_T(out)), &rows);
        if (err || !rows.nrows)
            return err;
    }
    return ERR_CONFLICT; /* a million codes a day taken: not a real day */
}

static enum err wo_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    (void)e;
    if (row->create) {
        char code[13];
        enum err err = new_code(r, code);
        if (err)
            return err;
        json_object_set_new(row->values, "code", json_string(code));
        json_object_set_new(row->values, "received_at", json_integer(r->now));
    }
    json_t *urgency = workorder_value_of(row, "urgency");
    int64_t category = workorder_id_value(workorder_value_of(row, "category_id"));
    if ((!urgency || json_is_null(urgency)) && category) { /* the category's by default */
        struct workorder_category c;
        enum err err = workorder_category_get(r, category, &c);
        if (err)
            return err;
        if (c.found)
            json_object_set_new(row->values, "urgency", json_string(c.urgency));
    }
    return ERR_OK;
}

struct order {
    const char *state, *region, *type, *respond_unit, *limit_unit, *extension_state;
    int64_t category, unit, copy, returned_unit, respond_amount, limit_amount;
    int64_t extension_amount, signed_at, respond_due;
    bool solved;
};

static enum err order_get(struct req *r, int64_t id, struct order *o)
{
    memset(o, 0, sizeof(*o));
    struct db_rows rows;
    enum err err = db_query_one(
        r->db, &r->arena,
        "SELECT state, region_code, type, category_id, unit_id, copy_unit_id, returned_unit_id, "
        "respond_amount, respond_unit, limit_amount, limit_unit, extension_state, "
        "extension_amount, signed_at, respond_due, solved FROM work_order WHERE id = $1",
        DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    o->state = db_str(&rows, 0, 0);
    o->region = db_str(&rows, 0, 1);
    o->type = db_str(&rows, 0, 2);
    o->category = db_is_null(&rows, 0, 3) ? 0 : db_int(&rows, 0, 3);
    o->unit = db_is_null(&rows, 0, 4) ? 0 : db_int(&rows, 0, 4);
    o->copy = db_is_null(&rows, 0, 5) ? 0 : db_int(&rows, 0, 5);
    o->returned_unit = db_is_null(&rows, 0, 6) ? 0 : db_int(&rows, 0, 6);
    o->respond_amount = db_int(&rows, 0, 7);
    o->respond_unit = db_str(&rows, 0, 8);
    o->limit_amount = db_int(&rows, 0, 9);
    o->limit_unit = db_str(&rows, 0, 10);
    o->extension_state = db_str(&rows, 0, 11);
    o->extension_amount = db_int(&rows, 0, 12);
    o->signed_at = db_is_null(&rows, 0, 13) ? 0 : db_int(&rows, 0, 13);
    o->respond_due = db_is_null(&rows, 0, 14) ? 0 : db_int(&rows, 0, 14);
    o->solved = db_int(&rows, 0, 15) != 0;
    return ERR_OK;
}

/* ---- Orders: transitions ------------------------------------------------------------------- */

/* The action's label of a field, for field errors. */
static const char *action_label(const struct transition *t, const char *name)
{
    for (const struct field_def *f = t->fields; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->label;
    return workorder_label_of(&work_order_entity, name);
}

static bool is(const struct transition *t, const char *action)
{
    return strcmp(t->action, action) == 0;
}

/* Applies rules to the order's clocks; a refusal's reason becomes the message. */
static enum err clocks(struct req *r, int64_t id, const char *region,
                       const struct deadline_rule *rules)
{
    const char *why = NULL;
    enum err err =
        deadline_apply(r->db, &r->arena, &work_order_entity, id, region, rules, r->now, NULL, &why);
    if (err == ERR_CONFLICT && why)
        r->message = why;
    return err;
}

static struct deadline_rule start_rule(const char *name, const char *label, int64_t amount,
                                       const char *unit)
{
    enum deadline_unit u = workorder_limit_unit(unit);
    return (struct deadline_rule){.name = name,
                                  .label = label,
                                  .op = DL_START,
                                  .amount = (int)amount,
                                  .unit = u,
                                  .roll_forward = u == DL_CALENDAR_DAYS};
}

/* Starts (or restarts) the clocks named by respond / handle with the order's snapshot. */
static enum err start_clocks(struct req *r, int64_t id, const struct order *o, bool respond,
                             bool handle)
{
    struct deadline_rule rules[3];
    size_t n = 0;
    if (respond)
        rules[n++] = start_rule(WORKORDER_CLOCK_RESPOND, CLOCK_RESPOND_LABEL, o->respond_amount,
                                o->respond_unit);
    if (handle)
        rules[n++] =
            start_rule(WORKORDER_CLOCK_HANDLE, CLOCK_HANDLE_LABEL, o->limit_amount, o->limit_unit);
    rules[n] = (struct deadline_rule){.name = NULL};
    for (size_t i = 0; i < n; i++)
        if (!rules[i].unit || rules[i].amount < 1)
            return ERR_INTERNAL; /* a snapshot the catalogue's checks would not allow */
    return clocks(r, id, o->region, rules);
}

/* respond_due and handle_due as the clocks say (kept equal on every change). */
static enum err sync_dues(struct req *r, int64_t id)
{
    return db_exec(r->db,
                   "UPDATE work_order SET respond_due = (SELECT due_at FROM deadline d WHERE "
                   "d.entity = 'work_order' AND d.row_id = $1 AND d.name = 'respond'), "
                   "handle_due = (SELECT due_at FROM deadline d WHERE d.entity = 'work_order' "
                   "AND d.row_id = $1 AND d.name = 'handle') WHERE id = $1",
                   DB_ARGS(DB_I(id)), NULL);
}

/* The unit an order goes to: it must cover the order's place; copy defaults to the
 * district when the unit is a township (条例 Art 12). */
static enum err check_units(struct req *r, const struct transition *t, const struct order *o,
                            json_t *body, int64_t unit, int64_t *copy)
{
    struct workorder_unit u, cu;
    enum err err = workorder_unit_get(r, unit, &u);
    if (err)
        return err;
    if (!workorder_unit_covers(&u, o->region))
        req_field_error(r, "unit_id", action_label(t, "unit_id"), "workorder_unit_out_of_region");
    else if (is(t, "reassign") && o->returned_unit && unit == o->returned_unit)
        req_field_error(r, "unit_id", action_label(t, "unit_id"), "workorder_unit_same");
    if (!json_object_get(body, "copy_unit_id")) {
        *copy = 0;
        if (u.found && strcmp(u.kind, "township") == 0)
            err = workorder_district_of(r, o->region, copy);
        return err;
    }
    *copy = workorder_id_value(json_object_get(body, "copy_unit_id"));
    if (!*copy)
        return ERR_OK;
    err = workorder_unit_get(r, *copy, &cu);
    if (!err && *copy == unit)
        req_field_error(r, "copy_unit_id", action_label(t, "copy_unit_id"), "workorder_copy_same");
    else if (!err && !workorder_unit_covers(&cu, o->region))
        req_field_error(r, "copy_unit_id", action_label(t, "copy_unit_id"),
                        "workorder_unit_out_of_region");
    return err;
}

/* dispatch and reassign: the unit (given or suggested), the snapshot on the first dispatch,
 * the month, and both clocks started afresh. */
static enum err send_to_unit(struct req *r, int64_t id, const struct transition *t, json_t *body,
                             struct order *o)
{
    struct workorder_category c = {0};
    enum err err = ERR_OK;
    bool first = is(t, "dispatch");
    if (first && !o->category)
        return req_field_error(r, "category_id",
                               workorder_label_of(&work_order_entity, "category_id"),
                               "workorder_category_required");
    if (first)
        err = workorder_category_check(r, o->category, o->region, "category_id",
                                       workorder_label_of(&work_order_entity, "category_id"), &c);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    int64_t unit = workorder_id_value(json_object_get(body, "unit_id")), copy = 0;
    if (!unit) {
        struct workorder_suggestion s;
        err = workorder_suggest_for(r, o->region, &c, &s);
        if (err)
            return err;
        if (!s.unit)
            return req_field_error(r, "unit_id", action_label(t, "unit_id"),
                                   "workorder_no_suggestion");
        unit = s.unit;
    }
    err = check_units(r, t, o, body, unit, &copy);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    char month[8];
    month_of(r->now, month);
    if (first) {
        int64_t version = 0;
        err = workorder_category_sync(r, &c, &version);
        if (!err)
            err = db_exec(r->db,
                          "UPDATE work_order SET category_version = $2, respond_amount = $3, "
                          "respond_unit = $4, limit_amount = $5, limit_unit = $6, "
                          "urgency = COALESCE(urgency, $7) WHERE id = $1",
                          DB_ARGS(DB_I(id), DB_I(version), DB_I(c.respond_amount),
                                  DB_T(c.respond_unit), DB_I(c.limit_amount), DB_T(c.limit_unit),
                                  DB_T(c.urgency)),
                          NULL);
        o->respond_amount = c.respond_amount;
        o->respond_unit = c.respond_unit;
        o->limit_amount = c.limit_amount;
        o->limit_unit = c.limit_unit;
    }
    if (!err)
        err = db_exec(r->db,
                      "UPDATE work_order SET unit_id = $2, copy_unit_id = $3, rate_month = $4, "
                      "dispatched_at = $5, signed_at = NULL, contacted_at = NULL, "
                      "responded_in_time = NULL WHERE id = $1",
                      DB_ARGS(DB_I(id), DB_I(unit), copy ? DB_I(copy) : DB_NUL,
                              DB_T(arena_strdup(&r->arena, month)), DB_I(r->now)),
                      NULL);
    if (!err && !first)
        err = db_exec(r->db, "UPDATE work_order SET arbitration = 'reassigned' WHERE id = $1",
                      DB_ARGS(DB_I(id)), NULL);
    return err ? err : start_clocks(r, id, o, true, true);
}

/* The handling unit's own actions are taken by its people (or by whoever handles by
 * region); a unit the order was only copied to reads it. */
static enum err own_unit(struct req *r, const struct transition *t, const struct order *o)
{
    struct access_units au;
    enum err err = access_units(r, t->perm, &au);
    if (err || au.by_region || access_units_has(au.granting, au.ngranting, o->unit))
        return err;
    return req_fail(r, ERR_FORBIDDEN, "workorder_not_your_unit");
}

static enum err set_now(struct req *r, int64_t id, const char *column)
{
    return db_exec(r->db,
                   arena_printf(&r->arena, "UPDATE work_order SET %s = $2 WHERE id = $1", column),
                   DB_ARGS(DB_I(id), DB_I(r->now)), NULL);
}

static enum err extension(struct req *r, int64_t id, const struct transition *t,
                          const struct order *o)
{
    const char *state = o->extension_state ? o->extension_state : "";
    if (is(t, "request_extension")) {
        if (strcmp(state, "pending") == 0)
            return req_fail(r, ERR_CONFLICT, "workorder_extension_pending");
        if (strcmp(state, "approved") == 0)
            return req_fail(r, ERR_CONFLICT, "workorder_extension_used");
        if (o->extension_amount > o->limit_amount)
            return req_field_error(r, "extension_amount", action_label(t, "extension_amount"),
                                   "workorder_extension_too_long");
        return db_exec(r->db, "UPDATE work_order SET extension_state = 'pending' WHERE id = $1",
                       DB_ARGS(DB_I(id)), NULL);
    }
    if (strcmp(state, "pending") != 0)
        return req_fail(r, ERR_CONFLICT, "workorder_extension_none");
    if (is(t, "reject_extension"))
        return db_exec(r->db, "UPDATE work_order SET extension_state = 'rejected' WHERE id = $1",
                       DB_ARGS(DB_I(id)), NULL);
    enum deadline_unit unit = workorder_limit_unit(o->limit_unit);
    struct deadline_rule rules[] = {
        {.name = WORKORDER_CLOCK_HANDLE,
         .op = DL_EXTEND,
         .amount = (int)o->extension_amount,
         .unit = unit,
         .roll_forward = unit == DL_CALENDAR_DAYS},
        {.name = NULL},
    };
    if (!unit || o->extension_amount < 1)
        return ERR_INTERNAL;
    enum err err = clocks(r, id, o->region, rules);
    if (!err)
        err = db_exec(r->db, "UPDATE work_order SET extension_state = 'approved' WHERE id = $1",
                      DB_ARGS(DB_I(id)), NULL);
    return err;
}

static enum err wo_on_transition(struct req *r, const struct entity *e, int64_t id,
                                 const struct transition *t, json_t *body)
{
    (void)e;
    struct order o;
    enum err err = order_get(r, id, &o);
    if (err)
        return err;
    if (strcmp(t->perm ? t->perm : "", "workorder.handle") == 0)
        err = own_unit(r, t, &o);
    if (err)
        return err;
    if (is(t, "dispatch") || is(t, "reassign")) {
        err = send_to_unit(r, id, t, body, &o);
    } else if (is(t, "answer")) {
        if (strcmp(o.type ? o.type : "", "consult") != 0)
            return req_fail(r, ERR_CONFLICT, "workorder_answer_consult_only");
        err = set_now(r, id, "closed_at");
    } else if (is(t, "redirect") || is(t, "close")) {
        err = set_now(r, id, "closed_at");
    } else if (is(t, "sign")) {
        err = set_now(r, id, "signed_at");
    } else if (is(t, "return")) {
        err = db_exec(r->db,
                      "UPDATE work_order SET return_count = return_count + 1, returned_unit_id = "
                      "unit_id, arbitration = NULL, arbitration_note = NULL WHERE id = $1",
                      DB_ARGS(DB_I(id)), NULL);
    } else if (is(t, "keep")) {
        err = db_exec(r->db, "UPDATE work_order SET arbitration = 'kept' WHERE id = $1",
                      DB_ARGS(DB_I(id)), NULL);
    } else if (is(t, "contact")) {
        bool in_time = o.signed_at && o.respond_due && r->now <= o.respond_due;
        err = db_exec(r->db,
                      "UPDATE work_order SET contacted_at = $2, responded_in_time = $3 "
                      "WHERE id = $1",
                      DB_ARGS(DB_I(id), DB_I(r->now), DB_I(in_time ? 1 : 0)), NULL);
    } else if (is(t, "request_extension") || is(t, "approve_extension") ||
               is(t, "reject_extension")) {
        err = extension(r, id, t, &o);
    } else if (is(t, "reply")) {
        err = set_now(r, id, "replied_at");
    } else if (is(t, "callback")) {
        err = set_now(r, id, "called_back_at");
    } else if (is(t, "reopen")) {
        if (o.solved)
            return req_fail(r, ERR_CONFLICT, "workorder_reopen_solved");
        err = start_clocks(r, id, &o, false, true);
    }
    return err ? err : sync_dues(r, id);
}

const struct entity_hooks work_order_hooks = {
    .validate = wo_validate,
    .before_save = wo_before_save,
    .on_transition = wo_on_transition,
    .read_filter = wo_read_filter,
};
