/* The national division tree (统计用区划代码) and grids (网格) below communities.
 *
 * The region table is reference data loaded by `shegong import regions` (regionload.h):
 * 12-digit codes, levels 1 (province) .. 5 (village/community), a parent code, the name and
 * the full path name without placeholder levels (docs/regions.md). Codes of cities that
 * have no counties (东莞 441900…) carry 00 county digits above non-zero township digits, so
 * "is this a region" is a table lookup (region_exists), not core/regioncode's nesting
 * rule. */
#ifndef SHEGONG_MODULES_REGION_H
#define SHEGONG_MODULES_REGION_H

#include <stdbool.h>

#include "db/db.h"
#include "server/req.h"

/* One region as stored. Strings live in the arena the caller passed. */
struct region {
    char code[13];
    const char *parent_code; /* NULL for a province */
    int level;               /* 1 province, 2 city, 3 county, 4 township, 5 village */
    const char *name;
    const char *full_name; /* 北京市/朝阳区/建外街道 */
    bool placeholder;      /* a 市辖区 / 县 / 省直辖县级行政区划 level */
};

/* Whether a 12-digit code is a region in the loaded table (false for anything else,
 * including NULL and text that is not 12 digits). */
enum err region_exists(struct db_conn *c, const char *code, bool *exists);
/* Reads one region; ERR_NOT_FOUND when code is not in the table. */
enum err region_find(struct db_conn *c, struct arena *a, const char *code, struct region *out);
/* Number of regions loaded (0: `shegong import regions` has not run). */
enum err region_count(struct db_conn *c, int64_t *n);
/* True when s is exactly 12 ASCII digits (the shape of a code; existence is separate). */
bool region_code_shape(const char *s);

/* API handlers (routes in src/model/routes.c). Reading a region is allowed inside the
 * caller's region.read scope and on the ancestors of its roots, so the console can show
 * the path; anything else answers 404, as for a code that does not exist. */
enum err region_get(struct req *r);      /* GET /api/v1/region/{code} */
enum err region_children(struct req *r); /* GET /api/v1/region/{code}/children */

#endif
