/* What the whistle tables cannot say: who reads which whistle and summons, the raising
 * unit and the units it may summon, the summons written with their kind's 报到 clock when
 * a whistle is raised, and what each transition checks and records (docs/whistle.md). */
#include "modules/whistle/whistle.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/encode.h"
#include "core/id.h"
#include "core/regioncode.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "modules/whistle/internal.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define CODE_PREFIX "CS" /* 吹哨 */
#define CODE_TRIES  8

/* ---- Shared ----------------------------------------------------------------------------- */

void whistle_month_of(int64_t t, char out[8])
{
    calendar_format_month(calendar_month_of(calendar_today(t)), out);
}

enum err whistle_check_raiser(struct req *r, int64_t unit)
{
    struct access_units au;
    enum err err = access_units(r, WHISTLE_PERM_RAISE, &au);
    if (err)
        return err;
    if (au.by_region || access_units_has(au.granting, au.ngranting, unit))
        return ERR_OK;
    return req_fail(r, ERR_FORBIDDEN, "whistle_not_raiser");
}

static bool has_error(const struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

/* An id as the engine keeps it in values (an integer) or as JSON shows it (a string). */
static int64_t id_value(json_t *v)
{
    int64_t id = 0;
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_string(v) && parse_int64(json_string_value(v), &id))
        return id;
    return 0;
}

static const char *field_label(const struct entity *e, const char *name)
{
    const struct field_def *f = engine_field(e, name);
    return f ? f->label : name;
}

/* ---- Who reads ----------------------------------------------------------------------- */

/* A reader at units sees the whistles its units raised or are summoned by. */
static enum err whistle_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    static const char *const parts[] = {" AND (t.unit_id IN ",
                                        " OR EXISTS (SELECT 1 FROM whistle_summons ws WHERE "
                                        "ws.whistle_id = t.id AND ws.unit_id IN ",
                                        "))", NULL};
    return access_units_narrow(r, e->perms.read, q, parts);
}

/* A reader at units sees its own units' summons, and all the summons of the whistles its
 * units raised. */
static enum err summons_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    static const char *const parts[] = {
        " AND (t.unit_id IN ",
        " OR t.whistle_id IN (SELECT w.id FROM whistle w WHERE w.unit_id IN ", "))", NULL};
    return access_units_narrow(r, e->perms.read, q, parts);
}

/* ---- Raising a whistle ------------------------------------------------------------------ */

/* The raising unit: the one given, else the caller's only unit. It must be a street or
 * township whose area holds the problem's place, and one of the caller's units unless the
 * caller raises by region. */
static enum err check_raiser_unit(struct req *r, const struct entity *e, struct engine_row *row,
                                  int64_t *out)
{
    const char *label = field_label(e, "unit_id");
    *out = 0;
    if (has_error(r, "unit_id"))
        return ERR_OK;
    struct access_units au;
    enum err err = access_units(r, WHISTLE_PERM_RAISE, &au);
    if (err)
        return err;
    int64_t unit = id_value(json_object_get(row->values, "unit_id"));
    if (!unit) {
        unit = au.ngranting == 1                 ? au.granting[0]
               : !au.ngranting && au.nunits == 1 ? au.units[0]
                                                 : 0;
        if (!unit) {
            req_field_error(r, "unit_id", label, "required");
            return ERR_OK;
        }
        json_object_set_new(row->values, "unit_id", json_integer(unit));
    }
    struct db_rows rows;
    err = db_query(r->db, &r->arena,
                   "SELECT kind, region_code FROM unit WHERE id = $1 AND deleted_at IS NULL",
                   DB_ARGS(DB_I(unit)), &rows);
    if (err)
        return err;
    if (!rows.nrows) {
        req_field_error(r, "unit_id", label, "not_found");
        return ERR_OK;
    }
    *out = unit;
    const char *kind = db_str(&rows, 0, 0), *area = db_str(&rows, 0, 1);
    const char *region = json_string_value(json_object_get(row->values, "region_code"));
    if (!au.by_region && !access_units_has(au.granting, au.ngranting, unit))
        req_field_error(r, "unit_id", label, "whistle_not_your_unit");
    else if (!kind || strcmp(kind, "township") != 0)
        req_field_error(r, "unit_id", label, "whistle_unit_not_township");
    else if (region && area && !has_error(r, "region_code") && !regioncode_within(region, area))
        req_field_error(r, "unit_id", label, "whistle_unit_not_region");
    return ERR_OK;
}

/* 1..WHISTLE_MAX_UNITS distinct units, not the raiser. The engine drops repeated ids, so
 * the request's own list tells whether there were any. */
static void check_summoned(struct req *r, const struct entity *e, struct engine_row *row,
                           int64_t raiser)
{
    const char *label = field_label(e, "summoned_units");
    json_t *list = json_object_get(row->values, "summoned_units");
    if (!json_is_array(list) || has_error(r, "summoned_units"))
        return;
    json_t *raw = json_is_object(r->json) ? json_object_get(r->json, "summoned_units") : NULL;
    size_t given = json_is_array(raw) ? json_array_size(raw) : json_array_size(list);
    if (given > WHISTLE_MAX_UNITS || json_array_size(list) > WHISTLE_MAX_UNITS) {
        req_field_error(r, "summoned_units", label, "whistle_too_many_units");
        return;
    }
    if (given > json_array_size(list)) {
        req_field_error(r, "summoned_units", label, "whistle_units_duplicate");
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (raiser && id_value(v) == raiser) {
            req_field_error(r, "summoned_units", label, "whistle_summon_self");
            return;
        }
    }
}

static enum err whistle_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create) { /* the record of an accepted or cancelled whistle is kept as it was */
        struct db_rows rows;
        enum err err = db_query_one(r->db, &r->arena, "SELECT state FROM whistle WHERE id = $1",
                                    DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        const char *state = db_str(&rows, 0, 0);
        if (!state || strcmp(state, "raised") != 0) {
            r->message = arena_printf(&r->arena, "%s%s", msg_text("whistle_final"),
                                      workflow_state_label(e->workflow, state ? state : ""));
            return ERR_CONFLICT;
        }
        return ERR_OK;
    }
    int64_t raiser = 0;
    enum err err = check_raiser_unit(r, e, row, &raiser);
    if (!err)
        check_summoned(r, e, row, raiser);
    return err;
}

/* A code no whistle has: CS + yyMMdd + six random digits. */
static enum err new_code(struct req *r, char out[16])
{
    int y, m, d;
    calendar_to_ymd(calendar_today(r->now), &y, &m, &d);
    for (int i = 0; i < CODE_TRIES; i++) {
        snprintf(out, 16, CODE_PREFIX "%02d%02d%02d%06u", y % 100, m, d,
                 (unsigned)randombytes_uniform(1000000));
        struct db_rows rows;
        enum err err = db_query(r->db, &r->arena, "SELECT 1 FROM whistle WHERE code = $1",
                                DB_ARGS(DB_T(out)), &rows);
        if (err || !rows.nrows)
            return err;
    }
    return ERR_CONFLICT; /* a million codes a day taken: not going to happen */
}

static enum err whistle_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create)
        return ERR_OK;
    char code[16], month[8];
    enum err err = new_code(r, code);
    if (err)
        return err;
    whistle_month_of(r->now, month);
    json_object_set_new(row->values, "code", json_string(code));
    json_object_set_new(row->values, "raised_at", json_integer(r->now));
    json_object_set_new(row->values, "rate_month", json_string(month));
    return ERR_OK;
}

/* The 报到 clock of a kind (whistle.h): 应急 minutes, 攻坚 hours, 日常 working days. */
static void report_rule(const char *kind, struct deadline_rule rule[2])
{
    memset(rule, 0, 2 * sizeof(*rule));
    rule[0].name = WHISTLE_CLOCK_REPORT;
    rule[0].label = "报到时限";
    rule[0].op = DL_START;
    if (strcmp(kind, "emergency") == 0) {
        rule[0].amount = WHISTLE_EMERGENCY_MINUTES;
        rule[0].unit = DL_MINUTES;
    } else if (strcmp(kind, "tackle") == 0) {
        rule[0].amount = WHISTLE_TACKLE_HOURS;
        rule[0].unit = DL_HOURS;
    } else {
        rule[0].amount = WHISTLE_DAILY_WORKING_DAYS;
        rule[0].unit = DL_WORKING_DAYS;
    }
}

/* One summons per summoned unit, in the whistle's region, its clock started now. */
static enum err add_summons(struct req *r, int64_t whistle, int64_t unit, const char *region,
                            const char *kind, const char *month, const struct deadline_rule *rule)
{
    int64_t id = id_next();
    struct db_val by = r->user.id ? DB_I(r->user.id) : DB_NUL;
    enum err err = db_exec(r->db,
                           "INSERT INTO whistle_summons (id, version, state, whistle_id, unit_id, "
                           "region_code, kind, rate_month, summoned_at, report_due, created_at, "
                           "updated_at, created_by, updated_by) VALUES ($1, 1, 'summoned', $2, "
                           "$3, $4, $5, $6, $7, $7, $7, $7, $8, $8)",
                           DB_ARGS(DB_I(id), DB_I(whistle), DB_I(unit), DB_T(region), DB_T(kind),
                                   DB_T(month), DB_I(r->now), by),
                           NULL);
    if (!err)
        err = workflow_on_create(r, &whistle_summons_entity, id, region);
    const char *why = NULL;
    if (!err)
        err = deadline_apply(r->db, &r->arena, &whistle_summons_entity, id, region, rule, r->now,
                             NULL, &why);
    if (err == ERR_CONFLICT && why)
        r->message = why;
    if (!err)
        err = db_exec(
            r->db,
            "UPDATE whistle_summons SET report_due = (SELECT d.due_at FROM deadline d "
            "WHERE d.entity = $2 AND d.row_id = $1 AND d.name = $3) WHERE id = $1",
            DB_ARGS(DB_I(id), DB_T(whistle_summons_entity.name), DB_T(WHISTLE_CLOCK_REPORT)), NULL);
    return err;
}

static enum err whistle_after_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create)
        return ERR_OK;
    const char *kind = json_string_value(json_object_get(row->values, "kind"));
    const char *region = json_string_value(json_object_get(row->values, "region_code"));
    const char *month = json_string_value(json_object_get(row->values, "rate_month"));
    json_t *units = json_object_get(row->values, "summoned_units");
    if (!kind || !region || !month || !json_is_array(units))
        return ERR_INTERNAL;
    struct deadline_rule rule[2];
    report_rule(kind, rule);
    size_t i;
    json_t *v;
    enum err err = ERR_OK;
    json_array_foreach(units, i, v)
    {
        err = add_summons(r, row->id, id_value(v), region, kind, month, rule);
        if (err)
            break;
    }
    return err;
}

/* ---- The whistle's transitions ----------------------------------------------------------- */

/* Accepting needs every unit done (or withdrawn): the message names those still at work. */
static enum err check_all_done(struct req *r, int64_t id)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT u.name FROM whistle_summons s JOIN unit u ON u.id = s.unit_id "
                            "WHERE s.whistle_id = $1 AND s.state IN ('summoned', 'reported') "
                            "ORDER BY u.name",
                            DB_ARGS(DB_I(id)), &rows);
    if (err || !rows.nrows)
        return err;
    struct sbuf b;
    sbuf_init(&b, 4096);
    sbuf_adds(&b, msg_text("whistle_units_working"));
    for (size_t i = 0; i < rows.nrows; i++)
        sbuf_addf(&b, "%s%s", i ? "、" : "", db_str(&rows, i, 0) ? db_str(&rows, i, 0) : "");
    r->message = sbuf_err(&b) ? msg_text("whistle_units_working") : arena_strdup(&r->arena, b.buf);
    sbuf_release(&b);
    return ERR_CONFLICT;
}

/* Cancelling withdraws the units still working; their clocks stop. */
static enum err withdraw_open(struct req *r, int64_t id)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT id FROM whistle_summons WHERE whistle_id = $1 AND state IN "
                            "('summoned', 'reported') ORDER BY id",
                            DB_ARGS(DB_I(id)), &rows);
    for (size_t i = 0; !err && i < rows.nrows; i++)
        err = engine_take_action(r, &whistle_summons_entity, db_int(&rows, i, 0), "withdraw", NULL,
                                 true, NULL);
    return err;
}

static enum err whistle_on_transition(struct req *r, const struct entity *e, int64_t id,
                                      const struct transition *t, json_t *body)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, "SELECT unit_id FROM whistle WHERE id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (!err)
        err = whistle_check_raiser(r, db_int(&rows, 0, 0));
    if (err)
        return err;
    if (strcmp(t->action, "accept") == 0) {
        err = check_all_done(r, id);
        if (!err)
            err = db_exec(r->db, "UPDATE whistle SET accepted_at = $2 WHERE id = $1",
                          DB_ARGS(DB_I(id), DB_I(r->now)), NULL);
    } else if (strcmp(t->action, "cancel") == 0) {
        err = withdraw_open(r, id);
    }
    return err;
}

const struct entity_hooks whistle_hooks = {
    .validate = whistle_validate,
    .before_save = whistle_before_save,
    .after_save = whistle_after_save,
    .on_transition = whistle_on_transition,
    .read_filter = whistle_read_filter,
};

/* ---- The summons' transitions ------------------------------------------------------------ */

struct summons_now {
    int64_t unit, raiser, due, reported_at, handled_at;
    const char *whistle_state;
};

static enum err summons_load(struct req *r, int64_t id, struct summons_now *s)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT s.unit_id, w.unit_id, s.report_due, s.reported_at, "
                                "s.handled_at, w.state FROM whistle_summons s JOIN whistle w ON "
                                "w.id = s.whistle_id WHERE s.id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    s->unit = db_int(&rows, 0, 0);
    s->raiser = db_int(&rows, 0, 1);
    s->due = db_int(&rows, 0, 2);
    s->reported_at = db_int(&rows, 0, 3);
    s->handled_at = db_is_null(&rows, 0, 4) ? 0 : db_int(&rows, 0, 4);
    s->whistle_state = db_str(&rows, 0, 5);
    return ERR_OK;
}

/* Only the summoned unit itself reports and reports back: whistle.report from a post at
 * that unit. */
static enum err check_reporter(struct req *r, int64_t unit)
{
    struct access_units au;
    enum err err = access_units(r, WHISTLE_PERM_REPORT, &au);
    if (err)
        return err;
    if (access_units_has(au.granting, au.ngranting, unit))
        return ERR_OK;
    return req_fail(r, ERR_FORBIDDEN, "whistle_not_your_summons");
}

static const char *action_label(const struct transition *t, const char *name)
{
    for (const struct field_def *f = t->fields; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->label;
    return name;
}

static enum err on_finish(struct req *r, int64_t id, const struct transition *t,
                          const struct summons_now *s)
{
    int64_t at = s->handled_at ? s->handled_at : r->now;
    const char *label = action_label(t, "handled_at");
    if (at > r->now)
        req_field_error(r, "handled_at", label, "whistle_future_time");
    else if (at < s->reported_at)
        req_field_error(r, "handled_at", label, "whistle_before_report");
    if (r->nerrors)
        return ERR_INVALID;
    return db_exec(r->db, "UPDATE whistle_summons SET handled_at = $2 WHERE id = $1",
                   DB_ARGS(DB_I(id), DB_I(at)), NULL);
}

static enum err summons_on_transition(struct req *r, const struct entity *e, int64_t id,
                                      const struct transition *t, json_t *body)
{
    struct summons_now s;
    enum err err = summons_load(r, id, &s);
    if (err)
        return err;
    const char *action = t->action;
    if (strcmp(action, "report") == 0) {
        err = check_reporter(r, s.unit);
        if (!err)
            err = db_exec(r->db,
                          "UPDATE whistle_summons SET reported_at = $2, reported_in_time = $3 "
                          "WHERE id = $1",
                          DB_ARGS(DB_I(id), DB_I(r->now), DB_I(r->now <= s.due ? 1 : 0)), NULL);
    } else if (strcmp(action, "finish") == 0) {
        err = check_reporter(r, s.unit);
        if (!err)
            err = on_finish(r, id, t, &s);
    } else if (strcmp(action, "rate") == 0) {
        err = whistle_check_raiser(r, s.raiser);
        if (!err)
            err = db_exec(r->db, "UPDATE whistle_summons SET rated_at = $2 WHERE id = $1",
                          DB_ARGS(DB_I(id), DB_I(r->now)), NULL);
    } else if (strcmp(action, "redo") == 0) {
        err = whistle_check_raiser(r, s.raiser);
        if (!err && (!s.whistle_state || strcmp(s.whistle_state, "raised") != 0))
            err = req_fail(r, ERR_CONFLICT, "whistle_redo_closed");
        if (!err)
            err = db_exec(r->db, "UPDATE whistle_summons SET handled_at = NULL WHERE id = $1",
                          DB_ARGS(DB_I(id)), NULL);
    } else if (strcmp(action, "withdraw") == 0) {
        err = whistle_check_raiser(r, s.raiser);
    }
    return err;
}

const struct entity_hooks whistle_summons_hooks = {
    .on_transition = summons_on_transition,
    .read_filter = summons_read_filter,
};
