/* The entities the engine serves and their dictionaries (engine.h). Adding an entity is
 * adding its table here and its migration. */
#include "model/model.h"

#include <stddef.h>

#include "modules/mediation/mediation.h"
#include "modules/person/person.h"
#include "modules/petition/petition.h"
#include "modules/region/grid.h"
#include "modules/whistle/whistle.h"
#include "modules/workorder/workorder.h"

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
    .module = "governance",
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

static const struct enum_item genders[] = {{"male", "男"}, {"female", "女"}, {NULL, NULL}};
static const struct enum_def gender = {.name = "gender", .label = "性别", .items = genders};

/* The ID number comes first: it decides gender and birth date. */
static const struct field_def person_fields[] = {
    {.name = "name",
     .label = "姓名",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 50},
    {.name = "id_number",
     .label = "身份证件号码",
     .type = FT_IDCARD,
     .flags = FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE, /* one person each: the hook */
     .pii = PII_IDCARD},
    {.name = "gender",
     .label = "性别",
     .type = FT_ENUM,
     .flags = FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .enum_name = "gender",
     .help = "填写身份证件号码时由号码确定"},
    {.name = "birth_date",
     .label = "出生日期",
     .type = FT_DATE,
     .flags = FF_EXPORTABLE,
     .pii = PII_DATE,
     .help = "填写身份证件号码时由号码确定"},
    {.name = "phone",
     .label = "联系电话",
     .type = FT_PHONE,
     .flags = FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .pii = PII_PHONE},
    {.name = "region_code",
     .label = "居住区域",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_SCOPE | FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE},
    {.name = "address", .label = "居住地址", .type = FT_TEXT, .flags = FF_EXPORTABLE, .max = 200},
    {.name = NULL},
};

static const struct entity person = {
    .name = "person",
    .label = "人员",
    .table = "person",
    .fields = person_fields,
    .perms = {.read = "person.read",
              .write = "person.write",
              .export = "person.read",
              .identity = "person.identity"},
    .default_sort = "id",
    .hooks = &person_hooks,
    .module = "masses",
};

/* The national division tree: reference data loaded by `shegong import regions`, read
 * through the engine (list, search, export); one region with its path and its children
 * are modules/region's own routes. */
static const struct field_def region_fields[] = {
    {.name = "code",
     .label = "区划代码",
     .type = FT_TEXT,
     .flags = FF_SCOPE | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE | FF_READONLY,
     .max = 12},
    {.name = "parent_code",
     .label = "上级区划代码",
     .type = FT_TEXT,
     .flags = FF_FILTERABLE | FF_EXPORTABLE | FF_READONLY,
     .max = 12},
    {.name = "level",
     .label = "层级",
     .type = FT_INT,
     .flags = FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE | FF_READONLY,
     .min = 1,
     .max = 5},
    {.name = "name",
     .label = "名称",
     .type = FT_TEXT,
     .flags = FF_LISTED | FF_SEARCHABLE | FF_SORTABLE | FF_EXPORTABLE | FF_LABEL | FF_READONLY,
     .max = 100},
    {.name = "full_name",
     .label = "全称",
     .type = FT_TEXT,
     .flags = FF_LISTED | FF_EXPORTABLE | FF_READONLY,
     .max = 400},
    {.name = "placeholder",
     .label = "虚设层级",
     .type = FT_BOOL,
     .flags = FF_FILTERABLE | FF_EXPORTABLE | FF_READONLY},
    {.name = NULL},
};

static const struct entity region = {
    .name = "region",
    .label = "行政区划",
    .table = "region",
    .fields = region_fields,
    .perms = {.read = "region.read", .export = "region.read"},
    .flags = ENTITY_REFERENCE,
    .key = "code",
    .default_sort = "level,code",
    .module = "governance",
};

/* entities */
const struct entity *const model_entities[] = {
    &region, &unit, &grid, &person, &petition_entity,
    /* mediation (modules/mediation) */
    &mediation_committee_entity, &mediator_entity, &dispute_entity, &dispute_session_entity,
    /* work orders and whistles */
    &dispatch_category_entity, &work_order_entity, &monthly_topic_entity, &whistle_entity,
    &whistle_summons_entity, NULL};
/* enums */
const struct enum_def *const model_enums[] = {
    &unit_kind, &gender,
    /* mediation (modules/mediation) */
    &mediation_committee_kind_enum, &mediator_post_enum, &mediator_status_enum, &dispute_type_enum,
    &dispute_source_enum, &dispute_level_enum, &dispute_outcome_enum, &dispute_performance_enum,
    &dispute_where_to_go_enum, NULL};

const struct model_extra *model_extra;
