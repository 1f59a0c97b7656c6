/* UTF-8 checks used on every text a client sends. */
#ifndef SHEGONG_CORE_UTF8_H
#define SHEGONG_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates, nothing past
 * U+10FFFF. A NUL byte counts as invalid (text fields never carry one). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Decodes one well-formed UTF-8 sequence at s[0..n) (n >= 1) into *cp; returns its length,
 * or 0 when s[0] does not start one (overlong, surrogate, past U+10FFFF, truncated, stray
 * byte). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Whether c is a Han character (CJK unified and compatibility ideographs, 〇). */
bool utf8_is_han(uint32_t c);

#endif
