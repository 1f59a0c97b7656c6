/* The definitions of people's mediation (docs/mediation.md): dictionaries, the committee,
 * mediator, dispute and session entities, and the dispute workflow with its clocks. Data,
 * not code; what the tables cannot say is in mediation_hooks.c. */
#include "modules/mediation/mediation.h"

#include <stddef.h>

/* Configurable defaults of the dispute clocks (no law fixes the first two):
 * - acceptance: a committee decides within 3 working days of registration whether it
 *   takes a dispute up (a common rule of local mediation regulations);
 * - mediation: "一般在一个月内调结", 30 calendar days from acceptance, the due day rolled
 *   past holidays;
 * - judicial confirmation: the parties may jointly apply within 30 days of the agreement
 *   taking effect (人民调解法 Art 33), 日 = calendar days, a holiday at the end rolls forward
 *   (民法典 Art 203). */
#define MEDIATION_ACCEPT_WORKING_DAYS 3
#define MEDIATION_MEDIATE_DAYS        30
#define MEDIATION_JUDICIAL_DAYS       30

#define LISTED_FILTER (FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE)

/* ---- Dictionaries ------------------------------------------------------------------- */

static const struct enum_item committee_kinds[] = {
    {"village", "村（居）民委员会人民调解委员会"},
    {"township", "乡镇（街道）人民调解委员会"},
    {"enterprise", "企事业单位人民调解委员会"},
    {"industry", "行业性专业性人民调解委员会"},
    {"other", "其他"},
    {NULL, NULL},
};
const struct enum_def mediation_committee_kind_enum = {.name = "mediation_committee_kind",
                                                       .label = "调委会类别",
                                                       .items = committee_kinds,
                                                       .extendable = true};

/* director, deputy and member are the committee's members (委员), counted for the 3–9 rule;
 * the hooks know these codes, so the dictionary is closed. */
static const struct enum_item mediator_posts[] = {
    {"director", "主任"},           {"deputy", "副主任"},           {"member", "委员"},
    {"fulltime", "专职人民调解员"}, {"parttime", "兼职人民调解员"}, {NULL, NULL},
};
const struct enum_def mediator_post_enum = {
    .name = "mediator_post", .label = "调解员职务", .items = mediator_posts};

static const struct enum_item mediator_statuses[] = {
    {"active", "在任"},
    {"left", "离任"},
    {NULL, NULL},
};
const struct enum_def mediator_status_enum = {
    .name = "mediator_status", .label = "调解员状态", .items = mediator_statuses};

static const struct enum_item dispute_types[] = {
    {"marriage", "婚姻家庭纠纷"},  {"neighbor", "邻里纠纷"},
    {"housing", "房屋宅基地纠纷"}, {"contract", "合同纠纷"},
    {"damages", "损害赔偿纠纷"},   {"labor", "劳动争议"},
    {"land", "土地承包经营纠纷"},  {"property", "物业纠纷"},
    {"other", "其他纠纷"},         {NULL, NULL},
};
const struct enum_def dispute_type_enum = {
    .name = "dispute_type", .label = "纠纷类型", .items = dispute_types, .extendable = true};

static const struct enum_item dispute_sources[] = {
    {"walk_in", "当事人来访申请"},  {"grid_patrol", "网格排查"}, {"petition", "信访转入"},
    {"work_order", "接诉即办转入"}, {"other", "其他"},           {NULL, NULL},
};
const struct enum_def dispute_source_enum = {
    .name = "dispute_source", .label = "纠纷来源", .items = dispute_sources};

static const struct enum_item dispute_levels[] = {
    {"village", "村（社区）"},
    {"township", "乡镇（街道）"},
    {"county", "县（区）"},
    {"above", "县级以上"},
    {NULL, NULL},
};
const struct enum_def dispute_level_enum = {
    .name = "dispute_level", .label = "调处层级", .items = dispute_levels};

static const struct enum_item dispute_outcomes[] = {
    {"agreed", "调解成功"},
    {"failed", "调解不成"},
    {"declined", "不予受理"},
    {NULL, NULL},
};
const struct enum_def dispute_outcome_enum = {
    .name = "dispute_outcome", .label = "调解结果", .items = dispute_outcomes};

static const struct enum_item dispute_performances[] = {
    {"performed", "已履行"},
    {"not_performed", "未履行"},
    {NULL, NULL},
};
const struct enum_def dispute_performance_enum = {
    .name = "dispute_performance", .label = "履行情况", .items = dispute_performances};

static const struct enum_item where_to_go[] = {
    {"arbitration", "申请仲裁"},     {"administrative", "申请行政处理"},
    {"court", "向人民法院提起诉讼"}, {"petition", "信访渠道"},
    {"other", "其他途径"},           {NULL, NULL},
};
const struct enum_def dispute_where_to_go_enum = {
    .name = "dispute_where_to_go", .label = "告知途径", .items = where_to_go};

/* ---- 人民调解委员会 ---------------------------------------------------------------------- */

static const struct field_def committee_fields[] = {
    {.name = "name",
     .label = "调委会名称",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL |
              FF_UNIQUE_REGION,
     .max = 100},
    {.name = "kind",
     .label = "调委会类别",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "mediation_committee_kind"},
    {.name = "region_code",
     .label = "所在区划",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | LISTED_FILTER | FF_SORTABLE},
    {.name = "term_start",
     .label = "本届任期起始日期",
     .type = FT_DATE,
     .flags = FF_REQUIRED | LISTED_FILTER | FF_SORTABLE},
    {.name = "term_end",
     .label = "本届任期届满日期",
     .type = FT_DATE,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE,
     .help = "由起始日期推算：每届任期三年"},
    {.name = "member_count",
     .label = "在任委员人数",
     .type = FT_INT,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE,
     .min = 0,
     .max = 1000,
     .help = "在任的主任、副主任和委员人数，应为3至9人；少于3人的调委会需补选"},
    {.name = "contact", .label = "联系方式", .type = FT_TEXT, .flags = FF_EXPORTABLE, .max = 100},
    {.name = "address", .label = "办公地址", .type = FT_TEXT, .flags = FF_EXPORTABLE, .max = 200},
    {.name = NULL},
};

const struct entity mediation_committee_entity = {
    .name = "mediation_committee",
    .label = "人民调解委员会",
    .table = "mediation_committee",
    .fields = committee_fields,
    .perms = {.read = "mediation.read", .write = "mediation.manage", .export = "mediation.export"},
    .default_sort = "region_code,name",
    .hooks = &mediation_committee_hooks,
    .module = "mediation",
};

/* ---- 人民调解员 -------------------------------------------------------------------------- */

static const struct field_def mediator_fields[] = {
    {.name = "name",
     .label = "姓名",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 50},
    {.name = "gender",
     .label = "性别",
     .type = FT_ENUM,
     .flags = LISTED_FILTER,
     .enum_name = "gender"},
    {.name = "phone",
     .label = "联系电话",
     .type = FT_PHONE,
     .flags = LISTED_FILTER,
     .pii = PII_PHONE},
    {.name = "committee_id",
     .label = "所属调委会",
     .type = FT_REF,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .ref = "mediation_committee"},
    {.name = "post",
     .label = "职务",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "mediator_post",
     .help = "主任、副主任、委员为调委会委员，每个调委会3至9人，设主任一人"},
    {.name = "region_code",
     .label = "所在区划",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | LISTED_FILTER | FF_SORTABLE,
     .help = "应在所属调委会的辖区内"},
    {.name = "status",
     .label = "状态",
     .type = FT_ENUM,
     .flags = LISTED_FILTER,
     .enum_name = "mediator_status",
     .help = "不填为在任；调解员离任时改为离任，记录保留"},
    {.name = "appointed_on",
     .label = "聘任（推选）日期",
     .type = FT_DATE,
     .flags = FF_FILTERABLE | FF_EXPORTABLE},
    {.name = NULL},
};

const struct entity mediator_entity = {
    .name = "mediator",
    .label = "人民调解员",
    .table = "mediator",
    .fields = mediator_fields,
    .perms = {.read = "mediation.read",
              .write = "mediation.manage",
              .export = "mediation.export",
              .identity = "mediation.identity"},
    .default_sort = "region_code,name",
    .hooks = &mediator_hooks,
    .module = "mediation",
};

/* ---- 矛盾纠纷 ---------------------------------------------------------------------------- */

/* The parties: the applicant and the other side as names with sealed, masked phones, and
 * any further parties as text (docs/mediation.md). Fields after party_count are written by
 * the workflow's actions and hooks only. */
static const struct field_def dispute_fields[] = {
    {.name = "summary",
     .label = "纠纷概要",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 100},
    {.name = "type",
     .label = "纠纷类型",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER | FF_SORTABLE,
     .enum_name = "dispute_type"},
    {.name = "content",
     .label = "纠纷详情",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "region_code",
     .label = "纠纷发生地",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | LISTED_FILTER | FF_SORTABLE},
    {.name = "source",
     .label = "纠纷来源",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .enum_name = "dispute_source"},
    /* the referring petition or work order, by its id as text (a petition also keeps the
     * dispute it opened: petition.dispute_id) */
    {.name = "source_ref",
     .label = "来源事项编号",
     .type = FT_TEXT,
     .flags = FF_FILTERABLE | FF_EXPORTABLE,
     .max = 40,
     .help = "信访转入、接诉即办转入的纠纷必填：原信访事项或工单的编号"},
    {.name = "occurred_on",
     .label = "纠纷发生日期",
     .type = FT_DATE,
     .flags = FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "amount",
     .label = "涉及金额（元）",
     .type = FT_DECIMAL,
     .flags = LISTED_FILTER | FF_SORTABLE,
     .scale = 2,
     .min = 0,
     .max = 10000000000,
     .help = "涉及财产的纠纷填写"},
    {.name = "party_a_name",
     .label = "申请人",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 50,
     .help = "一方当事人（申请调解的一方）"},
    {.name = "party_a_phone",
     .label = "申请人联系电话",
     .type = FT_PHONE,
     .flags = FF_FILTERABLE | FF_EXPORTABLE,
     .pii = PII_PHONE},
    {.name = "party_b_name",
     .label = "被申请人",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 50,
     .help = "另一方当事人"},
    {.name = "party_b_phone",
     .label = "被申请人联系电话",
     .type = FT_PHONE,
     .flags = FF_FILTERABLE | FF_EXPORTABLE,
     .pii = PII_PHONE},
    {.name = "other_parties",
     .label = "其他当事人",
     .type = FT_TEXT,
     .flags = FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 200},
    {.name = "party_count",
     .label = "当事人人数",
     .type = FT_INT,
     .flags = FF_LISTED | FF_SORTABLE | FF_EXPORTABLE,
     .min = 2,
     .max = 10000,
     .help = "不填为2人"},
    {.name = "committee_id",
     .label = "调解组织",
     .type = FT_REF,
     .flags = FF_READONLY | LISTED_FILTER,
     .ref = "mediation_committee",
     .help = "受理时确定"},
    {.name = "mediator_id",
     .label = "调解员",
     .type = FT_REF,
     .flags = FF_READONLY | LISTED_FILTER,
     .ref = "mediator",
     .help = "受理时指定，可更换"},
    {.name = "level",
     .label = "调处层级",
     .type = FT_ENUM,
     .flags = FF_READONLY | LISTED_FILTER,
     .enum_name = "dispute_level",
     .help = "受理纠纷的调委会所在层级：村（社区）、乡镇（街道）、县（区）"},
    {.name = "registered_on",
     .label = "登记日期",
     .type = FT_DATE,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "decline_reason",
     .label = "不予受理原因",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 200},
    {.name = "agreement_content",
     .label = "调解协议内容",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "agreed_on",
     .label = "协议达成日期",
     .type = FT_DATE,
     .flags = FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "performance_due",
     .label = "履行期限",
     .type = FT_DATE,
     .flags = FF_READONLY | LISTED_FILTER | FF_SORTABLE},
    {.name = "signed_by",
     .label = "协议签字人",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 200},
    {.name = "judicial_applied_on",
     .label = "申请司法确认日期",
     .type = FT_DATE,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE},
    {.name = "court",
     .label = "受理司法确认的人民法院",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 100},
    {.name = "fail_reason",
     .label = "调解不成原因",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "where_to_go",
     .label = "告知途径",
     .type = FT_ENUM,
     .flags = FF_READONLY | LISTED_FILTER,
     .enum_name = "dispute_where_to_go"},
    {.name = "outcome",
     .label = "调解结果",
     .type = FT_ENUM,
     .flags = FF_READONLY | LISTED_FILTER,
     .enum_name = "dispute_outcome"},
    {.name = "performance",
     .label = "履行情况",
     .type = FT_ENUM,
     .flags = FF_READONLY | LISTED_FILTER,
     .enum_name = "dispute_performance"},
    {.name = "performed_on",
     .label = "履行完毕日期",
     .type = FT_DATE,
     .flags = FF_READONLY | FF_FILTERABLE | FF_EXPORTABLE},
    {.name = "not_performed_reason",
     .label = "未履行情况",
     .type = FT_TEXT,
     .flags = FF_READONLY | FF_EXPORTABLE,
     .max = 500},
    {.name = "closed_on",
     .label = "结案日期",
     .type = FT_DATE,
     .flags = FF_READONLY | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = NULL},
};

/* registered -accept-> accepted -start-> mediating -agree-> agreed -perform-> performed
 *            -decline-> declined      |            -fail-> failed        -not_perform-> …
 * accepted -fail-> failed; agreed/not_performed -judicial_apply-> (same);
 * accepted/mediating -reassign-> (same); performed/not_performed/failed -close-> closed */
static const struct state_def dispute_states[] = {
    {"registered", "已登记", false}, {"accepted", "已受理", false},
    {"declined", "不予受理", true},  {"mediating", "调解中", false},
    {"agreed", "达成协议", false},   {"failed", "调解不成", false},
    {"performed", "已履行", false},  {"not_performed", "未履行", false},
    {"closed", "已结案", true},      {NULL, NULL, false},
};

static const struct deadline_rule on_create[] = {
    {.name = MEDIATION_CLOCK_ACCEPT,
     .label = "受理期限",
     .op = DL_START,
     .amount = MEDIATION_ACCEPT_WORKING_DAYS,
     .unit = DL_WORKING_DAYS},
    {.name = NULL},
};
static const struct deadline_rule on_accept[] = {
    {.name = MEDIATION_CLOCK_ACCEPT, .op = DL_STOP},
    {.name = MEDIATION_CLOCK_MEDIATE,
     .label = "调解期限",
     .op = DL_START,
     .amount = MEDIATION_MEDIATE_DAYS,
     .unit = DL_CALENDAR_DAYS,
     .roll_forward = true},
    {.name = NULL},
};
static const struct deadline_rule on_decline[] = {
    {.name = MEDIATION_CLOCK_ACCEPT, .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_fail[] = {
    {.name = MEDIATION_CLOCK_MEDIATE, .op = DL_STOP},
    {.name = NULL},
};
static const struct deadline_rule on_agree[] = {
    {.name = MEDIATION_CLOCK_MEDIATE, .op = DL_STOP},
    {.name = MEDIATION_CLOCK_JUDICIAL,
     .label = "申请司法确认提醒",
     .op = DL_START,
     .amount = MEDIATION_JUDICIAL_DAYS,
     .unit = DL_CALENDAR_DAYS,
     .roll_forward = true},
    {.name = NULL},
};
/* perform and close stop the reminder in their hook, and only when it still runs: the
 * parties may have applied already (judicial_apply), which a STOP rule would refuse */
static const struct deadline_rule on_judicial_apply[] = {
    {.name = MEDIATION_CLOCK_JUDICIAL, .op = DL_STOP},
    {.name = NULL},
};

static const struct field_def accept_fields[] = {
    {.name = "committee_id",
     .label = "调解组织",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .ref = "mediation_committee"},
    {.name = "mediator_id",
     .label = "调解员",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .ref = "mediator"},
    {.name = NULL},
};
static const struct field_def reassign_fields[] = {
    {.name = "mediator_id",
     .label = "调解员",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .ref = "mediator"},
    {.name = NULL},
};
static const struct field_def decline_fields[] = {
    {.name = "decline_reason",
     .label = "不予受理原因",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 200,
     .help = "如：一方当事人明确拒绝调解；已进入诉讼、仲裁程序"},
    {.name = NULL},
};
static const struct field_def fail_fields[] = {
    {.name = "fail_reason",
     .label = "调解不成原因",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 500},
    {.name = "where_to_go",
     .label = "告知途径",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .enum_name = "dispute_where_to_go",
     .help = "告知当事人可以依法通过仲裁、行政、司法等途径维护权利"},
    {.name = NULL},
};
static const struct field_def agree_fields[] = {
    {.name = "agreement_content",
     .label = "调解协议内容",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = "performance_due", .label = "履行期限", .type = FT_DATE, .flags = FF_REQUIRED},
    {.name = "signed_by",
     .label = "协议签字人",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 200,
     .help = "各方当事人签名（盖章或按指印）、调解员签名"},
    {.name = "agreed_on", .label = "协议达成日期", .type = FT_DATE, .help = "不填为今天"},
    {.name = NULL},
};
static const struct field_def judicial_fields[] = {
    {.name = "judicial_applied_on",
     .label = "申请司法确认日期",
     .type = FT_DATE,
     .flags = FF_REQUIRED},
    {.name = "court", .label = "受理司法确认的人民法院", .type = FT_TEXT, .max = 100},
    {.name = NULL},
};
static const struct field_def perform_fields[] = {
    {.name = "performed_on", .label = "履行完毕日期", .type = FT_DATE, .help = "不填为今天"},
    {.name = NULL},
};
static const struct field_def not_perform_fields[] = {
    {.name = "not_performed_reason",
     .label = "未履行情况",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 500},
    {.name = NULL},
};

#define MEDIATE "mediation.mediate"

static const struct transition dispute_transitions[] = {
    {.from = "registered",
     .action = "accept",
     .label = "受理",
     .to = "accepted",
     .perm = MEDIATE,
     .fields = accept_fields,
     .deadlines = on_accept},
    {.from = "registered",
     .action = "decline",
     .label = "不予受理",
     .to = "declined",
     .perm = MEDIATE,
     .fields = decline_fields,
     .deadlines = on_decline},
    {.from = "accepted",
     .action = "start",
     .label = "开始调解",
     .to = "mediating",
     .perm = MEDIATE},
    {.from = "accepted",
     .action = "reassign",
     .label = "更换调解员",
     .to = "accepted",
     .perm = MEDIATE,
     .fields = reassign_fields},
    {.from = "mediating",
     .action = "reassign",
     .label = "更换调解员",
     .to = "mediating",
     .perm = MEDIATE,
     .fields = reassign_fields},
    {.from = "mediating",
     .action = "agree",
     .label = "达成协议",
     .to = "agreed",
     .perm = MEDIATE,
     .fields = agree_fields,
     .deadlines = on_agree},
    {.from = "mediating",
     .action = "fail",
     .label = "调解不成",
     .to = "failed",
     .perm = MEDIATE,
     .fields = fail_fields,
     .deadlines = on_fail},
    {.from = "accepted",
     .action = "fail",
     .label = "调解不成",
     .to = "failed",
     .perm = MEDIATE,
     .fields = fail_fields,
     .deadlines = on_fail},
    {.from = "agreed",
     .action = "judicial_apply",
     .label = "申请司法确认",
     .to = "agreed",
     .perm = MEDIATE,
     .fields = judicial_fields,
     .deadlines = on_judicial_apply},
    {.from = "not_performed",
     .action = "judicial_apply",
     .label = "申请司法确认",
     .to = "not_performed",
     .perm = MEDIATE,
     .fields = judicial_fields,
     .deadlines = on_judicial_apply},
    {.from = "agreed",
     .action = "perform",
     .label = "履行完毕",
     .to = "performed",
     .perm = MEDIATE,
     .fields = perform_fields},
    {.from = "not_performed",
     .action = "perform",
     .label = "履行完毕",
     .to = "performed",
     .perm = MEDIATE,
     .fields = perform_fields},
    {.from = "agreed",
     .action = "not_perform",
     .label = "未履行",
     .to = "not_performed",
     .perm = MEDIATE,
     .fields = not_perform_fields},
    {.from = "performed", .action = "close", .label = "结案", .to = "closed", .perm = MEDIATE},
    {.from = "not_performed", .action = "close", .label = "结案", .to = "closed", .perm = MEDIATE},
    {.from = "failed", .action = "close", .label = "结案", .to = "closed", .perm = MEDIATE},
    {.from = NULL},
};

static const struct workflow dispute_workflow = {
    .initial = "registered",
    .states = dispute_states,
    .transitions = dispute_transitions,
    .on_create = on_create,
    .supervise_perm = "mediation.notice",
    .due_soon_days = 3,
};

const struct entity dispute_entity = {
    .name = "dispute",
    .label = "矛盾纠纷",
    .table = "dispute",
    .fields = dispute_fields,
    .perms = {.read = "mediation.read",
              .write = "mediation.register",
              .export = "mediation.export",
              .identity = "mediation.identity"},
    .flags = ENTITY_FTS,
    .default_sort = "-created_at",
    .workflow = &dispute_workflow,
    .hooks = &dispute_hooks,
    .module = "mediation",
};

/* ---- 调解记录 ---------------------------------------------------------------------------- */

/* A session belongs to its dispute's region (derived, never given), so the record is seen
 * and written where the dispute is. */
static const struct field_def session_fields[] = {
    {.name = "dispute_id",
     .label = "所属纠纷",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY | LISTED_FILTER,
     .ref = "dispute"},
    {.name = "region_code",
     .label = "所属区划",
     .type = FT_REGION,
     .flags = FF_READONLY | FF_SCOPE | LISTED_FILTER,
     .help = "与所属纠纷相同"},
    {.name = "held_at",
     .label = "调解时间",
     .type = FT_DATETIME,
     .flags = FF_REQUIRED | LISTED_FILTER | FF_SORTABLE},
    {.name = "mediator_id",
     .label = "主持调解员",
     .type = FT_REF,
     .flags = FF_REQUIRED | LISTED_FILTER,
     .ref = "mediator"},
    {.name = "place", .label = "调解地点", .type = FT_TEXT, .flags = FF_EXPORTABLE, .max = 100},
    {.name = "participants",
     .label = "参加人员",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_EXPORTABLE,
     .max = 500},
    {.name = "notes",
     .label = "调解情况",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 10000},
    {.name = "next_steps",
     .label = "下一步安排",
     .type = FT_TEXT,
     .flags = FF_EXPORTABLE,
     .max = 500},
    {.name = NULL},
};

const struct entity dispute_session_entity = {
    .name = "dispute_session",
    .label = "调解记录",
    .table = "dispute_session",
    .fields = session_fields,
    .perms = {.read = "mediation.records",
              .write = "mediation.mediate",
              .export = "mediation.export"},
    .default_sort = "-held_at",
    .hooks = &dispute_session_hooks,
    .module = "mediation",
};
