/* Petition figures and hot spots (源头治理; docs/petition.md "Figures and hot spots"): the
 * rates per handling unit or child region, the items behind each number, and the counts by
 * child region × category × month with the fastest-rising categories.
 *
 * Every count covers only what the caller may read: the region scope of petition.read and
 * the petition read filter (an accusation never reaches the accused unit, a unit's reader
 * sees only the items routed to it). Months and days are those of Asia/Shanghai. */
#ifndef SHEGONG_MODULES_PETITION_FIGURES_H
#define SHEGONG_MODULES_PETITION_FIGURES_H

#include <stdbool.h>

#include "db/db.h"
#include "modules/region/region.h"
#include "server/req.h"

#define PETITION_HOTSPOT_MONTHS     6  /* ?months= default */
#define PETITION_HOTSPOT_MONTHS_MAX 24 /* and its largest value */
#define PETITION_RISING_MIN         3  /* items in the last month before a category can rise */
#define PETITION_RISING_TOP         3  /* rising categories named per region */

/* GET /api/v1/petition/figures?by=unit|region&region=&from=&to=&format=json|csv */
enum err petition_figures(struct req *r);
/* GET /api/v1/petition/figures/items?figure=&part=&unit=&region=&exact=&from=&to=&page=&size=:
 * the items one number of the figures counts, as the list route shows them. */
enum err petition_figure_items(struct req *r);
/* GET /api/v1/petition/hotspots?region=&months= (hotspots.c) */
enum err petition_hotspots(struct req *r);

/* ---- Shared by figures.c and hotspots.c ----------------------------------------------- */

#define PETITION_FIGURES_MAX_CHILDREN 2000 /* child regions shown */

/* The region asked for in ?region= — a loaded region inside scope s (else a field error on
 * "region": ERR_INVALID, or ERR_FORBIDDEN out of scope) — or, when required and not given,
 * the one root of s. *code stays NULL when none was asked for nor required. */
enum err petition_figures_region(struct req *r, const struct scope *s, bool required,
                                 struct region *out, const char **code);
/* The child regions of code as rows (code, name), in code order. */
enum err petition_figures_children(struct req *r, const char *code, struct db_rows *children);
/* The prefix length to group item codes by so that each group lies within one child: the
 * longest significant prefix among the children (12 without children). */
int petition_figures_prefix(const struct db_rows *children);
/* A grouping prefix padded with zeros to a full 12-digit code (in a). */
const char *petition_figures_code(struct arena *a, const char *prefix);

#endif
