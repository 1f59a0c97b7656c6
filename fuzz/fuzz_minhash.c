/* Fuzz target: MinHash fingerprints of any bytes. Never read past the input; the same
 * bytes give the same fingerprint; a text with no shingles has an all-zero fingerprint;
 * ASCII spaces and punctuation in well-formed text change nothing. */
#include "core/minhash.h"
#include "core/utf8.h"
#include "fuzz.h"

static void check_one(const char *text, size_t size, unsigned k)
{
    struct minhash a, b;
    minhash_text_k(text, size, k, &a);
    minhash_text_k(text, size, k, &b);
    FUZZ_CHECK(a.sig == b.sig && a.nshingles == b.nshingles);
    FUZZ_CHECK(memcmp(a.band, b.band, sizeof(a.band)) == 0);
    FUZZ_CHECK(a.nshingles <= size);
    if (!a.nshingles) {
        FUZZ_CHECK(a.sig == 0);
        for (int i = 0; i < MINHASH_BANDS; i++)
            FUZZ_CHECK(a.band[i] == 0);
    } else {
        FUZZ_CHECK(minhash_bands_meet(&a, &b));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy without a terminator: minhash must respect n */
    const char *text = (const char *)data;
    for (unsigned k = 0; k <= MINHASH_MAX_SHINGLE + 1; k++)
        check_one(text, size, k);
    struct minhash full;
    minhash_text(text, size, &full);
    int d = minhash_distance(full.sig, ~full.sig);
    FUZZ_CHECK(d == 64);

    /* well-formed text: dropping ASCII separators keeps the fingerprint */
    if (size && utf8_valid(text, size)) {
        char *bare = malloc(size);
        if (!bare)
            abort();
        size_t n = 0;
        for (size_t i = 0; i < size; i++) {
            char c = text[i];
            if (c == ' ' || c == ',' || c == '.' || c == '\n' || c == '\t' || c == '!')
                continue;
            bare[n++] = c;
        }
        struct minhash m;
        minhash_text(bare, n, &m);
        FUZZ_CHECK(m.sig == full.sig && m.nshingles == full.nshingles);
        FUZZ_CHECK(memcmp(m.band, full.band, sizeof(m.band)) == 0);
        /* and the prefix of n bytes is what a shorter n reads */
        if (n > 1) {
            minhash_text(bare, n - 1, &m);
            FUZZ_CHECK(m.nshingles <= full.nshingles);
        }
        free(bare);
    }
    return 0;
}
