/* Grids (网格): the smallest management cells, below a village or community (a level-5
 * region). Their rows carry the community's code, so region scope applies as for any
 * business row. No personal data: grid workers will link to person records. The entity
 * is defined in src/model/entities.c; these are its hooks. */
#ifndef SHEGONG_MODULES_GRID_H
#define SHEGONG_MODULES_GRID_H

#include "engine/engine.h"

extern const struct entity_hooks grid_hooks;

#endif
