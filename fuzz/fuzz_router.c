/* Fuzz target: router_match over the real route table (engine_init with the model's
 * entities and routes), on the path as libmicrohttpd hands it over after decoding
 * (percent-escapes decoded, an encoded NUL turned into 0xFF by server/http.c), and the
 * static-file path check the dispatcher falls back to.
 *
 * Input: byte 0 picks the method, byte 1 the mode (bit 0: test mode, bit 1: decode the
 * escapes first), the rest is the path. */
#include <microhttpd.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "engine/engine.h"
#include "fuzz.h"
#include "model/model.h"
#include "server/router.h"
#include "server/static.h"

static const char *const methods[] = {"GET",  "POST",    "PATCH", "PUT", "DELETE",
                                      "HEAD", "OPTIONS", "get",   "",    "GET "};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (engine_init(model_entities, model_enums, routes) != ERR_OK)
        abort();
    return 0;
}

static void check_match(const struct route *table, const char *method, const char *path,
                        int test_mode)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct route_match m;
    enum err err = router_match(table, method, path, test_mode, &a, &m);
    FUZZ_CHECK(err == ERR_OK || err == ERR_NOT_FOUND || err == ERR_METHOD_NOT_ALLOWED);
    FUZZ_CHECK(memchr(m.allow, '\0', sizeof(m.allow)) != NULL);
    if (err == ERR_OK) {
        const struct route *rt = &table[m.index];
        FUZZ_CHECK(m.index >= 0);
        FUZZ_CHECK(strcmp(rt->method, method) == 0 ||
                   (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0));
        FUZZ_CHECK(test_mode || !(rt->flags & ROUTE_TEST_ONLY));
        FUZZ_CHECK(m.nparams <= ROUTE_MAX_PARAMS);
        for (size_t i = 0; i < m.nparams; i++) {
            /* a parameter is one whole, non-empty segment of the path */
            FUZZ_CHECK(m.params[i] && *m.params[i] && !strchr(m.params[i], '/'));
            FUZZ_CHECK(strstr(path, m.params[i]) != NULL);
        }
        /* a pattern without parameters is matched only by itself */
        if (m.nparams == 0)
            FUZZ_CHECK(strcmp(rt->pattern, path) == 0);
    } else {
        FUZZ_CHECK(m.index == -1);
        FUZZ_CHECK(err != ERR_METHOD_NOT_ALLOWED || m.allow[0]);
    }
    arena_release(&a);
}

static void check_static(const char *method, const char *path)
{
    (void)static_applies(method, path);
    if (!static_path_safe(path))
        return;
    /* what the static server may open: valid UTF-8, absolute, no dot segment, no
     * control character, no backslash */
    size_t n = strlen(path);
    FUZZ_CHECK(path[0] == '/' && utf8_valid(path, n));
    FUZZ_CHECK(!strstr(path, "/.") && !strchr(path, '\\'));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)path[i] >= 0x20 && path[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
    int test_mode = data[1] & 1;
    char *path = fuzz_strndup(data + 2, size - 2);
    if (data[1] & 2) {
        /* what server/http.c's unescape callback does */
        size_t n = MHD_http_unescape(path);
        for (size_t i = 0; i < n; i++)
            if (path[i] == '\0')
                path[i] = (char)0xFF;
        path[n] = '\0';
    }
    check_match(engine_routes(), method, path, test_mode);
    check_static(method, path);
    free(path);
    return 0;
}
