/* What the engine's files share and modules do not see: the select list of an entity,
 * values between JSON, their normalised form and the database. */
#ifndef SHEGONG_ENGINE_INTERNAL_H
#define SHEGONG_ENGINE_INTERNAL_H

#include <jansson.h>
#include <regex.h>

#include "engine/engine.h"

/* Standard columns at the start of the select list of a non-reference entity, in this
 * order; then deleted_at (soft delete), state (workflow), then the fields. */
enum { COL_ID, COL_VERSION, COL_CREATED, COL_UPDATED, COL_CREATED_BY, COL_UPDATED_BY, COL_NSTD };

/* Where each part sits in the select list of e. */
struct layout {
    int deleted; /* -1: none */
    int state;   /* -1: none */
    int first;   /* the first field's column */
};
void engine_layout(const struct entity *e, struct layout *l);
/* The select list ("t.id, t.version, ..."), and "SELECT <list> FROM table t WHERE
 * t.id = $1" for a live row; both made once at start-up. */
const char *engine_cols(const struct entity *e);
const char *engine_select_live(const struct entity *e);
/* The compiled pattern of a field that has one (compiled and checked at start-up). */
const regex_t *engine_field_regex(const struct field_def *f);
/* How many select-list columns a field takes (a ref adds its label). */
int engine_field_cols(const struct field_def *f);
bool engine_field_sealed(const struct field_def *f);
/* The blind index kind of a sealed field ("idcard", "phone"), for crypto_blind_index. */
const char *engine_blind_kind(const struct field_def *f);

/* A client's value for f, checked and normalised (see values.c for the forms); field
 * errors go on r with the label; *out is NULL then. JSON null is kept as null. */
enum err engine_value_in(struct req *r, const struct entity *e, const struct field_def *f,
                         json_t *in, int64_t row_id, json_t **out);
/* The normalised value of f from row i starting at column col (sealed values opened). */
enum err engine_value_load(struct req *r, const struct field_def *f, const struct db_rows *rows,
                           size_t i, int col, json_t **out);
/* The value as the API shows it, masked when clear is false. */
enum err engine_value_out(struct req *r, const struct field_def *f, json_t *norm, bool clear,
                          json_t **out);
/* A sealed field's value as its two bound parameters: the sealed text and the blind
 * index (both NULL for null). */
enum err engine_value_seal(struct req *r, const struct field_def *f, json_t *v, struct db_val *enc,
                           struct db_val *idx);
/* The value as a bound database parameter (not for sealed fields). */
struct db_val engine_value_db(struct req *r, const struct field_def *f, json_t *norm);
/* Whether a normalised value counts as given (not null, not "", not []). */
bool engine_value_present(json_t *norm);
/* A filter value from the query string for f in normalised form (ids, numbers, dates). */
enum err engine_value_filter(struct req *r, const struct field_def *f, const char *param,
                             const char *text, json_t **out);
/* The string a required_when condition compares with. */
const char *engine_value_text(struct req *r, json_t *norm);

/* Whether an ID-number or phone value may be shown in clear to this view for region. */
bool engine_view_clear(const struct engine_view *v, const struct entity *e, const char *region);

/* The column naming a row in titles (its label field when stored as plain text), or NULL. */
const char *engine_label_column(const struct entity *e);

/* Full text (fulltext.c): a row's document replaced or removed, and the condition and
 * best-first order of a search for text (no condition when text holds nothing
 * searchable: *order stays NULL). Only for ENTITY_FTS entities. */
enum err engine_fts_index(struct req *r, const struct entity *e, int64_t id, const char *doc);
/* A row's document: its searchable values (normalised, by field name), space-separated in
 * field order. */
enum err engine_fts_document(struct req *r, const struct entity *e, json_t *values,
                             const char **doc);
enum err engine_fts_delete(struct req *r, const struct entity *e, int64_t id);
/* A search ranks its matches best first when they are at most this many in the whole
 * table; beyond, it lists them newest first, reading the index from the newest down and
 * stopping when the page is full, and counts those in scope only SEARCH_COUNT_AHEAD pages
 * past the page asked for (counting them all would read every match's row). */
#define SEARCH_RANKED_MAX  2000
#define SEARCH_COUNT_AHEAD 4
struct engine_fts {
    const char *order; /* the ORDER BY text of the search's own order (NULL: no search) */
    bool ranked;       /* best first (else newest first) */
    bool capped;       /* count only SEARCH_COUNT_AHEAD pages ahead (else count them all) */
};
/* Starts from ("FROM ...", before its WHERE) with the table t and the full-text matches of
 * text as alias fts, ranked or newest first as above (sorted: the reader gave a sort of their own,
 * which orders all the matches; the rank only breaks no tie then); with nothing searchable
 * in text, the table alone and out->order NULL. A q too long is a field error on r. */
enum err engine_fts_from(struct req *r, const struct entity *e, const char *text, bool sorted,
                         struct sqlq *from, struct engine_fts *out);

/* Renews row id's full-text document from its stored values (ENTITY_FTS only). */
enum err engine_reindex(struct req *r, const struct entity *e, int64_t id);

/* An id given as a JSON string of digits or an integer (> 0). */
bool engine_id_of(json_t *v, int64_t *out);
/* Whether row id of e exists, is live and lies in the reader's scope of e's read
 * permission (all in one query). */
enum err engine_row_visible(struct req *r, const struct entity *e, int64_t id, bool *ok);
/* ERR_NOT_FOUND unless row id of e passes e's read_filter hook for r (ERR_OK without one). */
enum err engine_row_filtered(struct req *r, const struct entity *e, int64_t id);
/* The longest text a text field takes, in characters (its max, else 200 / 20000). */
int64_t engine_text_max(const struct field_def *f);

/* Parses an RFC 3339 time ("2026-11-29T08:00:00Z", "...+08:00") into Unix seconds. */
bool engine_parse_time(const char *s, int64_t *out);

#endif
