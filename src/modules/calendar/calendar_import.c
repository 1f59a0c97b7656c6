/* Reading a chinese-days file and replacing the official days of its years
 * (see calendar_import.h). */
#include "modules/calendar/calendar_import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonin.h"
#include "core/utf8.h"
#include "modules/calendar/calendar_db.h"

void calendar_import_init(struct calendar_import *imp)
{
    memset(imp, 0, sizeof(*imp));
    calendar_init(&imp->days);
}

void calendar_import_release(struct calendar_import *imp)
{
    calendar_release(&imp->days);
    calendar_import_init(imp);
}

/* The whole file into a malloc'd buffer (the caller frees it). */
static enum err read_file(const char *path, char **out, size_t *len, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
        return ERR_IO;
    }
    enum err e = ERR_OK;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= CALENDAR_IMPORT_MAX_BYTES) {
                snprintf(why, whylen, "%s is larger than %zu MiB", path,
                         CALENDAR_IMPORT_MAX_BYTES >> 20);
                e = ERR_TOO_LARGE;
                break;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown)
                break;
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        snprintf(why, whylen, "out of memory reading %s", path);
        e = ERR_NOMEM;
    } else if (!e && ferror(f)) {
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
        e = ERR_IO;
    }
    fclose(f);
    if (e) {
        free(buf);
        return e;
    }
    *out = buf;
    *len = n;
    return ERR_OK;
}

/* The 中文 name from "English,中文,N" (the whole value when it has no comma), trimmed. */
static bool festival_name(const char *value, char *out, size_t outlen)
{
    const char *start = value, *end = value + strlen(value);
    const char *comma = strchr(value, ',');
    if (comma) {
        start = comma + 1;
        const char *next = strchr(start, ',');
        if (next)
            end = next;
    }
    while (start < end && *start == ' ')
        start++;
    while (end > start && end[-1] == ' ')
        end--;
    size_t n = (size_t)(end - start);
    if (n >= outlen)
        return false;
    memcpy(out, start, n);
    out[n] = '\0';
    return (n == 0 || utf8_valid(out, n)) && utf8_len(out) <= CALENDAR_NAME_MAX;
}

/* Adds every "date": "name" of one object of the file as kind. */
static enum err read_days(struct calendar_import *imp, json_t *obj, const char *member,
                          enum calendar_kind kind, char *why, size_t whylen)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        int32_t day;
        char name[256];
        if (!calendar_parse_date(key, &day)) {
            snprintf(why, whylen, "\"%s\": key \"%.40s\" is not a date YYYY-MM-DD", member, key);
            return ERR_INVALID;
        }
        if (!json_is_string(val)) {
            snprintf(why, whylen, "\"%s\": the value of %s is not text", member, key);
            return ERR_INVALID;
        }
        if (!festival_name(json_string_value(val), name, sizeof(name))) {
            snprintf(why, whylen, "\"%s\": the festival name of %s is longer than %d characters",
                     member, key, CALENDAR_NAME_MAX);
            return ERR_INVALID;
        }
        if (calendar_find(&imp->days, day)) {
            snprintf(why, whylen, "%s is both a holiday and a working day", key);
            return ERR_INVALID;
        }
        enum err e = calendar_set(&imp->days, day, kind, name);
        if (e) {
            snprintf(why, whylen, "out of memory");
            return e;
        }
        int y = calendar_year_of(day);
        calendar_cover_year(&imp->days, y);
        if (!imp->first_year || y < imp->first_year)
            imp->first_year = y;
        if (y > imp->last_year)
            imp->last_year = y;
    }
    return ERR_OK;
}

enum err calendar_import_read(struct calendar_import *imp, const char *path, char *why,
                              size_t whylen)
{
    char *buf = NULL;
    size_t len = 0;
    json_t *root = NULL;
    enum err e = read_file(path, &buf, &len, why, whylen);
    if (e)
        goto out;
    struct jsonin_error je;
    e = jsonin_parse_object(buf, len, JSONIN_MAX_DEPTH, &root, &je);
    if (e == ERR_BAD_ENCODING) {
        snprintf(why, whylen, "%s is not valid UTF-8", path);
        goto out;
    }
    if (e) {
        snprintf(why, whylen, "%s is not a JSON object (line %d, column %d: %s)", path, je.line,
                 je.column, je.text);
        goto out;
    }
    json_t *holidays = json_object_get(root, "holidays");
    json_t *workdays = json_object_get(root, "workdays");
    if (!json_is_object(holidays) || (workdays && !json_is_object(workdays))) {
        snprintf(why, whylen,
                 "%s is not in the chinese-days layout: it needs an object \"holidays\" "
                 "(and \"workdays\") of \"YYYY-MM-DD\": \"name\"",
                 path);
        e = ERR_INVALID;
        goto out;
    }
    e = read_days(imp, holidays, "holidays", CALENDAR_HOLIDAY, why, whylen);
    if (!e && workdays)
        e = read_days(imp, workdays, "workdays", CALENDAR_WORKDAY, why, whylen);
    if (!e && imp->days.n == 0) {
        snprintf(why, whylen, "%s holds no holidays or working days", path);
        e = ERR_INVALID;
    }
    for (int y = imp->first_year; !e && y && y <= imp->last_year; y++)
        imp->nyears += calendar_covers_year(&imp->days, y);
out:
    json_decref(root);
    free(buf);
    return e;
}

/* The official rows of the covered years, in date order. */
static enum err existing_days(struct db_conn *c, struct arena *a, const struct calendar_import *imp,
                              const char *table, struct db_rows *rows)
{
    char lo[CALENDAR_DATE_LEN + 1], hi[CALENDAR_DATE_LEN + 1];
    calendar_format_date(calendar_from_ymd(imp->first_year, 1, 1), lo);
    calendar_format_date(calendar_from_ymd(imp->last_year, 12, 31), hi);
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT date, kind, name, %s FROM %s WHERE date BETWEEN $1 AND $2 ORDER BY date",
             strcmp(table, "calendar_day") == 0 ? "source" : "''", table);
    return db_query(c, a, sql, DB_ARGS(DB_T(lo), DB_T(hi)), rows);
}

static enum err write_day(struct db_conn *c, bool insert, const struct calendar_entry *d,
                          const char *source, int64_t now)
{
    char date[CALENDAR_DATE_LEN + 1];
    calendar_format_date(d->day, date);
    const char *sql = insert ? "INSERT INTO calendar_day (date, kind, name, source, updated_at, "
                               "updated_by) VALUES ($1, $2, $3, $4, $5, NULL)"
                             : "UPDATE calendar_day SET kind = $2, name = $3, source = $4, "
                               "updated_at = $5, updated_by = NULL WHERE date = $1";
    return db_exec(c, sql,
                   DB_ARGS(DB_T(date), DB_T(calendar_kind_name(d->kind)), DB_T(d->name),
                           DB_T(source), DB_I(now)),
                   NULL);
}

/* Merges the file's days with the stored ones of the covered years: both are in date
 * order, so one pass finds what to add, change and remove. */
static enum err merge_days(struct db_conn *c, struct calendar_import *imp,
                           const struct db_rows *rows, const char *source, int64_t now)
{
    const struct calendar *cal = &imp->days;
    size_t i = 0, r = 0;
    enum err e = ERR_OK;
    while (!e && (i < cal->n || r < rows->nrows)) {
        int32_t stored = 0;
        bool have_row = false;
        for (; r < rows->nrows; r++) {
            if (!calendar_parse_date(db_str(rows, r, 0), &stored))
                return ERR_DB;
            if (calendar_covers(cal, stored)) {
                have_row = true;
                break;
            }
        }
        const struct calendar_entry *d = i < cal->n ? &cal->entries[i] : NULL;
        if (have_row && (!d || stored < d->day)) {
            e = db_exec(c, "DELETE FROM calendar_day WHERE date = $1",
                        DB_ARGS(DB_T(db_str(rows, r, 0))), NULL);
            imp->removed++;
            r++;
        } else if (!have_row || d->day < stored) {
            if (!d)
                break;
            e = write_day(c, true, d, source, now);
            imp->added++;
            i++;
        } else {
            bool same = strcmp(db_str(rows, r, 1), calendar_kind_name(d->kind)) == 0 &&
                        strcmp(db_str(rows, r, 2), d->name) == 0 &&
                        strcmp(db_str(rows, r, 3), source) == 0;
            if (same)
                imp->unchanged++;
            else {
                e = write_day(c, false, d, source, now);
                imp->changed++;
            }
            i++;
            r++;
        }
    }
    return e;
}

static enum err merge_years(struct db_conn *c, struct arena *a, struct calendar_import *imp,
                            const char *source, int64_t now)
{
    struct db_rows rows;
    enum err e =
        db_query(c, a, "SELECT year, source FROM calendar_year WHERE year BETWEEN $1 AND $2",
                 DB_ARGS(DB_I(imp->first_year), DB_I(imp->last_year)), &rows);
    for (int y = imp->first_year; !e && y <= imp->last_year; y++) {
        if (!calendar_covers_year(&imp->days, y))
            continue;
        const char *had = NULL;
        for (size_t k = 0; k < rows.nrows; k++)
            if (db_int(&rows, k, 0) == y)
                had = db_str(&rows, k, 1);
        if (!had) {
            e = db_exec(c,
                        "INSERT INTO calendar_year (year, source, updated_at, updated_by) "
                        "VALUES ($1, $2, $3, NULL)",
                        DB_ARGS(DB_I(y), DB_T(source), DB_I(now)), NULL);
            imp->years_added++;
        } else if (strcmp(had, source) != 0) {
            e = db_exec(c,
                        "UPDATE calendar_year SET source = $2, updated_at = $3, updated_by = NULL "
                        "WHERE year = $1",
                        DB_ARGS(DB_I(y), DB_T(source), DB_I(now)), NULL);
            imp->years_changed++;
        }
    }
    return e;
}

enum err calendar_import_apply(struct db_conn *c, struct calendar_import *imp, const char *source,
                               int64_t now)
{
    imp->added = imp->changed = imp->removed = imp->unchanged = 0;
    imp->overruled = imp->years_added = imp->years_changed = 0;
    if (!imp->days.n)
        return ERR_INVALID;
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows, corrections;
    enum err e = existing_days(c, &a, imp, "calendar_day", &rows);
    if (!e)
        e = merge_days(c, imp, &rows, source, now);
    if (!e)
        e = merge_years(c, &a, imp, source, now);
    if (!e)
        e = existing_days(c, &a, imp, "calendar_correction", &corrections);
    for (size_t k = 0; !e && k < corrections.nrows; k++) {
        int32_t day;
        if (calendar_parse_date(db_str(&corrections, k, 0), &day) && calendar_find(&imp->days, day))
            imp->overruled++;
    }
    if (!e &&
        (imp->added || imp->changed || imp->removed || imp->years_added || imp->years_changed))
        e = calendar_db_touch(c);
    arena_release(&a);
    return e;
}
