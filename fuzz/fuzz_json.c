/* Fuzz target: a request body through jsonin_parse_object exactly as the dispatcher reads
 * it (UTF-8 check, nesting bound, duplicate keys, an object at the top). */
#include <jansson.h>

#include "core/jsonin.h"
#include "core/utf8.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *root = NULL;
    struct jsonin_error e;
    enum err err = jsonin_parse_object((const char *)data, size, JSONIN_MAX_DEPTH, &root, &e);
    if (err) {
        FUZZ_CHECK(root == NULL);
        FUZZ_CHECK(err == ERR_BAD_ENCODING || err == ERR_MALFORMED_JSON);
        FUZZ_CHECK(err != ERR_BAD_ENCODING || !utf8_valid((const char *)data, size));
        FUZZ_CHECK(e.line >= 0 && e.column >= 0);
        FUZZ_CHECK(memchr(e.text, '\0', sizeof(e.text)) != NULL);
        return 0;
    }
    FUZZ_CHECK(json_is_object(root));
    /* accepted bytes are valid UTF-8, so every string in the tree is too: what the reply
     * and the log write back must not be able to carry invalid bytes or NUL */
    FUZZ_CHECK(utf8_valid((const char *)data, size));
    char *again = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    FUZZ_CHECK(again != NULL);
    json_t *back = NULL;
    struct jsonin_error e2;
    /* what we print we can read back, with the same content */
    FUZZ_CHECK(jsonin_parse_object(again, strlen(again), JSONIN_MAX_DEPTH, &back, &e2) == ERR_OK);
    FUZZ_CHECK(json_equal(root, back));
    json_decref(back);
    free(again);
    json_decref(root);
    return 0;
}
