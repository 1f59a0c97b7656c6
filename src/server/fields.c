/* Body readers for Chinese identifiers (see fields.h). */
#include "server/fields.h"

/* The field's text, or NULL when it is absent, empty and optional, or not a string (the
 * error recorded by body_str). */
static const char *field_text(struct req *r, const char *key, const char *label, enum body_req need)
{
    const char *s = body_str(r, key, label, need, 0);
    return s && *s ? s : NULL;
}

const char *body_idcard(struct req *r, const char *key, const char *label, enum body_req need,
                        int today, struct idcard_info *out)
{
    const char *s = field_text(r, key, label, need);
    if (!s)
        return NULL;
    const char *code = validate_idcard(s, today, out);
    if (code) {
        req_field_error(r, key, label, code);
        return NULL;
    }
    return out->number;
}

const char *body_uscc(struct req *r, const char *key, const char *label, enum body_req need,
                      struct uscc_info *out)
{
    const char *s = field_text(r, key, label, need);
    if (!s)
        return NULL;
    const char *code = validate_uscc(s, out);
    if (code) {
        req_field_error(r, key, label, code);
        return NULL;
    }
    return out->code;
}

/* Room for "0AAA-NNNNNNNN-EEEEEE" and a mobile's 11 digits. */
#define PHONE_MAX 24

const char *body_phone(struct req *r, const char *key, const char *label, enum body_req need)
{
    const char *s = field_text(r, key, label, need);
    if (!s)
        return NULL;
    char buf[PHONE_MAX];
    const char *code = validate_phone(s, buf, sizeof(buf));
    if (code) {
        req_field_error(r, key, label, code);
        return NULL;
    }
    return arena_strdup(&r->arena, buf);
}

const char *body_mobile(struct req *r, const char *key, const char *label, enum body_req need)
{
    const char *s = field_text(r, key, label, need);
    if (!s)
        return NULL;
    char buf[12];
    const char *code = validate_mobile(s, buf);
    if (code) {
        req_field_error(r, key, label, code);
        return NULL;
    }
    return arena_strdup(&r->arena, buf);
}
