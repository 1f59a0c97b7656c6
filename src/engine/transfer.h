/* What export writes and import reads back: the columns of an entity's sheet and the value
 * conversions both sides share (enum labels, Asia/Shanghai wall-clock times). Internal to
 * the engine (export.c, import.c).
 *
 * Invariants: the column list is derived from the definitions alone, so a file exported
 * by one server imports into another of the same version; headers are the fields' 中文
 * labels, and import also accepts the field names. */
#ifndef SHEGONG_ENGINE_TRANSFER_H
#define SHEGONG_ENGINE_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

#define XFER_MAX_COLS 128

enum xfer_col_kind { XCOL_ID = 1, XCOL_FIELD, XCOL_STATE };

struct xfer_col {
    enum xfer_col_kind kind;
    const struct field_def *f; /* XCOL_FIELD */
    const char *header;        /* 中文 */
};

/* The export's columns: the row's id, the FF_EXPORTABLE fields in definition order (never
 * attachments), the workflow state. Returns how many (at most cap). */
size_t xfer_columns(const struct entity *e, struct xfer_col *cols, size_t cap);
/* The id column's header: "编号", or "系统编号" when a field is labelled "编号". */
const char *xfer_id_header(const struct entity *e);
/* The state label of a workflow state (the code itself when unknown). */
const char *xfer_state_label(const struct entity *e, const char *state);

/* Enum codes and labels: the built-in items, then the codes administrators added to an
 * extendable enum (read from the dictionary once per request and kept in cache). */
struct xfer_enums {
    json_t *cache; /* enum name -> {code: label} of the dictionary */
};
void xfer_enums_init(struct xfer_enums *x);
void xfer_enums_release(struct xfer_enums *x);
/* The label of code (code itself when unknown). */
enum err xfer_enum_label(struct req *r, struct xfer_enums *x, const struct enum_def *d,
                         const char *code, const char **out);
/* The code whose label or code is text; *out NULL when none. */
enum err xfer_enum_code(struct req *r, struct xfer_enums *x, const struct enum_def *d,
                        const char *text, const char **out);

/* A scratch arena in place of the request's while one row (import) or one batch (export)
 * is worked on, so that what the engine allocates per row goes away with the row and a
 * 10,000-row import or a million-row export stays within the request's arena cap.
 * _end copies the field errors and message still on r into the request's arena, clears
 * r->audit.detail (it pointed into the scratch) and puts the request's arena back.
 * Whatever else the work kept must be copied by the caller before _end. */
struct xfer_scratch {
    struct arena saved; /* the request's arena while swapped out; allocate from it */
};
void xfer_scratch_begin(struct req *r, struct xfer_scratch *s);
void xfer_scratch_end(struct req *r, struct xfer_scratch *s);

/* Times: RFC 3339 UTC ("2026-11-29T00:42:47Z") <-> Asia/Shanghai "2026-11-29 08:42:47". */
bool xfer_time_local(const char *rfc3339, char out[20]);
/* Accepts "YYYY-MM-DD HH:MM[:SS]" or "YYYY/MM/DD ..." (Asia/Shanghai) and RFC 3339 with Z
 * or an offset; *t gets Unix seconds. */
bool xfer_time_parse(const char *s, int64_t *t);
/* An Excel serial day number (days since 1899-12-30, fraction = time of day) read as
 * Asia/Shanghai wall-clock time: Unix seconds. */
bool xfer_excel_time(const char *serial, int64_t *t);

#endif
