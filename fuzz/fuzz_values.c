/* Fuzz target: request body -> JSON -> field validation. engine_value_in on every field
 * of the registered entities whose type needs no database (text, longtext, int, decimal,
 * bool, date, datetime, tags, geo, idcard, phone, uscc), with a minimal request: an arena
 * and no connection.
 *
 * Input: byte 0 picks the field; the rest is the field's value in a body
 * {"v": <rest>} read by jsonin as the dispatcher reads it, or, when that is not JSON,
 * the rest as a JSON string. */
#include <jansson.h>

#include "core/jsonin.h"
#include "engine/internal.h"
#include "fuzz.h"
#include "model/model.h"
#include "server/req.h"

#define MAX_FIELDS 2048

static struct {
    const struct entity *e;
    const struct field_def *f;
} fields[MAX_FIELDS];
static size_t nfields;

/* Fields no entity has in this form: ranges and scales the fuzzer should meet anyway. */
static const struct field_def extra[] = {
    {.name = "amount", .label = "金额", .type = FT_DECIMAL, .scale = 2, .min = -1000, .max = 1000},
    {.name = "rate", .label = "比率", .type = FT_DECIMAL, .scale = 6},
    {.name = "whole", .label = "整数", .type = FT_DECIMAL, .scale = 0},
    {.name = "age", .label = "年龄", .type = FT_INT, .min = 0, .max = 150},
    {.name = "code", .label = "编码", .type = FT_TEXT, .min = 2, .max = 8},
    {.name = "note", .label = "备注", .type = FT_LONGTEXT, .max = 50},
    {.name = "tags", .label = "标签", .type = FT_TAGS},
    {.name = "where", .label = "位置", .type = FT_GEO},
    {.name = "day", .label = "日期", .type = FT_DATE},
    {.name = "at", .label = "时间", .type = FT_DATETIME},
    {.name = "flag", .label = "开关", .type = FT_BOOL},
    {.name = "id_number", .label = "身份证号", .type = FT_IDCARD},
    {.name = "phone", .label = "电话", .type = FT_PHONE},
    {.name = "uscc", .label = "信用代码", .type = FT_USCC},
    {0},
};

static bool db_free(enum field_type t)
{
    switch (t) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_INT:
    case FT_DECIMAL:
    case FT_BOOL:
    case FT_DATE:
    case FT_DATETIME:
    case FT_TAGS:
    case FT_GEO:
    case FT_IDCARD:
    case FT_PHONE:
    case FT_USCC:
        return true;
    default:
        return false;
    }
}

/* Types whose normalised form is itself a valid input giving the same form. */
static bool idempotent(enum field_type t)
{
    switch (t) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_INT:
    case FT_BOOL:
    case FT_DATE:
    case FT_TAGS:
    case FT_IDCARD:
    case FT_PHONE:
    case FT_USCC:
        return true;
    default:
        return false;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (engine_init(model_entities, model_enums, routes) != ERR_OK)
        abort();
    for (const struct entity *const *e = engine_entities(); *e; e++)
        for (const struct field_def *f = (*e)->fields; f->name; f++)
            if (db_free(f->type) && nfields < MAX_FIELDS)
                fields[nfields++] = (__typeof__(fields[0])){*e, f};
    for (const struct field_def *f = extra; f->name; f++)
        fields[nfields++] = (__typeof__(fields[0])){model_entities[0], f};
    return 0;
}

static void check(const struct entity *e, const struct field_def *f, json_t *in)
{
    struct req r = {.status = 0};
    arena_init(&r.arena, 1 << 24);
    json_t *out = NULL;
    enum err err = engine_value_in(&r, e, f, in, 0, &out);
    FUZZ_CHECK(err == ERR_OK); /* a bad value is a field error, never a failure */
    if (out) {
        FUZZ_CHECK(r.nerrors == 0);
        if (idempotent(f->type) && !json_is_null(out)) {
            json_t *again = NULL;
            struct req r2 = {.status = 0};
            arena_init(&r2.arena, 1 << 24);
            FUZZ_CHECK(engine_value_in(&r2, e, f, out, 0, &again) == ERR_OK);
            FUZZ_CHECK(again && json_equal(out, again));
            json_decref(again);
            arena_release(&r2.arena);
        }
        json_decref(out);
    } else {
        FUZZ_CHECK(r.nerrors == 1);
        FUZZ_CHECK(r.errors[0].code && r.errors[0].message);
    }
    arena_release(&r.arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || nfields == 0)
        return 0;
    const struct entity *e = fields[data[0] % nfields].e;
    const struct field_def *f = fields[data[0] % nfields].f;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;

    char *body = malloc(n + 8);
    if (!body)
        abort();
    memcpy(body, "{\"v\":", 5);
    memcpy(body + 5, rest, n);
    body[n + 5] = '}';
    json_t *root = NULL;
    struct jsonin_error je;
    if (jsonin_parse_object(body, n + 6, JSONIN_MAX_DEPTH, &root, &je) == ERR_OK) {
        json_t *v = json_object_get(root, "v");
        if (v)
            check(e, f, v);
        json_decref(root);
    } else {
        /* NULL unless valid UTF-8; a NUL never reaches a field (jsonin refuses it) */
        json_t *s = memchr(rest, '\0', n) ? NULL : json_stringn(rest, n);
        if (s)
            check(e, f, s);
        json_decref(s);
    }
    free(body);
    return 0;
}
