/* Importing official holidays and make-up working days from a file in the layout of the
 * chinese-days npm package: {"holidays":{"YYYY-MM-DD":"English,中文,N",…},
 * "workdays":{…}, "inLieuDays":{…}} (dist/chinese-days.json, or one year's
 * dist/years/YYYY.json). A year is covered by the file when it holds any day of it.
 *
 * Reading checks the whole file before anything is written; applying replaces the
 * official days of exactly the covered years in the caller's transaction, never touches
 * administrators' corrections, and reports what changed, so a second run changes
 * nothing. */
#ifndef SHEGONG_MODULES_CALENDAR_IMPORT_H
#define SHEGONG_MODULES_CALENDAR_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "db/db.h"

#define CALENDAR_IMPORT_MAX_BYTES ((size_t)16 << 20)
#define CALENDAR_NAME_MAX         50 /* characters of a festival's name */
#define CALENDAR_SOURCE_MAX       64 /* bytes of a source label */

struct calendar_import {
    struct calendar days; /* what the file says: its entries and its years */
    int first_year, last_year, nyears;
    /* what applying changed */
    int added, changed, removed, unchanged;
    int overruled;     /* days of the file that administrators' corrections overrule */
    int years_added;   /* years not covered before */
    int years_changed; /* years whose recorded source changed */
};

/* _init allocates nothing; _release frees what reading loaded. */
void calendar_import_init(struct calendar_import *imp);
void calendar_import_release(struct calendar_import *imp);

/* Reads and checks the file at path. On failure writes the reason (English, naming the
 * offending key) into why: ERR_IO (cannot read), ERR_TOO_LARGE, ERR_BAD_ENCODING,
 * ERR_MALFORMED_JSON or ERR_INVALID. */
enum err calendar_import_read(struct calendar_import *imp, const char *path, char *why,
                              size_t whylen);

/* Writes the file's days as source (e.g. "chinese-days 1.5.7") inside the caller's write
 * transaction, filling the change counts; raises the calendar version when anything
 * changed. */
enum err calendar_import_apply(struct db_conn *c, struct calendar_import *imp, const char *source,
                               int64_t now);

#endif
