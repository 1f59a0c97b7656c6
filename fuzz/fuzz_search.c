/* Fuzz target: the Chinese tokenizer in both modes, and the FTS5 MATCH, tsvector and
 * tsquery texts built from the same bytes. Tokens must lie inside the input, be short
 * and hold no separator; built queries must quote every term. */
#include "core/search.h"
#include "core/utf8.h"
#include "fuzz.h"

struct seen {
    size_t n;        /* input length */
    size_t last_end; /* tokens come in input order */
    size_t count;
};

static int on_token(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct seen *s = ctx;
    FUZZ_CHECK(len > 0 && len <= SEARCH_MAX_TOKEN);
    FUZZ_CHECK(start < end && end <= s->n);
    FUZZ_CHECK(utf8_valid(tok, len));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tok[i];
        /* no ASCII separator, quote or operator survives into a token */
        FUZZ_CHECK(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
    }
    FUZZ_CHECK(!(flags & SEARCH_TOKEN_COLOCATED) || s->count > 0);
    s->count++;
    s->last_end = end;
    return 0;
}

static int stop_at_first(void *ctx, int flags, const char *tok, size_t len, size_t start,
                         size_t end)
{
    return 7;
}

/* Every '"' (FTS5) or '\'' (tsquery/tsvector) in the built text is part of a quoted term:
 * quotes come in pairs once the doubled ones inside terms are taken out. */
static void quotes_balanced(const char *s, size_t len, char q)
{
    int open = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != q)
            continue;
        if (open && i + 1 < len && s[i + 1] == q) {
            i++; /* a doubled quote inside a term */
            continue;
        }
        open = !open;
    }
    FUZZ_CHECK(!open);
}

static void build(const char *text, size_t n, size_t cap)
{
    struct sbuf out;
    size_t nterms = 99;
    sbuf_init(&out, cap);
    enum err err = search_build_query(text, n, &out, &nterms);
    if (!err) {
        FUZZ_CHECK(nterms > 0 || out.len == 0);
        quotes_balanced(out.buf, out.len, '"');
    } else {
        FUZZ_CHECK(err == ERR_TOO_LARGE || err == ERR_NOMEM);
    }
    sbuf_release(&out);

    sbuf_init(&out, cap);
    nterms = 99;
    err = search_build_tsquery(text, n, &out, &nterms);
    if (!err) {
        FUZZ_CHECK(nterms > 0 || out.len == 0);
        quotes_balanced(out.buf, out.len, '\'');
    }
    sbuf_release(&out);

    sbuf_init(&out, cap);
    err = search_build_tsvector(text, n, &out);
    if (!err)
        quotes_balanced(out.buf, out.len, '\'');
    sbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy without a terminator: the tokenizer must respect n */
    const char *text = (const char *)data;
    struct seen doc = {.n = size}, query = {.n = size};
    FUZZ_CHECK(search_tokenize(text, size, SEARCH_DOCUMENT, on_token, &doc) == 0);
    FUZZ_CHECK(search_tokenize(text, size, SEARCH_QUERY, on_token, &query) == 0);
    FUZZ_CHECK(query.count <= doc.count);
    int stopped = search_tokenize(text, size, SEARCH_DOCUMENT, stop_at_first, NULL);
    FUZZ_CHECK(stopped == (doc.count ? 7 : 0));
    build(text, size, 1 << 20);
    build(text, size, 64); /* a small cap: ERR_TOO_LARGE, never an overrun */
    return 0;
}
