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

/* The units of r's posts: units, those of every post (any role); granting, those of the
 * posts whose role grants perm; by_region, whether a post without a unit grants perm (the
 * reader reads by region, not as a unit). Modules whose items are routed to units
 * (petitions, work orders, whistles) narrow their reads with it. Lists in r's arena. */
struct access_units {
    int64_t *units, *granting;
    size_t nunits, ngranting;
    bool by_region;
};
enum err access_units(struct req *r, const char *perm, struct access_units *out);
bool access_units_has(const int64_t *list, size_t n, int64_t unit);
/* Appends "(id, id, ...)" with the ids bound (n > 0). */
void access_units_sql(struct sqlq *q, const int64_t *list, size_t n);
/* The read filter of items routed to units: nothing for a reader by region; " AND 1 = 0"
 * for an anonymous reader or one without a unit granting perm; else the condition made of
 * parts ({NULL}-terminated) with the reader's granting units' list between each two, e.g.
 * {" AND (t.unit_id IN ", " OR t.copy_unit_id IN ", ")", NULL}. */
enum err access_units_narrow(struct req *r, const char *perm, struct sqlq *q,
                             const char *const *parts);

#endif
