/* UTF-8 checks used on every text a client sends. */
#ifndef SHEGONG_CORE_UTF8_H
#define SHEGONG_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates, nothing past
 * U+10FFFF. A NUL byte counts as invalid (text fields never carry one). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);

#endif
