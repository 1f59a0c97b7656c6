/* Grids (网格): what the entity definition cannot say — a grid lies below a village or
 * community (a level-5 region). */
#include "modules/region/grid.h"

#include <string.h>

#include "modules/region/region.h"
#include "server/reply.h"

static enum err grid_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    json_t *code = json_object_get(row->values, "region_code");
    if (!json_is_string(code))
        return ERR_OK; /* absent (kept) or already refused by the field checks */
    struct region g;
    enum err err = region_find(r->db, &r->arena, json_string_value(code), &g);
    if (err == ERR_NOT_FOUND)
        return ERR_OK;
    if (err)
        return err;
    if (g.level != 5)
        req_field_error(r, "region_code", "所属村（社区）", "region_not_village");
    return ERR_OK;
}

const struct entity_hooks grid_hooks = {.validate = grid_validate};
