/* Whether every entity's table matches its definition: the columns the engine reads and
 * writes exist with a compatible type, and the indexes the definition implies exist
 * (region scope, uniqueness, blind indexes). Migrations are hand-written; this is what
 * keeps them honest. The catalogue is read with PRAGMA in SQLite and from pg_catalog in
 * PostgreSQL; both answer the same three questions (columns, index heads, a table). */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"

struct want {
    const char *name;
    bool integer; /* BIGINT / INTEGER; else TEXT */
};

static bool on_postgres(struct db_conn *c)
{
    return strcmp(db_conn_backend(c), "postgres") == 0;
}

/* (name, type) of each column of table. */
static enum err columns_of(struct db_conn *c, struct arena *a, const char *table,
                           struct db_rows *out)
{
    if (on_postgres(c))
        return db_query(c, a,
                        "SELECT column_name::text, upper(data_type::text) "
                        "FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = $1",
                        DB_ARGS(DB_T(table)), out);
    return db_query(c, a, "SELECT name, type FROM pragma_table_info($1)", DB_ARGS(DB_T(table)),
                    out);
}

/* (unique, first column, second column) of each index of table. */
static enum err indexes_of(struct db_conn *c, struct arena *a, const char *table,
                           struct db_rows *out)
{
    if (on_postgres(c))
        return db_query(c, a,
                        "SELECT CASE WHEN ix.indisunique THEN 1 ELSE 0 END, "
                        "(SELECT attname::text FROM pg_attribute WHERE attrelid = ix.indrelid "
                        " AND attnum = ix.indkey[0]), "
                        "(SELECT attname::text FROM pg_attribute WHERE attrelid = ix.indrelid "
                        " AND attnum = ix.indkey[1]) "
                        "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
                        "WHERE t.relname = $1 AND t.relnamespace = "
                        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                        DB_ARGS(DB_T(table)), out);
    return db_query(c, a,
                    "SELECT il.\"unique\", "
                    "(SELECT name FROM pragma_index_info(il.name) WHERE seqno = 0), "
                    "(SELECT name FROM pragma_index_info(il.name) WHERE seqno = 1) "
                    "FROM pragma_index_list($1) il",
                    DB_ARGS(DB_T(table)), out);
}

static enum err table_exists(struct db_conn *c, struct arena *a, const char *table, bool *out)
{
    struct db_rows t;
    enum err err = on_postgres(c)
                       ? db_query(c, a,
                                  "SELECT 1 FROM information_schema.tables "
                                  "WHERE table_schema = current_schema() AND table_name = $1",
                                  DB_ARGS(DB_T(table)), &t)
                       : db_query(c, a, "SELECT 1 FROM sqlite_master WHERE name = $1",
                                  DB_ARGS(DB_T(table)), &t);
    *out = !err && t.nrows > 0;
    return err;
}

static bool has_column(const struct db_rows *cols, const char *name, bool integer, char *why,
                       size_t len, const char *table)
{
    for (size_t i = 0; i < cols->nrows; i++) {
        if (strcmp(db_str(cols, i, 0), name) != 0)
            continue;
        const char *type = db_str(cols, i, 1);
        bool is_int = type && strstr(type, "INT") != NULL;
        if (is_int != integer) {
            snprintf(why, len, "%s.%s is %s, the definition needs %s", table, name,
                     type ? type : "untyped", integer ? "an integer" : "text");
            return false;
        }
        return true;
    }
    snprintf(why, len, "%s has no column %s", table, name);
    return false;
}

/* Whether an index of table starts with column (unique when asked; a unique index may
 * have it second, after the region: unique within a region). */
static enum err index_on(struct db_conn *c, struct arena *a, const char *table, const char *column,
                         bool unique, bool *found)
{
    *found = false;
    struct db_rows idx;
    enum err e = indexes_of(c, a, table, &idx);
    for (size_t i = 0; i < idx.nrows && !e && !*found; i++) {
        if (unique && !db_int(&idx, i, 0))
            continue;
        const char *first = db_str(&idx, i, 1), *second = db_str(&idx, i, 2);
        *found = (first && strcmp(first, column) == 0) ||
                 (unique && second && strcmp(second, column) == 0);
    }
    return e;
}

static bool integer_type(enum field_type t)
{
    return t == FT_INT || t == FT_DECIMAL || t == FT_BOOL || t == FT_DATETIME || t == FT_REF;
}

static enum err check_entity(struct db_conn *c, struct arena *a, const struct entity *e, char *why,
                             size_t len)
{
    struct db_rows cols;
    enum err err = columns_of(c, a, e->table, &cols);
    if (err)
        return err;
    if (!cols.nrows) {
        snprintf(why, len, "entity %s: table %s does not exist", e->name, e->table);
        return ERR_CONFLICT;
    }
    static const struct want std[] = {{"id", true},         {"version", true},
                                      {"created_at", true}, {"updated_at", true},
                                      {"created_by", true}, {"updated_by", true}};
    if (e->flags & ENTITY_REFERENCE) {
        if (!has_column(&cols, e->key, false, why, len, e->table))
            return ERR_CONFLICT;
    } else {
        for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
            if (!has_column(&cols, std[i].name, std[i].integer, why, len, e->table))
                return ERR_CONFLICT;
    }
    if ((e->flags & ENTITY_SOFT_DELETE) &&
        !has_column(&cols, "deleted_at", true, why, len, e->table))
        return ERR_CONFLICT;
    if (e->workflow && !has_column(&cols, "state", false, why, len, e->table))
        return ERR_CONFLICT;
    for (const struct field_def *f = e->fields; f->name; f++) {
        bool found;
        if (engine_field_sealed(f)) {
            char enc[80], idx[80];
            snprintf(enc, sizeof(enc), "%s_enc", f->name);
            snprintf(idx, sizeof(idx), "%s_idx", f->name);
            if (!has_column(&cols, enc, false, why, len, e->table) ||
                !has_column(&cols, idx, false, why, len, e->table))
                return ERR_CONFLICT;
            err = index_on(c, a, e->table, idx, false, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s (a blind index) has no index", e->table, idx);
                return ERR_CONFLICT;
            }
        } else if (!has_column(&cols, f->name, integer_type(f->type), why, len, e->table)) {
            return ERR_CONFLICT;
        }
        if (err)
            return err;
        if (f->flags & FF_SCOPE) {
            err = index_on(c, a, e->table, f->name, false, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s (the region scope) has no index", e->table, f->name);
                return ERR_CONFLICT;
            }
        }
        if (!err && (f->flags & (FF_UNIQUE | FF_UNIQUE_REGION))) {
            err = index_on(c, a, e->table, f->name, true, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s is unique but no unique index guards it", e->table,
                         f->name);
                return ERR_CONFLICT;
            }
        }
        if (err)
            return err;
    }
    if (e->flags & ENTITY_FTS) {
        bool exists;
        err = table_exists(c, a, arena_printf(a, "%s_fts", e->table), &exists);
        if (!err && !exists) {
            snprintf(why, len, "entity %s searches %s_fts, which does not exist", e->name,
                     e->table);
            return ERR_CONFLICT;
        }
    }
    return err;
}

enum err engine_schema_check(struct db_conn *c, char *why, size_t len)
{
    struct arena a;
    arena_init(&a, 0);
    enum err err = ERR_OK;
    for (const struct entity *const *e = engine_entities(); *e && !err; e++)
        err = check_entity(c, &a, *e, why, len);
    arena_release(&a);
    return err;
}
