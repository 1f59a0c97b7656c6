/* CSV for export and import: a streaming writer into a sink (UTF-8 BOM, RFC 4180 quoting,
 * formula-injection guard) and an RFC 4180 reader over a buffer with line-numbered errors.
 *
 * Writer invariants: it allocates nothing; bytes pass through a fixed buffer of
 * CSV_WRITER_BUF bytes to the sink, so any number of rows streams in constant memory. The
 * first sink failure is sticky (ERR_IO): later calls do nothing, csv_writer_finish()
 * reports it.
 *
 * Reader invariants: fields of the current row are NUL-terminated copies held in the
 * reader's own sbuf; row pointers stay valid until the next csv_read_row() or
 * csv_reader_release(). The first structural error (bad quote, bad UTF-8, cap passed) is
 * sticky: the file cannot be re-synchronised safely, so the caller reports it with its line
 * and stops. Validation of the values is the caller's job, row by row. */
#ifndef SHEGONG_CORE_CSV_H
#define SHEGONG_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sbuf.h"

/* ---- Writer ---- */

/* Receives the next n bytes of output; returns 0 on success, anything else on failure. */
typedef int (*csv_sink_fn)(void *ctx, const char *buf, size_t n);

#define CSV_WRITER_BUF 4096

struct csv_writer {
    csv_sink_fn write;
    void *ctx;
    char buf[CSV_WRITER_BUF];
    size_t len;        /* bytes waiting in buf, never more than CSV_WRITER_BUF */
    size_t row_fields; /* fields written on the current row (decides the separator) */
    bool begun;        /* the BOM has been written */
    enum err err;      /* sticky: ERR_IO once the sink failed */
};

/* Lifecycle: _init allocates nothing and writes nothing; _begin writes the UTF-8 BOM
 * (once, however often it is called); _finish flushes and returns the sticky error. There
 * is nothing to release. */
void csv_writer_init(struct csv_writer *w, csv_sink_fn write, void *ctx);
void csv_writer_begin(struct csv_writer *w);
enum err csv_writer_finish(struct csv_writer *w);

/* A text cell (NULL is an empty one). Quoted when it holds a comma, quote, CR or LF; quotes
 * are doubled. A cell starting with = + - @ tab or CR is given a leading apostrophe so that a
 * spreadsheet shows it as text instead of evaluating it ("-1" from a text field too). */
void csv_field(struct csv_writer *w, const char *s);
/* A numeric cell, written as is: only for a plain decimal ("-12", "3.50"); anything else
 * is treated as text by csv_field(), so this cannot be used to smuggle a formula. */
void csv_field_number(struct csv_writer *w, const char *s);
/* Ends the row with CRLF (RFC 4180). */
void csv_end_row(struct csv_writer *w);

static inline enum err csv_writer_err(const struct csv_writer *w)
{
    return w->err;
}

/* ---- Reader ---- */

#define CSV_MAX_COLUMNS       256
#define CSV_DEFAULT_MAX_FIELD ((size_t)64 << 10)

struct csv_row {
    const char *const *field; /* n NUL-terminated, valid UTF-8 values */
    const size_t *len;        /* their lengths in bytes */
    size_t n;                 /* 0 only at the end of the input */
    size_t line;              /* 1-based line on which the row starts */
};

struct csv_reader {
    const char *p, *end;
    size_t line;      /* 1-based line of p */
    size_t max_field; /* bytes per value; may be lowered after _init */
    size_t max_cols;  /* columns per row, at most CSV_MAX_COLUMNS; may be lowered */
    struct sbuf data; /* the current row's values, each NUL-terminated */
    size_t off[CSV_MAX_COLUMNS];
    size_t lens[CSV_MAX_COLUMNS];
    const char *ptrs[CSV_MAX_COLUMNS];
    enum err err;        /* sticky */
    size_t err_line;     /* 1-based line of the error */
    size_t err_column;   /* 1-based column (field number) of the error */
    const char *err_msg; /* static, Chinese, for the import report */
};

/* Lifecycle: _init reads buf[0..n) (not copied; it must outlive the reader), skips one
 * leading UTF-8 BOM and allocates nothing; _release frees the row storage. */
void csv_reader_init(struct csv_reader *r, const char *buf, size_t n);
void csv_reader_release(struct csv_reader *r);

/* Reads the next row. Rows end with CRLF, LF or CR, or at the end of the input (a final
 * newline is optional); an empty line is a row of one empty value. At the end row->n is 0.
 * Errors: ERR_INVALID (unterminated quote, quote inside an unquoted value, text after a
 * closing quote), ERR_BAD_ENCODING (a value that is not UTF-8 or holds NUL), ERR_TOO_LARGE
 * (a value past max_field, more than max_cols columns), ERR_NOMEM; err_line, err_column and
 * err_msg then describe it. */
enum err csv_read_row(struct csv_reader *r, struct csv_row *row);

/* For import: a cell the writer guarded (apostrophe before = + - @ tab CR) without the
 * apostrophe; any other cell unchanged. Returns a pointer into s. */
const char *csv_unguard(const char *s);

#endif
