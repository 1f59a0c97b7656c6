/* Persons: what the entity definition cannot say. Gender and birth date follow from a
 * citizen ID number (given as well, they must agree with it); a birth date is not in the
 * future; and the same ID number is the same person, so registering it again answers 409
 * naming the existing person to a caller who may see it. */
#include "modules/person/person.h"

#include <inttypes.h>
#include <string.h>

#include "core/calendar.h"
#include "core/crypto.h"
#include "core/validate.h"
#include "modules/petition/petition.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

static bool has_error(const struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

/* The value the row will have: given in this request, else stored. */
static const char *value_of(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    if (!v && row->old)
        v = json_object_get(row->old, key);
    return json_string_value(v);
}

/* 409 for an ID number registered already. The existing person is named (message and
 * Location) only to a caller who may read it; to others the answer says it is registered
 * elsewhere, which the uniqueness itself reveals anyway. */
static enum err check_registered(struct req *r, const struct entity *e, struct engine_row *row,
                                 const char *idn)
{
    char idx[65];
    crypto_blind_index("idcard", idn, idx);
    struct db_rows rows;
    struct scope readable;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT id, region_code FROM person "
                            "WHERE id_number_idx = $1 AND id <> $2",
                            DB_ARGS(DB_T(idx), DB_I(row->id)), &rows);
    if (!err)
        err = access_scope(r, e->perms.read, &readable);
    if (err || !rows.nrows)
        return err;
    req_field_error(r, "id_number", "身份证件号码", "taken");
    if (access_scope_allows(&readable, db_str(&rows, 0, 1))) {
        int64_t id = db_int(&rows, 0, 0);
        r->message = arena_printf(&r->arena, "%s%" PRId64, msg_text("person_taken"), id);
        reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/person/%" PRId64, id));
    } else {
        r->message = msg_text("person_taken_elsewhere");
    }
    return ERR_CONFLICT;
}

static enum err person_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    const char *birth = json_string_value(json_object_get(row->values, "birth_date"));
    int32_t day;
    if (birth && !has_error(r, "birth_date") && calendar_parse_date(birth, &day)) {
        int y, m, d;
        calendar_to_ymd(day, &y, &m, &d);
        if (y < 1900)
            req_field_error(r, "birth_date", "出生日期", "invalid_date");
        else if (y * 10000 + m * 100 + d > validate_today())
            req_field_error(r, "birth_date", "出生日期", "future_date");
    }
    const char *idn = value_of(row, "id_number");
    struct idcard_info info;
    if (!idn || has_error(r, "id_number") || validate_idcard(idn, validate_today(), &info))
        return ERR_OK;
    const char *gender = json_string_value(json_object_get(row->values, "gender"));
    if (gender && !has_error(r, "gender") && strcmp(gender, info.gender == 'F' ? "female" : "male"))
        req_field_error(r, "gender", "性别", "mismatch_idcard");
    if (birth && !has_error(r, "birth_date") && strcmp(birth, info.birth_date))
        req_field_error(r, "birth_date", "出生日期", "mismatch_idcard");
    if (r->nerrors || !json_object_get(row->values, "id_number"))
        return ERR_OK;
    return check_registered(r, e, row, idn);
}

static enum err person_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    const char *idn = json_string_value(json_object_get(row->values, "id_number"));
    struct idcard_info info;
    if (!idn || validate_idcard(idn, validate_today(), &info))
        return ERR_OK;
    json_object_set_new(row->values, "gender", json_string(info.gender == 'F' ? "female" : "male"));
    json_object_set_new(row->values, "birth_date", json_string(info.birth_date));
    return ERR_OK;
}

const struct entity_hooks person_hooks = {
    .validate = person_validate,
    .before_save = person_before_save,
    .read_filter = petition_person_read_filter, /* petitioners hidden from the unit they
                                                   petitioned against (docs/petition.md) */
};
