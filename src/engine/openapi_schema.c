/* The schemas and parameters of the OpenAPI document (see openapi.h): JSON Schema for each
 * field type, the row, input, list and action schemas of an entity, and its list query. */
#include "engine/internal.h"
#include "engine/openapi.h"

#include <stdio.h>
#include <string.h>

#define REGION_PATTERN "^[0-9]{12}$"

/* ---- Small builders ------------------------------------------------------------------ */

json_t *openapi_ref(const char *name)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", buf);
}

json_t *openapi_json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

/* Lets a schema also be null: "type" becomes [type, "null"], or anyOf with null. */
static json_t *nullable(json_t *s)
{
    json_t *t = json_object_get(s, "type");
    if (json_is_string(t)) {
        json_object_set_new(s, "type", json_pack("[s, s]", json_string_value(t), "null"));
        json_t *en = json_object_get(s, "enum");
        if (en)
            json_array_append_new(en, json_null());
        return s;
    }
    return json_pack("{s:[o, {s:s}]}", "anyOf", s, "type", "null");
}

/* A string schema with an optional format and pattern. */
static json_t *string_schema(const char *format, const char *pattern)
{
    json_t *s = json_pack("{s:s}", "type", "string");
    if (format)
        json_object_set_new(s, "format", json_string(format));
    if (pattern)
        json_object_set_new(s, "pattern", json_string(pattern));
    return s;
}

static void set_description(json_t *o, const char *text)
{
    if (text && *text)
        json_object_set_new(o, "description", json_string(text));
}

/* ---- Field schemas ------------------------------------------------------------------- */

enum direction { OUTPUT, INPUT };

static json_t *enum_schema(const struct field_def *f)
{
    json_t *s = json_pack("{s:s}", "type", "string");
    const struct enum_def *d = engine_enum(f->enum_name);
    if (!d)
        return s;
    json_t *codes = json_array();
    struct sbuf sb;
    sbuf_init(&sb, 8192);
    for (const struct enum_item *it = d->items; it->code; it++) {
        json_array_append_new(codes, json_string(it->code));
        sbuf_addf(&sb, "%s%s=%s", it == d->items ? "" : "，", it->code, it->label);
    }
    if (d->extendable) {
        /* administrators may add codes: list the built-in ones without restricting */
        json_object_set_new(s, "examples", codes);
        sbuf_adds(&sb, "（可由管理员扩充）");
    } else {
        json_object_set_new(s, "enum", codes);
    }
    json_object_set_new(s, "x-enum", json_string(d->name));
    set_description(s, sb.buf);
    sbuf_release(&sb);
    return s;
}

static json_t *id_input(void)
{
    return json_pack("{s:[s, s], s:s}", "type", "string", "integer", "description",
                     "编号（数字字符串，也接受整数）");
}

/* The JSON a field's value has, as the server answers it (OUTPUT) or accepts it (INPUT);
 * null is added by the caller. */
static json_t *field_schema(const struct field_def *f, enum direction dir)
{
    json_t *s = NULL;
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT: {
        int64_t max = engine_text_max(f);
        s = json_pack("{s:s, s:I}", "type", "string", "maxLength", (json_int_t)max);
        if (f->min > 0)
            json_object_set_new(s, "minLength", json_integer(f->min));
        /* POSIX classes have no ECMA-262 form: those patterns stay in the description */
        if (f->pattern && !strstr(f->pattern, "[[:") && dir == INPUT)
            json_object_set_new(s, "pattern", json_string(f->pattern));
        break;
    }
    case FT_INT:
        s = json_pack("{s:s}", "type", "integer");
        if (f->min || f->max) {
            json_object_set_new(s, "minimum", json_integer(f->min));
            json_object_set_new(s, "maximum", json_integer(f->max));
        }
        break;
    case FT_DECIMAL: {
        char pat[64];
        snprintf(pat, sizeof(pat), "^-?[0-9]+(\\.[0-9]{1,%d})?$", f->scale > 0 ? f->scale : 1);
        if (dir == OUTPUT) {
            s = string_schema(NULL, f->scale > 0 ? pat : "^-?[0-9]+$");
        } else {
            s = json_pack("{s:[s, s], s:s}", "type", "string", "number", "pattern",
                          f->scale > 0 ? pat : "^-?[0-9]+$");
            if (f->min || f->max) {
                json_object_set_new(s, "minimum", json_integer(f->min));
                json_object_set_new(s, "maximum", json_integer(f->max));
            }
        }
        json_object_set_new(s, "x-scale", json_integer(f->scale));
        break;
    }
    case FT_BOOL:
        s = json_pack("{s:s}", "type", "boolean");
        break;
    case FT_DATE:
        s = string_schema("date", NULL);
        break;
    case FT_DATETIME:
        s = string_schema("date-time", NULL);
        break;
    case FT_ENUM:
        s = enum_schema(f);
        break;
    case FT_REF:
        s = dir == OUTPUT ? openapi_ref("Id") : id_input();
        json_object_set_new(s, "x-ref", json_string(f->ref));
        break;
    case FT_MULTI_REF:
        s = json_pack("{s:s, s:o, s:s}", "type", "array", "items",
                      dir == OUTPUT ? openapi_ref("Id") : id_input(), "x-ref", f->ref);
        break;
    case FT_REGION:
        s = string_schema(NULL, REGION_PATTERN);
        set_description(s, "12位统计用区划代码");
        break;
    case FT_IDCARD:
        s = string_schema(NULL, NULL);
        set_description(s, dir == OUTPUT ? "身份证件号码（无查阅权限时为掩码）"
                                         : "身份证件号码（18位，或15位旧号码）");
        break;
    case FT_USCC:
        s = string_schema(NULL, dir == OUTPUT ? "^[0-9A-Z]{18}$" : NULL);
        set_description(s, "统一社会信用代码（18位）");
        break;
    case FT_PHONE:
        s = string_schema(NULL, NULL);
        set_description(s, dir == OUTPUT ? "手机或固定电话号码（无查阅权限时为掩码）"
                                         : "手机或固定电话号码，如 13812345678、010-12345678");
        break;
    case FT_ATTACHMENTS:
        s = json_pack("{s:s, s:o}", "type", "array", "items",
                      dir == OUTPUT ? openapi_ref("Attachment") : id_input());
        if (dir == INPUT)
            set_description(s, "附件编号：先 PUT /api/v1/attachment 上传，再填入此处");
        break;
    case FT_TAGS:
        s = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string");
        break;
    case FT_GEO:
        s = openapi_ref("Geo");
        break;
    }
    if (!s)
        s = json_object();
    if (!json_object_get(s, "$ref"))
        json_object_set_new(s, "title", json_string(f->label));
    return s;
}

static json_t *property(const struct field_def *f, enum direction dir)
{
    json_t *s = field_schema(f, dir);
    if (!(f->flags & FF_REQUIRED) || dir == OUTPUT)
        s = nullable(s);
    if (f->help || f->required_when) {
        char buf[512];
        const char *old = json_string_value(json_object_get(s, "description"));
        snprintf(buf, sizeof(buf), "%s%s%s%s%s%s", f->label, old ? "：" : "", old ? old : "",
                 f->help ? "。" : "", f->help ? f->help : "", f->required_when ? "。" : "");
        if (f->required_when) {
            size_t n = strlen(buf);
            snprintf(buf + n, sizeof(buf) - n, "当 %s 时必填", f->required_when);
        }
        set_description(s, buf);
    }
    if (dir == OUTPUT && (f->flags & FF_READONLY))
        json_object_set_new(s, "readOnly", json_true());
    return s;
}

/* ---- Entity schemas ------------------------------------------------------------------ */

const char *openapi_name(struct arena *a, const struct entity *e, const char *suffix)
{
    return arena_printf(a, "%s%s", e->name, suffix);
}

static json_t *row_schema(const struct entity *e)
{
    json_t *props = json_object(), *req = json_array();
    bool reference = e->flags & ENTITY_REFERENCE;
    if (!reference) {
        json_object_set_new(props, "id", openapi_ref("Id"));
        json_object_set_new(props, "version",
                            json_pack("{s:s, s:i, s:s}", "type", "integer", "minimum", 1,
                                      "description", "版本号：修改时原样提交，用于发现并发修改"));
        json_object_set_new(props, "created_at", string_schema("date-time", NULL));
        json_object_set_new(props, "updated_at", string_schema("date-time", NULL));
        json_array_append_new(req, json_string("id"));
        json_array_append_new(req, json_string("version"));
    }
    if (e->flags & ENTITY_SOFT_DELETE)
        json_object_set_new(props, "deleted_at", nullable(string_schema("date-time", NULL)));
    if (e->workflow) {
        json_t *states = json_array();
        for (const struct state_def *s = e->workflow->states; s->name; s++)
            json_array_append_new(states, json_string(s->name));
        json_object_set_new(props, "state",
                            json_pack("{s:s, s:o, s:s}", "type", "string", "enum", states,
                                      "description", "流程状态"));
        json_object_set_new(props, "state_label", json_pack("{s:s}", "type", "string"));
        /* only in the answer about one row (workflow_detail) */
        json_object_set_new(props, "history",
                            json_pack("{s:s, s:{s:s}, s:s}", "type", "array", "items", "type",
                                      "object", "description", "流程记录（读取一条时）"));
        json_object_set_new(props, "deadlines",
                            json_pack("{s:s, s:{s:s}, s:s}", "type", "array", "items", "type",
                                      "object", "description", "办理期限（读取一条时）"));
        json_object_set_new(props, "actions",
                            json_pack("{s:s, s:{s:s}, s:s}", "type", "array", "items", "type",
                                      "object", "description",
                                      "当前用户现在可以执行的流程操作（读取一条时）"));
    }
    bool pii = false;
    for (const struct field_def *f = e->fields; f->name; f++) {
        json_object_set_new(props, f->name, property(f, OUTPUT));
        if (f->type == FT_REF || f->type == FT_REGION) {
            char label[96];
            snprintf(label, sizeof(label), "%s_label", f->name);
            json_object_set_new(props, label,
                                json_pack("{s:[s, s], s:s}", "type", "string", "null",
                                          "description",
                                          f->type == FT_REF ? "所引用记录的名称" : "区划名称"));
        }
        pii = pii || f->pii != PII_NONE;
        json_array_append_new(req, json_string(f->name));
    }
    if (pii)
        json_object_set_new(
            props, "masked",
            json_pack("{s:s, s:s}", "type", "boolean", "description", "个人信息是否以掩码显示"));
    return json_pack("{s:s, s:s, s:o, s:o}", "type", "object", "title", e->label, "properties",
                     props, "required", req);
}

/* What a client may send: create (every writable field), update (the same minus the
 * create-only ones, all optional, plus the version it read). */
static json_t *input_schema(const struct entity *e, bool create)
{
    json_t *props = json_object(), *req = json_array();
    for (const struct field_def *f = e->fields; f->name; f++) {
        if (f->flags & FF_READONLY)
            continue;
        if (!create && (f->flags & FF_CREATE_ONLY))
            continue;
        json_object_set_new(props, f->name, property(f, INPUT));
        if (create && (f->flags & FF_REQUIRED))
            json_array_append_new(req, json_string(f->name));
    }
    if (!create) {
        json_object_set_new(props, "version",
                            json_pack("{s:s, s:i, s:s}", "type", "integer", "minimum", 1,
                                      "description", "读取时的版本号；已被他人修改时答复 409"));
        json_array_append_new(req, json_string("version"));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:b}", "type", "object", "title", e->label, "properties",
                     props, "required", req, "additionalProperties", 0);
}

static json_t *action_schema(const struct entity *e, const struct transition *t)
{
    json_t *props = json_object(), *req = json_array();
    for (const struct field_def *f = t->fields; f && f->name; f++) {
        json_object_set_new(props, f->name, property(f, INPUT));
        if (f->flags & FF_REQUIRED)
            json_array_append_new(req, json_string(f->name));
    }
    if (!json_object_get(props, "comment"))
        json_object_set_new(props, "comment",
                            json_pack("{s:[s, s], s:s}", "type", "string", "null", "description",
                                      "办理意见（记入流程记录）"));
    json_object_set_new(props, "version",
                        json_pack("{s:s, s:s}", "type", "integer", "description",
                                  "读取时的版本号（可选）；已被他人修改时答复 409"));
    char title[160];
    snprintf(title, sizeof(title), "%s：%s（%s → %s）", e->label, t->label ? t->label : t->action,
             t->from, t->to);
    return json_pack("{s:s, s:s, s:o, s:o, s:b, s:s}", "type", "object", "title", title,
                     "properties", props, "required", req, "additionalProperties", 0, "x-action",
                     t->action);
}

void openapi_entity_schemas(struct arena *a, const struct entity *e, json_t *schemas)
{
    json_object_set_new(schemas, e->name, row_schema(e));
    json_object_set_new(
        schemas, openapi_name(a, e, "_list"),
        json_pack("{s:s, s:[s, s, s, s, s], s:{s:{s:s, s:o}, s:{s:s}, s:{s:s, "
                  "s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:[s, s], s:s}}}",
                  "type", "object", "required", "items", "total", "total_exact", "page", "size",
                  "properties", "items", "type", "array", "items", openapi_ref(e->name), "total",
                  "type", "integer", "total_exact", "type", "boolean", "description",
                  "false：匹配很多，total 只数到本页之后四页（检索按时间从新到旧）", "page", "type",
                  "integer", "size", "type", "integer", "next", "type", "string", "description",
                  "下一页的 after 参数（按编号或时间排序时）", "search_order", "type", "string",
                  "enum", "relevance", "newest", "description",
                  "有关键词 q 时：按相关度或按时间从新到旧"));
    if (e->perms.write && !(e->flags & ENTITY_REFERENCE)) {
        json_object_set_new(schemas, openapi_name(a, e, "_create"), input_schema(e, true));
        json_object_set_new(schemas, openapi_name(a, e, "_update"), input_schema(e, false));
    }
    if (e->workflow)
        for (const struct transition *t = e->workflow->transitions; t->action; t++)
            json_object_set_new(schemas, arena_printf(a, "%s_action_%s", e->name, t->action),
                                action_schema(e, t));
}

/* ---- Parameters ---------------------------------------------------------------------- */

json_t *openapi_param(const char *name, const char *in, bool required, json_t *schema,
                      const char *description)
{
    json_t *p = json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", in, "required", required,
                          "schema", schema);
    set_description(p, description);
    return p;
}

/* A comma-separated list of values: ?name=v1,v2 (form style, not exploded). */
static json_t *list_param(const char *name, json_t *items, const char *description)
{
    json_t *p =
        openapi_param(name, "query", false,
                      json_pack("{s:s, s:o}", "type", "array", "items", items), description);
    json_object_set_new(p, "style", json_string("form"));
    json_object_set_new(p, "explode", json_false());
    return p;
}

json_t *openapi_path_param(const struct entity *e, const char *name)
{
    if (strcmp(name, "id") == 0 || strcmp(name, "grant") == 0)
        return openapi_param(name, "path", true, openapi_ref("Id"), "编号");
    if (strcmp(name, "code") == 0)
        return openapi_param(name, "path", true, string_schema(NULL, REGION_PATTERN),
                             "12位统计用区划代码");
    if (strcmp(name, "date") == 0)
        return openapi_param(name, "path", true, string_schema("date", NULL), "日期 YYYY-MM-DD");
    if (strcmp(name, "year") == 0)
        return openapi_param(name, "path", true, string_schema(NULL, "^[0-9]{1,4}$"), "年份");
    if (strcmp(name, "action") == 0 && e && e->workflow) {
        json_t *acts = json_array();
        struct sbuf sb;
        sbuf_init(&sb, 8192);
        for (const struct transition *t = e->workflow->transitions; t->action; t++) {
            bool dup = false;
            for (const struct transition *u = e->workflow->transitions; u != t; u++)
                dup = dup || strcmp(u->action, t->action) == 0;
            if (!dup)
                json_array_append_new(acts, json_string(t->action));
            sbuf_addf(&sb, "%s%s=%s（%s → %s）", t == e->workflow->transitions ? "" : "；",
                      t->action, t->label ? t->label : t->action, t->from, t->to);
        }
        json_t *p = openapi_param(name, "path", true,
                                  json_pack("{s:s, s:o}", "type", "string", "enum", acts), sb.buf);
        sbuf_release(&sb);
        return p;
    }
    if (strcmp(name, "key") == 0 && e && e->key)
        return openapi_param(name, "path", true, string_schema(NULL, NULL), e->key);
    return openapi_param(name, "path", true, string_schema(NULL, NULL), NULL);
}

json_t *openapi_static_param(const struct param_def *d)
{
    json_t *s = NULL;
    switch (d->type) {
    case PARAM_STR:
        s = json_pack("{s:s, s:i}", "type", "string", "maxLength", 200);
        break;
    case PARAM_INT:
        s = json_pack("{s:s}", "type", "integer");
        if (d->min || d->max) {
            json_object_set_new(s, "minimum", json_integer(d->min));
            json_object_set_new(s, "maximum", json_integer(d->max));
        }
        break;
    case PARAM_REGION:
        s = string_schema(NULL, REGION_PATTERN);
        break;
    case PARAM_BOOL:
        s = json_pack("{s:s}", "type", "boolean");
        break;
    case PARAM_TIME:
        s = json_pack("{s:s, s:s}", "type", "integer", "description", "Unix 时间（秒）");
        break;
    }
    return openapi_param(d->name, "query", false, s, d->label);
}

/* The list query of an entity (list and export): filters, q, region, state, deleted, sort,
 * paging (see engine_query_build). */
json_t *openapi_reveal_param(void)
{
    return openapi_param("reveal", "query", false, json_pack("{s:s}", "type", "boolean"),
                         "true：具有身份信息权限时显示个人信息原文（每次查阅都记入审计）");
}

void openapi_query_params(const struct entity *e, json_t *out, bool paging)
{
    struct sbuf sorts;
    sbuf_init(&sorts, 8192);
    sbuf_adds(&sorts, "排序字段，逗号分隔，前加 - 为降序；可用：id, created_at, updated_at");
    bool searchable = e->flags & ENTITY_FTS;
    for (const struct field_def *f = e->fields; f->name; f++) {
        searchable = searchable || (f->flags & FF_SEARCHABLE);
        if (f->flags & FF_SORTABLE)
            sbuf_addf(&sorts, ", %s", f->name);
        if (!(f->flags & FF_FILTERABLE))
            continue;
        char desc[256];
        snprintf(desc, sizeof(desc), "%s：等于其中任一值（逗号分隔）%s", f->label,
                 f->type == FT_REGION ? "，区划含其下级" : "");
        json_t *items = field_schema(f, OUTPUT);
        if (f->type == FT_TAGS || f->type == FT_MULTI_REF) {
            json_t *inner = json_incref(json_object_get(items, "items"));
            json_decref(items);
            items = inner;
        }
        json_array_append_new(out, list_param(f->name, items, desc));
        if (f->type == FT_INT || f->type == FT_DECIMAL || f->type == FT_DATE ||
            f->type == FT_DATETIME) {
            char name[96];
            snprintf(desc, sizeof(desc), "%s：不小于", f->label);
            snprintf(name, sizeof(name), "%s_from", f->name);
            json_array_append_new(
                out, openapi_param(name, "query", false, field_schema(f, OUTPUT), desc));
            snprintf(desc, sizeof(desc), "%s：不大于", f->label);
            snprintf(name, sizeof(name), "%s_to", f->name);
            json_array_append_new(
                out, openapi_param(name, "query", false, field_schema(f, OUTPUT), desc));
        }
    }
    if (e->workflow) {
        json_t *states = json_array();
        for (const struct state_def *s = e->workflow->states; s->name; s++)
            json_array_append_new(states, json_string(s->name));
        json_array_append_new(
            out, list_param("state", json_pack("{s:s, s:o}", "type", "string", "enum", states),
                            "流程状态（逗号分隔）"));
        sbuf_adds(&sorts, ", state");
    }
    if (searchable)
        json_array_append_new(
            out, openapi_param("q", "query", false,
                               json_pack("{s:s, s:i}", "type", "string", "maxLength", 200),
                               "关键字（全文检索）"));
    if (engine_scope_field(e))
        json_array_append_new(out, list_param("region", string_schema(NULL, REGION_PATTERN),
                                              "所属区划及其下级（逗号分隔），在您的管辖范围内"));
    if (e->flags & ENTITY_SOFT_DELETE)
        json_array_append_new(out, openapi_param("deleted", "query", false,
                                                 json_pack("{s:s}", "type", "boolean"),
                                                 "true：只列出已删除的记录（需要删除权限）"));
    if (e->perms.identity)
        json_array_append_new(out, openapi_reveal_param());
    json_array_append_new(
        out, openapi_param("sort", "query", false, string_schema(NULL, NULL), sorts.buf));
    sbuf_release(&sorts);
    if (!paging)
        return;
    json_array_append_new(out, openapi_param("page", "query", false,
                                             json_pack("{s:s, s:i, s:i}", "type", "integer",
                                                       "minimum", 1, "default", 1),
                                             "页码，从1开始"));
    json_array_append_new(out, openapi_param("size", "query", false,
                                             json_pack("{s:s, s:i, s:i, s:i}", "type", "integer",
                                                       "minimum", 1, "maximum", 200, "default", 20),
                                             "每页条数"));
    json_array_append_new(out, openapi_param("after", "query", false, string_schema(NULL, NULL),
                                             "按上一页答复的 next 继续翻页（按编号或时间排序时）"));
}
