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

/* "FROM table t LEFT JOIN <nearest running clock> d WHERE <live> AND <read scope> AND
 * (<state and scope per permission>)" */
static enum err todo_from(struct req *r, const struct entity *e, struct sqlq *q, bool *any)
{
    struct perm_states groups[TODO_MAX_PERMS];
    size_t n = group(r, e, groups);
    *any = n > 0;
    if (!n)
        return ERR_OK;
    bool scoped = engine_scope_field(e) != NULL;
    enum err err = ERR_OK;
    sqlq_add(q, "FROM ");
    sqlq_add(q, e->table);
    sqlq_add(q, " t LEFT JOIN (SELECT row_id, MIN(due_at) AS due FROM deadline WHERE entity = ");
    sqlq_arg(q, DB_T(e->name));
    sqlq_add(q, " AND state = 'running' GROUP BY row_id) d ON d.row_id = t.id WHERE ");
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

/* The rows of e on the user's list (at most TODO_MAX, the nearest due first) and how many
 * there are in all. */
static enum err todo_entity(struct req *r, const struct entity *e, struct todo_item *items,
                            size_t *nitems, int64_t *count)
{
    struct sqlq from;
    sqlq_init(&from);
    bool any = false;
    enum err err = todo_from(r, e, &from, &any);
    const char *label = engine_label_column(e);
    const char *cols = arena_printf(&r->arena, "t.id, %s%s, t.state, d.due", label ? "t." : "",
                                    label ? label : "NULL");
    struct db_rows rows = {0};
    *count = 0;
    if (!err && any)
        err = cols ? sqlq_page(r->db, &r->arena, cols, &from, "(d.due IS NULL), d.due, t.id", 1,
                               TODO_MAX, count, &rows)
                   : ERR_NOMEM;
    sqlq_release(&from);
    if (err)
        return err;
    const struct workflow *w = e->workflow;
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *state = db_str(&rows, i, 2);
        int64_t due = db_is_null(&rows, i, 3) ? 0 : db_int(&rows, i, 3);
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:b, s:b}", "entity", e->name,
                              "entity_label", e->label, "id", json_id(db_int(&rows, i, 0)), "label",
                              db_str(&rows, i, 1) ? json_string(db_str(&rows, i, 1)) : json_null(),
                              "state", state, "state_label", workflow_state_label(w, state), "due",
                              due ? json_time(due) : json_null(), "overdue",
                              due && deadline_overdue(due, r->now), "due_soon",
                              due && deadline_due_soon(due, r->now, w->due_soon_days));
        if (!o)
            return ERR_NOMEM;
        items[*nitems] = (struct todo_item){.json = o, .due = due, .id = db_int(&rows, i, 0)};
        (*nitems)++;
    }
    return ERR_OK;
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
