/* GET /api/v1/meta: the entities, fields, workflows and dictionaries the console renders
 * its forms and tables from, with what the current user may do; and the dictionary codes
 * administrators add to extendable enums. */
#include <string.h>

#include "engine/internal.h"
#include "engine/workflow.h"
#include "server/access.h"
#include "server/reply.h"

static const char *const type_names[] = {
    [FT_TEXT] = "text",           [FT_LONGTEXT] = "longtext", [FT_INT] = "int",
    [FT_DECIMAL] = "decimal",     [FT_BOOL] = "bool",         [FT_DATE] = "date",
    [FT_DATETIME] = "datetime",   [FT_ENUM] = "enum",         [FT_REF] = "ref",
    [FT_MULTI_REF] = "multi_ref", [FT_REGION] = "region",     [FT_IDCARD] = "idcard",
    [FT_USCC] = "uscc",           [FT_PHONE] = "phone",       [FT_ATTACHMENTS] = "attachments",
    [FT_TAGS] = "tags",           [FT_GEO] = "geo",
};

static const char *const pii_names[] = {
    [PII_NONE] = NULL,     [PII_NAME] = "name",       [PII_IDCARD] = "idcard",
    [PII_PHONE] = "phone", [PII_ADDRESS] = "address", [PII_DATE] = "date",
};

const char *engine_type_name(enum field_type t)
{
    return type_names[t];
}

enum err engine_enum_has(struct db_conn *c, struct arena *a, const struct enum_def *d,
                         const char *code, bool *out)
{
    *out = false;
    for (const struct enum_item *it = d->items; it->code; it++)
        if (strcmp(it->code, code) == 0) {
            *out = true;
            return ERR_OK;
        }
    if (!d->extendable)
        return ERR_OK;
    struct db_rows rows;
    enum err e = db_query(c, a, "SELECT 1 FROM dictionary WHERE enum_name = $1 AND code = $2",
                          DB_ARGS(DB_T(d->name), DB_T(code)), &rows);
    if (!e)
        *out = rows.nrows > 0;
    return e;
}

json_t *engine_field_meta(const struct field_def *f)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label", f->label, "type",
                          type_names[f->type], "required", (f->flags & FF_REQUIRED) != 0);
    if (!o)
        return NULL;
    if (f->min || f->max) {
        json_object_set_new(o, "min", json_integer(f->min));
        json_object_set_new(o, "max", json_integer(f->max));
    } else if (f->type == FT_TEXT || f->type == FT_LONGTEXT) {
        json_object_set_new(o, "max", json_integer(engine_text_max(f)));
    }
    if (f->type == FT_DECIMAL)
        json_object_set_new(o, "scale", json_integer(f->scale));
    if (f->pattern)
        json_object_set_new(o, "pattern", json_string(f->pattern));
    if (f->enum_name)
        json_object_set_new(o, "enum", json_string(f->enum_name));
    if (f->ref)
        json_object_set_new(o, "ref", json_string(f->ref));
    if (f->required_when)
        json_object_set_new(o, "required_when", json_string(f->required_when));
    if (f->pii)
        json_object_set_new(o, "pii", json_string(pii_names[f->pii]));
    if (f->help)
        json_object_set_new(o, "help", json_string(f->help));
    static const struct {
        unsigned flag;
        const char *name;
    } flags[] = {
        {FF_LISTED, "listed"},
        {FF_FILTERABLE, "filterable"},
        {FF_SORTABLE, "sortable"},
        {FF_SEARCHABLE, "searchable"},
        {FF_EXPORTABLE, "exportable"},
        {FF_READONLY, "readonly"},
        {FF_UNIQUE, "unique"},
        {FF_UNIQUE_REGION, "unique_in_region"},
        {FF_SCOPE, "scope"},
        {FF_LABEL, "label_field"},
        {FF_CREATE_ONLY, "create_only"},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (f->flags & flags[i].flag)
            json_object_set_new(o, flags[i].name, json_true());
    return o;
}

static bool can(struct req *r, const char *perm)
{
    return perm && access_has(r, perm);
}

/* Whether q= searches anything: full text, or LIKE on searchable fields. */
static bool searchable(const struct entity *e)
{
    for (const struct field_def *f = e->fields; f->name; f++)
        if (f->flags & FF_SEARCHABLE)
            return true;
    return false;
}

static json_t *entity_meta(struct req *r, const struct entity *e)
{
    json_t *fields = json_array();
    for (const struct field_def *f = e->fields; f->name; f++)
        json_array_append_new(fields, engine_field_meta(f));
    bool writable = e->perms.write && !(e->flags & ENTITY_REFERENCE);
    json_t *c =
        json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "read", can(r, e->perms.read), "create",
                  writable && !(e->flags & ENTITY_NO_CREATE) && can(r, e->perms.write), "update",
                  writable && can(r, e->perms.write), "delete", writable && can(r, e->perms.del),
                  "export", can(r, e->perms.export), "import",
                  writable && !(e->flags & ENTITY_NO_CREATE) &&
                      can(r, e->perms.import ? e->perms.import : e->perms.write),
                  "identity", can(r, e->perms.identity));
    json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:b, s:b, s:o, s:o}", "name", e->name,
                          "label", e->label, "module", e->module, "key", e->key ? e->key : "id",
                          "region_scoped", engine_scope_field(e) != NULL, "soft_delete",
                          (e->flags & ENTITY_SOFT_DELETE) != 0, "search", searchable(e), "fields",
                          fields, "can", c);
    if (o) {
        json_object_set_new(o, "default_sort",
                            json_string(e->default_sort ? e->default_sort : "-id"));
        json_object_set_new(o, "workflow", e->workflow ? workflow_meta(e) : json_null());
    }
    return o;
}

static enum err enums_meta(struct req *r, json_t **out)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT enum_name, code, label FROM dictionary "
                            "ORDER BY enum_name, sort, code",
                            DB_NOARGS, &rows);
    if (err)
        return err;
    json_t *all = json_object();
    for (const struct entity *const *ep = engine_entities(); *ep; ep++)
        for (const struct field_def *f = (*ep)->fields; f->name; f++) {
            if (f->type != FT_ENUM || json_object_get(all, f->enum_name))
                continue;
            const struct enum_def *d = engine_enum(f->enum_name);
            json_t *items = json_array();
            for (const struct enum_item *it = d->items; it->code; it++)
                json_array_append_new(items, json_pack("{s:s, s:s, s:b}", "code", it->code, "label",
                                                       it->label, "builtin", 1));
            for (size_t i = 0; i < rows.nrows; i++)
                if (strcmp(db_str(&rows, i, 0), d->name) == 0)
                    json_array_append_new(items,
                                          json_pack("{s:s, s:s, s:b}", "code", db_str(&rows, i, 1),
                                                    "label", db_str(&rows, i, 2), "builtin", 0));
            json_object_set_new(all, d->name,
                                json_pack("{s:s, s:b, s:o}", "label", d->label, "extendable",
                                          d->extendable, "items", items));
        }
    *out = all;
    return ERR_OK;
}

enum err engine_meta(struct req *r)
{
    json_t *list = json_array(), *enums = NULL;
    for (const struct entity *const *ep = engine_entities(); *ep; ep++)
        if (can(r, (*ep)->perms.read))
            json_array_append_new(list, entity_meta(r, *ep));
    enum err err = enums_meta(r, &enums);
    if (err) {
        json_decref(list);
        return err;
    }
    return reply_json_take(r, 200, json_pack("{s:o, s:o}", "entities", list, "enums", enums));
}

/* POST /api/v1/dictionary/{enum} {"code","label"}: adds a code to an extendable enum. */
enum err engine_dictionary_add(struct req *r)
{
    const struct enum_def *d = engine_enum(r->params[0]);
    if (!d)
        return ERR_NOT_FOUND;
    static const char *const keys[] = {"code", "label", NULL};
    body_allow(r, keys);
    const char *code = body_str(r, "code", "代码", REQUIRED, 40);
    const char *label = body_str(r, "label", "名称", REQUIRED, 40);
    if (code && (!*code || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)))
        req_field_error(r, "code", "代码", "invalid_code");
    if (label && !*label)
        req_field_error(r, "label", "名称", "required");
    if (r->nerrors)
        return ERR_INVALID;
    if (!d->extendable)
        return req_fail(r, ERR_CONFLICT, "enum_not_extendable");
    bool exists;
    enum err err = engine_enum_has(r->db, &r->arena, d, code, &exists);
    if (err)
        return err;
    if (exists)
        return req_field_error(r, "code", "代码", "taken");
    err = db_exec(r->db,
                  "INSERT INTO dictionary (enum_name, code, label, sort, created_at, created_by) "
                  "VALUES ($1, $2, $3, 0, $4, $5)",
                  DB_ARGS(DB_T(d->name), DB_T(code), DB_T(label), DB_I(r->now), DB_I(r->user.id)),
                  NULL);
    if (err)
        return err;
    r->audit.object_type = "dictionary";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%s", d->name);
    r->audit.detail = arena_printf(&r->arena, "{\"code\":\"%s\"}", code);
    return reply_json_take(
        r, 201, json_pack("{s:s, s:s, s:s}", "enum", d->name, "code", code, "label", label));
}
