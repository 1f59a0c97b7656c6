/* What the mediation tables cannot say: a committee's term, its 3–9 members and one
 * director, a mediator inside its committee's area, a dispute's registration date and the
 * source of a referred one, what each transition records beyond its fields (the level, the
 * outcome, the performance, dates that default to today), and a session only while its
 * dispute is being mediated. See docs/mediation.md. */
#include "modules/mediation/mediation.h"

#include <string.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "modules/petition/petition.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

/* ---- Helpers ------------------------------------------------------------------------ */

static bool has_error(const struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

/* The value the row will have: given in this request, else stored. */
static json_t *value_of(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    if (!v && row->old)
        v = json_object_get(row->old, key);
    return v;
}

/* Whether the request gives key (a changed value, not the stored one). */
static bool given(const struct engine_row *row, const char *key)
{
    return json_object_get(row->values, key) != NULL;
}

/* Whether the request changes the text value of key (an update giving another value). */
static bool changes_text(const struct engine_row *row, const char *key)
{
    const char *now = json_string_value(json_object_get(row->values, key));
    const char *before = row->old ? json_string_value(json_object_get(row->old, key)) : NULL;
    return now && before && strcmp(now, before) != 0;
}

static void today_text(const struct req *r, char out[CALENDAR_DATE_LEN + 1])
{
    calendar_format_date(calendar_today(r->now), out);
}

static bool is_member_post(const char *post)
{
    return post && (strcmp(post, "director") == 0 || strcmp(post, "deputy") == 0 ||
                    strcmp(post, "member") == 0);
}

/* The members (委员) of a committee: what its member_count shows. */
#define MEMBERS_SQL                                                                                \
    "SELECT COUNT(*) FROM mediator WHERE committee_id = $1 AND status = 'active' "                 \
    "AND post IN ('director', 'deputy', 'member')"

enum err mediation_level_of(struct db_conn *c, struct arena *a, const char *region_code,
                            const char **level)
{
    struct db_rows rows;
    enum err err = db_query(c, a, "SELECT level FROM region WHERE code = $1",
                            DB_ARGS(DB_T(region_code)), &rows);
    if (err)
        return err;
    int n = rows.nrows ? (int)db_int(&rows, 0, 0) : regioncode_level(region_code);
    *level = n >= 5 ? "village" : n == 4 ? "township" : n == 3 ? "county" : "above";
    return ERR_OK;
}

/* ---- 人民调解委员会 ---------------------------------------------------------------------- */

int32_t mediation_term_end(int32_t day)
{
    int y, m, d;
    calendar_to_ymd(day, &y, &m, &d);
    y += MEDIATION_TERM_YEARS;
    if (!calendar_valid_ymd(y, m, d)) {
        m = 3;
        d = 1;
    }
    return calendar_from_ymd(y, m, d) - 1;
}

static enum err committee_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    /* the area is the committee's identity once it has mediators or disputes: they were
     * checked against it */
    if (!row->create && changes_text(row, "region_code") && !has_error(r, "region_code")) {
        struct db_rows rows;
        enum err err = db_query_one(r->db, &r->arena,
                                    "SELECT (SELECT COUNT(*) FROM mediator WHERE committee_id = "
                                    "$1) + (SELECT COUNT(*) FROM dispute WHERE committee_id = $1)",
                                    DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        if (db_int(&rows, 0, 0) > 0)
            req_field_error(r, "region_code", "所在区划", "mediation_committee_in_use");
    }
    const char *start = json_string_value(json_object_get(row->values, "term_start"));
    int32_t day;
    if (!start || has_error(r, "term_start") || !calendar_parse_date(start, &day))
        return ERR_OK;
    /* a term that starts more than a year ahead is a typing mistake */
    if (day > calendar_today(r->now) + 366)
        req_field_error(r, "term_start", "本届任期起始日期", "mediation_term_future");
    return ERR_OK;
}

static enum err committee_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    const char *start = json_string_value(json_object_get(row->values, "term_start"));
    int32_t day;
    if (!start || !calendar_parse_date(start, &day))
        return ERR_OK;
    char end[CALENDAR_DATE_LEN + 1];
    calendar_format_date(mediation_term_end(day), end);
    json_object_set_new(row->values, "term_end", json_string(end));
    return ERR_OK;
}

const struct entity_hooks mediation_committee_hooks = {
    .validate = committee_validate,
    .before_save = committee_before_save,
};

/* ---- 人民调解员 -------------------------------------------------------------------------- */

/* A member joining (or staying on) a committee: at most nine members and one director. */
static enum err check_members(struct req *r, struct engine_row *row, int64_t committee,
                              const char *post)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, MEMBERS_SQL " AND id <> $2",
                                DB_ARGS(DB_I(committee), DB_I(row->id)), &rows);
    if (err)
        return err;
    if (db_int(&rows, 0, 0) >= MEDIATION_MEMBERS_MAX)
        req_field_error(r, "committee_id", "所属调委会", "mediation_committee_full");
    if (strcmp(post, "director") != 0 || has_error(r, "post"))
        return ERR_OK;
    err = db_query_one(r->db, &r->arena,
                       "SELECT COUNT(*) FROM mediator WHERE committee_id = $1 AND status = "
                       "'active' AND post = 'director' AND id <> $2",
                       DB_ARGS(DB_I(committee), DB_I(row->id)), &rows);
    if (!err && db_int(&rows, 0, 0) > 0)
        req_field_error(r, "post", "职务", "mediation_director_taken");
    return err;
}

static enum err mediator_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *committee_v = value_of(row, "committee_id");
    if (!json_is_integer(committee_v) || has_error(r, "committee_id"))
        return ERR_OK;
    int64_t committee = json_integer_value(committee_v);
    /* Touching the committee's row first makes concurrent member changes of one committee
     * wait for each other (PostgreSQL takes the row lock; SQLite has one writer anyway),
     * so two requests cannot both take the ninth place. */
    enum err err = db_exec(r->db,
                           "UPDATE mediation_committee SET member_count = member_count "
                           "WHERE id = $1",
                           DB_ARGS(DB_I(committee)), NULL);
    struct db_rows rows;
    if (!err)
        err = db_query_one(r->db, &r->arena,
                           "SELECT region_code FROM mediation_committee WHERE id = $1",
                           DB_ARGS(DB_I(committee)), &rows);
    if (err)
        return err;
    const char *area = db_str(&rows, 0, 0);
    const char *region = json_string_value(value_of(row, "region_code"));
    if (region && area && !has_error(r, "region_code") && !regioncode_within(region, area))
        req_field_error(r, "region_code", "所在区划", "mediation_outside_committee");
    const char *post = json_string_value(value_of(row, "post"));
    const char *status = json_string_value(value_of(row, "status"));
    bool active = !status || strcmp(status, "active") == 0;
    if (!active || !is_member_post(post) || has_error(r, "post") || has_error(r, "status"))
        return ERR_OK;
    return check_members(r, row, committee, post);
}

static enum err mediator_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *status = json_object_get(row->values, "status");
    if ((row->create && !status) || json_is_null(status)) /* not given or cleared: 在任 */
        json_object_set_new(row->values, "status", json_string("active"));
    return ERR_OK;
}

enum err mediation_recount_members(struct db_conn *c, int64_t committee)
{
    return db_exec(c,
                   "UPDATE mediation_committee SET member_count = (" MEMBERS_SQL ") WHERE id = $1",
                   DB_ARGS(DB_I(committee)), NULL);
}

/* The committee's member_count follows every change of its mediators (mediators are never
 * deleted: one who leaves is set to 离任, so this hook sees every change). */
static enum err mediator_after_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *now = value_of(row, "committee_id");
    json_t *before = row->old ? json_object_get(row->old, "committee_id") : NULL;
    enum err err =
        json_is_integer(now) ? mediation_recount_members(r->db, json_integer_value(now)) : ERR_OK;
    if (!err && json_is_integer(before) && !json_equal(before, now))
        err = mediation_recount_members(r->db, json_integer_value(before));
    return err;
}

const struct entity_hooks mediator_hooks = {
    .validate = mediator_validate,
    .before_save = mediator_before_save,
    .after_save = mediator_after_save,
};

/* Whether mediator is an active mediator of committee; a field error on field otherwise. */
static enum err check_mediator(struct req *r, int64_t mediator, int64_t committee,
                               const char *field, const char *label)
{
    struct db_rows rows;
    enum err err =
        db_query(r->db, &r->arena, "SELECT committee_id, status FROM mediator WHERE id = $1",
                 DB_ARGS(DB_I(mediator)), &rows);
    if (err)
        return err;
    if (!rows.nrows || db_int(&rows, 0, 0) != committee ||
        strcmp(db_str(&rows, 0, 1) ? db_str(&rows, 0, 1) : "", "active") != 0)
        req_field_error(r, field, label, "mediation_not_in_committee");
    return ERR_OK;
}

/* ---- 矛盾纠纷 ---------------------------------------------------------------------------- */

static bool final_state(const char *state)
{
    return state && (strcmp(state, "closed") == 0 || strcmp(state, "declined") == 0);
}

static enum err dispute_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create) { /* a closed or declined file is a record: it is not edited */
        struct db_rows rows;
        enum err err = db_query_one(r->db, &r->arena, "SELECT state FROM dispute WHERE id = $1",
                                    DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        const char *state = db_str(&rows, 0, 0);
        if (final_state(state)) {
            r->message = arena_printf(&r->arena, "%s%s", msg_text("mediation_dispute_final"),
                                      workflow_state_label(e->workflow, state));
            return ERR_CONFLICT;
        }
        /* once accepted, the committee and its level were chosen for this place */
        if (strcmp(state ? state : "", "registered") != 0 && changes_text(row, "region_code") &&
            !has_error(r, "region_code"))
            req_field_error(r, "region_code", "纠纷发生地", "mediation_region_after_accept");
    }
    /* a referred dispute names what referred it */
    const char *source = json_string_value(value_of(row, "source"));
    const char *ref = json_string_value(value_of(row, "source_ref"));
    if (source && !has_error(r, "source") && !has_error(r, "source_ref") &&
        (strcmp(source, "petition") == 0 || strcmp(source, "work_order") == 0) && (!ref || !*ref))
        req_field_error(r, "source_ref", "来源事项编号", "required");
    const char *occurred = json_string_value(json_object_get(row->values, "occurred_on"));
    char today[CALENDAR_DATE_LEN + 1];
    today_text(r, today);
    if (occurred && !has_error(r, "occurred_on") && strcmp(occurred, today) > 0)
        req_field_error(r, "occurred_on", "纠纷发生日期", "future_date");
    return ERR_OK;
}

static enum err dispute_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *count = json_object_get(row->values, "party_count");
    if (count && json_is_null(count)) /* cleared: the default two */
        json_object_set_new(row->values, "party_count", json_integer(2));
    if (!row->create)
        return ERR_OK;
    char today[CALENDAR_DATE_LEN + 1];
    today_text(r, today);
    json_object_set_new(row->values, "registered_on", json_string(today));
    return ERR_OK;
}

/* The dispute as a transition's hook needs it (after the action's fields were written). */
struct dispute_now {
    const char *region_code;
    int64_t committee_id, mediator_id;
    const char *agreed_on, *performance_due, *judicial_applied_on, *performed_on;
    const char *source, *source_ref;
};

static enum err dispute_load(struct req *r, int64_t id, struct dispute_now *d)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT region_code, committee_id, mediator_id, agreed_on, "
                                "performance_due, judicial_applied_on, performed_on, source, "
                                "source_ref FROM dispute WHERE id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    d->region_code = db_str(&rows, 0, 0);
    d->committee_id = db_int(&rows, 0, 1);
    d->mediator_id = db_int(&rows, 0, 2);
    d->agreed_on = db_str(&rows, 0, 3);
    d->performance_due = db_str(&rows, 0, 4);
    d->judicial_applied_on = db_str(&rows, 0, 5);
    d->performed_on = db_str(&rows, 0, 6);
    d->source = db_str(&rows, 0, 7);
    d->source_ref = db_str(&rows, 0, 8);
    return ERR_OK;
}

static const char *field_label(const struct transition *t, const char *name)
{
    for (const struct field_def *f = t->fields; f && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f->label;
    return name;
}

/* A date the action gave (or the hook defaulted) may not lie in the future nor before
 * the agreement. */
static void check_date(struct req *r, const struct transition *t, const char *field,
                       const char *date, const char *agreed_on, const char *today)
{
    if (!date)
        return;
    if (strcmp(date, today) > 0)
        req_field_error(r, field, field_label(t, field), "future_date");
    else if (agreed_on && strcmp(date, agreed_on) < 0)
        req_field_error(r, field, field_label(t, field), "mediation_before_agreement");
}

static enum err set_text(struct req *r, int64_t id, const char *sql, const char *value)
{
    return db_exec(r->db, sql, DB_ARGS(DB_T(value), DB_I(id)), NULL);
}

enum err mediation_stop_reminder(struct db_conn *c, struct arena *a, int64_t id,
                                 const char *region_code, int64_t now, const char **why)
{
    static const struct deadline_rule stop[] = {
        {.name = MEDIATION_CLOCK_JUDICIAL, .op = DL_STOP},
        {.name = NULL},
    };
    struct db_rows rows;
    enum err err = db_query(
        c, a,
        "SELECT 1 FROM deadline WHERE entity = $1 AND row_id = $2 AND name = "
        "$3 AND state IN ('running', 'paused')",
        DB_ARGS(DB_T(dispute_entity.name), DB_I(id), DB_T(MEDIATION_CLOCK_JUDICIAL)), &rows);
    if (err || !rows.nrows)
        return err;
    return deadline_apply(c, a, &dispute_entity, id, region_code, stop, now, NULL, why);
}

/* The reminder stopped by perform and close, when it still runs. */
static enum err stop_reminder(struct req *r, int64_t id, const char *region)
{
    const char *why = NULL;
    enum err err = mediation_stop_reminder(r->db, &r->arena, id, region, r->now, &why);
    if (err == ERR_CONFLICT && why)
        r->message = why;
    return err;
}

static enum err on_accept(struct req *r, int64_t id, const struct transition *t,
                          struct dispute_now *d)
{
    struct db_rows rows;
    enum err err =
        db_query_one(r->db, &r->arena, "SELECT region_code FROM mediation_committee WHERE id = $1",
                     DB_ARGS(DB_I(d->committee_id)), &rows);
    if (err)
        return err;
    const char *area = db_str(&rows, 0, 0);
    if (!area || !d->region_code || !regioncode_within(d->region_code, area))
        req_field_error(r, "committee_id", field_label(t, "committee_id"),
                        "mediation_committee_out_of_region");
    err = check_mediator(r, d->mediator_id, d->committee_id, "mediator_id",
                         field_label(t, "mediator_id"));
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    const char *level = NULL;
    err = mediation_level_of(r->db, &r->arena, area, &level);
    if (!err)
        err = set_text(r, id, "UPDATE dispute SET level = $1 WHERE id = $2", level);
    return err;
}

static enum err dispute_on_transition(struct req *r, const struct entity *e, int64_t id,
                                      const struct transition *t, json_t *body)
{
    struct dispute_now d;
    enum err err = dispute_load(r, id, &d);
    if (err)
        return err;
    char today[CALENDAR_DATE_LEN + 1];
    today_text(r, today);
    const char *action = t->action;
    if (strcmp(action, "accept") == 0) {
        err = on_accept(r, id, t, &d);
    } else if (strcmp(action, "reassign") == 0) {
        err = check_mediator(r, d.mediator_id, d.committee_id, "mediator_id",
                             field_label(t, "mediator_id"));
    } else if (strcmp(action, "decline") == 0) {
        err = set_text(r, id, "UPDATE dispute SET outcome = $1 WHERE id = $2", "declined");
    } else if (strcmp(action, "fail") == 0) {
        err = set_text(r, id, "UPDATE dispute SET outcome = $1 WHERE id = $2", "failed");
    } else if (strcmp(action, "agree") == 0) {
        const char *agreed = d.agreed_on ? d.agreed_on : today;
        check_date(r, t, "agreed_on", d.agreed_on, NULL, today);
        if (d.performance_due && strcmp(d.performance_due, agreed) < 0)
            req_field_error(r, "performance_due", field_label(t, "performance_due"),
                            "mediation_before_agreement");
        if (!r->nerrors)
            err = db_exec(r->db,
                          "UPDATE dispute SET outcome = 'agreed', agreed_on = $1 WHERE id = $2",
                          DB_ARGS(DB_T(agreed), DB_I(id)), NULL);
    } else if (strcmp(action, "judicial_apply") == 0) {
        check_date(r, t, "judicial_applied_on", d.judicial_applied_on, d.agreed_on, today);
    } else if (strcmp(action, "perform") == 0) {
        const char *done = d.performed_on ? d.performed_on : today;
        check_date(r, t, "performed_on", done, d.agreed_on, today);
        if (!r->nerrors)
            err = db_exec(r->db,
                          "UPDATE dispute SET performance = 'performed', performed_on = $1 "
                          "WHERE id = $2",
                          DB_ARGS(DB_T(done), DB_I(id)), NULL);
        if (!err && !r->nerrors)
            err = stop_reminder(r, id, d.region_code);
    } else if (strcmp(action, "not_perform") == 0) {
        err = set_text(r, id, "UPDATE dispute SET performance = $1 WHERE id = $2", "not_performed");
    } else if (strcmp(action, "close") == 0) {
        err = set_text(r, id, "UPDATE dispute SET closed_on = $1 WHERE id = $2", today);
        if (!err)
            err = stop_reminder(r, id, d.region_code);
    }
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    /* a dispute referred from a petition reports its outcome back to it */
    const char *outcome = strcmp(action, "agree") == 0     ? "agreed"
                          : strcmp(action, "fail") == 0    ? "failed"
                          : strcmp(action, "decline") == 0 ? "declined"
                                                           : NULL;
    if (outcome && d.source && strcmp(d.source, "petition") == 0)
        return petition_mediation_result(r, id, outcome);
    return ERR_OK;
}

const struct entity_hooks dispute_hooks = {
    .validate = dispute_validate,
    .before_save = dispute_before_save,
    .on_transition = dispute_on_transition,
};

/* ---- 调解记录 ---------------------------------------------------------------------------- */

static enum err session_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *dispute_v = value_of(row, "dispute_id");
    if (!json_is_integer(dispute_v) || has_error(r, "dispute_id"))
        return ERR_OK;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT state, region_code, committee_id FROM dispute "
                                "WHERE id = $1",
                                DB_ARGS(DB_I(json_integer_value(dispute_v))), &rows);
    if (err)
        return err;
    const char *state = db_str(&rows, 0, 0), *region = db_str(&rows, 0, 1);
    int64_t committee = db_int(&rows, 0, 2);
    /* the dispute is readable (the reference was checked); writing its record needs the
     * session write permission over the dispute's region too */
    struct scope writable;
    err = access_scope(r, e->perms.write, &writable);
    if (err)
        return err;
    if (!region || !access_scope_allows(&writable, region)) {
        req_field_error(r, "dispute_id", "所属纠纷", "out_of_scope");
        return ERR_OK;
    }
    if (!state || strcmp(state, "mediating") != 0) {
        req_field_error(r, "dispute_id", "所属纠纷", "mediation_dispute_not_mediating");
        r->message =
            arena_printf(&r->arena, "%s%s", msg_text("mediation_session_not_mediating"),
                         workflow_state_label(dispute_entity.workflow, state ? state : ""));
        return ERR_CONFLICT;
    }
    json_t *mediator = value_of(row, "mediator_id");
    if (json_is_integer(mediator) && !has_error(r, "mediator_id") &&
        (row->create || given(row, "mediator_id")))
        err =
            check_mediator(r, json_integer_value(mediator), committee, "mediator_id", "主持调解员");
    json_t *held = json_object_get(row->values, "held_at");
    if (!err && json_is_integer(held) && !has_error(r, "held_at") &&
        json_integer_value(held) > r->now)
        req_field_error(r, "held_at", "调解时间", "mediation_future_time");
    return err;
}

static enum err session_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *dispute_v = value_of(row, "dispute_id");
    if (!row->create || !json_is_integer(dispute_v))
        return ERR_OK;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, "SELECT region_code FROM dispute WHERE id = $1",
                                DB_ARGS(DB_I(json_integer_value(dispute_v))), &rows);
    if (!err)
        json_object_set_new(row->values, "region_code", json_string(db_str(&rows, 0, 0)));
    return err;
}

const struct entity_hooks dispute_session_hooks = {
    .validate = session_validate,
    .before_save = session_before_save,
};
