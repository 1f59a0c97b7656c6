/* The petition entity (信访事项, 信访工作条例 2022) as the engine's tables: its fields, its
 * dictionaries and its workflow with the statutory clocks (docs/petition.md). What the
 * tables cannot say — petitioners, confidentiality, windows for the citizen — is in
 * petition.c. Plain 日 in the law are calendar days, the due day rolled forward over
 * holidays; 工作日 are working days of the calendar. */
#include "modules/petition/petition.h"

#include <stddef.h>

static const struct enum_item channels[] = {
    {"online", "网络"}, {"letter", "书信"}, {"phone", "电话"},
    {"fax", "传真"},    {"visit", "走访"},  {NULL, NULL},
};
static const struct enum_def channel = {
    .name = "petition_channel", .label = "信访渠道", .items = channels};

static const struct enum_item classes[] = {
    {"suggestion", "建议意见"},
    {"accusation", "检举控告"},
    {"grievance", "申诉求决"},
    {NULL, NULL},
};
static const struct enum_def class_def = {
    .name = "petition_class", .label = "信访事项类别", .items = classes};

static const struct enum_item categories[] = {
    {"urban_construction", "城乡建设"},
    {"land", "国土资源"},
    {"labor", "劳动和社会保障"},
    {"agriculture", "农业农村"},
    {"environment", "生态环境"},
    {"health", "卫生健康"},
    {"education", "教育"},
    {"civil_affairs", "民政"},
    {"transport", "交通运输"},
    {"law", "政法"},
    {"discipline", "纪检监察"},
    {"enterprise", "企业改制"},
    {"other", "其他"},
    {NULL, NULL},
};
static const struct enum_def category = {
    .name = "petition_category", .label = "内容分类", .items = categories, .extendable = true};

static const struct enum_item reject_reasons[] = {
    {"repeat_in_handling", "同一事项正在办理"},
    {"after_rereview", "已复核，同一事实和理由"},
    {"legal_procedure", "应通过诉讼、仲裁、复议等法定途径解决"},
    {"not_in_remit", "不属于本机关职责范围"},
    {"other", "其他"},
    {NULL, NULL},
};
static const struct enum_def reject_reason = {
    .name = "petition_reject_reason", .label = "不予受理理由", .items = reject_reasons};

static const struct enum_item reply_kinds[] = {
    {"support", "予以支持"},
    {"explain", "解释说明"},
    {"not_support", "不予支持"},
    {NULL, NULL},
};
static const struct enum_def reply_kind = {
    .name = "petition_reply_kind", .label = "处理意见", .items = reply_kinds};

static const struct enum_item ratings[] = {
    {"satisfied", "满意"},
    {"basic", "基本满意"},
    {"unsatisfied", "不满意"},
    {NULL, NULL},
};
static const struct enum_def rating = {
    .name = "petition_rating", .label = "评价", .items = ratings};

static const struct enum_item decisions[] = {
    {"uphold", "维持"},
    {"change", "变更"},
    {"revoke", "撤销"},
    {NULL, NULL},
};
static const struct enum_def decision = {
    .name = "petition_decision", .label = "复查复核意见", .items = decisions};

#define LISTED_FILTER (FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE)
#define SYSTEM_TIME   (FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE)

static const struct field_def fields[] = {
    {.name = "title",
     .label = "事项摘要",
     .type = FT_TEXT,
     .flags = FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 100,
     .help = "不填时取内容的前30个字"},
    {.name = "channel",
     .label = "信访渠道",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "petition_channel"},
    {.name = "class",
     .label = "事项类别",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "petition_class"},
    {.name = "category",
     .label = "内容分类",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "petition_category"},
    {.name = "content",
     .label = "信访内容",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "region_code",
     .label = "问题属地",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | LISTED_FILTER},
    {.name = "complained_unit_id",
     .label = "被反映单位",
     .type = FT_REF,
     .flags = LISTED_FILTER,
     .ref = "unit"},
    {.name = "unit_id",
     .label = "承办单位",
     .type = FT_REF,
     .flags = LISTED_FILTER | FF_READONLY,
     .ref = "unit",
     .help = "转送、交办时确定"},
    {.name = "collective", .label = "集体访", .type = FT_BOOL, .flags = LISTED_FILTER},
    {.name = "headcount",
     .label = "人数",
     .type = FT_INT,
     .flags = FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE,
     .min = 1,
     .max = 100000,
     .required_when = "collective=true"},
    {.name = "confidential",
     .label = "要求保密",
     .type = FT_BOOL,
     .flags = FF_FILTERABLE | FF_EXPORTABLE},
    {.name = "query_code",
     .label = "查询码",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE | FF_UNIQUE,
     .max = 12},
    {.name = "petitioner_name",
     .label = "信访人",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_LISTED | FF_EXPORTABLE | FF_WITHHELD,
     .max = 60,
     .pii = PII_NAME},
    {.name = "petitioner_count",
     .label = "信访人数",
     .type = FT_INT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .min = 0,
     .max = 100},
    {.name = "documents", .label = "信访材料", .type = FT_ATTACHMENTS, .flags = FF_WITHHELD},
    {.name = "repeat_of",
     .label = "重复件（原事项）",
     .type = FT_REF,
     .flags = FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "petition"},
    {.name = "after_rereview",
     .label = "复核后再次信访",
     .type = FT_BOOL,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE},
    {.name = "reject_reason",
     .label = "不予受理理由",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "petition_reject_reason"},
    {.name = "reject_guidance",
     .label = "告知途径",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "reply_kind",
     .label = "处理意见",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "petition_reply_kind"},
    {.name = "reply_facts",
     .label = "事实",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY,
     .max = 5000},
    {.name = "reply_basis",
     .label = "依据",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY,
     .max = 2000},
    {.name = "reply_text",
     .label = "处理意见书正文",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 5000},
    {.name = "extension_days",
     .label = "延期天数",
     .type = FT_INT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .min = 1,
     .max = 30},
    {.name = "extension_reason",
     .label = "延期理由",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 200},
    {.name = "objection_reason",
     .label = "异议理由",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "rating",
     .label = "评价",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "petition_rating"},
    {.name = "rating_comment",
     .label = "评价意见",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "review_decision",
     .label = "复查意见",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "petition_decision"},
    {.name = "review_text",
     .label = "复查意见书",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY,
     .max = 5000},
    {.name = "rereview_decision",
     .label = "复核意见",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "petition_decision"},
    {.name = "rereview_text",
     .label = "复核意见书",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY,
     .max = 5000},
    {.name = "dispute_id",
     .label = "转人民调解的纠纷",
     .type = FT_REF,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "dispute"},
    {.name = "mediation_outcome",
     .label = "调解结果",
     .type = FT_ENUM,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "dispute_outcome"},
    {.name = "routed_at", .label = "转送交办时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "accepted_at", .label = "受理时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "replied_at", .label = "答复时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "rated_at", .label = "评价时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "reviewed_at", .label = "复查时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "rereviewed_at", .label = "复核时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = "closed_at", .label = "办结时间", .type = FT_DATETIME, .flags = SYSTEM_TIME},
    {.name = NULL},
};

/* ---- Workflow ------------------------------------------------------------------------ */

static const struct state_def states[] = {
    {"registered", "已登记", false},    {"routed", "已转送交办", false},
    {"objected", "异议待定", false},    {"handling", "办理中", false},
    {"replied", "已答复", false},       {"reviewing", "复查中", false},
    {"reviewed", "已复查", false},      {"rereviewing", "复核中", false},
    {"hearing", "听证中", false},       {"closed", "已办结", true},
    {"not_accepted", "不予受理", true}, {NULL, NULL, false},
};

#define DAYS(n) .amount = (n), .unit = DL_CALENDAR_DAYS, .roll_forward = true

static const struct deadline_rule on_create[] = {
    {.name = "route", .label = "转送交办期限", .op = DL_START, DAYS(15)},
    {.name = NULL},
};
static const struct deadline_rule on_route[] = {
    {.name = "route", .op = DL_STOP},
    {.name = "accept", .label = "告知受理期限", .op = DL_START, DAYS(15)},
    {.name = NULL},
};
static const struct deadline_rule on_reject_registered[] = {
    {.name = "route", .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_reject_routed[] = {
    {.name = "accept", .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_object[] = {
    {.name = "accept", .op = DL_PAUSE},
    {.name = NULL},
};
static const struct deadline_rule on_uphold[] = {
    {.name = "accept", .op = DL_STOP},
    {.name = "route", .label = "转送交办期限", .op = DL_START, DAYS(15)},
    {.name = NULL},
};
static const struct deadline_rule on_dismiss[] = {
    {.name = "accept", .op = DL_RESUME},
    {.name = NULL},
};
static const struct deadline_rule on_accept[] = {
    {.name = "accept", .op = DL_STOP},
    {.name = "handle", .label = "办理期限", .op = DL_START, DAYS(60)},
    {.name = NULL},
};
static const struct deadline_rule on_extend[] = {
    {.name = "handle", .op = DL_EXTEND, DAYS(30), .amount_field = "extension_days"},
    {.name = NULL},
};
static const struct deadline_rule on_reply[] = {
    {.name = "handle", .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_request_review[] = {
    {.name = "review", .label = "复查期限", .op = DL_START, DAYS(30)},
    {.name = NULL},
};
static const struct deadline_rule on_review[] = {
    {.name = "review", .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_request_rereview[] = {
    {.name = "rereview", .label = "复核期限", .op = DL_START, DAYS(30)},
    {.name = NULL},
};
static const struct deadline_rule on_hearing_start[] = {
    {.name = "rereview", .op = DL_PAUSE},
    {.name = NULL},
};
static const struct deadline_rule on_hearing_end[] = {
    {.name = "rereview", .op = DL_RESUME},
    {.name = NULL},
};
static const struct deadline_rule on_rereview[] = {
    {.name = "rereview", .op = DL_STOP},
    {.name = NULL},
};

static const struct field_def route_fields[] = {
    {.name = "unit_id", .label = "承办单位", .type = FT_REF, .flags = FF_REQUIRED, .ref = "unit"},
    {.name = NULL},
};
static const struct field_def reject_fields[] = {
    {.name = "reject_reason",
     .label = "不予受理理由",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "petition_reject_reason"},
    {.name = "reject_guidance",
     .label = "告知途径",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 500,
     .help = "告知信访人向有权机关或通过法定途径提出"},
    {.name = NULL},
};
static const struct field_def object_fields[] = {
    {.name = "objection_reason",
     .label = "异议理由",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 500},
    {.name = NULL},
};
static const struct field_def extend_fields[] = {
    {.name = "extension_days",
     .label = "延期天数",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 30},
    {.name = "extension_reason",
     .label = "延期理由",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 200,
     .help = "将告知信访人"},
    {.name = NULL},
};
static const struct field_def reply_fields[] = {
    {.name = "reply_kind",
     .label = "处理意见",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "petition_reply_kind"},
    {.name = "reply_facts",
     .label = "事实",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = "reply_basis",
     .label = "依据",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 2000},
    {.name = "reply_text",
     .label = "处理意见书正文",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = NULL},
};
static const struct field_def rate_fields[] = {
    {.name = "rating",
     .label = "评价",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "petition_rating"},
    {.name = "rating_comment", .label = "评价意见", .type = FT_TEXT, .max = 500},
    {.name = NULL},
};
static const struct field_def review_fields[] = {
    {.name = "review_decision",
     .label = "复查意见",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "petition_decision"},
    {.name = "review_text",
     .label = "复查意见书",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = NULL},
};
static const struct field_def rereview_fields[] = {
    {.name = "rereview_decision",
     .label = "复核意见",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "petition_decision"},
    {.name = "rereview_text",
     .label = "复核意见书",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = NULL},
};

/* 条例 Art 33: a grievance may be mediated with both parties' consent; the dispute goes
 * to the people's mediation of the item's area and its result comes back here */
static const struct field_def refer_fields[] = {
    {.name = "dispute_type",
     .label = "纠纷类型",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "dispute_type"},
    {.name = "party_b_name", .label = "被申请人", .type = FT_TEXT, .flags = FF_REQUIRED, .max = 50},
    {.name = NULL},
};

static const struct transition transitions[] = {
    {.from = "registered",
     .action = "route",
     .label = "转送交办",
     .to = "routed",
     .perm = "petition.route",
     .fields = route_fields,
     .deadlines = on_route},
    {.from = "registered",
     .action = "reject",
     .label = "不予受理",
     .to = "not_accepted",
     .perm = "petition.route",
     .fields = reject_fields,
     .deadlines = on_reject_registered},
    {.from = "routed",
     .action = "accept",
     .label = "受理",
     .to = "handling",
     .perm = "petition.handle",
     .deadlines = on_accept},
    {.from = "routed",
     .action = "reject",
     .label = "不予受理",
     .to = "not_accepted",
     .perm = "petition.handle",
     .fields = reject_fields,
     .deadlines = on_reject_routed},
    {.from = "routed",
     .action = "object",
     .label = "提出异议",
     .to = "objected",
     .perm = "petition.handle",
     .fields = object_fields,
     .deadlines = on_object},
    {.from = "objected",
     .action = "uphold_objection",
     .label = "异议成立，重新转送",
     .to = "registered",
     .perm = "petition.route",
     .deadlines = on_uphold},
    {.from = "objected",
     .action = "dismiss_objection",
     .label = "异议不成立",
     .to = "routed",
     .perm = "petition.route",
     .deadlines = on_dismiss},
    {.from = "handling",
     .action = "extend",
     .label = "延期办理",
     .to = "handling",
     .perm = "petition.approve",
     .fields = extend_fields,
     .deadlines = on_extend},
    {.from = "handling",
     .action = "refer_mediation",
     .label = "转人民调解",
     .to = "handling",
     .perm = "petition.handle",
     .fields = refer_fields},
    {.from = "handling",
     .action = "reply",
     .label = "出具处理意见书",
     .to = "replied",
     .perm = "petition.handle",
     .fields = reply_fields,
     .deadlines = on_reply},
    {.from = "replied",
     .action = "rate",
     .label = "评价",
     .to = "replied",
     .perm = "petition.register",
     .fields = rate_fields},
    {.from = "replied",
     .action = "request_review",
     .label = "申请复查",
     .to = "reviewing",
     .perm = "petition.register",
     .deadlines = on_request_review},
    {.from = "reviewing",
     .action = "review",
     .label = "出具复查意见",
     .to = "reviewed",
     .perm = "petition.review",
     .fields = review_fields,
     .deadlines = on_review},
    {.from = "reviewed",
     .action = "request_rereview",
     .label = "申请复核",
     .to = "rereviewing",
     .perm = "petition.register",
     .deadlines = on_request_rereview},
    {.from = "rereviewing",
     .action = "hearing_start",
     .label = "举行听证",
     .to = "hearing",
     .perm = "petition.review",
     .deadlines = on_hearing_start},
    {.from = "hearing",
     .action = "hearing_end",
     .label = "听证结束",
     .to = "rereviewing",
     .perm = "petition.review",
     .deadlines = on_hearing_end},
    {.from = "rereviewing",
     .action = "rereview",
     .label = "出具复核意见",
     .to = "closed",
     .perm = "petition.review",
     .fields = rereview_fields,
     .deadlines = on_rereview},
    {.from = "replied",
     .action = "close",
     .label = "办结归档",
     .to = "closed",
     .perm = "petition.route"},
    {.from = "reviewed",
     .action = "close",
     .label = "办结归档",
     .to = "closed",
     .perm = "petition.route"},
    {.from = NULL},
};

const struct enum_def *const petition_enums[] = {
    &channel, &class_def, &category, &reject_reason, &reply_kind, &rating, &decision, NULL,
};

static const struct workflow workflow = {
    .initial = "registered",
    .states = states,
    .transitions = transitions,
    .on_create = on_create,
    .supervise_perm = "petition.supervise",
    .due_soon_days = 3,
};

const struct entity petition_entity = {
    .name = "petition",
    .label = "信访事项",
    .table = "petition",
    .fields = fields,
    .perms = {.read = "petition.read",
              .write = "petition.register",
              .export = "petition.export",
              .identity = "petition.identity"},
    .flags = ENTITY_FTS | ENTITY_NO_CREATE,
    .default_sort = "-created_at",
    .workflow = &workflow,
    .hooks = &petition_hooks,
    .module = "masses",
    .enums = petition_enums,
};
