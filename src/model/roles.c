/* Built-in roles and the permission catalogue. The three admin roles (三员) hold only
 * administration permissions; business roles hold no administration ones. Modules add
 * their roles and permissions here. */
#include "model/model.h"

const struct perm_def permissions[] = {
    {"user.read", "查看用户"},
    {"user.manage", "管理用户账号"},
    {"role.read", "查看角色"},
    {"role.manage", "分配角色与岗位"},
    {"audit.read", "查阅审计日志"},
    {"unit.read", "查看单位"},
    {"unit.write", "登记和修改单位"},
    {"region.read", "查看行政区划"},
    {"grid.read", "查看网格"},
    {"grid.write", "登记和修改网格"},
    /* region permissions */
    {"calendar.manage", "维护工作日历（节假日与调休）"},
    /* calendar permissions */
    {"person.read", "查看人员信息（敏感项脱敏）"},
    {"person.write", "登记人员信息"},
    {"person.identity", "查阅完整身份证件号码和联系电话"},
    /* person permissions */
    {"petition.read", "查看信访事项"},
    {"petition.register", "登记信访事项，代信访人评价和申请复查复核"},
    {"petition.route", "转送交办、不予受理、处理异议、办结归档"},
    {"petition.handle", "承办信访事项：受理、提出异议、答复"},
    {"petition.approve", "批准延期办理"},
    {"petition.review", "复查、复核和听证"},
    {"petition.identity", "查阅信访人身份信息"},
    {"petition.export", "导出信访事项"},
    {"petition.supervise", "信访事项督办"},
    /* petition permissions */
    {"mediation.read", "查看矛盾纠纷、人民调解委员会和调解员（联系电话脱敏）"},
    {"mediation.register", "登记和修改矛盾纠纷"},
    {"mediation.mediate", "受理、调解矛盾纠纷，记录调解过程"},
    {"mediation.records", "查阅调解记录"},
    {"mediation.identity", "查阅当事人和调解员的完整联系电话"},
    {"mediation.manage", "管理人民调解委员会和调解员"},
    {"mediation.figures", "查看人民调解统计"},
    {"mediation.export", "导出人民调解数据"},
    {"mediation.notice", "接收调解期限和申请司法确认提醒"},
    /* mediation permissions */
    {"workorder.read", "查看接诉即办工单"},
    {"workorder.receive", "登记工单，当场答复咨询或告知其他渠道"},
    {"workorder.dispatch", "派单、审定退单"},
    {"workorder.handle", "承办工单：签收、先行联系、办理、答复、退单、申请延期"},
    {"workorder.callback", "回访诉求人、结单"},
    {"workorder.approve", "审批工单延期"},
    {"workorder.identity", "查阅诉求人完整姓名和联系电话"},
    {"workorder.export", "导出工单"},
    {"workorder.catalogue", "维护派单目录"},
    {"workorder.rates", "查看三率考评和排名"},
    {"workorder.publish", "发布月度考评结果、设置三率权重"},
    {"workorder.topic", "分析高频诉求、确定每月一题"},
    {"workorder.supervise", "接收工单期限督办提醒"},
    {"workorder.open311", "通过Open311接口提交和查询诉求"},
    /* work order permissions */
    {"whistle.read", "查看吹哨报到"},
    {"whistle.raise", "街乡吹哨：发起、验收、评价报到单位"},
    {"whistle.report", "部门报到：报到、办理、反馈"},
    {"whistle.rates", "查看吹哨报到统计和部门排名"},
    /* whistle permissions */
    {"dictionary.manage", "维护字典代码"},
    /* workflow permissions */
    /* attachment permissions */
    {NULL, NULL},
};

static const char *const sysadmin_perms[] = {"user.read", "user.manage", "calendar.manage",
                                             "dictionary.manage", NULL};
static const char *const secadmin_perms[] = {"user.read", "role.read", "role.manage", NULL};
static const char *const auditor_perms[] = {"audit.read", NULL};
static const char *const staff_perms[] = {"unit.read",  "unit.write",  "region.read",  "grid.read",
                                          "grid.write", "person.read", "person.write", NULL};
/* staff's permissions plus person.identity: keep in step with staff_perms */
static const char *const identity_officer_perms[] = {
    "unit.read",   "unit.write",   "region.read",     "grid.read", "grid.write",
    "person.read", "person.write", "person.identity", NULL};

static const char *const petition_officer_perms[] = {"petition.read",      "petition.register",
                                                     "petition.route",     "petition.review",
                                                     "petition.identity",  "petition.export",
                                                     "petition.supervise", "unit.read",
                                                     "region.read",        NULL};
static const char *const unit_handler_perms[] = {"petition.read", "petition.handle", "unit.read",
                                                 "region.read", NULL};
static const char *const petition_leader_perms[] = {"petition.read",
                                                    "petition.approve",
                                                    "petition.supervise",
                                                    "petition.export",
                                                    "unit.read",
                                                    "region.read",
                                                    NULL};

/* 人民调解员: works the disputes of its region from acceptance to closing */
static const char *const mediator_perms[] = {
    "mediation.read",     "mediation.register", "mediation.mediate", "mediation.records",
    "mediation.identity", "mediation.notice",   "region.read",       NULL};
/* 司法所、调委会管理: committees and mediators, figures, export, supervision; not mediation */
static const char *const mediation_manager_perms[] = {"mediation.read",     "mediation.register",
                                                      "mediation.records",  "mediation.manage",
                                                      "mediation.figures",  "mediation.export",
                                                      "mediation.identity", "mediation.notice",
                                                      "region.read",        NULL};
/* 矛盾纠纷信息员 (a grid worker): registers the disputes found on patrol */
static const char *const dispute_reporter_perms[] = {"mediation.read", "mediation.register",
                                                     "region.read", NULL};

/* 12345 派单员: takes calls in, dispatches, arbitrates returns, calls back; sees callers */
static const char *const dispatcher_perms[] = {
    "workorder.read",     "workorder.receive", "workorder.dispatch",  "workorder.callback",
    "workorder.identity", "workorder.export",  "workorder.catalogue", "workorder.supervise",
    "workorder.rates",    "unit.read",         "region.read",         NULL};
/* 承办单位经办人 for work orders, also the unit's 报到 to whistles */
static const char *const workorder_handler_perms[] = {"workorder.read",
                                                      "workorder.handle",
                                                      "whistle.read",
                                                      "whistle.report",
                                                      "unit.read",
                                                      "region.read",
                                                      NULL};
/* 接诉即办负责人: extensions, the monthly figures and their publication, 每月一题 */
static const char *const workorder_leader_perms[] = {
    "workorder.read",  "workorder.approve",   "workorder.rates",  "workorder.publish",
    "workorder.topic", "workorder.supervise", "workorder.export", "whistle.read",
    "whistle.rates",   "unit.read",           "region.read",      NULL};
/* 街乡吹哨工作人员: raises whistles, accepts results, rates the units that came */
static const char *const whistle_officer_perms[] = {"whistle.read",
                                                    "whistle.raise",
                                                    "whistle.rates",
                                                    "workorder.read",
                                                    "unit.read",
                                                    "region.read",
                                                    NULL};
/* an integration (a 12345 platform, an app) submitting through Open311 with an API token */
static const char *const open311_client_perms[] = {"workorder.open311", NULL};

const struct role_def builtin_roles[] = {
    {"sysadmin", "系统管理员", "sysadmin", sysadmin_perms, true},
    {"secadmin", "安全管理员", "secadmin", secadmin_perms, true},
    {"auditor", "安全审计员", "auditor", auditor_perms, true},
    {"staff", "业务人员", NULL, staff_perms, false},
    {"identity_officer", "身份信息查阅员", NULL, identity_officer_perms, true},
    {"petition_officer", "信访干部", NULL, petition_officer_perms, true},
    {"unit_handler", "承办单位经办人", NULL, unit_handler_perms, false},
    {"petition_leader", "信访工作负责人", NULL, petition_leader_perms, false},
    {"mediator", "人民调解员", NULL, mediator_perms, true},
    {"mediation_manager", "人民调解管理员", NULL, mediation_manager_perms, true},
    {"dispute_reporter", "矛盾纠纷信息员", NULL, dispute_reporter_perms, false},
    {"dispatcher", "接诉即办派单员", NULL, dispatcher_perms, true},
    {"workorder_handler", "承办单位工单经办人", NULL, workorder_handler_perms, false},
    {"workorder_leader", "接诉即办负责人", NULL, workorder_leader_perms, false},
    {"whistle_officer", "街乡吹哨工作人员", NULL, whistle_officer_perms, false},
    {"open311_client", "Open311接口调用方", NULL, open311_client_perms, false},
    {NULL, NULL, NULL, NULL, false},
};
