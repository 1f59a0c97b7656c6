/* The definitions of 街乡吹哨、部门报到 (docs/whistle.md): the whistle kinds, the whistle and
 * its summons with their workflows, and the query parameters of the monthly figures. Data,
 * not code; what the tables cannot say is in whistle_hooks.c. */
#include "modules/whistle/whistle.h"

#include <stddef.h>

#define LISTED_FILTER (FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE)

/* ---- Dictionaries ------------------------------------------------------------------- */

/* The hooks start each kind's 报到 clock, so the dictionary is closed. */
static const struct enum_item kinds[] = {
    {"daily", "日常哨"},
    {"tackle", "攻坚哨"},
    {"emergency", "应急哨"},
    {NULL, NULL},
};
static const struct enum_def whistle_kind_enum = {
    .name = "whistle_kind", .label = "吹哨类别", .items = kinds};

const struct enum_def *const whistle_enums[] = {&whistle_kind_enum, NULL};

/* ---- 吹哨 ------------------------------------------------------------------------------ */

/* Fields after summoned_units are written by the system, the workflow's actions and the
 * work-order routes only. */
static const struct field_def whistle_fields[] = {
    {.name = "title",
     .label = "吹哨事项",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 100},
    {.name = "kind",
     .label = "吹哨类别",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_CREATE_ONLY | LISTED_FILTER | FF_SORTABLE,
     .enum_name = "whistle_kind",
     .help = "应急哨30分钟内报到，攻坚哨24小时内报到，日常哨3个工作日内报到"},
    {.name = "problem",
     .label = "问题描述",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "address",
     .label = "问题地点",
     .type = FT_TEXT,
     .flags = FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 200},
    {.name = "location", .label = "位置", .type = FT_GEO},
    {.name = "photos", .label = "现场照片", .type = FT_ATTACHMENTS},
    {.name = "region_code",
     .label = "问题所在区划",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | FF_CREATE_ONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "unit_id",
     .label = "吹哨单位",
     .type = FT_REF,
     .flags = FF_CREATE_ONLY | LISTED_FILTER,
     .ref = "unit",
     .help = "不填为本人所在的街道（乡镇）；吹哨单位的辖区应包含问题所在区划"},
    {.name = "summoned_units",
     .label = "报到单位",
     .type = FT_MULTI_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY | FF_EXPORTABLE,
     .ref = "unit",
     .help = "1至20个职能部门或其他单位，不含吹哨单位本身"},
    {.name = "code",
     .label = "吹哨编号",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_UNIQUE | LISTED_FILTER | FF_SORTABLE,
     .max = 20},
    {.name = "work_order_id",
     .label = "来源工单",
     .type = FT_REF,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "work_order"},
    {.name = "raised_at",
     .label = "吹哨时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "rate_month",
     .label = "统计月份",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .max = 7},
    {.name = "accepted_at",
     .label = "验收时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "result_note",
     .label = "验收意见",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 2000},
    {.name = "cancel_reason",
     .label = "撤销原因",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = NULL},
};

static const struct state_def whistle_states[] = {
    {"raised", "已吹哨", false},
    {"accepted", "已验收", true},
    {"cancelled", "已撤销", true},
    {NULL, NULL, false},
};

static const struct field_def accept_fields[] = {
    {.name = "result_note",
     .label = "验收意见",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 2000,
     .help = "各报到单位均已办结（或已撤回）后方可验收"},
    {.name = NULL},
};
static const struct field_def cancel_fields[] = {
    {.name = "cancel_reason",
     .label = "撤销原因",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 500,
     .help = "撤销后，尚未办结的报到单位一并撤回，报到计时停止"},
    {.name = NULL},
};

#define RAISE  "whistle.raise"
#define REPORT "whistle.report"

static const struct transition whistle_transitions[] = {
    {.from = "raised",
     .action = "accept",
     .label = "验收",
     .to = "accepted",
     .perm = RAISE,
     .fields = accept_fields},
    {.from = "raised",
     .action = "cancel",
     .label = "撤销",
     .to = "cancelled",
     .perm = RAISE,
     .fields = cancel_fields},
    {.from = NULL},
};

static const struct workflow whistle_workflow = {
    .initial = "raised",
    .states = whistle_states,
    .transitions = whistle_transitions,
};

const struct entity whistle_entity = {
    .name = "whistle",
    .label = "吹哨",
    .table = "whistle",
    .fields = whistle_fields,
    .perms = {.read = "whistle.read", .write = RAISE},
    .flags = ENTITY_FTS,
    .default_sort = "-raised_at",
    .workflow = &whistle_workflow,
    .hooks = &whistle_hooks,
    .module = "workorder",
    .enums = whistle_enums,
};

/* ---- 报到 ------------------------------------------------------------------------------ */

/* One row per summoned unit, written when the whistle is raised (whistle_hooks.c); every
 * field is the system's or an action's. */
static const struct field_def summons_fields[] = {
    {.name = "whistle_id",
     .label = "吹哨事项",
     .type = FT_REF,
     .flags = FF_READONLY | LISTED_FILTER,
     .ref = "whistle"},
    {.name = "unit_id",
     .label = "报到单位",
     .type = FT_REF,
     .flags = FF_READONLY | LISTED_FILTER,
     .ref = "unit"},
    {.name = "region_code",
     .label = "问题所在区划",
     .type = FT_REGION,
     .flags = FF_READONLY | FF_SCOPE | LISTED_FILTER,
     .help = "与吹哨事项相同"},
    {.name = "kind",
     .label = "吹哨类别",
     .type = FT_ENUM,
     .flags = FF_READONLY | LISTED_FILTER,
     .enum_name = "whistle_kind"},
    {.name = "rate_month",
     .label = "统计月份",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .max = 7},
    {.name = "summoned_at",
     .label = "吹哨时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "report_due",
     .label = "报到时限",
     .type = FT_DATETIME,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "reported_at",
     .label = "报到时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "reported_in_time",
     .label = "按时报到",
     .type = FT_BOOL,
     .flags = FF_READONLY | LISTED_FILTER},
    {.name = "report_note",
     .label = "报到情况",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 1000},
    {.name = "handled_at",
     .label = "办结时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "handling_note",
     .label = "办理情况",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 2000},
    {.name = "rating_timeliness",
     .label = "响应及时评分",
     .type = FT_INT,
     .flags = FF_READONLY | LISTED_FILTER,
     .min = 1,
     .max = 5},
    {.name = "rating_effect",
     .label = "办理效果评分",
     .type = FT_INT,
     .flags = FF_READONLY | LISTED_FILTER,
     .min = 1,
     .max = 5},
    {.name = "rating_attitude",
     .label = "工作态度评分",
     .type = FT_INT,
     .flags = FF_READONLY | LISTED_FILTER,
     .min = 1,
     .max = 5},
    {.name = "rating_comment",
     .label = "评价意见",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "rated_at",
     .label = "评价时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = NULL},
};

static const struct state_def summons_states[] = {
    {"summoned", "待报到", false}, {"reported", "已报到", false}, {"done", "已办结", false},
    {"rated", "已评价", true},     {"withdrawn", "已撤回", true}, {NULL, NULL, false},
};

/* The report clock starts when the whistle is raised, with the kind's limit
 * (whistle_hooks.c); it stops when the unit reports or is withdrawn. */
static const struct deadline_rule stop_report[] = {
    {.name = WHISTLE_CLOCK_REPORT, .op = DL_STOP},
    {.name = NULL},
};

static const struct field_def report_fields[] = {
    {.name = "report_note",
     .label = "报到情况",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 1000,
     .help = "到场人员、初步处置意见等"},
    {.name = NULL},
};
static const struct field_def finish_fields[] = {
    {.name = "handling_note",
     .label = "办理情况",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 2000},
    {.name = "handled_at", .label = "办结时间", .type = FT_DATETIME, .help = "不填为当前时间"},
    {.name = NULL},
};
static const struct field_def rate_fields[] = {
    {.name = "rating_timeliness",
     .label = "响应及时评分",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 5},
    {.name = "rating_effect",
     .label = "办理效果评分",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 5},
    {.name = "rating_attitude",
     .label = "工作态度评分",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 5},
    {.name = "rating_comment", .label = "评价意见", .type = FT_TEXT, .max = 500},
    {.name = NULL},
};
/* the reason goes into the history as the action's comment */
static const struct field_def redo_fields[] = {
    {.name = "comment", .label = "退回原因", .type = FT_TEXT, .flags = FF_REQUIRED, .max = 500},
    {.name = NULL},
};

static const struct transition summons_transitions[] = {
    {.from = "summoned",
     .action = "report",
     .label = "报到",
     .to = "reported",
     .perm = REPORT,
     .fields = report_fields,
     .deadlines = stop_report},
    {.from = "reported",
     .action = "finish",
     .label = "办结反馈",
     .to = "done",
     .perm = REPORT,
     .fields = finish_fields},
    {.from = "done",
     .action = "rate",
     .label = "评价",
     .to = "rated",
     .perm = RAISE,
     .fields = rate_fields},
    {.from = "done",
     .action = "redo",
     .label = "退回重办",
     .to = "reported",
     .perm = RAISE,
     .fields = redo_fields},
    {.from = "summoned",
     .action = "withdraw",
     .label = "撤回",
     .to = "withdrawn",
     .perm = RAISE,
     .deadlines = stop_report},
    {.from = "reported", .action = "withdraw", .label = "撤回", .to = "withdrawn", .perm = RAISE},
    {.from = NULL},
};

/* 督办: the raising side hears of units not reporting in time. */
static const struct workflow summons_workflow = {
    .initial = "summoned",
    .states = summons_states,
    .transitions = summons_transitions,
    .supervise_perm = RAISE,
    .due_soon_days = 1,
};

const struct entity whistle_summons_entity = {
    .name = "whistle_summons",
    .label = "吹哨报到",
    .table = "whistle_summons",
    .fields = summons_fields,
    .perms = {.read = "whistle.read"},
    .flags = ENTITY_NO_CREATE,
    .default_sort = "-summoned_at",
    .workflow = &summons_workflow,
    .hooks = &whistle_summons_hooks,
    .module = "workorder",
};

/* ---- Figures ---------------------------------------------------------------------------- */

const struct param_def whistle_month_params[] = {
    {.name = "month", .type = PARAM_STR, .label = "统计月份"},
    {.name = "region", .type = PARAM_REGION, .label = "区划"},
    {.name = NULL},
};
