/* Attachments: files uploaded raw (PUT /api/v1/attachment?filename=…), typed from their
 * magic bytes against an allow-list (core/filetype), stored once per content under
 * DATA_DIR/files/ by SHA-256, and linked from attachment fields of entity rows.
 *
 * A file may be downloaded by the user who uploaded it and by anyone who may read a row
 * that links it (that entity's read permission and region scope). Table: attachment and
 * attachment_link (migration 0009_attachment.sql). */
#ifndef SHEGONG_ENGINE_ATTACHMENT_H
#define SHEGONG_ENGINE_ATTACHMENT_H

#include <jansson.h>

#include "engine/engine.h"

/* Largest upload by default (SHEGONG_ATTACHMENT_LIMIT overrides). */
#define ATTACHMENT_DEFAULT_LIMIT ((size_t)20 << 20)

/* Checks the value of an attachments field: an array of attachment ids (strings) that
 * exist and that this user may link (uploaded by them, or already linked to this row).
 * Records field errors on r; *out gets the normalised array (new reference). */
enum err attachment_check(struct req *r, const struct field_def *f, json_t *value, int64_t row_id,
                          const struct entity *e, json_t **out);
/* Replaces the links of row id's field f with ids (a JSON array of id strings). */
enum err attachment_link(struct req *r, const struct entity *e, const struct field_def *f,
                         int64_t row_id, json_t *ids);
/* The attachments as the row's JSON shows them: [{"id","name","size","type"}]. */
enum err attachment_describe(struct req *r, json_t *ids, json_t **out);

/* Route handlers: PUT /api/v1/attachment, GET /api/v1/attachment/{id} (download),
 * GET /api/v1/attachment/{id}/info. */
enum err attachment_put(struct req *r);
enum err attachment_get(struct req *r);
enum err attachment_info(struct req *r);

#endif
