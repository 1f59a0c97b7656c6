/* 督办 notices: the job that writes one notice per clock, kind (due soon, overdue) and due
 * time, and when it must run next; the notice routes. A notice is for the holders of its
 * workflow's supervise_perm whose scope holds the row's region. */
#include "engine/workflow.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "engine/deadline.h"
#include "engine/internal.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

/* "FROM deadline d JOIN table t ON ... WHERE d.entity = $1 AND d.state = 'running'":
 * running clocks of live rows */
static const char *clocks_from(struct arena *a, const struct entity *e)
{
    return arena_printf(a,
                        "FROM deadline d JOIN %s t ON t.id = d.row_id%s "
                        "WHERE d.entity = $1 AND d.state = 'running'",
                        e->table,
                        (e->flags & ENTITY_SOFT_DELETE) ? " AND t.deleted_at IS NULL" : "");
}

/* The clock has no notice of this kind for its current due time yet (a restarted,
 * extended or resumed clock has a new due time, so it gets fresh ones). */
#define NO_NOTICE(kind)                                                                            \
    "NOT EXISTS (SELECT 1 FROM notice n WHERE n.deadline_id = d.id AND n.kind = '" kind "' "       \
    "AND n.due_at = d.due_at)"

/* Whether the job looks at e's clocks: only a workflow with supervisors has notices. */
static bool noticed(const struct entity *e)
{
    return e->workflow && e->workflow->supervise_perm;
}

struct job {
    int64_t now;
    int created;
};

static enum err notice_add(struct db_conn *c, struct arena *a, const struct entity *e,
                           const struct db_rows *rows, size_t i, int64_t now, int *created)
{
    int64_t row_id = db_int(rows, i, 1), due = db_int(rows, i, 3);
    const char *clock_label = db_str(rows, i, 2), *name = db_str(rows, i, 5);
    bool overdue = deadline_overdue(due, now);
    const char *suffix = msg_text(overdue ? "workflow_notice_overdue" : "workflow_notice_due_soon");
    const char *title =
        name ? arena_printf(a, "%s「%s」%s%s", e->label, name, clock_label, suffix)
             : arena_printf(a, "%s%" PRId64 "%s%s", e->label, row_id, clock_label, suffix);
    if (!title)
        return ERR_NOMEM;
    int64_t changes = 0; /* 0 when another server wrote it first */
    enum err err = db_exec(
        c,
        "INSERT INTO notice (id, kind, deadline_id, entity, row_id, region_code, perm, "
        "title, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "ON CONFLICT (deadline_id, kind, due_at) DO NOTHING",
        DB_ARGS(DB_I(id_next()), DB_T(overdue ? "overdue" : "due_soon"), DB_I(db_int(rows, i, 0)),
                DB_T(e->name), DB_I(row_id), DB_T(db_str(rows, i, 4)),
                DB_T(e->workflow->supervise_perm), DB_T(title), DB_I(due), DB_I(now)),
        &changes);
    if (!err)
        *created += (int)changes;
    return err;
}

static enum err job_entity(struct db_conn *c, struct arena *a, const struct entity *e,
                           struct job *j)
{
    const char *from = clocks_from(a, e);
    const char *label = engine_label_column(e);
    const char *sql =
        from ? arena_printf(
                   a,
                   "SELECT d.id, d.row_id, d.label, d.due_at, %s, %s%s %s "
                   "AND ((d.due_at < $2 AND " NO_NOTICE(
                       "overdue") ") "
                                  "OR (d.due_at >= $2 AND d.due_at - $3 <= $2 AND " NO_NOTICE(
                                      "due_soon") ")) ORDER BY d.due_at, d.id",
                   engine_scope_field(e) ? "t.region_code" : "NULL", label ? "t." : "",
                   label ? label : "NULL", from)
             : NULL;
    if (!sql)
        return ERR_NOMEM;
    struct db_rows rows;
    enum err err = db_query(c, a, sql,
                            DB_ARGS(DB_T(e->name), DB_I(j->now),
                                    DB_I(deadline_soon_seconds(e->workflow->due_soon_days))),
                            &rows);
    for (size_t i = 0; !err && i < rows.nrows; i++)
        err = notice_add(c, a, e, &rows, i, j->now, &j->created);
    return err;
}

static enum err job_tx(struct db_conn *c, void *ctx)
{
    struct job *j = ctx;
    struct arena a;
    arena_init(&a, 0);
    j->created = 0; /* the transaction may be retried */
    enum err err = ERR_OK;
    for (const struct entity *const *e = engine_entities(); !err && e && *e; e++)
        if (noticed(*e))
            err = job_entity(c, &a, *e, j);
    arena_release(&a);
    return err;
}

static enum err job_run(struct db_conn *c, int64_t now, int *created)
{
    struct job j = {.now = now};
    enum err err = db_tx_run(c, job_tx, &j);
    *created = err ? 0 : j.created;
    return err;
}

static enum err next_entity(struct db_conn *c, struct arena *a, const struct entity *e, int64_t now,
                            int64_t *when)
{
    const char *from = clocks_from(a, e);
    const char *sql =
        from ? arena_printf(a,
                            "SELECT (SELECT MIN(d.due_at) %s AND " NO_NOTICE(
                                "overdue") "), (SELECT MIN(d.due_at) %s AND "
                                           "d.due_at >= $2 AND " NO_NOTICE("due_soon") ")",
                            from, from)
             : NULL;
    if (!sql)
        return ERR_NOMEM;
    struct db_rows rows;
    enum err err = db_query_one(c, a, sql, DB_ARGS(DB_T(e->name), DB_I(now)), &rows);
    if (err)
        return err;
    int64_t cand[2] = {0, 0};
    if (!db_is_null(&rows, 0, 0))
        cand[0] = db_int(&rows, 0, 0) + 1; /* overdue once due_at < now */
    if (!db_is_null(&rows, 0, 1)) {
        cand[1] = db_int(&rows, 0, 1) - deadline_soon_seconds(e->workflow->due_soon_days);
        if (cand[1] < now)
            cand[1] = now;
    }
    for (int i = 0; i < 2; i++)
        if (cand[i] && (!*when || cand[i] < *when))
            *when = cand[i];
    return ERR_OK;
}

static enum err job_next(struct db_conn *c, int64_t now, int64_t *when)
{
    struct arena a;
    arena_init(&a, 0);
    *when = 0;
    enum err err = ERR_OK;
    for (const struct entity *const *e = engine_entities(); !err && e && *e; e++)
        if (noticed(*e))
            err = next_entity(c, &a, *e, now, when);
    arena_release(&a);
    return err;
}

const struct job_def workflow_notice_job = {
    .name = "notices",
    .done = "deadline notice(s) written",
    .run = job_run,
    .next = job_next,
};

/* ---- Routes ------------------------------------------------------------------------ */

/* Appends the notices r's user may see: for each supervise permission held, the notices
 * of that permission within its scope ("(1 = 0)" when none). */
static enum err visible_sql(struct req *r, struct sqlq *q)
{
    const char *done[64];
    size_t ndone = 0;
    sqlq_add(q, "(1 = 0");
    for (const struct entity *const *ep = engine_entities(); ep && *ep; ep++) {
        const struct workflow *w = (*ep)->workflow;
        if (!w || !w->supervise_perm || !access_has(r, w->supervise_perm))
            continue;
        bool seen = false;
        for (size_t i = 0; i < ndone; i++)
            seen = seen || strcmp(done[i], w->supervise_perm) == 0;
        if (seen || ndone == sizeof(done) / sizeof(done[0]))
            continue;
        done[ndone++] = w->supervise_perm;
        sqlq_add(q, " OR (n.perm = ");
        sqlq_arg(q, DB_T(w->supervise_perm));
        sqlq_add(q, " AND ");
        enum err err = workflow_scope_sql(r, w->supervise_perm, "n.region_code", q);
        if (err)
            return err;
        sqlq_add(q, ")");
    }
    sqlq_add(q, ")");
    return q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

enum err notices_list(struct req *r)
{
    int64_t page = 1, size = 20; /* the engine's list parameters: page and size */
    query_int(r, "page", &page);
    query_int(r, "size", &size);
    bool unread = json_is_true(json_object_get(r->query, "unread"));
    struct sqlq from;
    sqlq_init(&from);
    sqlq_add(&from, "FROM notice n LEFT JOIN notice_read nr ON nr.notice_id = n.id AND "
                    "nr.user_id = ");
    sqlq_arg(&from, DB_I(r->user.id));
    sqlq_add(&from, " WHERE ");
    enum err err = visible_sql(r, &from);
    if (unread)
        sqlq_add(&from, " AND nr.notice_id IS NULL");
    int64_t total = 0;
    struct db_rows rows;
    if (!err)
        err = sqlq_page(r->db, &r->arena,
                        "n.id, n.kind, n.entity, n.row_id, n.region_code, n.title, n.due_at, "
                        "n.created_at, nr.read_at",
                        &from, "n.id DESC", page, size, &total, &rows);
    sqlq_release(&from);
    if (err)
        return err;
    json_t *items = json_array();
    for (size_t i = 0; items && i < rows.nrows; i++) {
        const struct entity *e = engine_entity(db_str(&rows, i, 2));
        json_array_append_new(
            items,
            json_pack("{s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:b, s:o}", "id",
                      json_id(db_int(&rows, i, 0)), "kind", db_str(&rows, i, 1), "entity",
                      db_str(&rows, i, 2), "entity_label", e ? e->label : db_str(&rows, i, 2),
                      "row_id", json_id(db_int(&rows, i, 3)), "region_code",
                      db_str(&rows, i, 4) ? json_string(db_str(&rows, i, 4)) : json_null(), "title",
                      db_str(&rows, i, 5), "due", json_time(db_int(&rows, i, 6)), "created_at",
                      json_time(db_int(&rows, i, 7)), "read", !db_is_null(&rows, i, 8), "read_at",
                      json_time(db_int(&rows, i, 8))));
    }
    if (!items)
        return ERR_NOMEM;
    return reply_json_take(r, 200,
                           json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                                     (json_int_t)total, "page", (json_int_t)page, "size",
                                     (json_int_t)size));
}

enum err notices_read(struct req *r)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT n.id FROM notice n WHERE n.id = ");
    sqlq_arg(&q, DB_I(r->id));
    sqlq_add(&q, " AND ");
    enum err err = visible_sql(r, &q);
    struct db_rows rows;
    if (!err)
        err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err && rows.nrows == 0)
        err = ERR_NOT_FOUND;
    if (!err)
        err = db_exec(r->db,
                      "INSERT INTO notice_read (notice_id, user_id, read_at) VALUES ($1, $2, $3) "
                      "ON CONFLICT (notice_id, user_id) DO NOTHING",
                      DB_ARGS(DB_I(r->id), DB_I(r->user.id), DB_I(r->now)), NULL);
    if (err)
        return err;
    r->audit.object_type = "notice";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, r->id);
    return reply_no_content(r);
}
