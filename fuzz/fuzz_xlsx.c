/* Fuzz target: the XLSX import reader on any bytes (zip, then XML parts), with small
 * caps so the fuzzer reaches them; and the cell-reference parser on the same bytes. */
#include "core/utf8.h"
#include "core/xlsx_read.h"
#include "fuzz.h"

struct seen {
    size_t last_row;
    size_t rows;
};

static enum err on_row(void *ctx, const struct xlsx_row *row)
{
    struct seen *s = ctx;
    FUZZ_CHECK(row->row > s->last_row); /* in order, never twice */
    s->last_row = row->row;
    FUZZ_CHECK(row->n <= 64);
    for (size_t i = 0; i < row->n; i++) {
        FUZZ_CHECK(row->cell[i] && strlen(row->cell[i]) == row->len[i]);
        FUZZ_CHECK(row->len[i] <= 4096);
        FUZZ_CHECK(utf8_valid(row->cell[i], row->len[i]) || row->len[i] == 0);
        FUZZ_CHECK(row->type[i] >= XLSX_EMPTY && row->type[i] <= XLSX_ERROR);
        FUZZ_CHECK(row->type[i] != XLSX_EMPTY || row->len[i] == 0);
    }
    return ++s->rows > 10000 ? ERR_TOO_LARGE : ERR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlsx_limits lim = {
        .max_part = 1 << 20,
        .max_strings = 1 << 18,
        .max_cols = 64,
        .max_cell = 4096,
    };
    struct seen s = {0};
    struct xlsx_error e = {0};
    enum err err = xlsx_read(data, size, &lim, on_row, &s, &e);
    FUZZ_CHECK(err == ERR_OK || err == ERR_INVALID || err == ERR_TOO_LARGE || err == ERR_NOMEM);
    if (err && s.rows <= 10000) /* our own stop has no message of the reader's */
        FUZZ_CHECK(e.message != NULL);

    char *ref = fuzz_strndup(data, size < 64 ? size : 64);
    size_t col, row;
    if (xlsx_parse_ref(ref, &col, &row))
        FUZZ_CHECK(row >= 1);
    free(ref);
    return 0;
}
