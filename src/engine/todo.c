/* The to-do list: rows of every workflow entity in a state from which the user may take a
 * transition (permission held, row region in that permission's scope), with the nearest
 * running deadline. Scope and states are part of the SQL; nothing is filtered after
 * reading. */
#include "engine/workflow.h"

#include <stdlib.h>
#include <string.h>

#include "engine/deadline.h"
#include "engine/internal.h"
#include "server/access.h"
#include "server/reply.h"

#define TODO_MAX        100
#define TODO_MAX_PERMS  16
#define TODO_MAX_STATES 32

/* The states from which some transition needs perm. */
struct perm_states {
    const char *perm;
    const char *states[TODO_MAX_STATES];
    size_t n;
};

static void add_state(struct perm_states *p, const char *state)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->states[i], state) == 0)
            return;
    if (p->n < TODO_MAX_STATES)
        p->states[p->n++] = state;
}

/* Groups the transitions r's user may take by permission. */
static size_t group(struct req *r, const struct entity *e, struct perm_states *groups)
{
    const struct workflow *w = e->workflow;
    size_t n = 0;
    for (const struct transition *t = w->transitions; t->action; t++) {
        const char *perm = workflow_transition_perm(e, t);
        if (!perm || !access_has(r, perm))
            continue;
        struct perm_states *g = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(groups[i].perm, perm) == 0)
                g = &groups[i];
        if (!g) {
            if (n == TODO_MAX_PERMS)
                continue;
            g = &groups[n++];
            g->perm = perm;
            g->n = 0;
        }
        if (strcmp(t->from, "*") != 0) {
            add_state(g, t->from);
            continue;
        }
        for (const struct state_def *s = w->states; s->name; s++)
            if (!s->final)
                add_state(g, s->name);
    }
    return n;
}

/* The rows on the list come in two queries: those with a running clock, read from the clocks'
 * index in order of the nearest due (each row once, by its nearest clock) until the list is
 * full; then, if there is room, those without one. Joining every candidate row to its
 * nearest clock first would read every running clock of the entity (millions of clocks at a
 * million petitions). */
enum todo_from_kind {
    TODO_ROWS,    /* FROM table t WHERE <conditions> */
    TODO_CLOCKED, /* FROM deadline dl JOIN table t (by the clocks' index, nearest due first;
                     a row with several running clocks comes once for each) */
    TODO_NO_CLOCK /* FROM table t WHERE <conditions> AND no clock runs */
};

/* "FROM ... WHERE <live> AND <read scope> AND (<state and scope per permission>)" */
static enum err todo_from(struct req *r, const struct entity *e, enum todo_from_kind kind,
                          struct sqlq *q, bool *any)
{
    struct perm_states groups[TODO_MAX_PERMS];
    size_t n = group(r, e, groups);
    *any = n > 0;
    if (!n)
        return ERR_OK;
    bool scoped = engine_scope_field(e) != NULL;
    enum err err = ERR_OK;
    if (kind == TODO_CLOCKED) {
        /* SQLite's CROSS JOIN keeps the clocks outside; PostgreSQL takes no ON after it */
        bool pg = strcmp(db_conn_backend(r->db), "postgres") == 0;
        sqlq_addf(q, "FROM deadline dl %s %s t ON t.id = dl.row_id WHERE dl.entity = ",
                  pg ? "JOIN" : "CROSS JOIN", e->table);
        sqlq_arg(q, DB_T(e->name));
        sqlq_add(q, " AND dl.state = 'running' AND ");
    } else {
        sqlq_addf(q, "FROM %s t WHERE ", e->table);
        if (kind == TODO_NO_CLOCK) {
            /* found by the row's own clocks (entity, row_id): a plain x.state = 'running' let
             * SQLite take the clocks' index (entity, state, due_at) instead and walk every
             * running clock of the entity for each row — minutes at a million petitions */
            sqlq_add(q, "NOT EXISTS (SELECT 1 FROM deadline x WHERE x.entity = ");
            sqlq_arg(q, DB_T(e->name));
            sqlq_add(q, " AND x.row_id = t.id AND x.state || '' = 'running') AND ");
        }
    }
    sqlq_add(q, (e->flags & ENTITY_SOFT_DELETE) ? "t.deleted_at IS NULL" : "1 = 1");
    if (scoped) {
        sqlq_add(q, " AND ");
        err = workflow_scope_sql(r, e->perms.read, "t.region_code", q);
    }
    if (!err)
        err = engine_read_filter(r, e, q);
    sqlq_add(q, " AND (");
    for (size_t i = 0; !err && i < n; i++) {
        sqlq_add(q, i ? " OR (t.state IN (" : "(t.state IN (");
        for (size_t k = 0; k < groups[i].n; k++) {
            if (k)
                sqlq_add(q, ", ");
            sqlq_arg(q, DB_T(groups[i].states[k]));
        }
        sqlq_add(q, ")");
        if (scoped) {
            sqlq_add(q, " AND ");
            err = workflow_scope_sql(r, groups[i].perm, "t.region_code", q);
        }
        sqlq_add(q, ")");
    }
    sqlq_add(q, ")");
    return err ? err : q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

struct todo_item {
    json_t *json;
    int64_t due; /* 0: none */
    int64_t id;
};

static int item_cmp(const void *pa, const void *pb)
{
    const struct todo_item *a = pa, *b = pb;
    if (!a->due != !b->due)
        return a->due ? -1 : 1; /* rows without a running clock last */
    if (a->due != b->due)
        return a->due < b->due ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void items_free(void *p)
{
    struct todo_item *items = p;
    for (size_t i = 0; items && items[i].json; i++)
        json_decref(items[i].json);
}

/* Runs SELECT cols <from of kind> [ORDER BY order LIMIT limit OFFSET offset] into rows. */
static enum err todo_query(struct req *r, const struct entity *e, enum todo_from_kind kind,
                           const char *cols, const char *order, int64_t limit, int64_t offset,
                           struct db_rows *rows)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT ");
    sqlq_add(&q, cols);
    sqlq_add(&q, " ");
    bool any = false;
    enum err err = todo_from(r, e, kind, &q, &any);
    if (!err && order) {
        sqlq_add(&q, " ORDER BY ");
        sqlq_add(&q, order);
        sqlq_add(&q, " LIMIT ");
        sqlq_arg(&q, DB_I(limit));
        sqlq_add(&q, " OFFSET ");
        sqlq_arg(&q, DB_I(offset));
    }
    if (!err && any)
        err = sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return err;
}

/* Appends the rows (id, label, state, due) as list items, up to TODO_MAX of e's (those from
 * items[first] on), each row once. */
static enum err todo_items(struct req *r, const struct entity *e, const struct db_rows *rows,
                           size_t first, struct todo_item *items, size_t *nitems)
{
    const struct workflow *w = e->workflow;
    for (size_t i = 0; i < rows->nrows && *nitems - first < TODO_MAX; i++) {
        bool seen = false;
        for (size_t k = first; k < *nitems && !seen; k++)
            seen = items[k].id == db_int(rows, i, 0);
        if (seen)
            continue;
        const char *state = db_str(rows, i, 2);
        int64_t due = db_is_null(rows, i, 3) ? 0 : db_int(rows, i, 3);
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:b, s:b}", "entity", e->name,
                              "entity_label", e->label, "id", json_id(db_int(rows, i, 0)), "label",
                              db_str(rows, i, 1) ? json_string(db_str(rows, i, 1)) : json_null(),
                              "state", state, "state_label", workflow_state_label(w, state), "due",
                              due ? json_time(due) : json_null(), "overdue",
                              due && deadline_overdue(due, r->now), "due_soon",
                              due && deadline_due_soon(due, r->now, w->due_soon_days));
        if (!o)
            return ERR_NOMEM;
        items[*nitems] = (struct todo_item){.json = o, .due = due, .id = db_int(rows, i, 0)};
        (*nitems)++;
    }
    return ERR_OK;
}

/* The rows of e on the user's list (at most TODO_MAX, the nearest due first, then those
 * without a running clock) and how many there are in all. */
static enum err todo_entity(struct req *r, const struct entity *e, struct todo_item *items,
                            size_t *nitems, int64_t *count)
{
    const char *label = engine_label_column(e);
    const char *cols =
        arena_printf(&r->arena, "t.id, %s%s, t.state, ", label ? "t." : "", label ? label : "NULL");
    if (!cols)
        return ERR_NOMEM;
    struct db_rows counted = {0}, rest = {0};
    *count = 0;
    enum err err = todo_query(r, e, TODO_ROWS, "COUNT(*)", NULL, 0, 0, &counted);
    if (!err && counted.nrows)
        *count = db_int(&counted, 0, 0);
    /* the rows with a running clock, nearest first; a row comes again for each further
     * clock, later: its first is kept, and pages are read until the list is full */
    size_t first = *nitems;
    for (int64_t offset = 0; !err && *count && *nitems - first < TODO_MAX;) {
        struct db_rows page = {0};
        err = todo_query(r, e, TODO_CLOCKED, arena_printf(&r->arena, "%sdl.due_at", cols),
                         "dl.due_at, t.id", TODO_MAX, offset, &page);
        if (!err)
            err = todo_items(r, e, &page, first, items, nitems);
        if (err || page.nrows < TODO_MAX)
            break;
        offset += TODO_MAX;
    }
    size_t clocked = *nitems - first;
    if (!err && *count > (int64_t)clocked && clocked < TODO_MAX)
        err = todo_query(r, e, TODO_NO_CLOCK, arena_printf(&r->arena, "%sNULL", cols), "t.id",
                         TODO_MAX - (int64_t)clocked, 0, &rest);
    return err ? err : todo_items(r, e, &rest, first, items, nitems);
}

enum err workflow_todo(struct req *r)
{
    size_t nent = 0;
    for (const struct entity *const *e = engine_entities(); e && *e; e++)
        nent += (*e)->workflow != NULL;
    /* every entity brings at most TODO_MAX; one more slot ends the list for items_free */
    struct todo_item *items = arena_calloc(&r->arena, nent * TODO_MAX + 1, sizeof(*items));
    if (!items || !arena_on_release(&r->arena, items_free, items))
        return ERR_NOMEM;
    size_t nitems = 0;
    int64_t total = 0;
    json_t *counts = json_object();
    if (!counts || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, counts)) {
        json_decref(counts);
        return ERR_NOMEM;
    }
    for (const struct entity *const *e = engine_entities(); e && *e; e++) {
        if (!(*e)->workflow || !access_has(r, (*e)->perms.read))
            continue;
        int64_t count = 0;
        enum err err = todo_entity(r, *e, items, &nitems, &count);
        if (err)
            return err;
        json_object_set_new(counts, (*e)->name, json_integer(count));
        total += count;
    }
    qsort(items, nitems, sizeof(*items), item_cmp);
    json_t *list = json_array();
    for (size_t i = 0; list && i < nitems && i < TODO_MAX; i++)
        json_array_append(list, items[i].json);
    if (!list)
        return ERR_NOMEM;
    return reply_json_take(
        r, 200,
        json_pack("{s:o, s:O, s:I}", "items", list, "counts", counts, "total", (json_int_t)total));
}
