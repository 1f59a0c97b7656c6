/* Person handlers: create (validation, derivation from the ID number, dedup through the
 * blind index), read one, look up and list; masking, and the audit of unmasked reads. */
#include "modules/person/person.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/mask.h"
#include "core/validate.h"
#include "db/sqlq.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/audit.h"
#include "server/fields.h"
#include "server/keystore.h"
#include "server/log.h"
#include "server/msg.h"
#include "server/reply.h"

#define PERM_READ     "person.read"
#define PERM_IDENTITY "person.identity"

static const char *const columns = "id, name, gender, birth_date, id_number_enc, phone_enc, "
                                   "region_code, address, created_at, updated_at";
enum { C_ID, C_NAME, C_GENDER, C_BIRTH, C_IDN, C_PHONE, C_REGION, C_ADDRESS, C_CREATED, C_UPDATED };

/* Persons answered with their identifiers in clear: each gets a person.identity_read
 * record; an identifier lookup gets a person.lookup record. */
struct reads {
    struct req *r;
    int64_t *ids;
    const char **fields; /* per id: the JSON list of the fields shown in clear */
    size_t n, cap;
    const char *lookup; /* the lookup record's detail, or NULL */
};

static bool reads_add(struct reads *rd, int64_t id, const char *fields)
{
    if (rd->n == rd->cap) {
        size_t cap = rd->cap ? rd->cap * 2 : 8;
        int64_t *ids = arena_calloc(&rd->r->arena, cap, sizeof(*ids));
        const char **f = arena_calloc(&rd->r->arena, cap, sizeof(*f));
        if (!ids || !f)
            return false;
        if (rd->n) {
            memcpy(ids, rd->ids, rd->n * sizeof(*ids));
            memcpy(f, rd->fields, rd->n * sizeof(*f));
        }
        rd->ids = ids;
        rd->fields = f;
        rd->cap = cap;
    }
    rd->ids[rd->n] = id;
    rd->fields[rd->n++] = fields;
    return true;
}

static enum err reads_write(struct db_conn *c, void *ctx)
{
    struct reads *rd = ctx;
    struct req *r = rd->r;
    enum err e = ERR_OK;
    for (size_t i = 0; i < rd->n && !e; i++) {
        char id[24];
        snprintf(id, sizeof(id), "%" PRId64, rd->ids[i]);
        e = audit_event(r, "person.identity_read", "person", id, "success", rd->fields[i]);
    }
    if (!e && rd->lookup)
        e = audit_event(r, "person.lookup", "person", NULL, "success", rd->lookup);
    return e;
}

/* Writes the records before anything is answered: a read whose record cannot be written
 * is not answered. A write route is inside its transaction already. */
static enum err reads_record(struct reads *rd)
{
    if (!rd->n && !rd->lookup)
        return ERR_OK;
    if (db_in_tx(rd->r->db))
        return reads_write(rd->r->db, rd);
    return db_tx_run(rd->r->db, reads_write, rd);
}

/* A sealed value back in clear (NULL stays NULL). A value that does not open was altered,
 * or the key was rotated under this running process. */
static enum err open_value(struct req *r, const char *sealed, const char **out)
{
    *out = NULL;
    if (!sealed)
        return ERR_OK;
    enum err e = crypto_open(&r->arena, sealed, out);
    if (e == ERR_CONFLICT) {
        if (keystore_check(r->db) == ERR_UNAVAILABLE)
            return req_fail(r, ERR_UNAVAILABLE, "key_rotated");
        log_error(r, "a sealed personal value failed authentication (altered, or sealed "
                     "under another key)");
        return ERR_INTERNAL;
    }
    return e;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* One person as JSON: in clear when identity (the reader's person.identity scope) covers
 * the person's region, masked otherwise. */
static enum err person_json(struct req *r, const struct db_rows *rows, size_t i,
                            const struct scope *identity, struct reads *rd, json_t **out)
{
    const char *idn, *phone;
    enum err e = open_value(r, db_str(rows, i, C_IDN), &idn);
    if (!e)
        e = open_value(r, db_str(rows, i, C_PHONE), &phone);
    if (e)
        return e;
    const char *region = db_str(rows, i, C_REGION);
    const char *birth = db_str(rows, i, C_BIRTH);
    bool clear = access_scope_allows(identity, region);
    if (clear && (idn || phone || birth)) {
        const char *fields =
            arena_printf(&r->arena, "{\"fields\":[%s%s%s%s%s]}", idn ? "\"id_number\"" : "",
                         idn && (phone || birth) ? "," : "", phone ? "\"phone\"" : "",
                         phone && birth ? "," : "", birth ? "\"birth_date\"" : "");
        if (!fields || !reads_add(rd, db_int(rows, i, C_ID), fields))
            return ERR_NOMEM;
    }
    if (!clear) {
        idn = idn ? mask_idcard(&r->arena, idn) : NULL;
        phone = phone ? mask_phone(&r->arena, phone) : NULL;
        birth = birth ? mask_date(&r->arena, birth) : NULL;
        if (r->arena.failed)
            return ERR_NOMEM;
    }
    json_t *o = json_object();
    if (!o)
        return ERR_NOMEM;
    json_object_set_new(o, "id", json_id(db_int(rows, i, C_ID)));
    json_object_set_new(o, "name", str_or_null(db_str(rows, i, C_NAME)));
    json_object_set_new(o, "gender", str_or_null(db_str(rows, i, C_GENDER)));
    json_object_set_new(o, "birth_date", str_or_null(birth));
    json_object_set_new(o, "id_number", str_or_null(idn));
    json_object_set_new(o, "phone", str_or_null(phone));
    json_object_set_new(o, "region_code", str_or_null(region));
    json_object_set_new(o, "address", str_or_null(db_str(rows, i, C_ADDRESS)));
    json_object_set_new(o, "masked", json_boolean(!clear));
    json_object_set_new(o, "created_at", json_time(db_int(rows, i, C_CREATED)));
    json_object_set_new(o, "updated_at", json_time(db_int(rows, i, C_UPDATED)));
    *out = o;
    return ERR_OK;
}

static enum err reply_person(struct req *r, int status, int64_t id)
{
    struct db_rows rows;
    struct scope identity;
    struct reads rd = {.r = r};
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT %s FROM person WHERE id = $1", columns);
    enum err e = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(id)), &rows);
    if (!e)
        e = access_scope(r, PERM_IDENTITY, &identity);
    json_t *o = NULL;
    if (!e)
        e = person_json(r, &rows, 0, &identity, &rd, &o);
    if (!e)
        e = reads_record(&rd);
    if (e) {
        json_decref(o);
        return e;
    }
    return reply_json_take(r, status, o);
}

enum err person_get(struct req *r)
{
    return reply_person(r, 200, r->id);
}

/* A birth date: "YYYY-MM-DD" of a real date from 1900 on; out gets YYYYMMDD. */
static bool parse_birth_date(const char *s, int *out)
{
    int32_t day;
    int y, m, d;
    if (!calendar_parse_date(s, &day))
        return false;
    calendar_to_ymd(day, &y, &m, &d);
    *out = y * 10000 + m * 100 + d;
    return y >= 1900;
}

/* An empty optional text counts as absent. */
static const char *optional_text(struct req *r, const char *key, const char *label, size_t max)
{
    const char *s = body_str(r, key, label, OPTIONAL, max);
    return s && *s ? s : NULL;
}

struct fields {
    const char *name, *gender, *birth, *idn, *phone, *region, *address;
};

/* Reads and checks every field, recording each mistake. Gender and birth date follow
 * from a citizen ID number; given as well, they must agree with it. */
static enum err read_fields(struct req *r, struct fields *f)
{
    static const char *const keys[] = {"name",  "gender",      "birth_date", "id_number",
                                       "phone", "region_code", "address",    NULL};
    body_allow(r, keys);
    f->name = body_str(r, "name", "姓名", REQUIRED, 50);
    if (f->name && !f->name[strspn(f->name, " \t\r\n")]) {
        req_field_error(r, "name", "姓名", "required");
        f->name = NULL;
    }
    f->gender = optional_text(r, "gender", "性别", 10);
    if (f->gender && strcmp(f->gender, "male") && strcmp(f->gender, "female"))
        req_field_error(r, "gender", "性别", "invalid_enum");
    f->birth = optional_text(r, "birth_date", "出生日期", 10);
    int birth = 0;
    if (f->birth && !parse_birth_date(f->birth, &birth))
        req_field_error(r, "birth_date", "出生日期", "invalid_date");
    else if (f->birth && birth > validate_today())
        req_field_error(r, "birth_date", "出生日期", "future_date");
    struct idcard_info info;
    f->idn = body_idcard(r, "id_number", "身份证件号码", OPTIONAL, validate_today(), &info);
    if (f->idn) {
        f->idn = arena_strdup(&r->arena, f->idn);
        const char *gender = info.gender == 'F' ? "female" : "male";
        if (f->gender && strcmp(f->gender, gender) != 0)
            req_field_error(r, "gender", "性别", "mismatch_idcard");
        if (f->birth && birth && strcmp(f->birth, info.birth_date) != 0)
            req_field_error(r, "birth_date", "出生日期", "mismatch_idcard");
        f->gender = gender;
        f->birth = arena_strdup(&r->arena, info.birth_date);
    }
    f->phone = body_phone(r, "phone", "联系电话", OPTIONAL);
    f->region = body_str(r, "region_code", "居住区域", REQUIRED, 12);
    bool exists = false;
    if (f->region && !region_code_shape(f->region)) {
        req_field_error(r, "region_code", "居住区域", "invalid_region");
    } else if (f->region) {
        enum err e = region_exists(r->db, f->region, &exists);
        if (e)
            return e;
        if (!exists)
            req_field_error(r, "region_code", "居住区域", "region_not_found");
        else if (!access_scope_allows(&r->scope, f->region))
            req_field_error(r, "region_code", "居住区域", "out_of_scope");
    }
    f->address = optional_text(r, "address", "居住地址", 200);
    return ERR_OK;
}

/* 409 for an ID number registered already. The existing person is named (message and
 * Location) only to a caller who may read it; to others the answer says it is registered
 * elsewhere, which the uniqueness itself reveals anyway. */
static enum err conflict(struct req *r, const char *id_idx)
{
    struct db_rows rows;
    struct scope readable;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT id, region_code FROM person "
                          "WHERE id_number_idx = $1",
                          DB_ARGS(DB_T(id_idx)), &rows);
    if (!e)
        e = access_scope(r, PERM_READ, &readable);
    if (e)
        return e;
    req_field_error(r, "id_number", "身份证件号码", "taken");
    if (rows.nrows && access_scope_allows(&readable, db_str(&rows, 0, 1))) {
        int64_t id = db_int(&rows, 0, 0);
        r->message = arena_printf(&r->arena, "%s%" PRId64, msg_text("person_taken"), id);
        reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/person/%" PRId64, id));
    } else {
        r->message = msg_text("person_taken_elsewhere");
    }
    return ERR_CONFLICT;
}

enum err person_create(struct req *r)
{
    struct fields f;
    enum err e = read_fields(r, &f);
    if (e)
        return e;
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].code, "out_of_scope") == 0)
            return ERR_FORBIDDEN;
    if (r->nerrors)
        return ERR_INVALID;
    e = keystore_check(r->db);
    if (e == ERR_UNAVAILABLE)
        return req_fail(r, e, "key_rotated");
    if (e)
        return e;
    char id_idx[65], phone_idx[65];
    const char *id_enc = NULL, *phone_enc = NULL;
    if (f.idn) {
        crypto_blind_index("idcard", f.idn, id_idx);
        struct db_rows rows;
        e = db_query(r->db, &r->arena, "SELECT id FROM person WHERE id_number_idx = $1",
                     DB_ARGS(DB_T(id_idx)), &rows);
        if (!e && rows.nrows)
            return conflict(r, id_idx);
        if (!e)
            e = crypto_seal(&r->arena, f.idn, &id_enc);
    }
    if (!e && f.phone) {
        crypto_blind_index("phone", f.phone, phone_idx);
        e = crypto_seal(&r->arena, f.phone, &phone_enc);
    }
    if (e)
        return e;
    int64_t id = id_next();
    e = db_exec(r->db,
                "INSERT INTO person (id, name, gender, birth_date, id_number_enc, id_number_idx, "
                "phone_enc, phone_idx, region_code, address, created_at, updated_at, "
                "created_by, updated_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $12)",
                DB_ARGS(DB_I(id), DB_T(f.name), DB_T(f.gender), DB_T(f.birth), DB_T(id_enc),
                        f.idn ? DB_T(id_idx) : DB_NUL, DB_T(phone_enc),
                        f.phone ? DB_T(phone_idx) : DB_NUL, DB_T(f.region), DB_T(f.address),
                        DB_I(r->now), DB_I(r->user.id)),
                NULL);
    if (e == ERR_CONFLICT && f.idn) /* registered by a concurrent request meanwhile */
        return conflict(r, id_idx);
    if (e)
        return e;
    r->audit.object_type = "person";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, id);
    /* which fields were given, never their values */
    r->audit.detail = arena_printf(&r->arena, "{\"fields\":[\"name\",\"region_code\"%s%s%s%s%s]}",
                                   f.gender ? ",\"gender\"" : "", f.birth ? ",\"birth_date\"" : "",
                                   f.idn ? ",\"id_number\"" : "", f.phone ? ",\"phone\"" : "",
                                   f.address ? ",\"address\"" : "");
    return reply_person(r, 201, id);
}

enum err person_list(struct req *r)
{
    int64_t page, size, total = 0;
    query_page(r, 20, &page, &size);
    const char *idn = query_str(r, "id_number"), *phone = query_str(r, "phone");
    struct idcard_info info;
    char phone_buf[24], id_idx[65], phone_idx[65];
    const char *code;
    if (idn && (code = validate_idcard(idn, validate_today(), &info)))
        req_field_error(r, "id_number", "身份证件号码", code);
    if (phone && (code = validate_phone(phone, phone_buf, sizeof(phone_buf))))
        req_field_error(r, "phone", "联系电话", code);
    if (r->nerrors)
        return ERR_INVALID;

    struct sqlq from;
    sqlq_init(&from);
    sqlq_add(&from, "FROM person WHERE ");
    access_scope_sql(&r->scope, "region_code", &r->arena, &from);
    if (idn) {
        crypto_blind_index("idcard", info.number, id_idx);
        sqlq_add(&from, " AND id_number_idx = ");
        sqlq_arg(&from, DB_T(id_idx));
    }
    if (phone) {
        crypto_blind_index("phone", phone_buf, phone_idx);
        sqlq_add(&from, " AND phone_idx = ");
        sqlq_arg(&from, DB_T(phone_idx));
    }
    const char *s;
    if ((s = query_str(r, "region_code"))) {
        struct scope sub = {&s, 1};
        sqlq_add(&from, " AND ");
        access_scope_sql(&sub, "region_code", &r->arena, &from);
    }
    if ((s = query_str(r, "q"))) {
        sqlq_add(&from, " AND name LIKE ");
        sqlq_arg(&from, DB_T(db_like_contains(&r->arena, s)));
        sqlq_add(&from, " ESCAPE '\\'");
    }
    struct db_rows rows;
    enum err e = sqlq_page(r->db, &r->arena, columns, &from, "id", page, size, &total, &rows);
    sqlq_release(&from);
    struct scope identity;
    if (!e)
        e = access_scope(r, PERM_IDENTITY, &identity);
    if (e)
        return e;
    struct reads rd = {.r = r};
    if (idn || phone)
        rd.lookup = arena_printf(&r->arena, "{\"by\":[%s%s%s],\"found\":%" PRId64 "}",
                                 idn ? "\"id_number\"" : "", idn && phone ? "," : "",
                                 phone ? "\"phone\"" : "", total);
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows && !e; i++) {
        json_t *o = NULL;
        e = person_json(r, &rows, i, &identity, &rd, &o);
        if (!e)
            json_array_append_new(items, o);
    }
    if (!e)
        e = reads_record(&rd);
    if (e) {
        json_decref(items);
        return e;
    }
    return reply_page_take(r, items, total, page, size);
}
