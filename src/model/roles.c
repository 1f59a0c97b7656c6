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
    /* region permissions */
    /* calendar permissions */
    /* person permissions */ {NULL, NULL},
};

static const char *const sysadmin_perms[] = {"user.read", "user.manage", NULL};
static const char *const secadmin_perms[] = {"user.read", "role.read", "role.manage", NULL};
static const char *const auditor_perms[] = {"audit.read", NULL};
static const char *const staff_perms[] = {"unit.read", "unit.write", NULL};

const struct role_def builtin_roles[] = {
    {"sysadmin", "系统管理员", "sysadmin", sysadmin_perms},
    {"secadmin", "安全管理员", "secadmin", secadmin_perms},
    {"auditor", "安全审计员", "auditor", auditor_perms},
    {"staff", "业务人员", NULL, staff_perms},
    {NULL, NULL, NULL, NULL},
};
