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

const struct role_def builtin_roles[] = {
    {"sysadmin", "系统管理员", "sysadmin", sysadmin_perms, true},
    {"secadmin", "安全管理员", "secadmin", secadmin_perms, true},
    {"auditor", "安全审计员", "auditor", auditor_perms, true},
    {"staff", "业务人员", NULL, staff_perms, false},
    {"identity_officer", "身份信息查阅员", NULL, identity_officer_perms, true},
    {NULL, NULL, NULL, NULL, false},
};
