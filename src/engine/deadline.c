/* Deadline clocks: due-time arithmetic and the deadline table (see deadline.h). */
#include "engine/deadline.h"

#include <string.h>

#include "core/id.h"
#include "modules/calendar/calendar_db.h"
#include "server/msg.h"
#include "server/reply.h"

int64_t deadline_day_end(int32_t day)
{
    return (int64_t)day * DEADLINE_DAY_SECONDS + DEADLINE_DAY_SECONDS - 1 - DEADLINE_SHANGHAI_SHIFT;
}

/* Seconds per unit of the elapsed-time units; 0 for the day units. */
static int64_t unit_seconds(enum deadline_unit unit)
{
    return unit == DL_HOURS ? 3600 : unit == DL_MINUTES ? 60 : 0;
}

static enum calendar_count count_of(enum deadline_unit unit)
{
    return unit == DL_WORKING_DAYS ? CALENDAR_WORKING_DAYS : CALENDAR_DAYS;
}

enum err deadline_due(const struct calendar *cal, int64_t now, enum deadline_unit unit, int amount,
                      bool roll_forward, int64_t *due, int *gap_year)
{
    if (amount < 0)
        return ERR_INVALID;
    if (unit_seconds(unit)) {
        *due = now + (int64_t)amount * unit_seconds(unit);
        return ERR_OK;
    }
    int32_t day;
    enum err e = calendar_deadline(cal, calendar_today(now), amount, count_of(unit), roll_forward,
                                   &day, gap_year);
    if (e)
        return e;
    *due = deadline_day_end(day);
    return ERR_OK;
}

enum err deadline_extend(const struct calendar *cal, int64_t due, enum deadline_unit unit,
                         int amount, bool roll_forward, int64_t *out, int *gap_year)
{
    if (amount < 0)
        return ERR_INVALID;
    if (unit_seconds(unit)) {
        *out = due + (int64_t)amount * unit_seconds(unit);
        return ERR_OK;
    }
    int32_t from = calendar_today(due), to;
    enum err e = calendar_deadline(cal, from, amount, count_of(unit), roll_forward, &to, gap_year);
    if (e)
        return e;
    *out = due + (int64_t)(to - from) * DEADLINE_DAY_SECONDS;
    return ERR_OK;
}

int64_t deadline_resume(int64_t due, int64_t paused_at, int64_t now)
{
    return now > paused_at ? due + (now - paused_at) : due;
}

int64_t deadline_soon_seconds(int soon_days)
{
    return (int64_t)(soon_days > 0 ? soon_days : DEADLINE_SOON_DAYS) * DEADLINE_DAY_SECONDS;
}

bool deadline_overdue(int64_t due, int64_t now)
{
    return due < now;
}

bool deadline_due_soon(int64_t due, int64_t now, int soon_days)
{
    return !deadline_overdue(due, now) && due - deadline_soon_seconds(soon_days) <= now;
}

/* ---- Stored clocks ----------------------------------------------------------------- */

struct clock_row {
    bool found;
    int64_t id, due_at, paused_at;
    const char *state, *label;
    bool extended;
};

static enum err clock_get(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                          const char *name, struct clock_row *out)
{
    struct db_rows rows;
    enum err err = db_query(c, a,
                            "SELECT id, due_at, paused_at, state, label, extended FROM deadline "
                            "WHERE entity = $1 AND row_id = $2 AND name = $3",
                            DB_ARGS(DB_T(e->name), DB_I(id), DB_T(name)), &rows);
    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    if (!rows.nrows)
        return ERR_OK;
    out->found = true;
    out->id = db_int(&rows, 0, 0);
    out->due_at = db_int(&rows, 0, 1);
    out->paused_at = db_int(&rows, 0, 2);
    out->state = db_str(&rows, 0, 3);
    out->label = db_str(&rows, 0, 4);
    out->extended = db_int(&rows, 0, 5) != 0;
    return ERR_OK;
}

static const char *clock_label(const struct clock_row *k, const struct deadline_rule *rule)
{
    return k->found && k->label ? k->label : rule->label ? rule->label : rule->name;
}

/* "<label>未在计时，不能…" and the like: the clock's label, then the reason */
static enum err refuse(struct arena *a, const char **why, const char *label, const char *code)
{
    *why = arena_printf(a, "%s%s", label, msg_text(code));
    return ERR_CONFLICT;
}

static enum err load_calendar(struct db_conn *c, struct arena *a, const struct calendar **cal)
{
    if (*cal)
        return ERR_OK;
    return calendar_db_current(c, a, cal);
}

static enum err start(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                      const char *region_code, const struct deadline_rule *rule, int64_t now,
                      const struct calendar **cal)
{
    enum err err = ERR_OK;
    if (!unit_seconds(rule->unit))
        err = load_calendar(c, a, cal);
    int64_t due = 0;
    int gap = 0; /* a year without holiday data: the weekday rule still gives an answer */
    if (!err)
        err = deadline_due(*cal, now, rule->unit, rule->amount, rule->roll_forward, &due, &gap);
    if (err)
        return err == ERR_INVALID ? ERR_INTERNAL : err;
    /* a restart begins afresh: running, not extended (notices go by the new due time) */
    return db_exec(c,
                   "INSERT INTO deadline (id, entity, row_id, region_code, name, label, "
                   "started_at, due_at, state, paused_at, extended) VALUES ($1, $2, $3, $4, $5, "
                   "$6, $7, $8, 'running', NULL, 0) ON CONFLICT (entity, row_id, name) DO UPDATE "
                   "SET region_code = excluded.region_code, label = excluded.label, started_at = "
                   "excluded.started_at, due_at = excluded.due_at, state = 'running', "
                   "paused_at = NULL, extended = 0, stopped_at = NULL",
                   DB_ARGS(DB_I(id_next()), DB_T(e->name), DB_I(id), DB_T(region_code),
                           DB_T(rule->name), DB_T(rule->label ? rule->label : rule->name),
                           DB_I(now), DB_I(due)),
                   NULL);
}

/* How many units an extension moves the clock: the action's amount_field (1..amount) or
 * the rule's amount. */
static int extend_amount(const struct deadline_rule *rule, json_t *values)
{
    json_t *v = rule->amount_field ? json_object_get(values, rule->amount_field) : NULL;
    if (!json_is_integer(v))
        return rule->amount;
    json_int_t n = json_integer_value(v);
    return n < 1 ? 1 : n > rule->amount ? rule->amount : (int)n;
}

static enum err apply_one(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                          const char *region_code, const struct deadline_rule *rule, int64_t now,
                          json_t *values, const struct calendar **cal, const char **why)
{
    if (rule->op == DL_START)
        return start(c, a, e, id, region_code, rule, now, cal);
    struct clock_row k;
    enum err err = clock_get(c, a, e, id, rule->name, &k);
    if (err)
        return err;
    const char *label = clock_label(&k, rule);
    bool running = k.found && strcmp(k.state, "running") == 0;
    bool paused = k.found && strcmp(k.state, "paused") == 0;
    switch (rule->op) {
    case DL_START:
        break;
    case DL_STOP:
        if (!running && !paused)
            return refuse(a, why, label, "workflow_clock_not_running");
        return db_exec(c,
                       "UPDATE deadline SET state = 'stopped', paused_at = NULL, stopped_at = $2 "
                       "WHERE id = $1",
                       DB_ARGS(DB_I(k.id), DB_I(now)), NULL);
    case DL_PAUSE:
        if (!running)
            return refuse(a, why, label, "workflow_clock_not_running");
        return db_exec(c, "UPDATE deadline SET state = 'paused', paused_at = $2 WHERE id = $1",
                       DB_ARGS(DB_I(k.id), DB_I(now)), NULL);
    case DL_RESUME:
        if (!paused)
            return refuse(a, why, label, "workflow_clock_not_paused");
        /* the due time moves by the paused seconds (and its notices go by the new one) */
        return db_exec(c,
                       "UPDATE deadline SET state = 'running', paused_at = NULL, due_at = $2 "
                       "WHERE id = $1",
                       DB_ARGS(DB_I(k.id), DB_I(deadline_resume(k.due_at, k.paused_at, now))),
                       NULL);
    case DL_EXTEND: {
        if (!running)
            return refuse(a, why, label, "workflow_clock_not_running");
        if (k.extended)
            return refuse(a, why, label, "workflow_clock_extended");
        if (!unit_seconds(rule->unit))
            err = load_calendar(c, a, cal);
        int64_t due = 0;
        int gap = 0;
        if (!err)
            err = deadline_extend(*cal, k.due_at, rule->unit, extend_amount(rule, values),
                                  rule->roll_forward, &due, &gap);
        if (err)
            return err == ERR_INVALID ? ERR_INTERNAL : err;
        return db_exec(c, "UPDATE deadline SET due_at = $2, extended = 1 WHERE id = $1",
                       DB_ARGS(DB_I(k.id), DB_I(due)), NULL);
    }
    }
    return ERR_INTERNAL;
}

enum err deadline_apply(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                        const char *region_code, const struct deadline_rule *rules, int64_t now,
                        json_t *values, const char **why)
{
    const struct calendar *cal = NULL;
    for (const struct deadline_rule *rule = rules; rule && rule->name; rule++) {
        enum err err = apply_one(c, a, e, id, region_code, rule, now, values, &cal, why);
        if (err)
            return err;
    }
    return ERR_OK;
}

enum err deadline_list_json(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                            int64_t now, json_t **out)
{
    struct db_rows rows;
    enum err err = db_query(c, a,
                            "SELECT name, label, started_at, due_at, state, extended FROM deadline "
                            "WHERE entity = $1 AND row_id = $2 ORDER BY started_at, id",
                            DB_ARGS(DB_T(e->name), DB_I(id)), &rows);
    if (err)
        return err;
    int soon = e->workflow ? e->workflow->due_soon_days : 0;
    json_t *list = json_array();
    for (size_t i = 0; list && i < rows.nrows; i++) {
        int64_t due = db_int(&rows, i, 3);
        bool running = strcmp(db_str(&rows, i, 4), "running") == 0;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:o, s:o, s:s, s:b, s:b, s:b}", "name", db_str(&rows, i, 0),
                            "label", db_str(&rows, i, 1), "started", json_time(db_int(&rows, i, 2)),
                            "due", json_time(due), "state", db_str(&rows, i, 4), "overdue",
                            running && deadline_overdue(due, now), "due_soon",
                            running && deadline_due_soon(due, now, soon), "extended",
                            db_int(&rows, i, 5) != 0));
    }
    *out = list;
    return list ? ERR_OK : ERR_NOMEM;
}
