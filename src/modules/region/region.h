/* The national division tree (统计用区划代码) and grids (网格) below communities. */
#ifndef SHEGONG_MODULES_REGION_H
#define SHEGONG_MODULES_REGION_H

#include <stdbool.h>

#include "db/db.h"
#include "server/req.h"

/* Whether a 12-digit code is a region in the loaded table. */
enum err region_exists(struct db_conn *c, const char *code, bool *exists);

#endif
