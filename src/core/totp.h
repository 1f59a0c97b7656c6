/* One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, and the base32
 * text (RFC 4648) that authenticator apps exchange secrets in.
 *
 * Invariants: keys are raw bytes; codes are decimal strings of exactly `digits` digits
 * (6 to 9), zero-padded; a time step is a Unix time divided by the step length, so step
 * numbers from different calls compare directly. Nothing here keeps state: remembering
 * which step was used last (each code is good once) is the caller's job. */
#ifndef SHEGONG_CORE_TOTP_H
#define SHEGONG_CORE_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP         30 /* seconds, the RFC's and every app's default */
#define TOTP_DIGITS       6
#define TOTP_WINDOW       1  /* steps either side of now that still count (clock drift) */
#define TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation for SHA-1 */
#define TOTP_MAX_DIGITS   9

/* Codes. */
/* The HOTP value of counter: the dynamic truncation of HMAC-SHA-1(key, counter), modulo
 * 10^digits. digits outside 6..9 gives 0. */
uint32_t totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);
/* The code for time step `step_no`, as text into out[digits + 1]. */
void totp_code(const unsigned char *key, size_t keylen, int64_t step_no, int digits, char *out);
/* The time step that Unix time t falls in (t >= 0; step > 0). */
int64_t totp_step_of(int64_t t, int step);

enum totp_result {
    TOTP_WRONG = 0, /* no step in the window has this code (or it is not digits long) */
    TOTP_OK,        /* *matched is the step, newer than `after` */
    TOTP_REUSED,    /* the code is right but only for a step at or before `after` */
};
/* Checks code against the steps of time t, window steps either side, accepting only steps
 * later than `after` (the last step used; 0 for none). Every step in the window is
 * compared, in constant time, whatever matches first. */
enum totp_result totp_verify(const unsigned char *key, size_t keylen, const char *code, int64_t t,
                             int step, int digits, int window, int64_t after, int64_t *matched);

/* Base32 (RFC 4648 alphabet A-Z 2-7). */
/* Characters needed for n bytes without padding (add 1 for the NUL). */
size_t base32_encoded_len(size_t n);
/* Encodes n bytes into out, upper case, no '=' padding (as otpauth URIs want), and
 * NUL-terminates. out holds base32_encoded_len(n) + 1 bytes. */
void base32_encode(const unsigned char *in, size_t n, char *out);
/* Decodes text into out (cap bytes), case-insensitive; spaces and dashes between groups
 * and trailing '=' padding are skipped. False on any other character, on trailing bits
 * that are not zero, on a length no encoder makes, or when out is too small. */
bool base32_decode(const char *in, unsigned char *out, size_t cap, size_t *outlen);

#endif
