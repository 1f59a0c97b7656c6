/* Defensive JSON reading for request bodies (see jsonin.h). */
#include "core/jsonin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/failalloc.h"
#include "core/oom.h"
#include "core/utf8.h"

/* jansson's parser drops a byte when its token buffer cannot grow, and reports other
 * allocation failures as syntax errors or not at all: a failure is noted here instead. */
static void *counted_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        oom_note();
    return p;
}

static void counted_free(void *p)
{
    free(p);
}

void jsonin_init(void)
{
    json_set_alloc_funcs(counted_malloc, counted_free);
}

/* Nesting depth outside strings, and where it first passes max (line/column). */
static size_t scan_depth(const char *s, size_t n, size_t max, int *line, int *col)
{
    size_t depth = 0, deepest = 0;
    int in_str = 0, esc = 0, l = 1, c = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xC0) != 0x80)
            c++;
        if (ch == '\n') {
            l++;
            c = 0;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (ch == '\\')
                esc = 1;
            else if (ch == '"')
                in_str = 0;
            continue;
        }
        if (ch == '"') {
            in_str = 1;
        } else if (ch == '{' || ch == '[') {
            depth++;
            if (depth > deepest)
                deepest = depth;
            if (depth > max) {
                *line = l;
                *col = c;
                return depth;
            }
        } else if ((ch == '}' || ch == ']') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

enum err jsonin_parse_object(const char *buf, size_t n, size_t max_depth, json_t **out,
                             struct jsonin_error *e)
{
    *out = NULL;
    memset(e, 0, sizeof(*e));
    if (!utf8_valid(buf, n))
        return ERR_BAD_ENCODING; /* a NUL byte anywhere included */
    size_t ws = 0;
    while (ws < n && (buf[ws] == ' ' || buf[ws] == '\t' || buf[ws] == '\n' || buf[ws] == '\r'))
        ws++;
    if (ws == n) {
        e->reason = JSONIN_EMPTY;
        return ERR_MALFORMED_JSON;
    }
    if (scan_depth(buf, n, max_depth, &e->line, &e->column) > max_depth) {
        e->reason = JSONIN_DEPTH;
        return ERR_MALFORMED_JSON;
    }
    json_error_t je;
    bool noted_before = oom_noted();
    oom_reset();
    failalloc_pause(true);
    json_t *root = json_loadb(buf, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    failalloc_pause(false);
    if (oom_noted()) {
        json_decref(root); /* it may lack a byte */
        return ERR_NOMEM;
    }
    if (noted_before)
        oom_note();
    if (!root) {
        /* jansson reports column 0 at the start of a line; people count from 1 */
        e->line = je.line > 0 ? je.line : 1;
        e->column = je.column > 0 ? je.column : 1;
        snprintf(e->text, sizeof(e->text), "%s", je.text);
        e->reason =
            json_error_code(&je) == json_error_duplicate_key ? JSONIN_DUPLICATE : JSONIN_SYNTAX;
        return ERR_MALFORMED_JSON;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        e->reason = JSONIN_NOT_OBJECT;
        e->line = 1;
        e->column = 1;
        return ERR_MALFORMED_JSON;
    }
    *out = root;
    return ERR_OK;
}

json_t *jsonin_loads(const char *text)
{
    failalloc_pause(true);
    json_t *v = json_loads(text, 0, NULL);
    failalloc_pause(false);
    return v;
}
