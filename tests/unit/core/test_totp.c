/* Unit tests for core/totp: RFC 6238's SHA-1 vectors, RFC 4226's HOTP vectors, the
 * verification window and replay rule, and RFC 4648's base32 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/totp.h"

static const unsigned char rfc_key[] = "12345678901234567890"; /* 20 bytes, without the NUL */
#define RFC_KEYLEN 20

static void test_rfc6238_sha1_vectors(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        const char *code;
    } v[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char out[TOTP_MAX_DIGITS + 1];
        totp_code(rfc_key, RFC_KEYLEN, totp_step_of(v[i].t, 30), 8, out);
        assert_string_equal(out, v[i].code);
        /* and each verifies at its own time, with no window */
        int64_t step = -1;
        assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, v[i].code, v[i].t, 30, 8, 0, 0, &step),
                         TOTP_OK);
        assert_int_equal(step, v[i].t / 30);
    }
}

static void test_rfc4226_hotp_vectors(void **state)
{
    (void)state;
    static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
                                    254676, 287922, 162583, 399871, 520489};
    for (uint64_t c = 0; c < 10; c++)
        assert_int_equal(totp_hotp(rfc_key, RFC_KEYLEN, c, 6), want[c]);
    /* six digits are the low digits of eight, zero-padded as text */
    char out[TOTP_MAX_DIGITS + 1];
    totp_code(rfc_key, RFC_KEYLEN, 1111111109 / 30, 6, out);
    assert_string_equal(out, "081804");
    /* digits outside 6..9 give nothing */
    assert_int_equal(totp_hotp(rfc_key, RFC_KEYLEN, 0, 5), 0);
    totp_code(rfc_key, RFC_KEYLEN, 0, 10, out);
    assert_string_equal(out, "");
}

static void test_step_of(void **state)
{
    (void)state;
    assert_int_equal(totp_step_of(0, 30), 0);
    assert_int_equal(totp_step_of(29, 30), 0);
    assert_int_equal(totp_step_of(30, 30), 1);
    assert_int_equal(totp_step_of(59, 30), 1);
    assert_int_equal(totp_step_of(-1, 30), -1);
    assert_int_equal(totp_step_of(100, 0), 0);
    assert_int_equal(totp_step_of(100, 60), 1);
}

static void test_window_and_replay(void **state)
{
    (void)state;
    const int64_t t = 1700000015; /* inside step 56666667 */
    const int64_t now = t / 30;
    char code[8][TOTP_MAX_DIGITS + 1];
    for (int d = -3; d <= 3; d++)
        totp_code(rfc_key, RFC_KEYLEN, now + d, 6, code[d + 3]);
    int64_t step = 0;
    /* ±1 step is accepted and reports the step it matched */
    for (int d = -1; d <= 1; d++) {
        step = 0;
        assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[d + 3], t, 30, 6, 1, 0, &step),
                         TOTP_OK);
        assert_int_equal(step, now + d);
    }
    /* ±2 is not */
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[1], t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[5], t, 30, 6, 1, 0, &step), TOTP_WRONG);
    /* a step at or before the last one used is a replay */
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[3], t, 30, 6, 1, now, &step),
                     TOTP_REUSED);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[2], t, 30, 6, 1, now, &step),
                     TOTP_REUSED);
    step = 0;
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, code[4], t, 30, 6, 1, now, &step), TOTP_OK);
    assert_int_equal(step, now + 1);
    /* a 60-second step with the same code table */
    char c60[TOTP_MAX_DIGITS + 1];
    totp_code(rfc_key, RFC_KEYLEN, t / 60, 6, c60);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, c60, t, 60, 6, 0, 0, &step), TOTP_OK);
    assert_int_equal(step, t / 60);
}

static void test_malformed_codes(void **state)
{
    (void)state;
    const int64_t t = 1234567890;
    char ok[TOTP_MAX_DIGITS + 1];
    totp_code(rfc_key, RFC_KEYLEN, t / 30, 6, ok);
    int64_t step = 0;
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, ok, t, 30, 6, 1, 0, &step), TOTP_OK);
    char longer[16];
    snprintf(longer, sizeof(longer), "%s0", ok);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, longer, t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, ok + 1, t, 30, 6, 1, 0, &step), TOTP_WRONG);
    char spaced[16];
    snprintf(spaced, sizeof(spaced), "%.3s %.3s", ok, ok + 3);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, spaced, t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, "", t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, NULL, t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, "12345a", t, 30, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, ok, t, 0, 6, 1, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_verify(rfc_key, RFC_KEYLEN, ok, t, 30, 5, 1, 0, &step), TOTP_WRONG);
}

static void test_base32_rfc4648_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *plain, *enc, *padded;
    } v[] = {
        {"", "", ""},
        {"f", "MY", "MY======"},
        {"fo", "MZXQ", "MZXQ===="},
        {"foo", "MZXW6", "MZXW6==="},
        {"foob", "MZXW6YQ", "MZXW6YQ="},
        {"fooba", "MZXW6YTB", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI", "MZXW6YTBOI======"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t n = strlen(v[i].plain);
        char enc[32];
        assert_int_equal(base32_encoded_len(n), strlen(v[i].enc));
        base32_encode((const unsigned char *)v[i].plain, n, enc);
        assert_string_equal(enc, v[i].enc);
        unsigned char dec[16];
        size_t len = 99;
        assert_true(base32_decode(v[i].enc, dec, sizeof(dec), &len));
        assert_int_equal(len, n);
        assert_memory_equal(dec, v[i].plain, n);
        len = 99;
        assert_true(base32_decode(v[i].padded, dec, sizeof(dec), &len));
        assert_int_equal(len, n);
        assert_memory_equal(dec, v[i].plain, n);
    }
}

static void test_base32_decode_edges(void **state)
{
    (void)state;
    unsigned char out[32];
    size_t len = 0;
    /* lower case, spaces and dashes between groups */
    assert_true(base32_decode("mzxw 6ytb-oi", out, sizeof(out), &len));
    assert_int_equal(len, 6);
    assert_memory_equal(out, "foobar", 6);
    /* the RFC 6238 key, as apps show it */
    assert_true(base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", out, sizeof(out), &len));
    assert_int_equal(len, 20);
    assert_memory_equal(out, rfc_key, 20);
    char enc[64];
    base32_encode(rfc_key, 20, enc);
    assert_string_equal(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

    assert_false(base32_decode("MZXW1", out, sizeof(out), &len));     /* '1' not in alphabet */
    assert_false(base32_decode("MZXW6=YTB", out, sizeof(out), &len)); /* data after padding */
    assert_false(base32_decode("M", out, sizeof(out), &len));         /* 1 char: no encoder */
    assert_false(base32_decode("MZX", out, sizeof(out), &len));       /* 3 chars */
    assert_false(base32_decode("MZXW6Y", out, sizeof(out), &len));    /* 6 chars */
    assert_false(base32_decode("MZ", out, sizeof(out), &len));        /* trailing bits set */
    assert_false(base32_decode("MZXW6YTBOI", out, 5, &len));          /* out too small */
    assert_false(base32_decode("MZXW6YTB!", out, sizeof(out), &len));

    /* every byte value round-trips */
    unsigned char all[256], back[256];
    char big[512];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    for (size_t n = 0; n <= 256; n += 17) {
        base32_encode(all, n, big);
        assert_int_equal(strlen(big), base32_encoded_len(n));
        assert_true(base32_decode(big, back, sizeof(back), &len));
        assert_int_equal(len, n);
        assert_memory_equal(all, back, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_sha1_vectors),
        cmocka_unit_test(test_rfc4226_hotp_vectors),
        cmocka_unit_test(test_step_of),
        cmocka_unit_test(test_window_and_replay),
        cmocka_unit_test(test_malformed_codes),
        cmocka_unit_test(test_base32_rfc4648_vectors),
        cmocka_unit_test(test_base32_decode_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
