/* Shared by the work order hooks (workorder_hooks.c) and the catalogue's
 * (workorder_catalogue.c): units and the places they cover, the catalogue's categories with
 * their rule versions, the dispatch suggestion, and small helpers on rows being written.
 * Everything runs inside the request's transaction and allocates in r's arena. */
#ifndef SHEGONG_MODULES_WORKORDER_INTERNAL_H
#define SHEGONG_MODULES_WORKORDER_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "modules/workorder/workorder.h"

/* ---- Rows being written --------------------------------------------------------------- */

/* Whether r already has a field error on field. */
bool workorder_has_error(const struct req *r, const char *field);
/* The value the row will have: given in this request, else stored. */
json_t *workorder_value_of(const struct engine_row *row, const char *key);
/* An id given as an integer or a string of digits (0: none or not an id). */
int64_t workorder_id_value(json_t *v);
/* The 中文 label of e's field name (name itself when unknown). */
const char *workorder_label_of(const struct entity *e, const char *name);

/* ---- Units ---------------------------------------------------------------------------- */

struct workorder_unit {
    bool found; /* a live unit */
    const char *kind, *region, *name;
};
enum err workorder_unit_get(struct req *r, int64_t id, struct workorder_unit *u);
/* Whether u handles matters of region: a township or district unit whose region contains
 * it, or a department of the county (the first six digits of its region) containing it. */
bool workorder_unit_covers(const struct workorder_unit *u, const char *region);
/* The most local district unit whose region (county, city, province) contains region. */
enum err workorder_district_of(struct req *r, const char *region, int64_t *unit);

/* ---- The catalogue -------------------------------------------------------------------- */

struct workorder_category {
    bool found;
    int64_t id, version, handler_unit_id, respond_amount, limit_amount;
    const char *code, *name, *region, *handler_kind, *urgency, *respond_unit, *limit_unit;
    bool active, has_children;
};
enum err workorder_category_get(struct req *r, int64_t id, struct workorder_category *c);
/* Writes a dispatch_category_version row for c's current rules unless the latest one holds
 * the same; *version gets the version of the rules in force. */
enum err workorder_category_sync(struct req *r, const struct workorder_category *c,
                                 int64_t *version);
/* Whether an order of region may take category id (active, a leaf, of a catalogue whose
 * region contains region): a field error on field otherwise; *c gets the category. */
enum err workorder_category_check(struct req *r, int64_t id, const char *region, const char *field,
                                  const char *label, struct workorder_category *c);

/* ---- The suggestion ------------------------------------------------------------------- */

struct workorder_suggestion {
    int64_t unit, copy; /* 0: none */
    const char *why;    /* a msg_text code */
};
/* The catalogue's unit for an order of region in category c (c may be NULL or not found):
 * docs/workorder.md, "the suggestion". s->unit is 0 when not even a district unit covers it. */
enum err workorder_suggest_for(struct req *r, const char *region,
                               const struct workorder_category *c, struct workorder_suggestion *s);

#endif
