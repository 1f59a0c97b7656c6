/* Unit tests for core/crypto: the national-standard vectors of the primitives, sealing
 * round trips under both algorithms, tampering and wrong keys, blind indexes, key files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/encode.h"

static struct arena arena;
static char dir[256];

static int setup(void **state)
{
    (void)state;
    arena_init(&arena, 0);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/shegong-crypto-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"a.key", "b.key", "new.key", "loose.key", "bad.key", "short.key"};
    char p[300];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    arena_release(&arena);
    assert_null(arena.head); /* everything the tests allocated is gone */
    return 0;
}

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void make_key(unsigned char seed, enum crypto_alg alg, struct crypto_key *k)
{
    unsigned char master[CRYPTO_MASTER_BYTES];
    for (size_t i = 0; i < sizeof(master); i++)
        master[i] = (unsigned char)(seed + i);
    crypto_key_derive(master, alg, k);
}

/* GB/T 32905 appendix A.1: SM3("abc"). */
static void test_sm3_vector(void **state)
{
    (void)state;
    unsigned char h[32];
    char hex[65];
    crypto_sm3("abc", 3, h);
    hex_encode(h, 32, hex);
    assert_string_equal(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    /* A.2: "abcd" sixteen times (512 bits) */
    char msg[65] = "";
    for (int i = 0; i < 16; i++)
        memcpy(msg + 4 * i, "abcd", 4);
    crypto_sm3(msg, 64, h);
    hex_encode(h, 32, hex);
    assert_string_equal(hex, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

/* GB/T 32907 appendix A.1: one SM4 block, key = plaintext = 0123456789abcdeffedcba9876543210. */
static void test_sm4_vector(void **state)
{
    (void)state;
    unsigned char key[16], out[32];
    assert_true(hex_decode("0123456789abcdeffedcba9876543210", 16, key));
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    assert_true(EVP_EncryptInit_ex(ctx, EVP_sm4_ecb(), NULL, key, NULL));
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    assert_true(EVP_EncryptUpdate(ctx, out, &len, key, 16));
    assert_int_equal(len, 16);
    EVP_CIPHER_CTX_free(ctx);
    char hex[33];
    hex_encode(out, 16, hex);
    assert_string_equal(hex, "681edf34d206965e86b3e94f536e4246");
}

static size_t unbase64(const char *sealed, unsigned char *bin, size_t cap)
{
    size_t n = 0;
    assert_int_equal(sodium_base642bin(bin, cap, sealed + 4, strlen(sealed + 4), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    return n;
}

/* The sealed text really is SM4 in counter mode: the first block is SM4(key, iv) XOR the
 * plaintext, computed independently with the vector-checked ECB primitive. */
static void test_sm4_ctr_layout(void **state)
{
    (void)state;
    struct crypto_key k;
    make_key(1, CRYPTO_SM4_CTR_HMAC_SM3, &k);
    const char *pt = "110105194912310021";
    const char *sealed;
    assert_int_equal(crypto_seal_with(&k, &arena, pt, &sealed), ERR_OK);
    assert_memory_equal(sealed, "sm4:", 4);
    unsigned char bin[128];
    size_t n = unbase64(sealed, bin, sizeof(bin));
    assert_int_equal(n, 16 + strlen(pt) + 32); /* iv, ciphertext, HMAC-SM3 tag */
    unsigned char ks[16];
    int len = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    assert_true(EVP_EncryptInit_ex(ctx, EVP_sm4_ecb(), NULL, k.sm4, NULL));
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    assert_true(EVP_EncryptUpdate(ctx, ks, &len, bin, 16));
    EVP_CIPHER_CTX_free(ctx);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(bin[16 + i] ^ ks[i], (unsigned char)pt[i]);
}

static void round_trip(enum crypto_alg alg, const char *prefix)
{
    struct crypto_key k;
    make_key(7, alg, &k);
    char big[3001];
    memset(big, 'x', 3000);
    big[3000] = '\0';
    const char *texts[] = {"", "13800138000", "110105194912310021", "欧阳娜娜 北京市朝阳区", big};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *sealed, *back;
        assert_int_equal(crypto_seal_with(&k, &arena, texts[i], &sealed), ERR_OK);
        assert_memory_equal(sealed, prefix, 4);
        assert_null(strstr(sealed, texts[i][0] ? texts[i] : "\x01"));
        assert_int_equal(crypto_open_with(&k, &arena, sealed, &back), ERR_OK);
        assert_string_equal(back, texts[i]);
        /* a fresh iv every time: equal plaintexts seal differently */
        const char *again;
        assert_int_equal(crypto_seal_with(&k, &arena, texts[i], &again), ERR_OK);
        assert_string_not_equal(sealed, again);
    }
}

static void test_round_trip_sm4(void **state)
{
    (void)state;
    round_trip(CRYPTO_SM4_CTR_HMAC_SM3, "sm4:");
}

static void test_round_trip_aes(void **state)
{
    (void)state;
    round_trip(CRYPTO_AES_256_GCM, "aes:");
}

/* The algorithm travels with the value: a key configured for one reads both. */
static void test_both_algorithms_stay_readable(void **state)
{
    (void)state;
    struct crypto_key sm4, aes;
    make_key(3, CRYPTO_SM4_CTR_HMAC_SM3, &sm4);
    make_key(3, CRYPTO_AES_256_GCM, &aes);
    const char *a, *b, *back;
    assert_int_equal(crypto_seal_with(&sm4, &arena, "13912345678", &a), ERR_OK);
    assert_int_equal(crypto_seal_with(&aes, &arena, "13912345678", &b), ERR_OK);
    assert_int_equal(crypto_open_with(&aes, &arena, a, &back), ERR_OK);
    assert_string_equal(back, "13912345678");
    assert_int_equal(crypto_open_with(&sm4, &arena, b, &back), ERR_OK);
    assert_string_equal(back, "13912345678");
    assert_string_equal(sm4.fingerprint, aes.fingerprint);
}

static void tamper(enum crypto_alg alg)
{
    struct crypto_key k;
    make_key(9, alg, &k);
    const char *sealed, *back;
    assert_int_equal(crypto_seal_with(&k, &arena, "110105194912310021", &sealed), ERR_OK);
    size_t len = strlen(sealed);
    char *copy = arena_strdup(&arena, sealed);
    /* every character of the encoded iv, ciphertext and tag matters: each is changed in
     * its highest bit, which always carries data (low bits of the last one may be padding) */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 4; i < len && copy[i] != '='; i++) {
        char was = copy[i];
        copy[i] = b64[(strchr(b64, was) - b64) ^ 32];
        assert_int_equal(crypto_open_with(&k, &arena, copy, &back), ERR_CONFLICT);
        copy[i] = was;
    }
    assert_int_equal(crypto_open_with(&k, &arena, copy, &back), ERR_OK);
    /* the algorithm name is authenticated too */
    copy[0] = alg == CRYPTO_AES_256_GCM ? 's' : 'a';
    copy[1] = alg == CRYPTO_AES_256_GCM ? 'm' : 'e';
    copy[2] = alg == CRYPTO_AES_256_GCM ? '4' : 's';
    assert_int_equal(crypto_open_with(&k, &arena, copy, &back), ERR_CONFLICT);
    /* cut short, unknown algorithm, not base64, empty */
    char *cut = arena_strndup(&arena, sealed, len - 8);
    assert_int_equal(crypto_open_with(&k, &arena, cut, &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "sm4:", &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "aes:AAAA", &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "des:AAAA", &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "sm4:!!!!", &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "", &back), ERR_CONFLICT);
    assert_int_equal(crypto_open_with(&k, &arena, "110105194912310021", &back), ERR_CONFLICT);
}

static void test_tamper_sm4(void **state)
{
    (void)state;
    tamper(CRYPTO_SM4_CTR_HMAC_SM3);
}

static void test_tamper_aes(void **state)
{
    (void)state;
    tamper(CRYPTO_AES_256_GCM);
}

static void test_wrong_key(void **state)
{
    (void)state;
    for (int alg = 0; alg < 2; alg++) {
        struct crypto_key k1, k2;
        make_key(1, (enum crypto_alg)alg, &k1);
        make_key(2, (enum crypto_alg)alg, &k2);
        assert_string_not_equal(k1.fingerprint, k2.fingerprint);
        const char *sealed, *back;
        assert_int_equal(crypto_seal_with(&k1, &arena, "13800138000", &sealed), ERR_OK);
        assert_int_equal(crypto_open_with(&k2, &arena, sealed, &back), ERR_CONFLICT);
        assert_int_equal(crypto_open_with(&k1, &arena, sealed, &back), ERR_OK);
    }
}

static void test_blind_index(void **state)
{
    (void)state;
    struct crypto_key k1, k2, k1aes;
    make_key(1, CRYPTO_SM4_CTR_HMAC_SM3, &k1);
    make_key(2, CRYPTO_SM4_CTR_HMAC_SM3, &k2);
    make_key(1, CRYPTO_AES_256_GCM, &k1aes);
    char a[65], b[65], c[65], d[65], e[65];
    crypto_blind_index_with(&k1, "idcard", "110105194912310021", a);
    crypto_blind_index_with(&k1, "idcard", "110105194912310021", b);
    assert_string_equal(a, b); /* deterministic: equality search works */
    assert_int_equal(strlen(a), 64);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", a[i]));
    crypto_blind_index_with(&k1aes, "idcard", "110105194912310021", e);
    assert_string_equal(a, e); /* the cipher does not change the index */
    /* kinds are separate domains, also where kind and value could run together */
    crypto_blind_index_with(&k1, "phone", "110105194912310021", c);
    assert_string_not_equal(a, c);
    crypto_blind_index_with(&k1, "phone", "13800138000", c);
    crypto_blind_index_with(&k1, "phone1", "3800138000", d);
    assert_string_not_equal(c, d);
    /* keyed: another key gives another index; another value another index */
    crypto_blind_index_with(&k2, "idcard", "110105194912310021", d);
    assert_string_not_equal(a, d);
    crypto_blind_index_with(&k1, "idcard", "110105194912310013", d);
    assert_string_not_equal(a, d);
    /* not a plain hash of the value */
    unsigned char h[32];
    char hex[65];
    crypto_sm3("110105194912310021", 18, h);
    hex_encode(h, 32, hex);
    assert_string_not_equal(a, hex);
}

static void test_key_file(void **state)
{
    (void)state;
    char p[300], err[256];
    unsigned char m1[CRYPTO_MASTER_BYTES], m2[CRYPTO_MASTER_BYTES];
    path_in(p, sizeof(p), "a.key");
    assert_int_equal(crypto_key_read(p, m1, err, sizeof(err)), ERR_NOT_FOUND);
    assert_int_equal(crypto_master_random(m1), ERR_OK);
    mode_t old = umask(0); /* the mode must not depend on the umask */
    enum err e = crypto_key_write(p, m1, err, sizeof(err));
    umask(old);
    assert_int_equal(e, ERR_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 65);
    assert_int_equal(crypto_key_read(p, m2, err, sizeof(err)), ERR_OK);
    assert_memory_equal(m1, m2, sizeof(m1));
    /* never overwritten */
    assert_int_equal(crypto_key_write(p, m2, err, sizeof(err)), ERR_CONFLICT);

    /* a key file others may read is refused, naming the fix */
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(crypto_key_read(p, m2, err, sizeof(err)), ERR_IO);
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(p, 0600), 0);

    /* damaged contents */
    path_in(p, sizeof(p), "bad.key");
    FILE *f = fopen(p, "w");
    fputs("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n", f);
    fclose(f);
    chmod(p, 0600);
    assert_int_equal(crypto_key_read(p, m2, err, sizeof(err)), ERR_IO);
    assert_non_null(strstr(err, "damaged"));
    path_in(p, sizeof(p), "short.key");
    f = fopen(p, "w");
    fputs("0123456789abcdef\n", f);
    fclose(f);
    chmod(p, 0600);
    assert_int_equal(crypto_key_read(p, m2, err, sizeof(err)), ERR_IO);
}

static void test_init(void **state)
{
    (void)state;
    char p[300], err[256];
    path_in(p, sizeof(p), "b.key");
    /* without create, a missing file is an error and nothing is made */
    assert_int_equal(crypto_init(p, false, CRYPTO_SM4_CTR_HMAC_SM3, err, sizeof(err)),
                     ERR_NOT_FOUND);
    assert_int_not_equal(access(p, F_OK), 0);
    assert_int_equal(crypto_init(p, true, CRYPTO_SM4_CTR_HMAC_SM3, err, sizeof(err)), ERR_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    const struct crypto_key *k = crypto_current();
    assert_non_null(k);
    char fp[33];
    memcpy(fp, k->fingerprint, sizeof(fp));
    const char *sealed, *back;
    assert_int_equal(crypto_seal(&arena, "13800138000", &sealed), ERR_OK);
    assert_memory_equal(sealed, "sm4:", 4);
    /* a second start reads the same key */
    assert_int_equal(crypto_init(p, true, CRYPTO_AES_256_GCM, err, sizeof(err)), ERR_OK);
    assert_string_equal(crypto_current()->fingerprint, fp);
    assert_int_equal(crypto_open(&arena, sealed, &back), ERR_OK);
    assert_string_equal(back, "13800138000");
    assert_int_equal(crypto_seal(&arena, "13800138000", &sealed), ERR_OK);
    assert_memory_equal(sealed, "aes:", 4);
    char i1[65], i2[65];
    crypto_blind_index("phone", "13800138000", i1);
    crypto_blind_index_with(crypto_current(), "phone", "13800138000", i2);
    assert_string_equal(i1, i2);
    /* a directory that does not exist */
    assert_int_equal(
        crypto_init("/nonexistent-shegong/x.key", true, CRYPTO_SM4_CTR_HMAC_SM3, err, sizeof(err)),
        ERR_IO);
    assert_non_null(strstr(err, "/nonexistent-shegong/x.key"));
}

static void test_alg_names(void **state)
{
    (void)state;
    enum crypto_alg a;
    assert_true(crypto_alg_parse("sm4", &a));
    assert_int_equal(a, CRYPTO_SM4_CTR_HMAC_SM3);
    assert_true(crypto_alg_parse("aes256gcm", &a));
    assert_int_equal(a, CRYPTO_AES_256_GCM);
    assert_false(crypto_alg_parse("sm4gcm", &a));
    assert_false(crypto_alg_parse("", &a));
    assert_string_equal(crypto_alg_name(CRYPTO_SM4_CTR_HMAC_SM3), "sm4");
    assert_string_equal(crypto_alg_name(CRYPTO_AES_256_GCM), "aes256gcm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm3_vector),     cmocka_unit_test(test_sm4_vector),
        cmocka_unit_test(test_sm4_ctr_layout), cmocka_unit_test(test_round_trip_sm4),
        cmocka_unit_test(test_round_trip_aes), cmocka_unit_test(test_both_algorithms_stay_readable),
        cmocka_unit_test(test_tamper_sm4),     cmocka_unit_test(test_tamper_aes),
        cmocka_unit_test(test_wrong_key),      cmocka_unit_test(test_blind_index),
        cmocka_unit_test(test_key_file),       cmocka_unit_test(test_init),
        cmocka_unit_test(test_alg_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
