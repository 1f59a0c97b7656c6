/* The pieces GET /api/v1/openapi.json is built from (engine/openapi.c, the document and its
 * operations; engine/openapi_schema.c, the schemas). Internal to those two files.
 *
 * Every function returns a new JSON reference (or fills one given). Component schemas are
 * named after the entity: "unit" (a row), "unit_create", "unit_update", "unit_list",
 * "unit_action_<action>"; shared ones are "Id", "Geo", "Error", "FieldError", "Attachment",
 * "AttachmentUploaded", "AttachmentInfo". */
#ifndef SHEGONG_ENGINE_OPENAPI_H
#define SHEGONG_ENGINE_OPENAPI_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/engine.h"

/* {"$ref": "#/components/schemas/<name>"} (takes nothing, copies name). */
json_t *openapi_ref(const char *name);
/* {"application/json": {"schema": schema}} (takes schema). */
json_t *openapi_json_content(json_t *schema);
/* e->name + suffix, in a. */
const char *openapi_name(struct arena *a, const struct entity *e, const char *suffix);

/* Adds the entity's row, list, create, update and action schemas to schemas. */
void openapi_entity_schemas(struct arena *a, const struct entity *e, json_t *schemas);

/* A parameter object (takes schema; description may be NULL). */
json_t *openapi_param(const char *name, const char *in, bool required, json_t *schema,
                      const char *description);
/* A path parameter by its name in the pattern ({id}, {code}, {action} …); e may be NULL. */
json_t *openapi_path_param(const struct entity *e, const char *name);
/* A static route's typed query parameter. */
json_t *openapi_static_param(const struct param_def *d);
/* Appends the list query of e to out: filters, q, region, state, deleted, sort and, with
 * paging, page, size and after. */
void openapi_query_params(const struct entity *e, json_t *out, bool paging);

/* The ?reveal= parameter of entities with personal data. */
json_t *openapi_reveal_param(void);

#endif
