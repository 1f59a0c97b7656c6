/* MinHash over code-point shingles of normalised text (Broder 1997), with one-bit
 * signatures (Li and König, b-bit minwise hashing, 2010) and LSH band keys. */
#include "core/minhash.h"
#include "core/utf8.h"

/* Minimum hashes kept per text: one per signature bit, then MINHASH_ROWS per band. */
#define NMIN (64 + MINHASH_BANDS * MINHASH_ROWS)

/* The code point a character counts as, or 0 when it is dropped: full-width ASCII folded
 * to half-width, Latin (ASCII, Latin-1, Latin Extended-A) to lower case. */
static uint32_t normalise(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
        return c;
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0xC0)
        return 0; /* ASCII and Latin-1 punctuation, controls, spaces, signs */
    if (utf8_is_han(c))
        return c;
    if (c <= 0x24F) { /* Latin-1 and Latin Extended-A/B letters, not × and ÷ */
        if (c == 0xD7 || c == 0xF7)
            return 0;
        if (c <= 0xDE)
            return c + 32;
        if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
            return c % 2 == 0 ? c + 1 : c;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return c % 2 == 1 ? c + 1 : c;
        if (c == 0x178)
            return 0xFF;
        return c;
    }
    if ((c >= 0x391 && c <= 0x3C9) || (c >= 0x400 && c <= 0x4FF)) /* Greek, Cyrillic */
        return c;
    if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA)) /* kana */
        return c;
    if (c >= 0xAC00 && c <= 0xD7A3) /* hangul syllables */
        return c;
    return 0;
}

/* MurmurHash3's 64-bit finaliser: every output bit depends on every input bit. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

/* The hash of the k code points in ring (circular, k slots, the oldest at start). */
static uint64_t shingle_hash(const uint32_t *ring, unsigned start, unsigned k)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a over whole code points */
    for (unsigned i = 0; i < k; i++) {
        h ^= ring[(start + i) % k];
        h *= 0x100000001b3u;
    }
    return mix(h);
}

/* Function f of the family is mix(h + (f + 1) * golden ratio): NMIN hash functions
 * that behave as independent random permutations of the shingle hashes. */
static void add_shingle(uint64_t *mins, uint64_t h)
{
    uint64_t step = 0x9e3779b97f4a7c15u, x = h;
    for (int f = 0; f < NMIN; f++) {
        x += step;
        uint64_t v = mix(x);
        if (v < mins[f])
            mins[f] = v;
    }
}

void minhash_text_k(const char *text, size_t n, unsigned k, struct minhash *out)
{
    if (k < 1)
        k = 1;
    if (k > MINHASH_MAX_SHINGLE)
        k = MINHASH_MAX_SHINGLE;
    const unsigned char *s = (const unsigned char *)text;
    uint32_t ring[MINHASH_MAX_SHINGLE];
    uint64_t mins[NMIN];
    for (int f = 0; f < NMIN; f++)
        mins[f] = UINT64_MAX;
    size_t kept = 0, count = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t c = 0;
        size_t len = utf8_decode(s + i, n - i, &c);
        if (len == 0) { /* not UTF-8: dropped, one byte at a time */
            i++;
            continue;
        }
        i += len;
        c = normalise(c);
        if (!c)
            continue;
        ring[kept % k] = c;
        kept++;
        if (kept >= k) { /* the shingle ending here starts at the oldest slot */
            add_shingle(mins, shingle_hash(ring, (unsigned)(kept % k), k));
            count++;
        }
    }
    if (kept > 0 && kept < k) { /* shorter than one shingle: the whole text is one */
        add_shingle(mins, shingle_hash(ring, 0, (unsigned)kept));
        count = 1;
    }
    *out = (struct minhash){.nshingles = count};
    if (!count)
        return;
    for (int f = 0; f < 64; f++)
        out->sig |= (mins[f] & 1) << f;
    for (int b = 0; b < MINHASH_BANDS; b++) {
        uint64_t h = (uint64_t)b;
        for (int r = 0; r < MINHASH_ROWS; r++)
            h = mix(h ^ mins[64 + b * MINHASH_ROWS + r]);
        out->band[b] = (uint16_t)h;
    }
}

void minhash_text(const char *text, size_t n, struct minhash *out)
{
    minhash_text_k(text, n, MINHASH_SHINGLE, out);
}

int minhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

bool minhash_bands_meet(const struct minhash *a, const struct minhash *b)
{
    for (int i = 0; i < MINHASH_BANDS; i++)
        if (a->band[i] == b->band[i])
            return true;
    return false;
}
