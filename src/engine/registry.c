/* The entity registry: checks the definitions once at start-up and generates the routes
 * every entity gets. Immutable after engine_init. */
#include "engine/engine.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "engine/internal.h"
#include "model/model.h"
#include "server/keystore.h"

#define MAX_ENTITIES 128
#define MAX_ENUMS    256

static const struct entity *entities[MAX_ENTITIES + 1];
static size_t nentities;
static const struct enum_def *enums[MAX_ENUMS + 1];
static size_t nenums;
static struct route *table;

/* What engine_init derives from the definitions once: each entity's select list and
 * single-row query, and each field pattern compiled. */
static char *select_cols[MAX_ENTITIES];
static char *select_live[MAX_ENTITIES];
#define MAX_PATTERNS 256
static struct compiled {
    const struct field_def *f;
    regex_t re;
} patterns[MAX_PATTERNS];
static size_t npatterns;

static size_t entity_index(const struct entity *e)
{
    size_t i = 0;
    while (i < nentities && entities[i] != e)
        i++;
    return i;
}

const char *engine_cols(const struct entity *e)
{
    size_t i = entity_index(e);
    return i < nentities ? select_cols[i] : NULL;
}

const char *engine_select_list(const struct entity *e)
{
    return engine_cols(e);
}

const char *engine_select_live(const struct entity *e)
{
    size_t i = entity_index(e);
    return i < nentities ? select_live[i] : NULL;
}

const regex_t *engine_field_regex(const struct field_def *f)
{
    for (size_t i = 0; i < npatterns; i++)
        if (patterns[i].f == f)
            return &patterns[i].re;
    return NULL;
}

const struct route *engine_routes(void)
{
    return table;
}

const struct entity *const *engine_entities(void)
{
    return entities;
}

const struct entity *engine_entity(const char *name)
{
    for (size_t i = 0; i < nentities; i++)
        if (strcmp(entities[i]->name, name) == 0)
            return entities[i];
    return NULL;
}

const struct enum_def *engine_enum(const char *name)
{
    for (size_t i = 0; i < nenums; i++)
        if (strcmp(enums[i]->name, name) == 0)
            return enums[i];
    return NULL;
}

const struct entity *engine_route_entity(const struct route *rt)
{
    return rt->entity;
}

const struct field_def *engine_field(const struct entity *e, const char *name)
{
    for (const struct field_def *f = e->fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const struct field_def *field_with(const struct entity *e, unsigned flag)
{
    for (const struct field_def *f = e->fields; f->name; f++)
        if (f->flags & flag)
            return f;
    return NULL;
}

const struct field_def *engine_scope_field(const struct entity *e)
{
    return field_with(e, FF_SCOPE);
}

const struct field_def *engine_label_field(const struct entity *e)
{
    return field_with(e, FF_LABEL);
}

/* The select list of e (see internal.h), made once at start-up. */
static char *cols_build(const struct entity *e)
{
    struct sbuf b;
    sbuf_init(&b, 8192);
    if (e->flags & ENTITY_REFERENCE)
        sbuf_addf(&b, "t.%s", e->key);
    else
        sbuf_adds(&b, "t.id, t.version, t.created_at, t.updated_at, t.created_by, t.updated_by");
    if (e->flags & ENTITY_SOFT_DELETE)
        sbuf_adds(&b, ", t.deleted_at");
    if (e->workflow)
        sbuf_adds(&b, ", t.state");
    for (const struct field_def *f = e->fields; f->name; f++) {
        if (engine_field_sealed(f)) {
            sbuf_addf(&b, ", t.%s_enc", f->name);
        } else if (f->type == FT_REF) {
            const struct entity *ref = engine_entity(f->ref);
            const struct field_def *label = engine_label_field(ref);
            if (label)
                sbuf_addf(&b, ", t.%s, (SELECT x.%s FROM %s x WHERE x.id = t.%s)", f->name,
                          label->name, ref->table, f->name);
            else
                sbuf_addf(&b, ", t.%s, NULL", f->name);
        } else if (f->type == FT_REGION) {
            sbuf_addf(&b, ", t.%s, (SELECT x.full_name FROM region x WHERE x.code = t.%s)", f->name,
                      f->name);
        } else {
            sbuf_addf(&b, ", t.%s", f->name);
        }
    }
    char *s = sbuf_err(&b) ? NULL : strdup(b.buf);
    sbuf_release(&b);
    return s;
}

/* A contradiction in the definitions is the programmer's, found at start-up. */
static bool bad(const struct entity *e, const struct field_def *f, const char *why)
{
    fprintf(stderr, "shegong: entity definition '%s'%s%s: %s\n", e->name, f ? " field " : "",
            f ? f->name : "", why);
    return false;
}

static bool check_fields(const struct entity *e, const struct field_def *fields, bool in_entity)
{
    int scope = 0, label = 0;
    for (const struct field_def *f = fields; f && f->name; f++) {
        if (!f->label)
            return bad(e, f, "no label");
        if (f->type == FT_ENUM && (!f->enum_name || !engine_enum(f->enum_name)))
            return bad(e, f, "unknown enum");
        if ((f->type == FT_REF || f->type == FT_MULTI_REF) && (!f->ref || !engine_entity(f->ref)))
            return bad(e, f, "unknown reference");
        if ((f->flags & FF_FILTERABLE) &&
            (f->type == FT_LONGTEXT || f->type == FT_ATTACHMENTS || f->type == FT_GEO))
            return bad(e, f, "this type cannot be a filter");
        if ((f->flags & FF_SORTABLE) &&
            (f->type == FT_IDCARD || f->type == FT_PHONE || f->type == FT_MULTI_REF ||
             f->type == FT_TAGS || f->type == FT_ATTACHMENTS || f->type == FT_GEO))
            return bad(e, f, "this type cannot be sorted");
        if (f->flags & FF_SCOPE) {
            /* the dispatcher checks rows by their region_code; reference data (the region
             * table itself) is scoped by its own key */
            bool key = (e->flags & ENTITY_REFERENCE) && e->key && strcmp(f->name, e->key) == 0;
            if (!key && (f->type != FT_REGION || strcmp(f->name, "region_code") != 0))
                return bad(e, f, "the scope field must be the region field region_code");
            scope++;
        }
        if (f->flags & FF_LABEL)
            label++;
        if (f->pattern) {
            if (npatterns == MAX_PATTERNS ||
                regcomp(&patterns[npatterns].re, f->pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return bad(e, f, "the pattern is not a valid extended regular expression");
            patterns[npatterns++].f = f;
        }
        if (f->required_when) {
            const char *eq = strchr(f->required_when, '=');
            char other[64];
            if (!eq || (size_t)(eq - f->required_when) >= sizeof(other))
                return bad(e, f, "required_when is not field=value");
            memcpy(other, f->required_when, (size_t)(eq - f->required_when));
            other[eq - f->required_when] = '\0';
            if (in_entity && !engine_field(e, other))
                return bad(e, f, "required_when names an unknown field");
        }
    }
    if (scope > 1 || label > 1)
        return bad(e, NULL, "more than one scope or label field");
    return true;
}

static bool check_entity(const struct entity *e)
{
    if (!e->name || !e->label || !e->table || !e->fields || !e->perms.read)
        return bad(e, NULL, "name, label, table, fields and read permission are required");
    if ((e->flags & ENTITY_REFERENCE) && !e->key)
        return bad(e, NULL, "reference data needs its key column");
    if (!check_fields(e, e->fields, true))
        return false;
    const struct workflow *w = e->workflow;
    if (!w)
        return true;
    if (e->flags & ENTITY_REFERENCE)
        return bad(e, NULL, "reference data has no workflow");
    bool initial = false;
    for (const struct state_def *s = w->states; s->name; s++)
        initial = initial || strcmp(s->name, w->initial) == 0;
    if (!initial)
        return bad(e, NULL, "the initial state is not among the states");
    for (const struct transition *t = w->transitions; t->action; t++) {
        bool from = strcmp(t->from, "*") == 0, to = false;
        for (const struct state_def *s = w->states; s->name; s++) {
            from = from || strcmp(s->name, t->from) == 0;
            to = to || strcmp(s->name, t->to) == 0;
        }
        if (!from || !to)
            return bad(e, NULL, "a transition names an unknown state");
        if (!check_fields(e, t->fields, false))
            return false;
        /* a field the action writes into the row must be that column's field */
        for (const struct field_def *f = t->fields; f && f->name; f++) {
            const struct field_def *col = engine_field(e, f->name);
            if (!col)
                continue;
            if (col->flags & FF_SCOPE)
                return bad(e, f, "an action cannot move a row to another region");
            if (col->type != f->type || (f->ref && (!col->ref || strcmp(f->ref, col->ref))) ||
                (f->enum_name && (!col->enum_name || strcmp(f->enum_name, col->enum_name))))
                return bad(e, f, "an action field differs from the entity field of its name");
        }
    }
    return true;
}

/* Whether two patterns match the same paths ({a} and {b} are both one segment). */
static bool same_shape(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a == '{' && *b == '{') {
            a = strchr(a, '}');
            b = strchr(b, '}');
            if (!a || !b)
                return false;
        } else if (*a != *b) {
            return false;
        }
        a++;
        b++;
    }
    return *a == *b;
}

static size_t nstatic_routes;

/* Adds a generated route, unless a module's own route answers the same method and path:
 * that one is first in the table and would make the generated one unreachable. */
static bool add_route(struct route *rt, size_t *n, size_t cap, struct route add)
{
    for (size_t i = 0; i < nstatic_routes; i++)
        if (strcmp(rt[i].method, add.method) == 0 && same_shape(rt[i].pattern, add.pattern))
            return true;
    if (*n >= cap)
        return false;
    rt[(*n)++] = add;
    return true;
}

/* Strings made at start-up for the life of the process (route patterns, actions), kept
 * here so that every one stays reachable, used or not. */
static char *strings[MAX_ENTITIES * 16];
static size_t nstrings;

/* before + name + after */
static char *join(const char *before, const char *name, const char *after)
{
    if (nstrings == sizeof(strings) / sizeof(strings[0]))
        return NULL;
    size_t n = strlen(before) + strlen(name) + strlen(after) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", before, name, after);
    strings[nstrings++] = s;
    return s;
}

/* The routes of one entity (the router prefers /export over /{id} by itself). */
static bool entity_routes(const struct entity *e, struct route *rt, size_t *n, size_t cap)
{
    const char *base = join("/api/v1/", e->name, "");
    const char *export = join("/api/v1/", e->name, "/export");
    const char *import = join("/api/v1/", e->name, "/import");
    const char *one =
        e->key ? join("/api/v1/", e->name, "/{key}") : join("/api/v1/", e->name, "/{id}");
    const char *restore = join("/api/v1/", e->name, "/{id}/restore");
    const char *action = join("/api/v1/", e->name, "/{id}/actions/{action}");
    const char *a_create = join("", e->name, ".create");
    const char *a_update = join("", e->name, ".update");
    const char *a_delete = join("", e->name, ".delete");
    const char *a_restore = join("", e->name, ".restore");
    const char *a_import = join("", e->name, ".import");
    const char *a_action = join("", e->name, ".action");
    if (!base || !export || !import || !one || !restore || !action || !a_create || !a_update ||
        !a_delete || !a_restore || !a_import || !a_action)
        return false;
    const char *scope = engine_scope_field(e) ? e->table : NULL;
    bool writable = e->perms.write && !(e->flags & ENTITY_REFERENCE);
    bool ok = true;
    if (e->perms.export)
        ok = ok && add_route(rt, n, cap,
                             (struct route){.method = "GET",
                                            .pattern = export,
                                            .handler = engine_export,
                                            .perm = e->perms.export,
                                            .entity = e});
    if (writable && !(e->flags & ENTITY_NO_CREATE))
        ok = ok &&
             add_route(rt, n, cap,
                       (struct route){.method = "POST",
                                      .pattern = import,
                                      .handler = engine_import,
                                      .perm = e->perms.import ? e->perms.import : e->perms.write,
                                      .flags = ROUTE_WRITE,
                                      .action = a_import,
                                      .entity = e,
                                      .body_limit = (size_t)20 << 20});
    ok = ok && add_route(rt, n, cap,
                         (struct route){.method = "GET",
                                        .pattern = base,
                                        .handler = engine_list,
                                        .perm = e->perms.read,
                                        .entity = e});
    if (writable && !(e->flags & ENTITY_NO_CREATE))
        ok = ok && add_route(rt, n, cap,
                             (struct route){.method = "POST",
                                            .pattern = base,
                                            .handler = engine_create,
                                            .perm = e->perms.write,
                                            .flags = ROUTE_WRITE | ROUTE_JSON_BODY,
                                            .action = a_create,
                                            .entity = e});
    ok = ok && add_route(rt, n, cap,
                         (struct route){.method = "GET",
                                        .pattern = one,
                                        .handler = engine_get,
                                        .perm = e->perms.read,
                                        .scope_table = scope,
                                        .entity = e});
    if (writable)
        ok = ok && add_route(rt, n, cap,
                             (struct route){.method = "PATCH",
                                            .pattern = one,
                                            .handler = engine_update,
                                            .perm = e->perms.write,
                                            .flags = ROUTE_WRITE | ROUTE_JSON_BODY,
                                            .action = a_update,
                                            .scope_table = scope,
                                            .entity = e});
    if (writable && e->perms.del) {
        ok = ok && add_route(rt, n, cap,
                             (struct route){.method = "DELETE",
                                            .pattern = one,
                                            .handler = engine_delete,
                                            .perm = e->perms.del,
                                            .flags = ROUTE_WRITE,
                                            .action = a_delete,
                                            .scope_table = scope,
                                            .entity = e});
        if (e->flags & ENTITY_SOFT_DELETE)
            ok = ok && add_route(rt, n, cap,
                                 (struct route){.method = "POST",
                                                .pattern = restore,
                                                .handler = engine_restore,
                                                .perm = e->perms.del,
                                                .flags = ROUTE_WRITE,
                                                .action = a_restore,
                                                .scope_table = scope,
                                                .entity = e});
    }
    if (e->workflow)
        ok = ok && add_route(rt, n, cap,
                             (struct route){.method = "POST",
                                            .pattern = action,
                                            .handler = engine_action,
                                            .perm = e->perms.read,
                                            .flags = ROUTE_WRITE | ROUTE_JSON_BODY,
                                            .action = a_action,
                                            .scope_table = scope,
                                            .entity = e});
    return ok;
}

static bool add_entity(const struct entity *e)
{
    if (nentities >= MAX_ENTITIES)
        return false;
    entities[nentities++] = e;
    return true;
}

static bool add_enum(const struct enum_def *d)
{
    if (nenums >= MAX_ENUMS)
        return false;
    enums[nenums++] = d;
    return true;
}

enum err engine_init(const struct entity *const *ents, const struct enum_def *const *ens,
                     const struct route *static_routes)
{
    if (table)
        return ERR_OK; /* once per process */
    for (const struct enum_def *const *d = ens; d && *d; d++)
        if (!add_enum(*d))
            return ERR_INTERNAL;
    for (const struct entity *const *e = ents; e && *e; e++)
        if (!add_entity(*e))
            return ERR_INTERNAL;
    if (model_extra) {
        for (const struct enum_def *const *d = model_extra->enums; d && *d; d++)
            if (!add_enum(*d))
                return ERR_INTERNAL;
        for (const struct entity *const *e = model_extra->entities; e && *e; e++)
            if (!add_entity(*e))
                return ERR_INTERNAL;
    }
    for (size_t i = 0; i < nentities; i++)
        for (const struct enum_def *const *d = entities[i]->enums; d && *d; d++)
            if (!engine_enum((*d)->name) && !add_enum(*d))
                return ERR_INTERNAL;
    for (size_t i = 0; i < nentities; i++)
        if (!check_entity(entities[i]))
            return ERR_INTERNAL;
    for (size_t i = 0; i < nentities; i++) {
        const struct entity *e = entities[i];
        select_cols[i] = cols_build(e);
        if (!select_cols[i])
            return ERR_NOMEM;
        if (e->flags & ENTITY_REFERENCE)
            continue;
        const char *live = (e->flags & ENTITY_SOFT_DELETE) ? " AND t.deleted_at IS NULL" : "";
        size_t n = strlen(select_cols[i]) + strlen(e->table) + strlen(live) + 64;
        select_live[i] = malloc(n);
        if (!select_live[i])
            return ERR_NOMEM;
        snprintf(select_live[i], n, "SELECT %s FROM %s t WHERE t.id = $1%s", select_cols[i],
                 e->table, live);
    }
    size_t nstatic = 0;
    while (static_routes[nstatic].pattern)
        nstatic++;
    size_t cap = nstatic + nentities * 10 + 1;
    struct route *rt = calloc(cap, sizeof(*rt));
    if (!rt)
        return ERR_NOMEM;
    memcpy(rt, static_routes, nstatic * sizeof(*rt));
    nstatic_routes = nstatic;
    size_t n = nstatic;
    for (size_t i = 0; i < nentities; i++)
        if (!entity_routes(entities[i], rt, &n, cap - 1)) {
            free(rt);
            return ERR_NOMEM;
        }
    rt[n].pattern = NULL;
    table = rt;
    return ERR_OK;
}

const struct sealed_column *engine_sealed_columns(const struct sealed_column *base)
{
    static struct sealed_column *all;
    if (all)
        return all;
    size_t n = 0, m = 0;
    while (base[n].table)
        n++;
    for (size_t i = 0; i < nentities; i++)
        for (const struct field_def *f = entities[i]->fields; f->name; f++)
            m += f->type == FT_IDCARD || f->type == FT_PHONE;
    struct sealed_column *cols = calloc(n + m + 1, sizeof(*cols));
    if (!cols)
        return NULL;
    memcpy(cols, base, n * sizeof(*cols));
    for (size_t i = 0; i < nentities; i++)
        for (const struct field_def *f = entities[i]->fields; f->name; f++) {
            if (f->type != FT_IDCARD && f->type != FT_PHONE)
                continue;
            char enc[80];
            snprintf(enc, sizeof(enc), "%s_enc", f->name);
            bool listed = false; /* registered by hand as well: re-seal it once */
            for (size_t k = 0; k < n && !listed; k++)
                listed = strcmp(cols[k].table, entities[i]->table) == 0 &&
                         strcmp(cols[k].column, enc) == 0;
            if (listed)
                continue;
            cols[n++] = (struct sealed_column){.table = entities[i]->table,
                                               .key = "id",
                                               .column = join("", f->name, "_enc"),
                                               .index = join("", f->name, "_idx"),
                                               .kind = engine_blind_kind(f)};
            if (!cols[n - 1].column || !cols[n - 1].index)
                return NULL;
        }
    all = cols;
    return all;
}
