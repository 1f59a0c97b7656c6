/* HOTP/TOTP codes (RFC 4226, RFC 6238) over OpenSSL's HMAC-SHA-1, and base32 (RFC 4648):
 * the two halves of an authenticator-app second factor (see totp.h). */
#include "core/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static const uint32_t ten_pow[TOTP_MAX_DIGITS + 1] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

uint32_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
    if (digits < 6 || digits > TOTP_MAX_DIGITS)
        return 0;
    unsigned char msg[8];
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(counter & 0xff);
        counter >>= 8;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    /* an empty key is legal HMAC; OpenSSL wants a non-NULL pointer for it */
    static const unsigned char none[1];
    if (!HMAC(EVP_sha1(), keylen ? key : none, (int)keylen, msg, sizeof(msg), md, &mdlen) ||
        mdlen < 20)
        return 0;
    /* dynamic truncation: the low nibble of the last byte picks 4 bytes, top bit cleared */
    unsigned off = md[mdlen - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) |
                   ((uint32_t)md[off + 2] << 8) | (uint32_t)md[off + 3];
    OPENSSL_cleanse(md, sizeof(md));
    return bin % ten_pow[digits];
}

void totp_code(const unsigned char *key, size_t keylen, int64_t step_no, int digits, char *out)
{
    if (digits < 6 || digits > TOTP_MAX_DIGITS) {
        out[0] = '\0';
        return;
    }
    uint32_t v = totp_hotp(key, keylen, (uint64_t)step_no, digits);
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    out[digits] = '\0';
}

int64_t totp_step_of(int64_t t, int step)
{
    if (step <= 0)
        return 0;
    return t >= 0 ? t / step : -((-t + step - 1) / step);
}

enum totp_result totp_verify(const unsigned char *key, size_t keylen, const char *code, int64_t t,
                             int step, int digits, int window, int64_t after, int64_t *matched)
{
    if (digits < 6 || digits > TOTP_MAX_DIGITS || step <= 0 || window < 0 || !code ||
        strlen(code) != (size_t)digits)
        return TOTP_WRONG;
    for (int i = 0; i < digits; i++)
        if (code[i] < '0' || code[i] > '9')
            return TOTP_WRONG;
    int64_t now = totp_step_of(t, step);
    bool fresh = false, stale = false;
    for (int64_t s = now - window; s <= now + window; s++) {
        char want[TOTP_MAX_DIGITS + 1];
        totp_code(key, keylen, s, digits, want);
        bool same = CRYPTO_memcmp(want, code, (size_t)digits) == 0;
        if (same && s > after && !fresh) {
            fresh = true;
            *matched = s;
        } else if (same && s <= after) {
            stale = true;
        }
    }
    return fresh ? TOTP_OK : stale ? TOTP_REUSED : TOTP_WRONG;
}

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t base32_encoded_len(size_t n)
{
    return (n * 8 + 4) / 5;
}

void base32_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    unsigned buf = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        buf = (buf << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = b32_alphabet[(buf >> bits) & 31];
        }
        buf &= (1u << bits) - 1; /* keep only the bits not yet written */
    }
    if (bits > 0)
        out[o++] = b32_alphabet[(buf << (5 - bits)) & 31];
    out[o] = '\0';
}

static int b32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

bool base32_decode(const char *in, unsigned char *out, size_t cap, size_t *outlen)
{
    size_t o = 0, nchars = 0;
    unsigned buf = 0;
    int bits = 0;
    const char *p = in;
    for (; *p && *p != '='; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        int v = b32_value(*p);
        if (v < 0)
            return false;
        nchars++;
        buf = (buf << 5) | (unsigned)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return false;
            out[o++] = (unsigned char)(buf >> bits);
            buf &= (1u << bits) - 1;
        }
    }
    for (; *p == '='; p++)
        ;
    if (*p)
        return false; /* something after the padding */
    /* 1, 3 or 6 characters left over in a group of 8 are no encoder's output */
    size_t rest = nchars % 8;
    if (rest == 1 || rest == 3 || rest == 6)
        return false;
    if (buf != 0)
        return false; /* the leftover bits of the last character must be zero */
    *outlen = o;
    return true;
}
