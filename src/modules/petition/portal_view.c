/* The citizen's view of a petition on the portal (portal_view.h): built field by field from
 * the row, its history and its clocks, with nothing internal in it. */
#include "modules/petition/portal_view.h"

#include <string.h>

#include "core/encode.h"
#include "core/jsonin.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "modules/petition/petition.h"
#include "modules/region/region.h"
#include "server/msg.h"
#include "server/reply.h"

/* ---- Labels ------------------------------------------------------------------------- */

const char *portal_enum_label(struct req *r, const char *enum_name, const char *code)
{
    const struct enum_def *d = engine_enum(enum_name);
    if (!code || !d)
        return code;
    for (const struct enum_item *it = d->items; it->code; it++)
        if (strcmp(it->code, code) == 0)
            return it->label;
    struct db_rows rows;
    if (d->extendable &&
        !db_query(r->db, &r->arena,
                  "SELECT label FROM dictionary WHERE enum_name = $1 AND code = $2",
                  DB_ARGS(DB_T(enum_name), DB_T(code)), &rows) &&
        rows.nrows)
        return db_str(&rows, 0, 0);
    return code;
}

/* 北京市朝阳区建外街道: the region's full name without the separators. */
const char *portal_region_name(struct req *r, const char *code)
{
    struct region g;
    if (!code || region_find(r->db, &r->arena, code, &g))
        return code;
    char *out = arena_strdup(&r->arena, g.full_name);
    if (!out)
        return code;
    size_t k = 0;
    for (size_t i = 0; out[i]; i++)
        if (out[i] != '/')
            out[k++] = out[i];
    out[k] = '\0';
    return out;
}

static const char *unit_name(struct req *r, int64_t id)
{
    struct db_rows rows;
    if (!id ||
        db_query(r->db, &r->arena, "SELECT name FROM unit WHERE id = $1", DB_ARGS(DB_I(id)),
                 &rows) ||
        !rows.nrows)
        return NULL;
    return db_str(&rows, 0, 0);
}

static json_t *str_or_null(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

/* ---- The citizen's view of an item ---------------------------------------------------- */

#define ITEM_COLS                                                                                  \
    "state, class, category, region_code, created_at, title, unit_id, reject_reason, "             \
    "reject_guidance, reply_kind, reply_facts, reply_basis, reply_text, extension_days, "          \
    "extension_reason, rating, rating_comment, review_decision, review_text, rereview_decision, "  \
    "rereview_text, replied_at, rated_at, reviewed_at, rereviewed_at, closed_at"
enum item_col {
    C_STATE,
    C_CLASS,
    C_CATEGORY,
    C_REGION,
    C_CREATED,
    C_TITLE,
    C_UNIT,
    C_REJECT_REASON,
    C_REJECT_GUIDANCE,
    C_REPLY_KIND,
    C_REPLY_FACTS,
    C_REPLY_BASIS,
    C_REPLY_TEXT,
    C_EXT_DAYS,
    C_EXT_REASON,
    C_RATING,
    C_RATING_COMMENT,
    C_REVIEW_DECISION,
    C_REVIEW_TEXT,
    C_REREVIEW_DECISION,
    C_REREVIEW_TEXT,
    C_REPLIED,
    C_RATED,
    C_REVIEWED,
    C_REREVIEWED,
    C_CLOSED,
};

static int64_t time_at(const struct db_rows *rows, enum item_col c)
{
    return db_is_null(rows, 0, c) ? 0 : db_int(rows, 0, c);
}

/* What a step of the history tells the citizen, or NULL for steps that are not theirs to
 * see (an objection between the routing body and a unit). */
static const char *const public_steps[] = {
    "create",        "route",       "reject",         "accept", "extend",
    "reply",         "rate",        "request_review", "review", "request_rereview",
    "hearing_start", "hearing_end", "rereview",       "close",  NULL,
};

static bool is_public_step(const char *action)
{
    for (const char *const *a = public_steps; *a; a++)
        if (strcmp(*a, action) == 0)
            return true;
    return false;
}

static int64_t id_value(json_t *v)
{
    int64_t id = 0;
    if (json_is_integer(v))
        return json_integer_value(v);
    return json_is_string(v) && parse_int64(json_string_value(v), &id) ? id : 0;
}

/* A one-line note on a step, from the fields it recorded (NULL: none). */
static const char *step_note(struct req *r, const char *action, json_t *f)
{
    const char *s = NULL;
    if (strcmp(action, "route") == 0) {
        const char *unit = unit_name(r, id_value(json_object_get(f, "unit_id")));
        s = unit ? arena_printf(&r->arena, "%s%s", msg_text("portal_note_unit"), unit) : NULL;
    } else if (strcmp(action, "extend") == 0) {
        const char *reason = json_string_value(json_object_get(f, "extension_reason"));
        s = arena_printf(&r->arena, "%s%d%s%s", msg_text("portal_note_extend"),
                         (int)json_integer_value(json_object_get(f, "extension_days")),
                         msg_text("portal_note_extend_reason"), reason ? reason : "");
    } else if (strcmp(action, "reject") == 0) {
        s = portal_enum_label(r, "petition_reject_reason",
                              json_string_value(json_object_get(f, "reject_reason")));
    } else if (strcmp(action, "rate") == 0) {
        s = portal_enum_label(r, "petition_rating",
                              json_string_value(json_object_get(f, "rating")));
    } else if (strcmp(action, "review") == 0) {
        s = portal_enum_label(r, "petition_decision",
                              json_string_value(json_object_get(f, "review_decision")));
    } else if (strcmp(action, "rereview") == 0) {
        s = portal_enum_label(r, "petition_decision",
                              json_string_value(json_object_get(f, "rereview_decision")));
    }
    return s;
}

static enum err timeline_json(struct req *r, int64_t id, json_t **out)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT action, at, fields FROM workflow_history WHERE entity = "
                            "'petition' AND row_id = $1 ORDER BY at, id",
                            DB_ARGS(DB_I(id)), &rows);
    json_t *list = err ? NULL : json_array();
    if (!err && !list)
        err = ERR_NOMEM;
    for (size_t i = 0; !err && i < rows.nrows; i++) {
        const char *action = db_str(&rows, i, 0);
        if (!action || !is_public_step(action))
            continue;
        const char *fields = db_str(&rows, i, 2);
        json_t *f = fields ? jsonin_loads(fields) : NULL;
        const char *note = step_note(r, action, f);
        json_decref(f);
        const char *label = arena_printf(&r->arena, "portal_step_%s", action);
        json_t *o =
            label ? json_pack("{s:s, s:s, s:o, s:o}", "action", action, "label", msg_text(label),
                              "at", json_time(db_int(&rows, i, 1)), "note", str_or_null(note))
                  : NULL;
        if (!o || json_array_append_new(list, o))
            err = ERR_NOMEM;
    }
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return ERR_OK;
}

/* The running and paused clocks: what the law gives the bodies, with their due times. */
static enum err clocks_json(struct req *r, int64_t id, json_t **out)
{
    json_t *all = NULL, *list = json_array();
    enum err err =
        list ? deadline_list_json(r->db, &r->arena, &petition_entity, id, r->now, &all) : ERR_NOMEM;
    size_t i;
    json_t *d;
    if (!err)
        json_array_foreach(all, i, d)
        {
            const char *state = json_string_value(json_object_get(d, "state"));
            if (!state || strcmp(state, "stopped") == 0)
                continue;
            json_t *o =
                json_pack("{s:O, s:O, s:O, s:b}", "name", json_object_get(d, "name"), "label",
                          json_object_get(d, "label"), "due", json_object_get(d, "due"), "paused",
                          strcmp(state, "paused") == 0);
            if (!o || json_array_append_new(list, o))
                err = ERR_NOMEM;
        }
    json_decref(all);
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return ERR_OK;
}

/* {decision, decision_label, text, at} of a review or 复核, or null. */
static json_t *decision_json(struct req *r, const struct db_rows *rows, enum item_col decision,
                             enum item_col text, enum item_col at)
{
    const char *code = db_str(rows, 0, decision);
    if (!code)
        return json_null();
    return json_pack("{s:s, s:o, s:o, s:o}", "decision", code, "decision_label",
                     str_or_null(portal_enum_label(r, "petition_decision", code)), "text",
                     str_or_null(db_str(rows, 0, text)), "at", json_time(time_at(rows, at)));
}

enum err portal_view_json(struct req *r, int64_t id, const char *code, json_t **out)
{
    struct db_rows rows;
    enum err err =
        db_query_one(r->db, &r->arena, "SELECT " ITEM_COLS " FROM petition WHERE id = $1",
                     DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    const char *state = db_str(&rows, 0, C_STATE);
    const char *cls = db_str(&rows, 0, C_CLASS), *cat = db_str(&rows, 0, C_CATEGORY);
    const char *region = db_str(&rows, 0, C_REGION);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "query_code", code, "state",
        state, "state_label", workflow_state_label(petition_entity.workflow, state), "title",
        str_or_null(db_str(&rows, 0, C_TITLE)), "class", str_or_null(cls), "class_label",
        str_or_null(portal_enum_label(r, "petition_class", cls)), "category", str_or_null(cat),
        "category_label", str_or_null(portal_enum_label(r, "petition_category", cat)),
        "region_code", str_or_null(region), "region_name",
        str_or_null(portal_region_name(r, region)), "created_at",
        json_time(db_int(&rows, 0, C_CREATED)), "unit_name",
        str_or_null(unit_name(r, db_int(&rows, 0, C_UNIT))));
    if (!o)
        return ERR_NOMEM;
    json_t *timeline = NULL, *clocks = NULL;
    err = timeline_json(r, id, &timeline);
    if (!err)
        err = clocks_json(r, id, &clocks);
    if (!err) {
        json_object_set_new(o, "timeline", timeline);
        json_object_set_new(o, "deadlines", clocks);
    } else {
        json_decref(timeline);
        json_decref(o);
        return err;
    }

    /* what the bodies told the citizen */
    const char *reject = db_str(&rows, 0, C_REJECT_REASON);
    json_object_set_new(
        o, "not_accepted",
        !reject ? json_null()
                : json_pack("{s:s, s:o, s:o}", "reason", reject, "reason_label",
                            str_or_null(portal_enum_label(r, "petition_reject_reason", reject)),
                            "guidance", str_or_null(db_str(&rows, 0, C_REJECT_GUIDANCE))));
    json_object_set_new(o, "extension",
                        db_is_null(&rows, 0, C_EXT_DAYS)
                            ? json_null()
                            : json_pack("{s:I, s:o}", "days",
                                        (json_int_t)db_int(&rows, 0, C_EXT_DAYS), "reason",
                                        str_or_null(db_str(&rows, 0, C_EXT_REASON))));
    const char *kind = db_str(&rows, 0, C_REPLY_KIND);
    json_object_set_new(
        o, "reply",
        !kind || !time_at(&rows, C_REPLIED)
            ? json_null()
            : json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "kind", kind, "kind_label",
                        str_or_null(portal_enum_label(r, "petition_reply_kind", kind)), "facts",
                        str_or_null(db_str(&rows, 0, C_REPLY_FACTS)), "basis",
                        str_or_null(db_str(&rows, 0, C_REPLY_BASIS)), "text",
                        str_or_null(db_str(&rows, 0, C_REPLY_TEXT)), "at",
                        json_time(time_at(&rows, C_REPLIED))));
    const char *rating = db_str(&rows, 0, C_RATING);
    json_object_set_new(
        o, "rating",
        !rating ? json_null()
                : json_pack("{s:s, s:o, s:o, s:o}", "rating", rating, "label",
                            str_or_null(portal_enum_label(r, "petition_rating", rating)), "comment",
                            str_or_null(db_str(&rows, 0, C_RATING_COMMENT)), "at",
                            json_time(time_at(&rows, C_RATED))));
    json_object_set_new(o, "review",
                        decision_json(r, &rows, C_REVIEW_DECISION, C_REVIEW_TEXT, C_REVIEWED));
    json_object_set_new(
        o, "rereview", decision_json(r, &rows, C_REREVIEW_DECISION, C_REREVIEW_TEXT, C_REREVIEWED));
    json_object_set_new(o, "closed_at", json_time(time_at(&rows, C_CLOSED)));

    /* what the citizen may do now, and until when */
    bool replied = strcmp(state, "replied") == 0, reviewed = strcmp(state, "reviewed") == 0;
    int64_t review_until = 0, rereview_until = 0;
    if (!err && replied && time_at(&rows, C_REPLIED))
        err = petition_window_end(r, time_at(&rows, C_REPLIED), PETITION_REVIEW, &review_until);
    if (!err && reviewed && time_at(&rows, C_REVIEWED))
        err =
            petition_window_end(r, time_at(&rows, C_REVIEWED), PETITION_REREVIEW, &rereview_until);
    json_object_set_new(o, "can_rate", json_boolean(replied && !time_at(&rows, C_RATED)));
    json_object_set_new(o, "can_request_review",
                        json_boolean(review_until && r->now <= review_until));
    json_object_set_new(o, "review_until", json_time(review_until));
    json_object_set_new(o, "can_request_rereview",
                        json_boolean(rereview_until && r->now <= rereview_until));
    json_object_set_new(o, "rereview_until", json_time(rereview_until));
    if (err) {
        json_decref(o);
        return err;
    }
    *out = o;
    return ERR_OK;
}
