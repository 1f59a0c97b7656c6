/* The declarative engine: entities, fields, enums and workflows are tables (src/model/);
 * the engine turns them into SQL, the generic JSON routes, exports and imports, /meta and
 * OpenAPI. A module adds an entity by adding its table and, only when the tables cannot
 * say something, a hooks struct.
 *
 * Invariants:
 * - The registry (entities, enums, generated routes) is built once at start-up
 *   (engine_init) and is immutable afterwards; any thread may read it.
 * - Identifiers in SQL come only from these tables; every value is bound.
 * - Every row of an entity (unless ENTITY_REFERENCE) has the standard columns id, version,
 *   created_at, updated_at, created_by, updated_by, plus deleted_at with ENTITY_SOFT_DELETE
 *   and state with a workflow. A test compares each table with its definition.
 * - Region scope and permission are part of every query's SQL (access_scope_sql), never a
 *   check on rows after they were read.
 *
 * Storage by field type (column = field name unless noted):
 *   text, longtext, enum, region, uscc  TEXT
 *   int, bool (0/1), datetime (Unix s)  BIGINT
 *   decimal                             BIGINT, the value times 10^scale; JSON "12.50"
 *   date                                TEXT "YYYY-MM-DD"
 *   ref                                 BIGINT id of the other entity's row
 *   multi_ref, tags, attachments        TEXT, a JSON array (ids as strings / tags / ids)
 *   geo                                 TEXT "lng,lat" (JSON {"lng":..,"lat":..})
 *   idcard, phone                       NAME_enc (sealed, core/crypto) + NAME_idx (blind
 *                                       index); never stored in clear */
#ifndef SHEGONG_ENGINE_ENGINE_H
#define SHEGONG_ENGINE_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/sqlq.h"
#include "server/req.h"

enum field_type {
    FT_TEXT = 1, /* one line, at most max characters (default 200) */
    FT_LONGTEXT, /* several lines, at most max characters (default 20000) */
    FT_INT,
    FT_DECIMAL, /* fixed point with scale digits after the point */
    FT_BOOL,
    FT_DATE,
    FT_DATETIME,
    FT_ENUM, /* a code of the field's enum (struct enum_def) */
    FT_REF,  /* the id of a row of entity ref */
    FT_MULTI_REF,
    FT_REGION, /* a 12-digit region code that exists */
    FT_IDCARD, /* citizen ID number: validated, sealed, blind-indexed, masked */
    FT_USCC,   /* unified social credit code */
    FT_PHONE,  /* mobile or landline: normalised, sealed, blind-indexed, masked */
    FT_ATTACHMENTS,
    FT_TAGS,
    FT_GEO,
};

enum field_flags {
    FF_REQUIRED = 1 << 0,
    FF_LISTED = 1 << 1,     /* a column of the list view (every field is in the JSON) */
    FF_FILTERABLE = 1 << 2, /* ?name=v, ?name=v1,v2; ranges name_from/name_to */
    FF_SORTABLE = 1 << 3,
    FF_SEARCHABLE = 1 << 4, /* part of the full-text document (q=) */
    FF_EXPORTABLE = 1 << 5,
    FF_READONLY = 1 << 6,      /* set by the system or hooks, never by a client */
    FF_UNIQUE = 1 << 7,        /* among live rows */
    FF_UNIQUE_REGION = 1 << 8, /* among live rows of the same region_code */
    FF_SCOPE = 1 << 9,         /* FT_REGION: the row's region for scope (one per entity) */
    FF_LABEL = 1 << 10,        /* what references to this entity show (one per entity) */
    FF_CREATE_ONLY = 1 << 11,  /* settable on create, read-only afterwards */
    FF_WITHHELD = 1 << 12,     /* identity material: null for readers the entity's withhold
                                  hook names (not even masked), and attachments not served */
};

/* Masking of a field's value for readers without the entity's identity permission. */
enum pii_kind { PII_NONE = 0, PII_NAME, PII_IDCARD, PII_PHONE, PII_ADDRESS, PII_DATE };

struct enum_item {
    const char *code;
    const char *label; /* 中文 */
};

/* A dictionary of codes. Administrators may add codes to an extendable one (stored in the
 * dictionary table); the built-in items cannot be removed. */
struct enum_def {
    const char *name; /* "unit_kind" */
    const char *label;
    const struct enum_item *items; /* {0}-terminated */
    bool extendable;
};

struct field_def {
    const char *name;  /* JSON key and column */
    const char *label; /* 中文, in forms, headers and error messages */
    enum field_type type;
    unsigned flags;            /* enum field_flags */
    int64_t min, max;          /* text: length in characters; int/decimal: range (both 0: none) */
    int scale;                 /* decimal: digits after the point */
    const char *pattern;       /* text: POSIX extended regular expression, anchored */
    const char *enum_name;     /* FT_ENUM */
    const char *ref;           /* FT_REF, FT_MULTI_REF: the entity's name */
    const char *required_when; /* "other_field=value": required when that holds */
    enum pii_kind pii;
    const char *help; /* 中文 hint under the form field, or NULL */
};

/* Workflows: states and transitions with the deadline rules they apply. */
enum deadline_op {
    DL_START = 1, /* starts (or restarts) the clock */
    DL_STOP,      /* the obligation is met: the clock stops, no notices */
    DL_PAUSE,     /* stops counting (a hearing, waiting for the petitioner) */
    DL_RESUME,    /* counts again; the due time moves by the paused time */
    DL_EXTEND,    /* moves the due time by amount, once per deadline */
};
/* DL_MINUTES and DL_HOURS count elapsed time (a 30-minute 报到 limit); the day units count
 * calendar or working days (deadline.h conventions). */
enum deadline_unit { DL_CALENDAR_DAYS = 1, DL_WORKING_DAYS, DL_HOURS, DL_MINUTES };

struct deadline_rule {
    const char *name;  /* "accept", "handle" */
    const char *label; /* 中文: "受理期限" */
    enum deadline_op op;
    int amount; /* START, EXTEND: how many units */
    enum deadline_unit unit;
    /* EXTEND: the action's integer field giving how many units (1..amount); NULL: amount */
    const char *amount_field;
    bool roll_forward; /* calendar days: a due day on a holiday moves to the next workday */
};

struct state_def {
    const char *name;
    const char *label;
    bool final;
};

struct transition {
    const char *from; /* a state, or "*" for any non-final state */
    const char *action;
    const char *label;
    const char *to;
    const char *perm; /* who may; NULL: the entity's write permission */
    /* Fields the action takes in its body. A field of the same name in the entity is
     * written to the row; all are kept in the history. {0}-terminated or NULL. */
    const struct field_def *fields;
    const struct deadline_rule *deadlines; /* {0}-terminated or NULL */
};

struct workflow {
    const char *initial; /* state of a new row */
    const struct state_def *states;
    const struct transition *transitions;
    const struct deadline_rule *on_create; /* clocks a new row starts ({0}-terminated) */
    const char *supervise_perm; /* who gets 督办 notices for due-soon and overdue items */
    int due_soon_days;          /* notice this many days before due (0: 3) */
};

struct entity;

/* A row being written: values holds the normalised input by field name (clear text for
 * sealed fields; the engine seals them); old is the current row for an update (NULL on
 * create) in its JSON form, unmasked. Hooks may change values. */
struct engine_row {
    json_t *values;
    json_t *old;
    int64_t id;
    bool create;
};

/* Per-entity hooks; NULL in a slot means the default. Each runs inside the request's
 * transaction and records field errors with req_field_error. */
struct entity_hooks {
    /* Checks beyond the field definitions on the merged row; runs after the field checks
     * (also when those found errors, so all mistakes are reported at once). */
    enum err (*validate)(struct req *r, const struct entity *e, struct engine_row *row);
    /* Derives values before the write (person: gender and birth date from the ID). */
    enum err (*before_save)(struct req *r, const struct entity *e, struct engine_row *row);
    /* After the INSERT or UPDATE, before the reply. */
    enum err (*after_save)(struct req *r, const struct entity *e, struct engine_row *row);
    /* After a workflow transition was applied; body is the action's request body. */
    enum err (*on_transition)(struct req *r, const struct entity *e, int64_t id,
                              const struct transition *t, json_t *body);
    /* Narrows what r may read of e beyond its region scope: appends " AND (condition on
     * the row, alias t)" to q. Applied to every read of rows: lists, exports, searches,
     * one row, actions, to-dos, references and attachment downloads. */
    enum err (*read_filter)(struct req *r, const struct entity *e, struct sqlq *q);
    /* Whether the FF_WITHHELD fields of a row are withheld from r; row is its JSON as
     * built for r so far (ids as strings, other fields as the API shows them). */
    bool (*withhold)(struct req *r, const struct entity *e, json_t *row);
};

struct entity_perms {
    const char *read;     /* list, get, meta */
    const char *write;    /* create, update (NULL: read-only through the API) */
    const char *del;      /* delete, restore (NULL: no delete) */
    const char *export;   /* export (NULL: no export) */
    const char *identity; /* clear personal data (NULL: always masked) */
    const char *import;   /* import (NULL: the write permission; no write: no import) */
};

enum entity_flags {
    ENTITY_SOFT_DELETE = 1 << 0, /* DELETE marks deleted_at; restore clears it */
    ENTITY_REFERENCE = 1 << 1,   /* reference data: text key, no standard columns, read-only */
    ENTITY_FTS = 1 << 2,         /* full text through TABLE_fts (else LIKE on searchables) */
    ENTITY_NO_CREATE = 1 << 3,   /* rows come from elsewhere (imports, other modules) */
};

struct entity {
    const char *name;  /* URL segment, JSON name: "unit" */
    const char *label; /* 中文: "单位" */
    const char *table;
    const struct field_def *fields; /* {0}-terminated */
    struct entity_perms perms;
    unsigned flags;           /* enum entity_flags */
    const char *key;          /* ENTITY_REFERENCE: the text primary key column ("code") */
    const char *default_sort; /* "name" or "-created_at" (NULL: "-id") */
    const struct workflow *workflow;
    const struct entity_hooks *hooks;
    const char *module; /* menu area for the console: "governance", "masses", ... */
    /* dictionaries a module brings with the entity ({NULL}-terminated or NULL), registered
     * with it, so a module's enums need not be listed in the model's table */
    const struct enum_def *const *enums;
};

/* ---- Registry ---------------------------------------------------------------------- */

/* Builds the registry from the entity and enum tables ({NULL}-terminated arrays of
 * pointers) and the route table: static routes first, then the generated entity routes.
 * Checks the definitions (BUG on a contradiction: an unknown ref, two scope fields, a
 * filterable longtext...). Call once before serving; engine_routes() is then valid. */
enum err engine_init(const struct entity *const *entities, const struct enum_def *const *enums,
                     const struct route *static_routes);
/* The select list of e's rows (alias t) that engine_row_json reads. */
const char *engine_select_list(const struct entity *e);
/* The whole route table ({NULL}-terminated), and the registered entities. */
const struct route *engine_routes(void);
const struct entity *const *engine_entities(void);
const struct entity *engine_entity(const char *name);
const struct enum_def *engine_enum(const char *name);
/* The entity a generated route serves (NULL for a static route). */
const struct entity *engine_route_entity(const struct route *rt);
const struct field_def *engine_field(const struct entity *e, const char *name);
/* The field with FF_SCOPE (NULL: not region-scoped) and the one with FF_LABEL. */
const struct field_def *engine_scope_field(const struct entity *e);
const struct field_def *engine_label_field(const struct entity *e);
/* Whether every entity's table has the columns and indexes its definition needs:
 * ERR_CONFLICT with why naming the first difference. */
enum err engine_schema_check(struct db_conn *c, char *why, size_t len);
/* The sealed columns of the registered entities (ID and phone fields) after base, the
 * hand-registered ones: what `shegong key rotate` re-seals. NULL when out of memory. */
struct sealed_column;
const struct sealed_column *engine_sealed_columns(const struct sealed_column *base);
/* Whether code is a valid code of the enum (built-in or added in the dictionary). */
enum err engine_enum_has(struct db_conn *c, struct arena *a, const struct enum_def *d,
                         const char *code, bool *out);

/* A field as /meta describes it (a new object), and a type's name there ("text"). */
json_t *engine_field_meta(const struct field_def *f);
const char *engine_type_name(enum field_type t);

/* ---- Reading rows ------------------------------------------------------------------ */

/* The filtered, scoped query of a list request (also used by export): parses the query
 * string (filters, q, region, deleted, sort, after; format and dry_run are the handler's),
 * recording field errors for unknown or malformed ones. from gets "FROM table t [JOIN ...] WHERE
 * ..." with its values; order the ORDER BY text (always ending in the key, so paging is stable). */
struct engine_query {
    struct sqlq from;
    const char *order;
    const char *cols;    /* the select list that engine_row_json reads */
    bool keyset;         /* ?after= was given: from already holds the keyset condition */
    const char *key_col; /* the sort allows keyset paging on this column (NULL: no) */
    bool key_desc;
    int64_t page, size; /* ?page= (from 1) and ?size= (1..200, default 20) */
    const char *lookup; /* the sealed fields filtered by ("\"id_number\",\"phone\"") or NULL:
                           such a lookup is audited */
    int64_t count_max;  /* count the list only up to this many (0: count it all) */
    const char *search; /* a search's order: "relevance" or "newest" (NULL: no search) */
};
enum err engine_query_build(struct req *r, const struct entity *e, struct engine_query *q);

void engine_query_release(struct engine_query *q);

/* How rows are shown to this reader: identity scope for clear personal data, and the
 * ids whose clear values were shown (to audit them). */
struct engine_view {
    struct scope identity;
    int64_t *shown;      /* rows shown with personal data in clear */
    const char **fields; /* per shown row: {"fields":[the personal fields shown]} */
    size_t nshown, cap;
    bool count_only;       /* only count the rows (an export writes one summary record) */
    bool skip_attachments; /* attachment fields as bare ids, not described (export) */
};
enum err engine_view_init(struct req *r, const struct entity *e, struct engine_view *v);
/* One row (selected with q->cols) as JSON: every field, refs with NAME_label, masked
 * where the reader may not see clear values. */
enum err engine_row_json(struct req *r, const struct entity *e, const struct db_rows *rows,
                         size_t i, struct engine_view *v, json_t **out);
/* Writes the audit records of the clear personal data the view showed. */
enum err engine_view_audit(struct req *r, const struct entity *e, struct engine_view *v);
/* Reads one live row by id as JSON for the reader (ERR_NOT_FOUND when absent/deleted). */
enum err engine_get_json(struct req *r, const struct entity *e, int64_t id, json_t **out);

/* ---- Writing rows ------------------------------------------------------------------ */

/* Checks input (a JSON object as a client would send it) against the entity's fields,
 * runs the hooks and writes the row; id == 0 creates, else updates the row whose version
 * must equal version (ERR_CONFLICT otherwise). Field errors go on r (returns
 * ERR_INVALID); *out_id gets the row's id. Runs in the caller's transaction. */
enum err engine_write(struct req *r, const struct entity *e, json_t *input, int64_t id,
                      int64_t version, int64_t *out_id);

/* ---- Route handlers (generated routes point at these) ------------------------------- */

enum err engine_list(struct req *r);
enum err engine_get(struct req *r);
enum err engine_create(struct req *r);
enum err engine_update(struct req *r);
enum err engine_delete(struct req *r);
enum err engine_restore(struct req *r);
enum err engine_export(struct req *r); /* engine/export.c */
enum err engine_import(struct req *r); /* engine/import.c */
enum err engine_action(struct req *r); /* engine/workflow.c */
/* Takes action on row id of e with body (the action's fields, may be NULL) as engine_action
 * does, inside the caller's transaction; without the permission and scope checks when
 * system is true (the portal acting for a citizen: the caller has checked who asks). The
 * row's new JSON for r goes to *out when out is not NULL. */
enum err engine_take_action(struct req *r, const struct entity *e, int64_t id, const char *action,
                            json_t *body, bool system, json_t **out);
/* Appends e's read_filter hook's condition for r to q (nothing without the hook). */
enum err engine_read_filter(struct req *r, const struct entity *e, struct sqlq *q);
enum err engine_meta(struct req *r);           /* engine/meta.c */
enum err engine_dictionary_add(struct req *r); /* engine/meta.c */
enum err engine_openapi(struct req *r);        /* engine/openapi.c */

#endif
