/* Grids (网格): the smallest management cells, below a village or community (a level-5
 * region). Their rows carry the community's code, so region scope applies as for any
 * business row. No personal data: grid workers will link to person records. */
#ifndef SHEGONG_MODULES_GRID_H
#define SHEGONG_MODULES_GRID_H

#include "server/req.h"

enum err grid_list(struct req *r);   /* GET /api/v1/grids */
enum err grid_get(struct req *r);    /* GET /api/v1/grids/{id} */
enum err grid_create(struct req *r); /* POST /api/v1/grids */
enum err grid_update(struct req *r); /* PATCH /api/v1/grids/{id} */

#endif
