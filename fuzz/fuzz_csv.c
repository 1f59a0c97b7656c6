/* Fuzz target: the CSV import reader on any bytes, and a round trip of what it read
 * through the writer and back: the values must survive (formula guard aside). */
#include "core/csv.h"
#include "core/sbuf.h"
#include "core/utf8.h"
#include "fuzz.h"

#define MAX_ROWS 64 /* rows taken into the round trip */

static int to_sbuf(void *ctx, const char *buf, size_t n)
{
    sbuf_add(ctx, buf, n);
    return sbuf_err(ctx) ? -1 : 0;
}

/* The rows kept for the round trip: values NUL-separated in one buffer. */
struct kept {
    struct sbuf vals;
    size_t ncols[MAX_ROWS];
    size_t nrows;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader r;
    csv_reader_init(&r, (const char *)data, size);
    r.max_field = 1024; /* small caps, so the fuzzer reaches them */
    r.max_cols = 32;
    struct kept k = {.nrows = 0};
    sbuf_init(&k.vals, 1 << 22);
    struct sbuf out;
    sbuf_init(&out, 1 << 22);
    struct csv_writer w;
    csv_writer_init(&w, to_sbuf, &out);
    csv_writer_begin(&w);
    size_t last_line = 0;
    for (;;) {
        struct csv_row row;
        enum err err = csv_read_row(&r, &row);
        if (err) {
            FUZZ_CHECK(err == ERR_INVALID || err == ERR_BAD_ENCODING || err == ERR_TOO_LARGE);
            FUZZ_CHECK(r.err_msg && r.err_line >= 1);
            FUZZ_CHECK(csv_read_row(&r, &row) == err); /* sticky */
            break;
        }
        if (row.n == 0)
            break;
        FUZZ_CHECK(row.n <= 32 && row.line > last_line);
        last_line = row.line;
        for (size_t i = 0; i < row.n; i++) {
            FUZZ_CHECK(row.len[i] <= 1024 && strlen(row.field[i]) == row.len[i]);
            FUZZ_CHECK(utf8_valid(row.field[i], row.len[i]));
            const char *plain = csv_unguard(row.field[i]);
            FUZZ_CHECK(plain >= row.field[i] && plain <= row.field[i] + row.len[i]);
        }
        if (k.nrows < MAX_ROWS) {
            for (size_t i = 0; i < row.n; i++) {
                sbuf_add(&k.vals, row.field[i], row.len[i] + 1);
                csv_field(&w, row.field[i]);
            }
            csv_end_row(&w);
            k.ncols[k.nrows++] = row.n;
        }
    }
    csv_reader_release(&r);
    FUZZ_CHECK(csv_writer_finish(&w) == ERR_OK);

    /* read the written rows back: the same values, each unguarded alike */
    struct csv_reader back;
    csv_reader_init(&back, out.buf, out.len);
    back.max_field = 1025; /* the guard may add its apostrophe */
    const char *v = k.vals.buf;
    for (size_t i = 0; i < k.nrows; i++) {
        struct csv_row row;
        FUZZ_CHECK(csv_read_row(&back, &row) == ERR_OK);
        FUZZ_CHECK(row.n == k.ncols[i]);
        for (size_t j = 0; j < row.n; j++) {
            FUZZ_CHECK(strcmp(csv_unguard(row.field[j]), csv_unguard(v)) == 0);
            v += strlen(v) + 1;
        }
    }
    struct csv_row end;
    FUZZ_CHECK(csv_read_row(&back, &end) == ERR_OK && end.n == 0);
    csv_reader_release(&back);
    sbuf_release(&out);
    sbuf_release(&k.vals);
    return 0;
}
