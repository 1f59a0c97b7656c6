/* The citizen's view of a petition on the portal, and the labels it and the receipt show.
 * See portal.h for what the view never holds. */
#ifndef SHEGONG_MODULES_PETITION_PORTAL_VIEW_H
#define SHEGONG_MODULES_PETITION_PORTAL_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "server/req.h"

/* The item id (query code `code`) as the citizen sees it: state, particulars, steps, clocks,
 * the reply and decisions, and what the citizen may do now (docs/portal.md). A new object
 * in *out. */
enum err portal_view_json(struct req *r, int64_t id, const char *code, json_t **out);

/* The label of code in the enum (an added dictionary code's too); code itself when unknown. */
const char *portal_enum_label(struct req *r, const char *enum_name, const char *code);
/* 北京市朝阳区建外街道: the region's full name without separators; code when unknown. */
const char *portal_region_name(struct req *r, const char *code);

#endif
