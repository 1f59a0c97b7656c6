/* Reading the first worksheet of an XLSX (Office Open XML) file, row by row, for imports:
 * the zip is opened in memory (libzip), its XML parts are parsed as streams (expat).
 *
 * Invariants: the input is never copied and never trusted. Every XML part is inflated in
 * chunks and parsed as it comes, so memory holds only the shared strings (capped) and the
 * current row; a part that inflates past max_part, more than max_cols columns, a value
 * longer than max_cell or a DOCTYPE (entity expansion) stops the read with an error. Cells
 * are handed over as text: shared and inline strings resolved, numbers as written in the
 * file ("12.5", "45992"), booleans "1"/"0"; gaps between cells (B1 then D1) are empty
 * cells, and rows that the file leaves out are skipped (the callback sees the row number). */
#ifndef SHEGONG_CORE_XLSX_READ_H
#define SHEGONG_CORE_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum xlsx_cell_type {
    XLSX_EMPTY = 0,
    XLSX_STRING, /* shared, inline or formula string; ISO date (t="d") */
    XLSX_NUMBER, /* a number as written; dates are numbers (days since 1899-12-30) */
    XLSX_BOOL,   /* "1" or "0" */
    XLSX_ERROR,  /* "#DIV/0!" ... */
};

struct xlsx_row {
    size_t row;                      /* 1-based row number in the sheet */
    size_t n;                        /* cells (columns A.. up to the last present one) */
    const char *const *cell;         /* n NUL-terminated values ("" when empty) */
    const size_t *len;               /* their lengths in bytes */
    const enum xlsx_cell_type *type; /* their types */
};

struct xlsx_limits {
    size_t max_part;    /* inflated bytes per XML part (0: 256 MiB) */
    size_t max_strings; /* bytes of all shared strings together (0: 64 MiB) */
    size_t max_cols;    /* columns per row (0: 256) */
    size_t max_cell;    /* bytes per value (0: 64 KiB) */
};

struct xlsx_error {
    size_t row, col;     /* 1-based where known, else 0 */
    const char *message; /* static, Chinese, for the import report */
};

/* Called for each row present in the sheet, in order; any value but ERR_OK stops the read
 * and is returned by xlsx_read. The row's pointers are valid only during the call. */
typedef enum err (*xlsx_row_fn)(void *ctx, const struct xlsx_row *row);

/* Reads buf[0..n) (not copied). lim may be NULL for the defaults. Errors: ERR_INVALID
 * (not a zip, no worksheet, malformed XML, a bad cell reference), ERR_TOO_LARGE (a cap),
 * ERR_NOMEM, or what fn returned; err (may be NULL) then says where and why. */
enum err xlsx_read(const void *buf, size_t n, const struct xlsx_limits *lim, xlsx_row_fn fn,
                   void *ctx, struct xlsx_error *err);

/* Column letters ("A", "AB") of a cell reference to a 0-based column, and the row number
 * after them; false when ref is not a reference. Either out pointer may be NULL. */
bool xlsx_parse_ref(const char *ref, size_t *col, size_t *row);

#endif
