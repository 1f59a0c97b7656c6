/* Binary-to-text encodings for tokens, hashes and ids. */
#ifndef SHEGONG_CORE_ENCODE_H
#define SHEGONG_CORE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes 2n hex digits into n bytes; false on a non-hex digit. */
bool hex_decode(const char *in, size_t n, unsigned char *out);
/* Parses a decimal int64 (optional '-', no spaces, no overflow). */
bool parse_int64(const char *s, int64_t *out);

#endif
