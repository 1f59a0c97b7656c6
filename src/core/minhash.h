/* MinHash fingerprints of text, for finding near-duplicates (docs/duplicates.md): how
 * many shingles two texts share (their Jaccard similarity J), estimated from a 64-bit
 * signature, plus four band keys under which similar texts meet in an index.
 *
 * Invariants: the input is UTF-8 of any quality; pure functions, no allocation, no state;
 * the same text gives the same fingerprint on every machine and in every version that
 * keeps MINHASH_SHINGLE and the seeds (a change means re-indexing every stored text).
 *
 * Normalisation, before shingling: full-width ASCII (U+FF01-U+FF5E) is folded to
 * half-width and Latin letters to lower case; only letters and digits are kept (Han,
 * Latin, Greek, Cyrillic, kana, hangul, ASCII digits); whitespace, punctuation (ASCII,
 * CJK and full-width), symbols, emoji, controls and bytes that are not well-formed UTF-8
 * are dropped, so "供暖，不热！" and "供暖 不热" are the same text.
 *
 * Shingles are the overlapping runs of MINHASH_SHINGLE code points of what is kept, as a
 * set (a repeated shingle counts once); a text shorter than that is one shingle. A text
 * with nothing kept has no shingles and an all-zero fingerprint that callers must not
 * compare with anything.
 *
 * Signature: bit i is the lowest bit of the i-th minimum hash, so two texts agree on a bit
 * with probability (1 + J) / 2 and minhash_distance(a, b) is about 32 * (1 - J): 0 for the
 * same shingles, 16 for half of them shared, 32 for none.
 * Bands: band b is a 16-bit key of MINHASH_ROWS further minimum hashes, so two texts share
 * it with probability J^3 (plus 2^-16 by chance), and share at least one of the four with
 * probability 1 - (1 - J^3)^4: 0.41 at J = 0.5, 0.81 at J = 0.7, 0.995 at J = 0.9, but
 * 0.10 at J = 0.3 and 0.004 at J = 0.1. */
#ifndef SHEGONG_CORE_MINHASH_H
#define SHEGONG_CORE_MINHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Code points per shingle (chosen on the labelled set, docs/duplicates.md). */
#define MINHASH_SHINGLE 3
/* Longest shingle minhash_text_k accepts. */
#define MINHASH_MAX_SHINGLE 8
/* Band keys per text, and minimum hashes per band. */
#define MINHASH_BANDS 4
#define MINHASH_ROWS  3

struct minhash {
    uint64_t sig;                 /* 64 one-bit minimum hashes */
    uint16_t band[MINHASH_BANDS]; /* LSH band keys */
    size_t nshingles;             /* shingles read, repeats included; 0: nothing to compare */
};

/* The fingerprint of text[0..n) with MINHASH_SHINGLE-code-point shingles. */
void minhash_text(const char *text, size_t n, struct minhash *out);
/* The same with k code points per shingle (1..MINHASH_MAX_SHINGLE; other values are
 * clamped into that range), for measuring the choice. */
void minhash_text_k(const char *text, size_t n, unsigned k, struct minhash *out);

/* Number of signature bits in which a and b differ, 0..64. */
int minhash_distance(uint64_t a, uint64_t b);
/* True when a and b share at least one band key: they would meet in the index. */
bool minhash_bands_meet(const struct minhash *a, const struct minhash *b);

#endif
