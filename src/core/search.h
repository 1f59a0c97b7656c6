/* Full-text tokens for Chinese and Latin text, shared by every database backend so that
 * SQLite (an FTS5 tokenizer) and PostgreSQL index the same tokens and answer alike.
 *
 * Invariants: the input is UTF-8 of any quality; bytes that are not well-formed UTF-8,
 * NUL, punctuation, symbols, emoji and scripts other than Han and Latin are separators
 * and never become tokens. Before classifying, full-width ASCII (U+FF01-U+FF5E) is folded
 * to half-width and the ideographic space U+3000 to a space. Tokens are emitted in input
 * order; offsets are byte offsets into the caller's original input (end exclusive), so a
 * folded token still points at the full-width text it came from. No allocation.
 *
 * Tokens:
 * - A run of Latin letters and digits (ASCII, and Latin-1/Latin Extended letters) is one
 *   token, letters folded to lower case: "ABC123" -> "abc123". A run is cut to
 *   SEARCH_MAX_TOKEN bytes (offsets still cover the whole run).
 * - A run of Han characters (CJK Unified Ideographs with extensions A-I, compatibility
 *   ideographs, and U+3007 〇) yields overlapping bigrams. For documents each character
 *   also yields its unigram, reported as colocated with the bigram that starts at it (same
 *   position), so the bigrams of a run sit at consecutive positions and a phrase of them
 *   matches; the run's last character has its own position. "北京市" ->
 *   北京, 北 (colocated), 京市, 京 (colocated), 市. A query never gets unigrams
 *   for a run of two or more characters (the bigrams already say it exactly); a one-character
 *   run is its unigram. */
#ifndef SHEGONG_CORE_SEARCH_H
#define SHEGONG_CORE_SEARCH_H

#include <stddef.h>

#include "core/err.h"
#include "core/sbuf.h"

/* Longest token in bytes; a Han token is at most 8. */
#define SEARCH_MAX_TOKEN 128

/* Documents get bigrams plus unigrams; queries get bigrams, or the unigram alone for a
 * single character. */
enum search_mode { SEARCH_DOCUMENT, SEARCH_QUERY };

/* Flag for the callback: this token takes the same position as the one before it. */
#define SEARCH_TOKEN_COLOCATED 0x1

/* Called once per token; tok is not NUL-terminated and is valid only during the call.
 * A non-zero return stops tokenizing and is passed back by search_tokenize. */
typedef int (*search_token_fn)(void *ctx, int flags, const char *tok, size_t len, size_t start,
                               size_t end);

/* Tokenizing. Returns 0, or the first non-zero value fn returned. */
int search_tokenize(const char *text, size_t n, enum search_mode mode, search_token_fn fn,
                    void *ctx);

/* Query building. Turns what a user typed into an FTS5 MATCH expression with the same
 * tokens: each Han run becomes one quoted phrase of its bigrams ("供暖 暖问 问题"; a
 * two-character word is its one bigram, a single character its unigram), each Latin or
 * digit run one quoted token, all joined with AND. Every token is quoted (a '"' doubled),
 * so user text never reaches FTS5 as syntax: `" OR 1 NEAR(` becomes
 * "or" AND "1" AND "near".
 * Appends to out and sets *nterms to the number of terms. *nterms == 0 means "no query"
 * (empty, or only punctuation/emoji): nothing was appended, and the caller must drop the
 * full-text condition, so the list shows every row in scope exactly as with an empty
 * search box; never pass an empty expression to MATCH. Fails only with out's sticky
 * error (ERR_TOO_LARGE or ERR_NOMEM). */
enum err search_build_query(const char *text, size_t n, struct sbuf *out, size_t *nterms);

/* PostgreSQL. The same tokens as tsvector input text, for `$1::tsvector` in a column of
 * the simple configuration: each lexeme quoted, with its position (a document's unigram
 * shares its bigram's position, as in FTS5): "'北京':1 '北':1 '京市':2 '京':2 '市':3". */
enum err search_build_tsvector(const char *text, size_t n, struct sbuf *out);
/* And a query as tsquery input text: a Han run is a phrase of its bigrams joined with
 * <->, each term in parentheses, terms joined with &: "('供暖' <-> '暖问') & ('abc')".
 * *nterms == 0 means "no query", as for search_build_query. */
enum err search_build_tsquery(const char *text, size_t n, struct sbuf *out, size_t *nterms);

#endif
