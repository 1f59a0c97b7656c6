/* The citizens' petition portal (portal.h, docs/portal.md): public routes that act for the
 * citizen through petition_register and the petition's workflow; what the citizen reads of
 * an item is built in portal_view.c. */
#include "modules/petition/portal.h"

#include <ctype.h>
#include <microhttpd.h>
#include <string.h>

#include "core/validate.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "modules/petition/petition.h"
#include "modules/petition/portal_view.h"
#include "modules/petition/receipt.h"
#include "modules/region/region.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/server.h"

#define HOUR        3600
#define TRACK_PAGE  "/portal/petition/track"
#define PORTAL_PAGE "/portal"
#define API_BASE    "/api/v1/public/petition/"

/* ---- Limits, codes and keys --------------------------------------------------------- */

static enum err rate_check(struct req *r, const char *kind, int per_hour)
{
    int retry = 0;
    if (auth_rate_hit(r, kind, r->ip, per_hour, HOUR, &retry))
        return ERR_OK;
    const char *after = arena_printf(&r->arena, "%d", retry > 0 ? retry : 1);
    if (after)
        reply_header(r, "Retry-After", after);
    return req_fail(r, ERR_RATE_LIMITED, "portal_rate_limited");
}

static enum err lookup_limit(struct req *r)
{
    return rate_check(r, "portal_lookup", r->srv->cfg->portal_lookup_rate);
}

/* The query code as typed: case, spaces and dashes do not matter. */
static bool code_of(const char *in, char out[PETITION_QUERY_CODE_LEN + 1])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    size_t n = 0;
    for (const char *p = in; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (!strchr(alphabet, c) || n == PETITION_QUERY_CODE_LEN)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == PETITION_QUERY_CODE_LEN;
}

/* The four digits, or NULL with a field error. */
static const char *last4_of(struct req *r, json_t *v)
{
    const char *label = msg_text("portal_last4_label");
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        req_field_error(r, "phone_last4", label, "required");
        return NULL;
    }
    const char *s = json_string_value(v);
    bool ok = s && strlen(s) == 4;
    for (size_t i = 0; ok && i < 4; i++)
        ok = s[i] >= '0' && s[i] <= '9';
    if (!ok) {
        req_field_error(r, "phone_last4", label, "portal_last4");
        return NULL;
    }
    return s;
}

static const char *last4_query(struct req *r)
{
    const char *s = query_str(r, "phone_last4");
    json_t *v = s ? json_string(s) : NULL;
    const char *out = last4_of(r, v);
    out = out ? arena_strdup(&r->arena, out) : NULL;
    json_decref(v);
    return out;
}

/* The item with the code of the path and these digits; one 404 for anything else. */
static enum err item_find(struct req *r, const char *last4, int64_t *id, const char **code)
{
    char c[PETITION_QUERY_CODE_LEN + 1], key[65];
    if (!code_of(r->params[0], c))
        return req_fail(r, ERR_NOT_FOUND, "portal_not_found");
    petition_track_key(c, last4, key);
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT k.petition_id FROM petition_track k JOIN petition p ON "
                            "p.id = k.petition_id WHERE k.query_code = $1 AND k.phone_key = $2",
                            DB_ARGS(DB_T(c), DB_T(key)), &rows);
    if (err)
        return err;
    if (rows.nrows != 1)
        return req_fail(r, ERR_NOT_FOUND, "portal_not_found");
    *id = db_int(&rows, 0, 0);
    *code = arena_strdup(&r->arena, c);
    return *code ? ERR_OK : ERR_NOMEM;
}

/* Where citizens reach the portal: SHEGONG_PUBLIC_URL, else the Host the request came to
 * ("" when that is not a plain host name). */
static const char *portal_base(struct req *r)
{
    const char *u = r->srv->cfg->public_url;
    if (u && *u) {
        size_t n = strlen(u);
        while (n && u[n - 1] == '/')
            n--;
        return arena_strndup(&r->arena, u, n);
    }
    const char *host =
        r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host") : NULL;
    size_t n = host ? strlen(host) : 0;
    bool ok = n > 0 && n <= 255;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)host[i]) || strchr(".-:[]", host[i]);
    return ok ? arena_printf(&r->arena, "http://%s", host) : "";
}

/* ---- Submitting --------------------------------------------------------------------- */

struct submit {
    struct req *r;
    int64_t id;
    const char *code;
};

/* The petition fields the portal passes on as they are. */
static const char *const passed[] = {"class",        "content", "region_code",
                                     "confidential", "title",   NULL};
static const char *const submit_keys[] = {"class",   "category",     "content", "region_code",
                                          "contact", "confidential", "title",   NULL};

/* The contact as the first petitioner; its mistakes named contact.name / contact.phone. */
static json_t *contact_in(struct req *r)
{
    const char *name_label = msg_text("portal_contact_name_label");
    const char *phone_label = msg_text("portal_contact_phone_label");
    json_t *c = json_object_get(r->json, "contact"), *p = json_object();
    if (!p)
        return NULL;
    if (!c || json_is_null(c)) {
        req_field_error(r, "contact.name", name_label, "required");
        req_field_error(r, "contact.phone", phone_label, "required");
        return p;
    }
    if (!json_is_object(c)) {
        req_field_error(r, "contact", msg_text("portal_contact_label"), "type_object");
        return p;
    }
    const char *key;
    json_t *v;
    json_object_foreach(c, key, v)
    {
        if (strcmp(key, "name") != 0 && strcmp(key, "phone") != 0)
            req_field_error(r, arena_printf(&r->arena, "contact.%s", key), key, "unknown_field");
    }
    json_t *name = json_object_get(c, "name"), *phone = json_object_get(c, "phone");
    if (json_is_string(name) && *json_string_value(name))
        json_object_set(p, "name", name);
    else if (name && !json_is_null(name) && !json_is_string(name))
        req_field_error(r, "contact.name", name_label, "type_string");
    else
        req_field_error(r, "contact.name", name_label, "required");
    /* the portal asks for a mobile number: its last four digits key the tracking */
    char norm[12];
    if (!phone || json_is_null(phone) || (json_is_string(phone) && !*json_string_value(phone)))
        req_field_error(r, "contact.phone", phone_label, "required");
    else if (!json_is_string(phone))
        req_field_error(r, "contact.phone", phone_label, "type_string");
    else {
        const char *bad = validate_mobile(json_string_value(phone), norm);
        if (bad)
            req_field_error(r, "contact.phone", phone_label, bad);
        else
            json_object_set_new(p, "phone", json_string(norm));
    }
    return p;
}

/* petition_register names the first petitioner's mistakes petitioners[0].x: they are the
 * contact's here; one error per field (the portal's own check may have named it). */
static void contact_errors(struct req *r)
{
    static const struct {
        const char *from, *to, *label;
    } names[] = {
        {"petitioners[0].name", "contact.name", "portal_contact_name_label"},
        {"petitioners[0].phone", "contact.phone", "portal_contact_phone_label"},
    };
    bool whole = false; /* the contact was not an object: nothing more to say about it */
    for (size_t i = 0; i < r->nerrors; i++)
        whole = whole || strcmp(r->errors[i].field, "contact") == 0;
    size_t k = 0;
    for (size_t i = 0; i < r->nerrors; i++) {
        struct field_error e = r->errors[i];
        bool renamed = false;
        if (whole && strncmp(e.field, "petitioners[0].", 15) == 0)
            continue;
        for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
            if (strcmp(e.field, names[n].from) == 0) {
                e.field = names[n].to;
                e.message = msg_field(&r->arena, e.code, msg_text(names[n].label));
                renamed = true;
            }
        if (!renamed && strncmp(e.field, "petitioners[0].", 15) == 0) {
            const char *f = arena_printf(&r->arena, "contact.%s", e.field + 15);
            e.field = f ? f : e.field;
        }
        bool twice = false;
        for (size_t j = 0; j < k && !twice; j++)
            twice = strcmp(r->errors[j].field, e.field) == 0;
        if (!twice)
            r->errors[k++] = e;
    }
    r->nerrors = k;
}

static enum err submit_tx(struct db_conn *c, void *ctx)
{
    (void)c;
    struct submit *s = ctx;
    struct req *r = s->r;
    r->nerrors = 0; /* a retried transaction starts over */
    r->message = NULL;
    body_allow(r, submit_keys);
    json_t *in = json_object();
    if (!in || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, in)) {
        json_decref(in);
        return ERR_NOMEM;
    }
    for (const char *const *k = passed; *k; k++) {
        json_t *v = json_object_get(r->json, *k);
        if (v)
            json_object_set(in, *k, v);
    }
    json_t *category = json_object_get(r->json, "category");
    if (!category || json_is_null(category) ||
        (json_is_string(category) && !*json_string_value(category)))
        json_object_set_new(in, "category", json_string("other"));
    else
        json_object_set(in, "category", category);
    json_object_set_new(in, "channel", json_string("online"));
    json_t *person = contact_in(r), *list = json_array();
    if (!person || !list || json_array_append_new(list, person) ||
        json_object_set_new(in, "petitioners", list)) {
        json_decref(list);
        return ERR_NOMEM;
    }
    /* no account, no region scope: the citizen writes in the region they name */
    const char *region = json_string_value(json_object_get(r->json, "region_code"));
    if (region && region_code_shape(region)) {
        r->scope.roots = arena_calloc(&r->arena, 1, sizeof(char *));
        if (!r->scope.roots)
            return ERR_NOMEM;
        r->scope.roots[0] = region;
        r->scope.n = 1;
    }
    enum err err = petition_register(r, in, true, &s->id, &s->code);
    contact_errors(r);
    if (!err && r->nerrors)
        err = ERR_INVALID;
    if (err)
        return err;
    r->audit.action = r->route->action;
    r->audit.detail = "{\"channel\":\"online\",\"by\":\"citizen\"}";
    return audit_request(r, "success");
}

enum err portal_petition_submit(struct req *r)
{
    enum err err = rate_check(r, "portal_submit", r->srv->cfg->portal_submit_rate);
    struct submit s = {.r = r};
    if (!err)
        err = db_tx_run(r->db, submit_tx, &s);
    if (err)
        return err;
    const char *receipt = arena_printf(&r->arena, API_BASE "%s/receipt.pdf", s.code);
    const char *location = arena_printf(&r->arena, API_BASE "%s", s.code);
    if (!receipt || !location)
        return ERR_NOMEM;
    reply_header(r, "Location", location);
    return reply_json_take(r, 201,
                           json_pack("{s:s, s:s}", "query_code", s.code, "receipt", receipt));
}

/* ---- Tracking, rating and the requests for review ------------------------------------ */

enum err portal_petition_track(struct req *r)
{
    enum err err = lookup_limit(r);
    if (err)
        return err;
    const char *last4 = last4_query(r);
    if (!last4)
        return ERR_INVALID;
    int64_t id = 0;
    const char *code = NULL;
    json_t *o = NULL;
    err = item_find(r, last4, &id, &code);
    if (!err)
        err = portal_view_json(r, id, code, &o);
    return err ? err : reply_json_take(r, 200, o);
}

struct act {
    struct req *r;
    bool review; /* POST .../review, else .../rate */
    int64_t id;
    const char *code;
};

static const char *const rate_keys[] = {"phone_last4", "rating", "comment", NULL};
static const char *const review_keys[] = {"phone_last4", NULL};

/* The action's field names are the portal's here. */
static void rate_errors(struct req *r)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, "rating_comment") == 0)
            r->errors[i].field = "comment";
}

static enum err act_tx(struct db_conn *c, void *ctx)
{
    (void)c;
    struct act *a = ctx;
    struct req *r = a->r;
    r->nerrors = 0;
    r->message = NULL;
    body_allow(r, a->review ? review_keys : rate_keys);
    const char *last4 = last4_of(r, json_object_get(r->json, "phone_last4"));
    json_t *comment = json_object_get(r->json, "comment");
    if (comment && !json_is_null(comment) && !json_is_string(comment))
        req_field_error(r, "comment", msg_text("portal_comment_label"), "type_string");
    if (r->nerrors)
        return ERR_INVALID;
    enum err err = item_find(r, last4, &a->id, &a->code);
    if (err)
        return err;
    json_t *body = json_object();
    if (!body || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, body)) {
        json_decref(body);
        return ERR_NOMEM;
    }
    const char *action = "rate";
    if (a->review) {
        struct db_rows rows;
        err = db_query_one(r->db, &r->arena, "SELECT state FROM petition WHERE id = $1",
                           DB_ARGS(DB_I(a->id)), &rows);
        if (err)
            return err;
        const char *state = db_str(&rows, 0, 0);
        if (strcmp(state, "replied") == 0)
            action = "request_review";
        else if (strcmp(state, "reviewed") == 0)
            action = "request_rereview";
        else {
            r->message = arena_printf(&r->arena, "%s%s", msg_text("portal_review_state"),
                                      workflow_state_label(petition_entity.workflow, state));
            return ERR_CONFLICT;
        }
    } else {
        json_t *rating = json_object_get(r->json, "rating");
        if (rating)
            json_object_set(body, "rating", rating);
        if (json_is_string(comment) && *json_string_value(comment))
            json_object_set(body, "rating_comment", comment);
    }
    err = engine_take_action(r, &petition_entity, a->id, action, body, true, NULL);
    rate_errors(r);
    if (!err && r->nerrors)
        err = ERR_INVALID;
    if (err)
        return err;
    r->audit.action = r->route->action;
    return audit_request(r, "success");
}

static enum err act(struct req *r, bool review)
{
    enum err err = lookup_limit(r);
    struct act a = {.r = r, .review = review};
    if (!err)
        err = db_tx_run(r->db, act_tx, &a);
    json_t *o = NULL;
    if (!err)
        err = portal_view_json(r, a.id, a.code, &o);
    return err ? err : reply_json_take(r, 200, o);
}

enum err portal_petition_rate(struct req *r)
{
    return act(r, false);
}

enum err portal_petition_review(struct req *r)
{
    return act(r, true);
}

/* ---- The receipt -------------------------------------------------------------------- */

enum err portal_petition_receipt(struct req *r)
{
    enum err err = lookup_limit(r);
    if (err)
        return err;
    const char *last4 = last4_query(r);
    if (!last4)
        return ERR_INVALID;
    int64_t id = 0;
    const char *code = NULL;
    err = item_find(r, last4, &id, &code);
    struct db_rows rows;
    if (!err)
        err = db_query_one(r->db, &r->arena,
                           "SELECT class, category, region_code, created_at FROM petition "
                           "WHERE id = $1",
                           DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    const char *base = portal_base(r);
    struct petition_receipt rc = {
        .query_code = code,
        .registered_at = db_int(&rows, 0, 3),
        .class_label = portal_enum_label(r, "petition_class", db_str(&rows, 0, 0)),
        .category_label = portal_enum_label(r, "petition_category", db_str(&rows, 0, 1)),
        .region_name = portal_region_name(r, db_str(&rows, 0, 2)),
        .track_url = arena_printf(&r->arena, "%s" TRACK_PAGE "?code=%s", base ? base : "", code),
        .portal_url = base && *base ? arena_printf(&r->arena, "%s" PORTAL_PAGE, base) : "",
    };
    if (!base || !rc.track_url || !rc.portal_url)
        return ERR_NOMEM;
    const unsigned char *pdf = NULL;
    size_t len = 0;
    err = petition_receipt_pdf(&r->arena, &rc, &pdf, &len);
    if (err)
        return err;
    r->status = 200;
    r->content_type = "application/pdf";
    sbuf_reset(&r->out);
    sbuf_add(&r->out, pdf, len);
    const char *cd = arena_printf(&r->arena, "inline; filename=\"petition-receipt-%s.pdf\"", code);
    if (!cd || sbuf_err(&r->out))
        return ERR_NOMEM;
    reply_header(r, "Content-Disposition", cd);
    return ERR_OK;
}

/* ---- What the form offers ------------------------------------------------------------ */

static enum err enum_items(struct req *r, const char *name, json_t **out)
{
    const struct enum_def *d = engine_enum(name);
    json_t *list = json_array();
    enum err err = d && list ? ERR_OK : d ? ERR_NOMEM : ERR_INTERNAL;
    for (const struct enum_item *it = d ? d->items : NULL; !err && it && it->code; it++)
        if (json_array_append_new(list,
                                  json_pack("{s:s, s:s}", "code", it->code, "label", it->label)))
            err = ERR_NOMEM;
    struct db_rows rows = {0};
    if (!err && d->extendable)
        err =
            db_query(r->db, &r->arena,
                     "SELECT code, label FROM dictionary WHERE enum_name = $1 ORDER BY sort, code",
                     DB_ARGS(DB_T(name)), &rows);
    for (size_t i = 0; !err && i < rows.nrows; i++)
        if (json_array_append_new(list, json_pack("{s:s, s:s}", "code", db_str(&rows, i, 0),
                                                  "label", db_str(&rows, i, 1))))
            err = ERR_NOMEM;
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return ERR_OK;
}

enum err portal_petition_form(struct req *r)
{
    json_t *classes = NULL, *categories = NULL;
    enum err err = enum_items(r, "petition_class", &classes);
    if (!err)
        err = enum_items(r, "petition_category", &categories);
    if (err) {
        json_decref(classes);
        return err;
    }
    return reply_json_take(r, 200,
                           json_pack("{s:o, s:o}", "classes", classes, "categories", categories));
}

/* ---- Regions ------------------------------------------------------------------------- */

enum err portal_regions(struct req *r)
{
    const char *parent = query_str(r, "parent");
    if (parent && !region_code_shape(parent))
        return req_field_error(r, "parent", msg_text("portal_parent_label"), "invalid_region");
    struct db_rows rows;
    /* the children, and in place of a placeholder level (市辖区) its own children */
    enum err err =
        parent ? db_query(r->db, &r->arena,
                          "SELECT c.code, c.name, (SELECT COUNT(*) FROM region g WHERE "
                          "g.parent_code = c.code) FROM region c WHERE c.placeholder = 0 AND "
                          "(c.parent_code = $1 OR c.parent_code IN (SELECT code FROM region WHERE "
                          "parent_code = $1 AND placeholder = 1)) ORDER BY c.code",
                          DB_ARGS(DB_T(parent)), &rows)
               : db_query(r->db, &r->arena,
                          "SELECT c.code, c.name, (SELECT COUNT(*) FROM region g WHERE "
                          "g.parent_code = c.code) FROM region c WHERE c.parent_code IS NULL "
                          "ORDER BY c.code",
                          DB_NOARGS, &rows);
    if (err)
        return err;
    json_t *items = json_array();
    for (size_t i = 0; items && i < rows.nrows; i++)
        if (json_array_append_new(items, json_pack("{s:s, s:s, s:b}", "code", db_str(&rows, i, 0),
                                                   "name", db_str(&rows, i, 1), "leaf",
                                                   db_int(&rows, i, 2) == 0))) {
            json_decref(items);
            items = NULL;
        }
    if (!items)
        return ERR_NOMEM;
    reply_header(r, "Cache-Control", "public, max-age=600");
    return reply_json_take(r, 200, json_pack("{s:o}", "items", items));
}
