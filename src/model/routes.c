/* The route table: every URL the server answers, with what the dispatcher checks before
 * the handler runs. */
#include "model/model.h"

#include <stdint.h>

#include "engine/attachment.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "modules/calendar/calendar_api.h"
#include "modules/region/grid.h"
#include "modules/region/region.h"
#include "server/audit.h"
#include "server/auth_api.h"
#include "server/system_api.h"
#include "server/totp_api.h"
#include "server/users_api.h"

#define PAGE_PARAMS                                                                                \
    {.name = "page", .type = PARAM_INT, .label = "页码", .min = 1, .max = 100000},                 \
    {                                                                                              \
        .name = "page_size", .type = PARAM_INT, .label = "每页条数", .min = 1, .max = 200          \
    }

static const struct param_def audit_params[] = {
    PAGE_PARAMS,
    {.name = "user_id", .type = PARAM_INT, .label = "用户", .min = 1, .max = INT64_MAX},
    {.name = "action", .type = PARAM_STR, .label = "操作"},
    {.name = "object_type", .type = PARAM_STR, .label = "对象类型"},
    {.name = "object_id", .type = PARAM_STR, .label = "对象编号"},
    {.name = "result", .type = PARAM_STR, .label = "结果"},
    {.name = "from", .type = PARAM_TIME, .label = "起始时间"},
    {.name = "to", .type = PARAM_TIME, .label = "截止时间"},
    {.name = NULL},
};

static const struct param_def user_params[] = {
    PAGE_PARAMS,
    {.name = "q", .type = PARAM_STR, .label = "关键字"},
    {.name = "status", .type = PARAM_STR, .label = "状态"},
    {.name = NULL},
};

static const struct param_def calendar_params[] = {
    {.name = "year", .type = PARAM_INT, .label = "年份", .min = 1, .max = 9999},
    {.name = NULL},
};

static const struct param_def deadline_params[] = {
    {.name = "from", .type = PARAM_STR, .label = "起算日期"},
    {.name = "days", .type = PARAM_INT, .label = "天数", .min = 0, .max = 3650},
    {.name = "mode", .type = PARAM_STR, .label = "计算方式"},
    {.name = "roll_forward", .type = PARAM_BOOL, .label = "遇节假日顺延"},
    {.name = NULL},
};

/* A write with a JSON body: a transaction, audited on success. */
#define WRITE_JSON (ROUTE_WRITE | ROUTE_JSON_BODY)

const struct route routes[] = {
    {.method = "GET", .pattern = "/healthz", .handler = system_healthz, .flags = ROUTE_PUBLIC},
    {.method = "GET",
     .pattern = "/metrics",
     .handler = system_metrics,
     .flags = ROUTE_PUBLIC | ROUTE_RAW},

    {.method = "POST",
     .pattern = "/api/v1/auth/login",
     .handler = auth_login,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_SELF_TX},
    {.method = "POST",
     .pattern = "/api/v1/auth/logout",
     .handler = auth_logout,
     .flags = ROUTE_WRITE,
     .action = "logout"},
    {.method = "GET", .pattern = "/api/v1/auth/me", .handler = auth_me},
    {.method = "POST",
     .pattern = "/api/v1/auth/password",
     .handler = auth_password,
     .flags = ROUTE_JSON_BODY | ROUTE_SELF_TX},

    {.method = "GET",
     .pattern = "/api/v1/users",
     .handler = users_list,
     .perm = "user.read",
     .query = user_params},
    {.method = "POST",
     .pattern = "/api/v1/users",
     .handler = users_create,
     .perm = "user.manage",
     .flags = WRITE_JSON,
     .action = "user.create"},
    {.method = "GET", .pattern = "/api/v1/users/{id}", .handler = users_get, .perm = "user.read"},
    {.method = "POST",
     .pattern = "/api/v1/users/{id}/lock",
     .handler = users_lock,
     .perm = "user.manage",
     .flags = ROUTE_WRITE,
     .action = "user.lock"},
    {.method = "POST",
     .pattern = "/api/v1/users/{id}/unlock",
     .handler = users_unlock,
     .perm = "user.manage",
     .flags = ROUTE_WRITE,
     .action = "user.unlock"},
    {.method = "POST",
     .pattern = "/api/v1/users/{id}/password",
     .handler = users_reset_password,
     .perm = "user.manage",
     .flags = WRITE_JSON,
     .action = "user.reset_password"},
    {.method = "POST",
     .pattern = "/api/v1/users/{id}/roles",
     .handler = users_grant,
     .perm = "role.manage",
     .flags = WRITE_JSON,
     .action = "role.grant"},
    {.method = "DELETE",
     .pattern = "/api/v1/users/{id}/roles/{grant}",
     .handler = users_revoke,
     .perm = "role.manage",
     .flags = ROUTE_WRITE,
     .action = "role.revoke"},
    {.method = "GET", .pattern = "/api/v1/roles", .handler = roles_list, .perm = "role.read"},

    {.method = "GET",
     .pattern = "/api/v1/audit",
     .handler = audit_list,
     .perm = "audit.read",
     .query = audit_params},

    {.method = "GET",
     .pattern = "/api/v1/region/{code}",
     .handler = region_get,
     .perm = "region.read"},
    {.method = "GET",
     .pattern = "/api/v1/region/{code}/children",
     .handler = region_children,
     .perm = "region.read"},
    /* region routes (modules/region) */
    {.method = "GET",
     .pattern = "/api/v1/calendar",
     .handler = calendar_api_list,
     .query = calendar_params},
    {.method = "GET",
     .pattern = "/api/v1/calendar/deadline",
     .handler = calendar_api_deadline,
     .query = deadline_params},
    {.method = "PUT",
     .pattern = "/api/v1/calendar/{date}",
     .handler = calendar_api_put,
     .perm = "calendar.manage",
     .flags = WRITE_JSON,
     .action = "calendar.set"},
    {.method = "DELETE",
     .pattern = "/api/v1/calendar/{date}",
     .handler = calendar_api_delete,
     .perm = "calendar.manage",
     .flags = ROUTE_WRITE,
     .action = "calendar.delete"},
    {.method = "PUT",
     .pattern = "/api/v1/calendar/years/{year}",
     .handler = calendar_api_year_put,
     .perm = "calendar.manage",
     .flags = ROUTE_WRITE,
     .action = "calendar.year_cover"},
    {.method = "DELETE",
     .pattern = "/api/v1/calendar/years/{year}",
     .handler = calendar_api_year_delete,
     .perm = "calendar.manage",
     .flags = ROUTE_WRITE,
     .action = "calendar.year_uncover"},
    /* calendar routes (modules/calendar) */
    {.method = "POST",
     .pattern = "/api/v1/auth/login/totp",
     .handler = totp_login,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_SELF_TX},
    {.method = "POST",
     .pattern = "/api/v1/auth/totp/enroll",
     .handler = totp_enroll,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_SELF_TX},
    {.method = "POST",
     .pattern = "/api/v1/auth/totp/confirm",
     .handler = totp_confirm,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_SELF_TX},
    {.method = "DELETE",
     .pattern = "/api/v1/auth/totp",
     .handler = totp_disable,
     .flags = ROUTE_JSON_BODY | ROUTE_SELF_TX},
    {.method = "DELETE",
     .pattern = "/api/v1/users/{id}/totp",
     .handler = totp_reset,
     .perm = "user.manage",
     .flags = ROUTE_WRITE,
     .action = "totp.reset"},
    /* two-factor routes (server/totp_api) */
    /* person routes (modules/person) */
    {.method = "GET", .pattern = "/api/v1/meta", .handler = engine_meta},
    {.method = "POST",
     .pattern = "/api/v1/dictionary/{enum}",
     .handler = engine_dictionary_add,
     .perm = "dictionary.manage",
     .flags = WRITE_JSON,
     .action = "dictionary.add"},
    {.method = "GET", .pattern = "/api/v1/openapi.json", .handler = engine_openapi},
    /* engine routes (meta, openapi) */
    {.method = "GET", .pattern = "/api/v1/todo", .handler = workflow_todo},
    {.method = "GET",
     .pattern = "/api/v1/notices",
     .handler = notices_list,
     .query =
         (const struct param_def[]){
             {.name = "page", .type = PARAM_INT, .label = "页码", .min = 1, .max = 100000},
             {.name = "size", .type = PARAM_INT, .label = "每页条数", .min = 1, .max = 200},
             {.name = "unread", .type = PARAM_BOOL, .label = "仅未读"},
             {.name = NULL}}},
    {.method = "POST",
     .pattern = "/api/v1/notices/{id}/read",
     .handler = notices_read,
     .flags = ROUTE_WRITE,
     .action = "notice.read"},
    /* workflow routes (engine/workflow) */
    {.method = "PUT",
     .pattern = "/api/v1/attachment",
     .handler = attachment_put,
     .flags = ROUTE_WRITE | ROUTE_UPLOAD,
     .action = "attachment.upload",
     .query = (const struct param_def[]){{.name = "filename", .type = PARAM_STR, .label = "文件名"},
                                         {.name = NULL}},
     .body_limit = ATTACHMENT_DEFAULT_LIMIT},
    {.method = "GET", .pattern = "/api/v1/attachment/{id}", .handler = attachment_get},
    {.method = "GET", .pattern = "/api/v1/attachment/{id}/info", .handler = attachment_info},
    /* attachment routes (engine/attachment) */

    {.method = "POST",
     .pattern = "/api/v1/test/clock",
     .handler = system_test_clock,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
    {.method = "POST",
     .pattern = "/api/v1/test/jobs",
     .handler = system_test_jobs,
     .flags = ROUTE_PUBLIC | ROUTE_TEST_ONLY},
    {.method = "POST",
     .pattern = "/api/v1/test/audit-failure",
     .handler = system_test_audit_fail,
     .flags = ROUTE_PUBLIC | ROUTE_JSON_BODY | ROUTE_TEST_ONLY},
    {.pattern = NULL},
};
