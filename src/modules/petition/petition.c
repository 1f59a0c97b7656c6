/* Petitions: what the entity's tables cannot say (petition.h) — who may read which item
 * and whose identity is withheld, registration with its petitioners, the windows of the
 * citizen's requests, and the repeat and near-duplicate check. */
#include "modules/petition/petition.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/encode.h"
#include "core/utf8.h"
#include "core/validate.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "modules/calendar/calendar_db.h"
#include "modules/petition/dup.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define TITLE_CHARS 30
#define CHECK_LIMIT 20

/* ---- Who reads ----------------------------------------------------------------------- */

static enum err petition_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    (void)e;
    if (!r->user.id) { /* nobody without an account reads petitions through the engine */
        sqlq_add(q, " AND 1 = 0");
        return ERR_OK;
    }
    struct access_units rd;
    enum err err = access_units(r, petition_entity.perms.read, &rd);
    if (err)
        return err;
    if (rd.nunits) { /* 检举控告 never reaches the accused unit (条例 Art 30) */
        sqlq_add(q, " AND NOT (t.class = 'accusation' AND t.complained_unit_id IS NOT NULL AND "
                    "t.complained_unit_id IN ");
        access_units_sql(q, rd.units, rd.nunits);
        sqlq_add(q, ")");
    }
    if (!rd.by_region) {
        if (rd.ngranting) {
            sqlq_add(q, " AND t.unit_id IN ");
            access_units_sql(q, rd.granting, rd.ngranting);
        } else {
            sqlq_add(q, " AND 1 = 0");
        }
    }
    return q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

enum err petition_person_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    (void)e;
    struct access_units rd;
    enum err err = access_units(r, petition_entity.perms.read, &rd);
    if (err || !rd.nunits)
        return err;
    sqlq_add(q, " AND NOT EXISTS (SELECT 1 FROM petitioner pp JOIN petition p ON "
                "p.id = pp.petition_id WHERE pp.person_id = t.id AND p.complained_unit_id IN ");
    access_units_sql(q, rd.units, rd.nunits);
    sqlq_add(q, ")");
    return q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

static int64_t json_id_value(json_t *v)
{
    int64_t id = 0;
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_string(v) && parse_int64(json_string_value(v), &id))
        return id;
    return 0;
}

/* Identity withheld: the reader belongs to the unit complained about, or the petitioner
 * asked for confidentiality and the reader may not see identities. */
static bool withheld_for(struct req *r, int64_t complained_unit, bool confidential)
{
    struct access_units rd;
    if (access_units(r, petition_entity.perms.read, &rd))
        return true;
    if (access_units_has(rd.units, rd.nunits, complained_unit))
        return true;
    return confidential && !access_has(r, petition_entity.perms.identity);
}

static bool petition_withhold(struct req *r, const struct entity *e, json_t *row)
{
    (void)e;
    return withheld_for(r, json_id_value(json_object_get(row, "complained_unit_id")),
                        json_is_true(json_object_get(row, "confidential")));
}

/* ---- Writing ----------------------------------------------------------------------- */

static const char *value_of(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    if (!v && row->old)
        v = json_object_get(row->old, key);
    return json_string_value(v);
}

static json_t *merged_value(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    return v || !row->old ? v : json_object_get(row->old, key);
}

static enum err petition_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create) { /* the registration may be corrected until the item is routed */
        struct db_rows rows;
        enum err err = db_query_one(r->db, &r->arena, "SELECT state FROM petition WHERE id = $1",
                                    DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        if (strcmp(db_str(&rows, 0, 0), "registered") != 0)
            return req_fail(r, ERR_CONFLICT, "petition_not_editable");
    }
    json_t *headcount = merged_value(row, "headcount");
    if (json_is_true(merged_value(row, "collective")) && json_is_integer(headcount) &&
        json_integer_value(headcount) < 5)
        req_field_error(r, "headcount", engine_field(e, "headcount")->label,
                        "collective_headcount");
    if (row->id && json_id_value(json_object_get(row->values, "repeat_of")) == row->id)
        req_field_error(r, "repeat_of", engine_field(e, "repeat_of")->label,
                        "petition_self_repeat");
    return ERR_OK;
}

/* The first TITLE_CHARS characters of the content when no title is given. */
static enum err petition_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    (void)e;
    const char *title = value_of(row, "title"), *content = value_of(row, "content");
    if ((title && *title) || !content)
        return ERR_OK;
    size_t end = 0, chars = 0, len = strlen(content);
    while (end < len && chars < TITLE_CHARS) {
        if (content[end] == '\n' || content[end] == '\r')
            break;
        end++; /* to the next character's first byte (stored text is valid UTF-8) */
        while (end < len && ((unsigned char)content[end] & 0xC0) == 0x80)
            end++;
        chars++;
    }
    char *t = arena_strndup(&r->arena, content, end);
    if (!t)
        return ERR_NOMEM;
    json_object_set_new(row->values, "title", json_string(t));
    return ERR_OK;
}

/* ---- Transitions ------------------------------------------------------------------- */

struct stamps {
    const char *action;
    const char *sets; /* "routed_at = $2" */
};

static const struct stamps stamps[] = {
    {"route", "routed_at = $2"},
    {"accept", "accepted_at = $2"},
    {"reply", "replied_at = $2"},
    {"rate", "rated_at = $2"},
    {"review", "reviewed_at = $2"},
    {"rereview", "rereviewed_at = $2, closed_at = $2"},
    {"close", "closed_at = $2"},
    {"reject", "closed_at = $2"},
    {"uphold_objection", "unit_id = NULL, routed_at = NULL, updated_at = $2"},
    {NULL, NULL},
};

enum err petition_window_end(struct req *r, int64_t since, enum petition_window kind,
                             int64_t *until)
{
    /* 5 个工作日 for an objection (条例 Art 23); 30 日 for 复查 and 复核 (Art 35, 36),
     * counted like the clocks: calendar days, the last one rolled forward over holidays */
    enum deadline_unit unit = kind == PETITION_OBJECTION ? DL_WORKING_DAYS : DL_CALENDAR_DAYS;
    int amount = kind == PETITION_OBJECTION ? 5 : 30;
    const struct calendar *cal = NULL;
    enum err err = calendar_db_current(r->db, &r->arena, &cal);
    *until = 0;
    if (!err)
        err = deadline_due(cal, since, unit, amount, unit == DL_CALENDAR_DAYS, until, NULL);
    return err == ERR_INVALID ? ERR_INTERNAL : err;
}

/* Whether now is within the window of kind that opened at since. */
static enum err within(struct req *r, int64_t since, enum petition_window kind, bool *ok)
{
    int64_t until = 0;
    enum err err = petition_window_end(r, since, kind, &until);
    *ok = !err && r->now <= until;
    return err;
}

/* Whether unit's region contains the item's: a unit handles matters of its own area. */
static enum err unit_covers(struct req *r, int64_t unit, int64_t id, bool *ok)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT u.region_code, p.region_code FROM unit u, petition p "
                                "WHERE u.id = $1 AND p.id = $2",
                                DB_ARGS(DB_I(unit), DB_I(id)), &rows);
    if (err)
        return err;
    const char *root = db_str(&rows, 0, 0);
    struct scope s = {.roots = &root, .n = 1};
    *ok = access_scope_allows(&s, db_str(&rows, 0, 1));
    return ERR_OK;
}

/* refer_mediation: a dispute in the item's area with its content, the first petitioner as
 * the applicant and the other party the handler names. */
static enum err refer(struct req *r, int64_t id, json_t *body)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT dispute_id, confidential, complained_unit_id, title, "
                                "content, region_code, petitioner_name FROM petition WHERE id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    if (!db_is_null(&rows, 0, 0))
        return req_fail(r, ERR_CONFLICT, "petition_referred");
    if (db_int(&rows, 0, 1) || withheld_for(r, db_int(&rows, 0, 2), false))
        return req_fail(r, ERR_CONFLICT, "petition_refer_withheld");
    const struct entity *dispute = engine_entity("dispute");
    json_t *in =
        json_pack("{s:s?, s:O?, s:s?, s:s?, s:s, s:s, s:s?, s:O?}", "summary", db_str(&rows, 0, 3),
                  "type", json_object_get(body, "dispute_type"), "content", db_str(&rows, 0, 4),
                  "region_code", db_str(&rows, 0, 5), "source", "petition", "source_ref",
                  arena_printf(&r->arena, "%" PRId64, id), "party_a_name", db_str(&rows, 0, 6),
                  "party_b_name", json_object_get(body, "party_b_name"));
    if (!dispute || !in)
        return dispute ? ERR_NOMEM : ERR_INTERNAL;
    int64_t dispute_id = 0;
    err = engine_write(r, dispute, in, 0, 0, &dispute_id);
    json_decref(in);
    if (!err)
        err = db_exec(r->db, "UPDATE petition SET dispute_id = $2 WHERE id = $1",
                      DB_ARGS(DB_I(id), DB_I(dispute_id)), NULL);
    return err;
}

enum err petition_mediation_result(struct req *r, int64_t dispute_id, const char *outcome)
{
    return db_exec(r->db,
                   "UPDATE petition SET mediation_outcome = $2, updated_at = $3 "
                   "WHERE dispute_id = $1",
                   DB_ARGS(DB_I(dispute_id), DB_T(outcome), DB_I(r->now)), NULL);
}

static enum err refuse_window(struct req *r, const char *code)
{
    r->message = msg_text(code);
    return ERR_CONFLICT;
}

static enum err petition_on_transition(struct req *r, const struct entity *e, int64_t id,
                                       const struct transition *t, json_t *body)
{
    (void)e;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT class, complained_unit_id, unit_id, routed_at, replied_at, "
                                "reviewed_at, rated_at FROM petition WHERE id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    bool ok = true;
    if (strcmp(t->action, "route") == 0 && strcmp(db_str(&rows, 0, 0), "accusation") == 0 &&
        !db_is_null(&rows, 0, 1) && db_int(&rows, 0, 1) == db_int(&rows, 0, 2))
        return req_field_error(r, "unit_id", "承办单位", "petition_accusation_to_accused");
    if (strcmp(t->action, "route") == 0)
        err = unit_covers(r, db_int(&rows, 0, 2), id, &ok);
    if (!err && !ok)
        return req_field_error(r, "unit_id", "承办单位", "petition_unit_out_of_region");
    if (strcmp(t->action, "object") == 0) /* from the routing */
        err = within(r, db_int(&rows, 0, 3), PETITION_OBJECTION, &ok);
    if (!err && !ok)
        return refuse_window(r, "petition_objection_late");
    if (strcmp(t->action, "request_review") == 0) /* from the reply */
        err = within(r, db_int(&rows, 0, 4), PETITION_REVIEW, &ok);
    if (!err && !ok)
        return refuse_window(r, "petition_review_late");
    if (strcmp(t->action, "request_rereview") == 0) /* from the review */
        err = within(r, db_int(&rows, 0, 5), PETITION_REREVIEW, &ok);
    if (!err && !ok)
        return refuse_window(r, "petition_rereview_late");
    if (!err && strcmp(t->action, "rate") == 0 && !db_is_null(&rows, 0, 6))
        return req_fail(r, ERR_CONFLICT, "petition_rated");
    if (!err && strcmp(t->action, "refer_mediation") == 0)
        err = refer(r, id, body);
    for (const struct stamps *s = stamps; !err && s->action; s++)
        if (strcmp(s->action, t->action) == 0)
            err = db_exec(r->db,
                          arena_printf(&r->arena, "UPDATE petition SET %s WHERE id = $1", s->sets),
                          DB_ARGS(DB_I(id), DB_I(r->now)), NULL);
    return err;
}

const struct entity_hooks petition_hooks = {
    .validate = petition_validate,
    .before_save = petition_before_save,
    .on_transition = petition_on_transition,
    .read_filter = petition_read_filter,
    .withhold = petition_withhold,
};

/* ---- Registration ------------------------------------------------------------------- */

struct petitioner_in {
    json_t *person; /* {name, id_number, phone, address} for the person entity */
    const char *id_number;
    const char *phone; /* normalised */
    bool representative;
};

static void petitioner_error(struct req *r, size_t i, const char *key, const char *label,
                             const char *code)
{
    req_field_error(
        r, arena_printf(&r->arena, "petitioners[%zu].%s", i, key),
        arena_printf(&r->arena, "%s%zu%s", msg_text("petition_petitioner_n"), i + 1, label), code);
}

/* Checks the petitioners' list; their values go on to the person entity's own checks. */
static enum err petitioners_in(struct req *r, json_t *list, struct petitioner_in **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(list) || json_array_size(list) == 0)
        return req_field_error(r, "petitioners", msg_text("petition_petitioners_label"),
                               json_is_array(list) || !list ? "required" : "type_array");
    if (json_array_size(list) > PETITION_MAX_PETITIONERS)
        return req_field_error(r, "petitioners", msg_text("petition_petitioners_label"),
                               "too_many");
    size_t count = json_array_size(list), reps = 0;
    struct petitioner_in *p = arena_calloc(&r->arena, count, sizeof(*p));
    if (!p)
        return ERR_NOMEM;
    static const char *const keys[] = {"name", "id_number", "phone", "address", "representative"};
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_array_get(list, i);
        if (!json_is_object(o)) {
            petitioner_error(r, i, "name", "", "type_object");
            continue;
        }
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v)
        {
            bool known = false;
            for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
                known = known || strcmp(key, keys[k]) == 0;
            if (!known) {
                const char *k = utf8_valid(key, strlen(key)) ? key : "?";
                petitioner_error(r, i, k, arena_printf(&r->arena, ".%s", k), "unknown_field");
            }
        }
        json_t *rep = json_object_get(o, "representative");
        if (rep && !json_is_boolean(rep))
            petitioner_error(r, i, "representative", msg_text("petition_representative_label"),
                             "type_boolean");
        p[i].representative = json_is_true(rep);
        reps += p[i].representative;
        p[i].person = json_object();
        if (!p[i].person ||
            !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, p[i].person)) {
            json_decref(p[i].person);
            return ERR_NOMEM;
        }
        for (size_t k = 0; k < 4; k++) {
            json_t *x = json_object_get(o, keys[k]);
            if (x && !json_is_null(x) && !(json_is_string(x) && !*json_string_value(x)))
                json_object_set(p[i].person, keys[k], x);
        }
        p[i].id_number = json_string_value(json_object_get(p[i].person, "id_number"));
        const char *phone = json_string_value(json_object_get(p[i].person, "phone"));
        char norm[32];
        if (phone && !validate_phone(phone, norm, sizeof(norm)))
            p[i].phone = arena_strdup(&r->arena, norm);
    }
    if (reps > PETITION_MAX_REPRESENTATIVES)
        req_field_error(r, "petitioners", msg_text("petition_petitioners_label"),
                        "petition_too_many_representatives");
    *out = p;
    *n = count;
    return ERR_OK;
}

/* The person with this ID number (0: none). */
static enum err person_by_idcard(struct req *r, const char *idn, int64_t *id)
{
    *id = 0;
    char idx[65];
    crypto_blind_index("idcard", idn, idx);
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena, "SELECT id FROM person WHERE id_number_idx = $1",
                            DB_ARGS(DB_T(idx)), &rows);
    if (!err && rows.nrows)
        *id = db_int(&rows, 0, 0);
    return err;
}

/* The person for petitioner i: the one registered with the ID number, else a new one
 * (field errors renamed to petitioners[i].field). */
static enum err person_of(struct req *r, size_t i, struct petitioner_in *p, const char *region,
                          int64_t *person_id)
{
    const struct entity *person = engine_entity("person");
    if (!person)
        return ERR_INTERNAL;
    char norm[19];
    struct idcard_info info;
    if (p->id_number && !validate_idcard(p->id_number, validate_today(), &info)) {
        memcpy(norm, info.number, sizeof(norm));
        enum err err = person_by_idcard(r, norm, person_id);
        if (err || *person_id)
            return err;
    }
    json_object_set_new(p->person, "region_code", json_string(region));
    size_t before = r->nerrors;
    enum err err = engine_write(r, person, p->person, 0, 0, person_id);
    for (size_t k = before; k < r->nerrors; k++) {
        r->errors[k].field = arena_printf(&r->arena, "petitioners[%zu].%s", i, r->errors[k].field);
        r->errors[k].message = arena_printf(
            &r->arena, "%s%zu：%s", msg_text("petition_petitioner_n"), i + 1, r->errors[k].message);
    }
    return err;
}

static void query_code_new(char out[PETITION_QUERY_CODE_LEN + 1])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* 32, no 0/O, 1/I */
    unsigned char b[PETITION_QUERY_CODE_LEN];
    randombytes_buf(b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++)
        out[i] = alphabet[b[i] & 31];
    out[PETITION_QUERY_CODE_LEN] = '\0';
}

/* The portal's key: a keyed hash of the code and the phone's last four digits. */
void petition_track_key(const char *code, const char *phone, char out[65])
{
    size_t n = strlen(phone);
    char v[PETITION_QUERY_CODE_LEN + 8];
    snprintf(v, sizeof(v), "%.12s:%.4s", code, n >= 4 ? phone + n - 4 : phone);
    crypto_blind_index("petition_track", v, out);
}

/* The same persons' earlier items closed after 复核 with a near-duplicate text. */
static enum err after_rereview_of(struct req *r, int64_t id, const char *content, bool *out)
{
    *out = false;
    struct dup_match *m = NULL;
    size_t n = 0;
    enum err err = dup_similar(r->db, &r->arena, content, id, DUP_DISTANCE, 50, &m, &n);
    for (size_t i = 0; !err && i < n && !*out; i++) {
        struct db_rows rows;
        err = db_query(r->db, &r->arena,
                       "SELECT 1 FROM petition t WHERE t.id = $1 AND t.rereviewed_at IS NOT NULL "
                       "AND EXISTS (SELECT 1 FROM petitioner a JOIN petitioner b ON "
                       "a.person_id = b.person_id WHERE a.petition_id = t.id AND "
                       "b.petition_id = $2)",
                       DB_ARGS(DB_I(m[i].petition_id), DB_I(id)), &rows);
        *out = !err && rows.nrows > 0;
    }
    return err;
}

enum err petition_register(struct req *r, json_t *input, bool by_portal, int64_t *id,
                           const char **query_code)
{
    const struct entity *e = &petition_entity;
    if (!json_is_object(input))
        return req_fail(r, ERR_MALFORMED_JSON, "json_not_object");
    json_t *fields = json_copy(input);
    if (!fields || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, fields)) {
        json_decref(fields);
        return ERR_NOMEM;
    }
    json_object_del(fields, "petitioners");
    struct petitioner_in *p = NULL;
    size_t n = 0;
    enum err err = petitioners_in(r, json_object_get(input, "petitioners"), &p, &n);
    if (err && err != ERR_INVALID)
        return err;
    err = engine_write(r, e, fields, 0, 0, id);
    if (err == ERR_INVALID || (!err && r->nerrors)) { /* report the petitioners' too */
        for (size_t i = 0; i < n; i++) {
            const char *name = json_string_value(json_object_get(p[i].person, "name"));
            if (!name)
                petitioner_error(r, i, "name", msg_text("petition_name_label"), "required");
        }
        return ERR_INVALID;
    }
    if (err)
        return err;
    const char *region = NULL, *content = NULL;
    struct db_rows row;
    err = db_query_one(r->db, &r->arena, "SELECT region_code, content FROM petition WHERE id = $1",
                       DB_ARGS(DB_I(*id)), &row);
    if (err)
        return err;
    region = db_str(&row, 0, 0);
    content = db_str(&row, 0, 1);

    const char *first_name = NULL, *first_phone = NULL;
    for (size_t i = 0; i < n && !err; i++) {
        int64_t person_id = 0;
        err = person_of(r, i, &p[i], region, &person_id);
        if (err == ERR_INVALID)
            continue; /* every petitioner's errors, then the answer */
        if (!err)
            err = db_exec(r->db,
                          "INSERT INTO petitioner (petition_id, seq, person_id, representative) "
                          "VALUES ($1, $2, $3, $4)",
                          DB_ARGS(DB_I(*id), DB_I((int64_t)i + 1), DB_I(person_id),
                                  DB_I(p[i].representative)),
                          NULL);
        if (!first_name)
            first_name = json_string_value(json_object_get(p[i].person, "name"));
        if (!first_phone)
            first_phone = p[i].phone;
    }
    if (!err && r->nerrors)
        err = ERR_INVALID;
    if (err)
        return err;

    char code[PETITION_QUERY_CODE_LEN + 1], key[65];
    query_code_new(code);
    if (first_phone)
        petition_track_key(code, first_phone, key);
    bool flagged = false;
    err = db_exec(r->db,
                  "UPDATE petition SET petitioner_name = $2, petitioner_count = $3, "
                  "query_code = $4, after_rereview = 0 WHERE id = $1",
                  DB_ARGS(DB_I(*id), DB_T(first_name), DB_I((int64_t)n), DB_T(code)), NULL);
    if (!err)
        err = db_exec(r->db,
                      "INSERT INTO petition_track (petition_id, query_code, phone_key) "
                      "VALUES ($1, $2, $3)",
                      DB_ARGS(DB_I(*id), DB_T(code), first_phone ? DB_T(key) : DB_NUL), NULL);
    if (!err)
        err = dup_index(r->db, *id, content);
    if (!err)
        err = after_rereview_of(r, *id, content, &flagged);
    if (!err && flagged)
        err = db_exec(r->db, "UPDATE petition SET after_rereview = 1 WHERE id = $1",
                      DB_ARGS(DB_I(*id)), NULL);
    if (err)
        return err;
    (void)by_portal;
    *query_code = arena_strdup(&r->arena, code);
    r->audit.object_type = e->name;
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, *id);
    return *query_code ? ERR_OK : ERR_NOMEM;
}

enum err petition_create(struct req *r)
{
    int64_t id = 0;
    const char *code = NULL;
    enum err err = petition_register(r, r->json, false, &id, &code);
    json_t *row = NULL;
    if (!err)
        err = engine_get_json(r, &petition_entity, id, &row);
    if (err)
        return err;
    reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/petition/%" PRId64, id));
    return reply_json_take(r, 201, row);
}

/* ---- Reading ------------------------------------------------------------------------ */

/* The petitioners of item id as the person entity shows them (masked; in clear with
 * petition.identity and ?reveal=1, audited). */
static enum err petitioners_json(struct req *r, int64_t id, json_t **out)
{
    const struct entity *person = engine_entity("person");
    struct engine_view v;
    memset(&v, 0, sizeof(v));
    const char *reveal =
        r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "reveal") : NULL;
    enum err err = ERR_OK;
    if (reveal && (strcmp(reveal, "1") == 0 || strcmp(reveal, "true") == 0) &&
        access_has(r, petition_entity.perms.identity))
        err = access_scope(r, petition_entity.perms.identity, &v.identity);
    struct db_rows rows;
    if (!err)
        err = db_query(
            r->db, &r->arena,
            arena_printf(&r->arena,
                         "SELECT %s, pp.representative FROM person t JOIN petitioner pp "
                         "ON pp.person_id = t.id WHERE pp.petition_id = $1 ORDER BY pp.seq",
                         engine_select_list(person)),
            DB_ARGS(DB_I(id)), &rows);
    json_t *list = json_array();
    for (size_t i = 0; !err && list && i < rows.nrows; i++) {
        json_t *o = NULL;
        err = engine_row_json(r, person, &rows, i, &v, &o);
        if (err)
            break;
        json_t *shown = json_pack(
            "{s:O, s:O, s:O, s:O, s:O, s:b}", "person_id", json_object_get(o, "id"), "name",
            json_object_get(o, "name"), "id_number", json_object_get(o, "id_number"), "phone",
            json_object_get(o, "phone"), "address", json_object_get(o, "address"), "representative",
            db_int(&rows, i, rows.ncols - 1) != 0);
        json_decref(o);
        if (!shown)
            err = ERR_NOMEM;
        else
            json_array_append_new(list, shown);
    }
    if (!err && !list)
        err = ERR_NOMEM;
    if (!err)
        err = engine_view_audit(r, person, &v);
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return ERR_OK;
}

enum err petition_get(struct req *r)
{
    json_t *row = NULL;
    enum err err = engine_get_json(r, &petition_entity, r->id, &row);
    if (err)
        return err;
    json_t *list = NULL;
    if (!json_is_true(json_object_get(row, "withheld")))
        err = petitioners_json(r, r->id, &list);
    if (err) {
        json_decref(row);
        return err;
    }
    json_object_set_new(row, "petitioners", list ? list : json_null());
    return reply_json_take(r, 200, row);
}

/* ---- The repeat and near-duplicate check ---------------------------------------------- */

/* Appends " AND <scope and read filter of petition.read>" for r. */
static enum err readable_sql(struct req *r, struct sqlq *q)
{
    struct scope s;
    enum err err = access_scope(r, petition_entity.perms.read, &s);
    if (err)
        return err;
    sqlq_add(q, " AND ");
    access_scope_sql(&s, "t.region_code", &r->arena, q);
    return engine_read_filter(r, &petition_entity, q);
}

static json_t *item_json(struct req *r, const struct db_rows *rows, size_t i)
{
    const char *state = db_str(rows, i, 2);
    return json_pack("{s:o, s:s?, s:s, s:s, s:o, s:b}", "id", json_id(db_int(rows, i, 0)), "title",
                     db_str(rows, i, 1), "state", state, "state_label",
                     workflow_state_label(petition_entity.workflow, state), "created_at",
                     json_time(db_int(rows, i, 3)), "rereviewed", !db_is_null(rows, i, 4));
}

#define ITEM_COLS "t.id, t.title, t.state, t.created_at, t.rereviewed_at"

enum err petition_check(struct req *r)
{
    static const char *const keys[] = {"content", "petitioners", "exclude_id", NULL};
    body_allow(r, keys);
    const char *content =
        body_str(r, "content", engine_field(&petition_entity, "content")->label, OPTIONAL, 5000);
    int64_t exclude = 0;
    body_id(r, "exclude_id", msg_text("petition_exclude_label"), OPTIONAL, &exclude);
    json_t *list = json_object_get(r->json, "petitioners");
    if (list && !json_is_array(list))
        req_field_error(r, "petitioners", msg_text("petition_petitioners_label"), "type_array");
    if (r->nerrors)
        return ERR_INVALID;

    struct sqlq q;
    sqlq_init(&q);
    bool any = false;
    sqlq_add(&q, "SELECT DISTINCT " ITEM_COLS " FROM petition t JOIN petitioner pp ON "
                 "pp.petition_id = t.id JOIN person p ON p.id = pp.person_id WHERE t.id <> ");
    sqlq_arg(&q, DB_I(exclude));
    sqlq_add(&q, " AND p.id_number_idx IN (");
    for (size_t i = 0; list && i < json_array_size(list) && i < PETITION_MAX_PETITIONERS; i++) {
        const char *idn = json_string_value(json_object_get(json_array_get(list, i), "id_number"));
        struct idcard_info info;
        if (!idn || validate_idcard(idn, validate_today(), &info))
            continue;
        char idx[65];
        crypto_blind_index("idcard", info.number, idx);
        if (any)
            sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_T(arena_strdup(&r->arena, idx)));
        any = true;
    }
    sqlq_add(&q, ")");
    enum err err = readable_sql(r, &q);
    sqlq_add(&q, " ORDER BY t.id DESC LIMIT 20");
    struct db_rows same = {0};
    if (!err && any)
        err = sqlq_query(&q, r->db, &r->arena, &same);
    sqlq_release(&q);

    struct dup_match *m = NULL;
    size_t nm = 0;
    if (!err && content && *content)
        err = dup_similar(r->db, &r->arena, content, exclude, DUP_DISTANCE, CHECK_LIMIT, &m, &nm);
    json_t *similar = json_array(), *same_list = json_array();
    bool after_rereview = false;
    for (size_t i = 0; !err && i < nm; i++) {
        struct sqlq one;
        sqlq_init(&one);
        sqlq_add(&one, "SELECT " ITEM_COLS " FROM petition t WHERE t.id = ");
        sqlq_arg(&one, DB_I(m[i].petition_id));
        err = readable_sql(r, &one);
        struct db_rows rows;
        if (!err)
            err = sqlq_query(&one, r->db, &r->arena, &rows);
        sqlq_release(&one);
        if (err || !rows.nrows)
            continue;
        json_t *o = item_json(r, &rows, 0);
        if (o)
            json_object_set_new(o, "distance", json_integer(m[i].distance));
        json_array_append_new(similar, o);
        for (size_t k = 0; k < same.nrows; k++)
            if (db_int(&same, k, 0) == m[i].petition_id && !db_is_null(&same, k, 4))
                after_rereview = true;
    }
    for (size_t k = 0; !err && k < same.nrows; k++)
        json_array_append_new(same_list, item_json(r, &same, k));
    if (err || !similar || !same_list) {
        json_decref(similar);
        json_decref(same_list);
        return err ? err : ERR_NOMEM;
    }
    return reply_json_take(r, 200,
                           json_pack("{s:o, s:o, s:b}", "same_person", same_list, "similar",
                                     similar, "after_rereview", after_rereview));
}
