/* Full-text tokenizer (Han bigrams plus unigrams, folded Latin words) and the builder that
 * turns a user's search text into a quoted FTS5 MATCH expression of the same tokens. */
#include "core/search.h"
#include "core/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Tokenizer state: at most one of the two runs is open at a time. */
struct tok_state {
    enum search_mode mode;
    search_token_fn fn;
    void *ctx;
    /* the open Latin/digit run, already folded */
    char word[SEARCH_MAX_TOKEN];
    size_t wlen, wstart, wend;
    /* the previous character of the open Han run */
    unsigned char han[4];
    size_t hlen, hstart, hend;
    size_t hcount; /* characters in the open Han run */
};

/* Full-width ASCII to half-width, the ideographic space to a space. */
static uint32_t fold_width(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        return c - 0xFEE0;
    if (c == 0x3000)
        return ' ';
    return c;
}

/* Lower case for the letters a word may hold (ASCII, Latin-1, Latin Extended-A). */
static uint32_t fold_case(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
        return c % 2 == 0 ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return c % 2 == 1 ? c + 1 : c;
    if (c == 0x178)
        return 0xFF;
    return c;
}

/* Letters and digits that make up a word: ASCII, Latin-1 and Latin Extended-A/B letters
 * (not × and ÷). Other scripts are separators for now (docs/search.md). */
static bool is_word(uint32_t c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}

static int flush_word(struct tok_state *t)
{
    if (t->wlen == 0)
        return 0;
    size_t len = t->wlen;
    t->wlen = 0;
    return t->fn(t->ctx, 0, t->word, len, t->wstart, t->wend);
}

/* Ends the Han run: its last character gets its own position in a document; in a query
 * only a one-character run needs its unigram. */
static int flush_han(struct tok_state *t)
{
    if (t->hcount == 0)
        return 0;
    size_t count = t->hcount;
    t->hcount = 0;
    if (t->mode == SEARCH_DOCUMENT || count == 1)
        return t->fn(t->ctx, 0, (const char *)t->han, t->hlen, t->hstart, t->hend);
    return 0;
}

static int add_word(struct tok_state *t, uint32_t c, size_t start, size_t end)
{
    if (t->wlen == 0)
        t->wstart = start;
    t->wend = end;
    c = fold_case(c);
    if (c < 0x80) {
        if (t->wlen + 1 <= sizeof(t->word))
            t->word[t->wlen++] = (char)c;
    } else if (t->wlen + 2 <= sizeof(t->word)) { /* every word letter is below U+0800 */
        t->word[t->wlen++] = (char)(0xC0 | (c >> 6));
        t->word[t->wlen++] = (char)(0x80 | (c & 0x3F));
    }
    return 0;
}

/* A Han character: the bigram with the previous one, then (documents) the previous one's
 * unigram at the same position. */
static int add_han(struct tok_state *t, const unsigned char *s, size_t len, size_t start,
                   size_t end)
{
    int rc = 0;
    if (t->hcount > 0) {
        unsigned char bigram[8];
        memcpy(bigram, t->han, t->hlen);
        memcpy(bigram + t->hlen, s, len);
        rc = t->fn(t->ctx, 0, (const char *)bigram, t->hlen + len, t->hstart, end);
        if (rc)
            return rc;
        if (t->mode == SEARCH_DOCUMENT) {
            rc = t->fn(t->ctx, SEARCH_TOKEN_COLOCATED, (const char *)t->han, t->hlen, t->hstart,
                       t->hend);
            if (rc)
                return rc;
        }
    }
    memcpy(t->han, s, len);
    t->hlen = len;
    t->hstart = start;
    t->hend = end;
    t->hcount++;
    return 0;
}

int search_tokenize(const char *text, size_t n, enum search_mode mode, search_token_fn fn,
                    void *ctx)
{
    struct tok_state t = {.mode = mode, .fn = fn, .ctx = ctx};
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int rc = 0;
    while (i < n) {
        uint32_t c = 0;
        size_t len = utf8_decode(s + i, n - i, &c);
        if (len == 0) { /* not UTF-8: a separator one byte wide */
            len = 1;
            c = ' ';
        }
        c = fold_width(c);
        if (utf8_is_han(c)) {
            rc = flush_word(&t);
            if (!rc)
                rc = add_han(&t, s + i, len, i, i + len);
        } else if (is_word(c)) {
            rc = flush_han(&t);
            if (!rc)
                rc = add_word(&t, c, i, i + len);
        } else {
            rc = flush_word(&t);
            if (!rc)
                rc = flush_han(&t);
        }
        if (rc)
            return rc;
        i += len;
    }
    rc = flush_word(&t);
    if (!rc)
        rc = flush_han(&t);
    return rc;
}

/* Query building: tokens that overlap the one before (the bigrams of one Han run) go
 * into the same quoted phrase; anything else starts a new term. */
struct query_state {
    struct sbuf *out;
    size_t nterms;
    size_t prev_end;
};

static void add_quoted(struct sbuf *out, const char *tok, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (tok[i] == '"')
            sbuf_addc(out, '"');
        sbuf_addc(out, tok[i]);
    }
}

static int add_query_token(void *ctx, int flags, const char *tok, size_t len, size_t start,
                           size_t end)
{
    struct query_state *q = ctx;
    if (q->nterms > 0 && start < q->prev_end) {
        sbuf_addc(q->out, ' ');
    } else {
        if (q->nterms > 0)
            sbuf_adds(q->out, "\" AND ");
        sbuf_addc(q->out, '"');
        q->nterms++;
    }
    add_quoted(q->out, tok, len);
    q->prev_end = end;
    return sbuf_err(q->out) ? 1 : 0;
}

enum err search_build_query(const char *text, size_t n, struct sbuf *out, size_t *nterms)
{
    struct query_state q = {.out = out};
    *nterms = 0;
    if (sbuf_err(out))
        return sbuf_err(out);
    search_tokenize(text, n, SEARCH_QUERY, add_query_token, &q);
    if (q.nterms > 0)
        sbuf_addc(out, '"');
    if (sbuf_err(out))
        return sbuf_err(out);
    *nterms = q.nterms;
    return ERR_OK;
}

/* ---- PostgreSQL forms: the same tokens as tsvector and tsquery text ---- */

/* A lexeme in the single quotes tsvector and tsquery input takes: ' and \ escaped. */
static void add_lexeme(struct sbuf *out, const char *tok, size_t len)
{
    sbuf_addc(out, '\'');
    for (size_t i = 0; i < len; i++) {
        if (tok[i] == '\'' || tok[i] == '\\')
            sbuf_addc(out, tok[i] == '\'' ? '\'' : '\\');
        sbuf_addc(out, tok[i]);
    }
    sbuf_addc(out, '\'');
}

/* PostgreSQL keeps positions up to 16383; later tokens share the last one. */
#define TSVECTOR_MAX_POS 16383

struct vector_state {
    struct sbuf *out;
    unsigned pos;
};

static int add_vector_token(void *ctx, int flags, const char *tok, size_t len, size_t start,
                            size_t end)
{
    struct vector_state *v = ctx;
    if (!(flags & SEARCH_TOKEN_COLOCATED) && v->pos < TSVECTOR_MAX_POS)
        v->pos++;
    if (v->out->len)
        sbuf_addc(v->out, ' ');
    add_lexeme(v->out, tok, len);
    sbuf_addf(v->out, ":%u", v->pos);
    return sbuf_err(v->out) ? 1 : 0;
}

enum err search_build_tsvector(const char *text, size_t n, struct sbuf *out)
{
    struct vector_state v = {.out = out};
    if (sbuf_err(out))
        return sbuf_err(out);
    search_tokenize(text, n, SEARCH_DOCUMENT, add_vector_token, &v);
    return sbuf_err(out);
}

static int add_tsquery_token(void *ctx, int flags, const char *tok, size_t len, size_t start,
                             size_t end)
{
    struct query_state *q = ctx;
    if (q->nterms > 0 && start < q->prev_end) {
        sbuf_adds(q->out, " <-> "); /* the next bigram of the same run: a phrase */
    } else {
        if (q->nterms > 0)
            sbuf_adds(q->out, ") & ");
        sbuf_addc(q->out, '(');
        q->nterms++;
    }
    add_lexeme(q->out, tok, len);
    q->prev_end = end;
    return sbuf_err(q->out) ? 1 : 0;
}

enum err search_build_tsquery(const char *text, size_t n, struct sbuf *out, size_t *nterms)
{
    struct query_state q = {.out = out};
    *nterms = 0;
    if (sbuf_err(out))
        return sbuf_err(out);
    search_tokenize(text, n, SEARCH_QUERY, add_tsquery_token, &q);
    if (q.nterms > 0)
        sbuf_addc(out, ')');
    if (sbuf_err(out))
        return sbuf_err(out);
    *nterms = q.nterms;
    return ERR_OK;
}
