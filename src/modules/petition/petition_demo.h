/* Demonstration petitions for `shegong demo` (petition_demo.c). */
#ifndef SHEGONG_MODULES_PETITION_DEMO_H
#define SHEGONG_MODULES_PETITION_DEMO_H

#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/* Inside the demo's write transaction, after its accounts and units: about three hundred
 * and fifty petitions across 朝阳区's streets over the year before now, registered and
 * moved through the workflow by the engine itself at the times they happened (history,
 * clocks and stamps as a user's requests would have left them), in every state — late and
 * overdue ones, repeats, items after 复核, collective visits, ratings — the handling units
 * they need, and petition roles for the demo users chaoyang (信访干部 and 负责人) and
 * jianwai (建外街道办事处's 承办人). Deterministic (a fixed seed) for a given now; skipped
 * with a note when the regions are not loaded. */
enum err petition_demo_load(struct db_conn *c, int64_t now);

#endif
