/* Roles, permissions and region scope. A user holds roles at posts (a region and
 * optionally a unit); a permission's scope is the union of the region subtrees of the
 * posts whose role grants it. The dispatcher applies both before any handler; list
 * queries add the scope through access_scope_sql, and a row outside it answers 404. */
#ifndef SHEGONG_SERVER_ACCESS_H
#define SHEGONG_SERVER_ACCESS_H

#include <stdbool.h>

#include "db/sqlq.h"
#include "server/req.h"

/* A role as the code defines it (src/model/roles.c). */
struct role_def {
    const char *name;
    const char *label;        /* 中文 */
    const char *admin_kind;   /* "sysadmin" | "secadmin" | "auditor" | NULL */
    const char *const *perms; /* NULL-terminated */
    bool requires_2fa;        /* login needs a second factor (TOTP); default false */
};

struct perm_def {
    const char *name;  /* "unit.read" */
    const char *label; /* 中文 */
};

/* Writes the built-in roles and their permissions into the database (idempotent). */
enum err access_sync_roles(struct db_conn *c, const struct role_def *roles);

/* Loads the posts, roles and permissions of user_id into r->user. */
enum err access_load(struct req *r, int64_t user_id);
bool access_has(const struct req *r, const char *perm);
/* The scope of perm for r's user. */
enum err access_scope(struct req *r, const char *perm, struct scope *out);
bool access_scope_allows(const struct scope *s, const char *region_code);
/* ERR_NOT_FOUND unless the row id of table exists and its region_code lies in r->scope. */
enum err access_check_row(struct req *r, const char *table, int64_t id);
/* Appends "(column BETWEEN lo AND hi OR ...)" for the scope; "(1=0)" for an empty one. */
void access_scope_sql(const struct scope *s, const char *column, struct arena *a, struct sqlq *q);

#endif
