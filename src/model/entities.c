/* The entities the engine serves and their dictionaries (engine.h). Adding an entity is
 * adding its table here and its migration. */
#include "model/model.h"

#include <stddef.h>

#include "modules/region/grid.h"

static const struct enum_item unit_kinds[] = {
    {"district", "区县"},    {"department", "部门"}, {"township", "街道乡镇"},
    {"community", "社区村"}, {"other", "其他"},      {NULL, NULL},
};
static const struct enum_def unit_kind = {
    .name = "unit_kind", .label = "单位类别", .items = unit_kinds, .extendable = true};

static const struct field_def unit_fields[] = {
    {.name = "name",
     .label = "单位名称",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 100},
    {.name = "kind",
     .label = "单位类别",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE,
     .enum_name = "unit_kind"},
    {.name = "region_code",
     .label = "所属区划",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "parent_id",
     .label = "上级单位",
     .type = FT_REF,
     .flags = FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "unit"},
    {.name = "contact",
     .label = "联系方式",
     .type = FT_TEXT,
     .flags = FF_LISTED | FF_EXPORTABLE,
     .max = 100},
    {.name = NULL},
};

static const struct entity unit = {
    .name = "unit",
    .label = "单位",
    .table = "unit",
    .fields = unit_fields,
    .perms = {.read = "unit.read",
              .write = "unit.write",
              .del = "unit.write",
              .export = "unit.read"},
    .flags = ENTITY_SOFT_DELETE | ENTITY_FTS,
    .default_sort = "region_code,name",
    .module = "system",
};

static const struct field_def grid_fields[] = {
    {.name = "name",
     .label = "网格名称",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL |
              FF_UNIQUE_REGION,
     .max = 50},
    {.name = "code",
     .label = "网格编号",
     .type = FT_TEXT,
     .flags = FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_UNIQUE_REGION,
     .max = 30},
    {.name = "region_code",
     .label = "所属村（社区）",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = "households",
     .label = "户数",
     .type = FT_INT,
     .flags = FF_LISTED | FF_SORTABLE | FF_FILTERABLE | FF_EXPORTABLE,
     .min = 0,
     .max = 100000000},
    {.name = "population",
     .label = "人口数",
     .type = FT_INT,
     .flags = FF_LISTED | FF_SORTABLE | FF_FILTERABLE | FF_EXPORTABLE,
     .min = 0,
     .max = 100000000},
    {.name = NULL},
};

static const struct entity grid = {
    .name = "grid",
    .label = "网格",
    .table = "grid",
    .fields = grid_fields,
    .perms = {.read = "grid.read", .write = "grid.write", .export = "grid.read"},
    .default_sort = "region_code,name",
    .hooks = &grid_hooks,
    .module = "governance",
};

/* entities */
const struct entity *const model_entities[] = {&unit, &grid, NULL};
/* enums */
const struct enum_def *const model_enums[] = {&unit_kind, NULL};

const struct model_extra *model_extra;
