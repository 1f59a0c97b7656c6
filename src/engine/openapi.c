/* GET /api/v1/openapi.json: an OpenAPI 3.1 description of every route, generated from the
 * route table and the entity definitions on each request, so it cannot drift from them.
 * The schemas of fields and entities are in openapi_schema.c. */
#include "engine/openapi.h"

#include <stdio.h>
#include <string.h>

#include "engine/attachment.h"
#include "server/reply.h"
#include "server/server.h"

#define ID_PATTERN "^[1-9][0-9]{0,18}$"

static json_t *response_ref(const char *name)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "#/components/responses/%s", name);
    return json_pack("{s:s}", "$ref", buf);
}

/* ---- Operations ---------------------------------------------------------------------- */

/* The error answers an operation may give, by what the route does. */
static void error_responses(const struct route *rt, json_t *resp, bool has_input)
{
    bool public = rt->flags & ROUTE_PUBLIC;
    bool write = rt->flags & ROUTE_WRITE;
    bool body = rt->flags & (ROUTE_JSON_BODY | ROUTE_UPLOAD);
    if (has_input || body || rt->query)
        json_object_set_new(resp, "400", response_ref("Invalid"));
    if (!public)
        json_object_set_new(resp, "401", response_ref("Unauthenticated"));
    if (!public && (rt->perm || write))
        json_object_set_new(resp, "403", response_ref("Forbidden"));
    if (strchr(rt->pattern, '{'))
        json_object_set_new(resp, "404", response_ref("NotFound"));
    if (write)
        json_object_set_new(resp, "409", response_ref("Conflict"));
    if (body) {
        json_object_set_new(resp, "413", response_ref("TooLarge"));
        json_object_set_new(resp, "415", response_ref("UnsupportedMedia"));
    }
    json_object_set_new(resp, "default", response_ref("Error"));
}

static json_t *ok(const char *description, json_t *content)
{
    json_t *r = json_pack("{s:s}", "description", description);
    if (content)
        json_object_set_new(r, "content", content);
    return r;
}

static json_t *json_body(json_t *schema, bool required)
{
    return json_pack("{s:b, s:o}", "required", required, "content", openapi_json_content(schema));
}

/* Summary, request body and success answers of an entity route. */
static void entity_operation(struct arena *a, const struct route *rt, const struct entity *e,
                             json_t *op, json_t *params, json_t *resp)
{
    const char *summary = NULL, *opid = NULL;
    handler_fn h = rt->handler;
    if (h == engine_list) {
        summary = "列表";
        opid = "list";
        openapi_query_params(e, params, true);
        json_object_set_new(
            resp, "200",
            ok("一页记录", openapi_json_content(openapi_ref(openapi_name(a, e, "_list")))));
    } else if (h == engine_get) {
        summary = "读取一条";
        opid = "get";
        if (e->perms.identity)
            json_array_append_new(params, openapi_reveal_param());
        json_object_set_new(resp, "200", ok("记录", openapi_json_content(openapi_ref(e->name))));
    } else if (h == engine_create) {
        summary = "新建";
        opid = "create";
        json_object_set_new(op, "requestBody",
                            json_body(openapi_ref(openapi_name(a, e, "_create")), true));
        json_object_set_new(resp, "201",
                            json_pack("{s:s, s:o, s:{s:{s:s, s:{s:s}}}}", "description", "已新建",
                                      "content", openapi_json_content(openapi_ref(e->name)),
                                      "headers", "Location", "description", "新记录的地址",
                                      "schema", "type", "string"));
    } else if (h == engine_update) {
        summary = "修改（只提交要改的字段和版本号）";
        opid = "update";
        json_object_set_new(op, "requestBody",
                            json_body(openapi_ref(openapi_name(a, e, "_update")), true));
        json_object_set_new(resp, "200",
                            ok("修改后的记录", openapi_json_content(openapi_ref(e->name))));
    } else if (h == engine_delete) {
        summary = e->flags & ENTITY_SOFT_DELETE ? "删除（可恢复）" : "删除";
        opid = "delete";
        json_object_set_new(resp, "204", ok("已删除", NULL));
    } else if (h == engine_restore) {
        summary = "恢复已删除的记录";
        opid = "restore";
        json_object_set_new(resp, "200",
                            ok("恢复后的记录", openapi_json_content(openapi_ref(e->name))));
    } else if (h == engine_export) {
        summary = "导出（与列表相同的筛选条件）";
        opid = "export";
        openapi_query_params(e, params, false);
        json_array_append_new(params,
                              openapi_param("format", "query", false,
                                            json_pack("{s:s, s:[s, s], s:s}", "type", "string",
                                                      "enum", "xlsx", "csv", "default", "xlsx"),
                                            "文件格式"));
        json_object_set_new(
            resp, "200",
            json_pack("{s:s, s:{s:{}, s:{}}}", "description", "导出的文件（附件下载）", "content",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "text/csv"));
    } else if (h == engine_import) {
        summary = "导入（CSV 或 Excel，全部成功或全部不导入）";
        opid = "import";
        json_array_append_new(params, openapi_param("dry_run", "query", false,
                                                    json_pack("{s:s}", "type", "boolean"),
                                                    "只检查，不写入"));
        json_object_set_new(
            op, "requestBody",
            json_pack("{s:b, s:{s:{}, s:{}}}", "required", 1, "content",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "text/csv"));
        json_object_set_new(
            resp, "200",
            ok("导入结果", openapi_json_content(json_pack("{s:s}", "type", "object"))));
    } else if (h == engine_action) {
        summary = "流程操作";
        opid = "action";
        json_t *any = json_array();
        for (const struct transition *t = e->workflow->transitions; t->action; t++)
            json_array_append_new(any,
                                  openapi_ref(arena_printf(a, "%s_action_%s", e->name, t->action)));
        json_object_set_new(op, "requestBody", json_body(json_pack("{s:o}", "anyOf", any), true));
        json_object_set_new(resp, "200",
                            ok("操作后的记录", openapi_json_content(openapi_ref(e->name))));
        json_object_set_new(resp, "422", response_ref("Unprocessable"));
    }
    if (summary)
        json_object_set_new(op, "summary",
                            json_string(arena_printf(a, "%s：%s", e->label, summary)));
    if (opid)
        json_object_set_new(op, "operationId",
                            json_string(arena_printf(a, "%s_%s", e->name, opid)));
}

/* Routes whose answers this file knows beyond "some JSON". */
static bool known_operation(const struct route *rt, json_t *op, json_t *params, json_t *resp)
{
    if (rt->handler == attachment_put) {
        json_object_set_new(op, "summary", json_string("上传附件（请求体为文件内容本身）"));
        json_object_set_new(
            op, "description",
            json_string("文件类型按内容判断，只接受图片、PDF、Office 文档和纯文本；"
                        "相同内容只保存一份。上传后把返回的 id 填入实体的附件字段。"));
        json_array_append_new(
            params, openapi_param("filename", "query", true,
                                  json_pack("{s:s, s:i}", "type", "string", "maxLength", 200),
                                  "原文件名（只取最后一段，扩展名以内容为准）"));
        json_object_set_new(
            op, "requestBody",
            json_pack("{s:b, s:{s:{}}}", "required", 1, "content", "application/octet-stream"));
        json_object_set_new(resp, "201",
                            ok("已上传", openapi_json_content(openapi_ref("AttachmentUploaded"))));
        return true;
    }
    if (rt->handler == attachment_get) {
        json_object_set_new(op, "summary", json_string("下载附件"));
        json_object_set_new(op, "description",
                            json_string("上传者，或能查看引用该附件的记录（权限和管辖范围内）"
                                        "的用户可以下载；其他人得到 404。"));
        json_object_set_new(
            resp, "200",
            json_pack("{s:s, s:{s:{}}, s:{s:{s:s, s:{s:s}}}}", "description", "文件内容", "content",
                      "application/octet-stream", "headers", "Content-Disposition", "description",
                      "attachment; filename=…; filename*=UTF-8''…", "schema", "type", "string"));
        return true;
    }
    if (rt->handler == attachment_info) {
        json_object_set_new(op, "summary", json_string("附件信息"));
        json_object_set_new(resp, "200",
                            ok("附件信息", openapi_json_content(openapi_ref("AttachmentInfo"))));
        return true;
    }
    if (rt->handler == engine_openapi) {
        json_object_set_new(op, "summary", json_string("本接口说明（OpenAPI 3.1）"));
        json_object_set_new(
            resp, "200",
            ok("OpenAPI 文档", openapi_json_content(json_pack("{s:s}", "type", "object"))));
        return true;
    }
    return false;
}

/* operationId for a static route: method and path, e.g. get_api_v1_users_id. */
static const char *static_operation_id(struct arena *a, const struct route *rt, const char *method,
                                       json_t *used)
{
    struct sbuf sb;
    sbuf_init(&sb, 512);
    sbuf_adds(&sb, method);
    bool sep = true;
    for (const char *p = rt->pattern; *p; p++) {
        bool alnum =
            (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
        if (alnum) {
            if (sep)
                sbuf_addc(&sb, '_');
            sbuf_addc(&sb, *p);
        }
        sep = !alnum;
    }
    const char *base = arena_strdup(a, sb.buf), *id = base;
    sbuf_release(&sb);
    for (int n = 2; id && json_object_get(used, id); n++)
        id = arena_printf(a, "%s_%d", base, n);
    if (id)
        json_object_set_new(used, id, json_true());
    return id;
}

/* The tag of a route: an entity's module, else the first path segment after /api/v1. */
static const char *route_tag(struct arena *a, const struct route *rt, const struct entity *e)
{
    if (e)
        return e->module ? e->module : e->name;
    const char *p = rt->pattern;
    if (strncmp(p, "/api/v1/", 8) != 0)
        return "system";
    p += 8;
    size_t n = strcspn(p, "/");
    return arena_strndup(a, p, n);
}

/* The operation of rt; method is its lower-case method. */
static json_t *operation(struct arena *a, const struct route *rt, const char *method, json_t *used,
                         json_t *tags)
{
    const struct entity *e = engine_route_entity(rt);
    json_t *op = json_object(), *params = json_array(), *resp = json_object();
    const char *tag = route_tag(a, rt, e);
    json_object_set_new(op, "tags", json_pack("[s]", tag));
    if (!json_object_get(tags, tag))
        json_object_set_new(tags, tag, json_array());
    if (e) {
        json_t *list = json_object_get(tags, tag);
        bool seen = false;
        for (size_t i = 0; i < json_array_size(list); i++)
            seen = seen || strcmp(json_string_value(json_array_get(list, i)), e->label) == 0;
        if (!seen)
            json_array_append_new(list, json_string(e->label));
    }
    /* path parameters, in pattern order */
    for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            break;
        json_array_append_new(
            params, openapi_path_param(e, arena_strndup(a, p + 1, (size_t)(end - p - 1))));
    }
    for (const struct param_def *d = rt->query; d && d->name; d++)
        if (!(rt->handler == attachment_put && strcmp(d->name, "filename") == 0))
            json_array_append_new(params, openapi_static_param(d));
    if (e) {
        entity_operation(a, rt, e, op, params, resp);
    } else if (!known_operation(rt, op, params, resp)) {
        json_object_set_new(op, "summary",
                            json_string(arena_printf(a, "%s %s", rt->method, rt->pattern)));
        if (rt->flags & ROUTE_JSON_BODY)
            json_object_set_new(op, "requestBody",
                                json_body(json_pack("{s:s}", "type", "object"), true));
        json_object_set_new(
            resp, "2XX",
            ok("成功", rt->flags & ROUTE_RAW
                           ? json_pack("{s:{s:{s:s}}}", "text/plain", "schema", "type", "string")
                           : openapi_json_content(json_object())));
    }
    if (!json_object_get(op, "operationId"))
        json_object_set_new(op, "operationId",
                            json_string(static_operation_id(a, rt, method, used)));
    else
        json_object_set_new(used, json_string_value(json_object_get(op, "operationId")),
                            json_true());
    error_responses(rt, resp, json_array_size(params) > 0);
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    json_object_set_new(op, "responses", resp);
    if (rt->flags & ROUTE_PUBLIC)
        json_object_set_new(op, "security", json_array());
    struct sbuf d;
    sbuf_init(&d, 4096);
    const char *old = json_string_value(json_object_get(op, "description"));
    if (old)
        sbuf_addf(&d, "%s\n\n", old);
    if (rt->flags & ROUTE_PUBLIC)
        sbuf_adds(&d, "无需登录。");
    else if (rt->perm)
        sbuf_addf(&d, "需要权限 %s%s。", rt->perm, rt->scope_table ? "，且记录在管辖范围内" : "");
    else
        sbuf_adds(&d, "任何已登录用户。");
    if ((rt->flags & ROUTE_WRITE) && !(rt->flags & ROUTE_PUBLIC))
        sbuf_adds(&d, "以会话登录时须带 X-CSRF-Token 请求头。");
    if (rt->body_limit)
        sbuf_addf(&d, "请求体上限 %zu 字节%s。", rt->body_limit,
                  rt->flags & ROUTE_UPLOAD ? "（可由 SHEGONG_ATTACHMENT_LIMIT 调整）" : "");
    json_object_set_new(op, "description", json_string(d.buf));
    sbuf_release(&d);
    if (rt->perm)
        json_object_set_new(op, "x-permission", json_string(rt->perm));
    if (rt->action)
        json_object_set_new(op, "x-audit-action", json_string(rt->action));
    if (rt->flags & ROUTE_TEST_ONLY)
        json_object_set_new(op, "x-test-only", json_true());
    return op;
}

/* ---- The document -------------------------------------------------------------------- */

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:o}", "description", description, "content",
                     openapi_json_content(openapi_ref("Error")));
}

static json_t *components(struct arena *a)
{
    json_t *schemas = json_pack(
        "{s:{s:s, s:s, s:s}, s:{s:s, s:[s, s], s:{s:{s:s, s:I, s:I}, s:{s:s, s:I, s:I}}}}", "Id",
        "type", "string", "pattern", ID_PATTERN, "description",
        "64位编号，以字符串表示（JavaScript 数字不能精确表示）", "Geo", "type", "object",
        "required", "lng", "lat", "properties", "lng", "type", "number", "minimum",
        (json_int_t)-180, "maximum", (json_int_t)180, "lat", "type", "number", "minimum",
        (json_int_t)-90, "maximum", (json_int_t)90);
    json_object_set_new(
        schemas, "FieldError",
        json_pack("{s:s, s:[s, s, s], s:{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}}}",
                  "type", "object", "required", "field", "code", "message", "properties", "field",
                  "type", "string", "description", "字段名", "code", "type", "string",
                  "description", "稳定的错误代码", "message", "type", "string", "description",
                  "中文说明", "row", "type", "integer", "description", "导入时：出错的行号"));
    json_object_set_new(
        schemas, "Error",
        json_pack("{s:s, s:[s, s], s:{s:{s:s, s:[s, s, s], s:{s:{s:s, s:s}, s:{s:s, s:s}, "
                  "s:{s:s, s:o}}}, s:{s:s}}}",
                  "type", "object", "required", "error", "request_id", "properties", "error",
                  "type", "object", "required", "code", "message", "details", "properties", "code",
                  "type", "string", "description", "稳定的错误代码：invalid, not_found, conflict …",
                  "message", "type", "string", "description", "中文说明", "details", "type",
                  "array", "items", openapi_ref("FieldError"), "request_id", "type", "string"));
    json_object_set_new(schemas, "Attachment",
                        json_pack("{s:s, s:[s, s, s, s], s:{s:o, s:{s:s}, s:{s:s}, s:{s:s, s:s}}}",
                                  "type", "object", "required", "id", "name", "size", "type",
                                  "properties", "id", openapi_ref("Id"), "name", "type", "string",
                                  "size", "type", "integer", "type", "type", "string",
                                  "description", "MIME 类型（按文件内容判断）"));
    json_object_set_new(schemas, "AttachmentUploaded",
                        json_pack("{s:[o, {s:[s], s:{s:{s:s, s:s}}}]}", "allOf",
                                  openapi_ref("Attachment"), "required", "sha256", "properties",
                                  "sha256", "type", "string", "pattern", "^[0-9a-f]{64}$"));
    json_object_set_new(schemas, "AttachmentInfo",
                        json_pack("{s:[o, {s:{s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s}}}]}", "allOf",
                                  openapi_ref("Attachment"), "properties", "sha256", "type",
                                  "string", "ext", "type", "string", "created_at", "type", "string",
                                  "format", "date-time", "mine", "type", "boolean"));
    for (const struct entity *const *e = engine_entities(); *e; e++)
        openapi_entity_schemas(a, *e, schemas);

    json_t *responses = json_object();
    json_object_set_new(responses, "Error", error_response("错误"));
    json_object_set_new(responses, "Invalid",
                        error_response("提交的内容或查询参数有误（details 逐项列出字段）"));
    json_object_set_new(responses, "Unauthenticated", error_response("尚未登录或登录已过期"));
    json_object_set_new(responses, "Forbidden", error_response("没有权限，或缺少 X-CSRF-Token"));
    json_object_set_new(responses, "NotFound", error_response("不存在，或不在管辖范围内"));
    json_object_set_new(responses, "Conflict", error_response("与现有数据冲突，或版本号已过期"));
    json_object_set_new(responses, "TooLarge", error_response("请求体超过上限"));
    json_object_set_new(responses, "UnsupportedMedia", error_response("请求内容类型不受支持"));
    json_object_set_new(responses, "Unprocessable", error_response("当前状态下不能执行该操作"));

    json_t *security =
        json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}", "session", "type", "apiKey", "in",
                  "cookie", "name", "sid", "description",
                  "登录（POST /api/v1/auth/login）后的会话 Cookie；写操作须带 X-CSRF-Token 请求头",
                  "bearer", "type", "http", "scheme", "bearer", "description",
                  "访问令牌（Authorization: Bearer …），无需 CSRF 令牌");
    return json_pack("{s:o, s:o, s:o}", "schemas", schemas, "responses", responses,
                     "securitySchemes", security);
}

enum err engine_openapi(struct req *r)
{
    bool test_mode = r->srv->cfg->test_mode;
    json_t *paths = json_object(), *used = json_object(), *tag_entities = json_object();
    for (const struct route *rt = engine_routes(); rt->pattern; rt++) {
        if ((rt->flags & ROUTE_TEST_ONLY) && !test_mode)
            continue;
        json_t *item = json_object_get(paths, rt->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, rt->pattern, item);
        }
        char method[16];
        size_t n = 0;
        for (const char *m = rt->method; *m && n + 1 < sizeof(method); m++)
            method[n++] = (char)(*m >= 'A' && *m <= 'Z' ? *m - 'A' + 'a' : *m);
        method[n] = '\0';
        if (json_object_get(item, method))
            continue; /* the router answers the first of two equal routes */
        json_object_set_new(item, method, operation(&r->arena, rt, method, used, tag_entities));
    }
    json_t *tags = json_array();
    const char *name;
    json_t *labels;
    json_object_foreach(tag_entities, name, labels)
    {
        struct sbuf sb;
        sbuf_init(&sb, 4096);
        for (size_t i = 0; i < json_array_size(labels); i++)
            sbuf_addf(&sb, "%s%s", i ? "、" : "", json_string_value(json_array_get(labels, i)));
        json_t *t = json_pack("{s:s}", "name", name);
        if (sb.len)
            json_object_set_new(t, "description", json_string(sb.buf));
        sbuf_release(&sb);
        json_array_append_new(tags, t);
    }
    json_decref(used);
    json_decref(tag_entities);
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:[{s:[]}, {s:[]}], s:o, s:o, s:o}", "openapi",
        "3.1.0", "info", "title", "社工 shegong API", "version", "v1", "description",
        "由路由表和实体定义生成。编号为字符串；时间为 RFC 3339 UTC；错误答复统一为 "
        "{error:{code,message,details},request_id}。",
        "servers", "url", "/", "security", "session", "bearer", "tags", tags, "paths", paths,
        "components", components(&r->arena));
    return reply_json_take(r, 200, doc);
}
