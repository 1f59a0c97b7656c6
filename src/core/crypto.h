/* Field encryption and blind indexes for personal data.
 *
 * A 256-bit master key lives in a key file (mode 0600, created on first use); the
 * encryption, MAC and blind-index keys are derived from it. Sealed values are text that
 * names their algorithm ("sm4ctr-hmacsm3" by default, or "aes256gcm"), so values written
 * under either stay readable. Thread-safe after crypto_init. */
#ifndef SHEGONG_CORE_CRYPTO_H
#define SHEGONG_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

enum crypto_alg { CRYPTO_SM4_CTR_HMAC_SM3 = 0, CRYPTO_AES_256_GCM };

/* Loads the key file at path, creating it (mode 0600) when create is set and it does not
 * exist. errbuf says what went wrong. */
enum err crypto_init(const char *path, bool create, enum crypto_alg alg, char *errbuf,
                     size_t errlen);
/* Authenticated encryption of plaintext into printable text allocated in a. */
enum err crypto_seal(struct arena *a, const char *plaintext, const char **sealed);
/* The reverse; ERR_CONFLICT when the value was altered or sealed under another key. */
enum err crypto_open(struct arena *a, const char *sealed, const char **plaintext);
/* Keyed blind index of a normalised value, 64 hex characters; kind separates domains
 * ("idcard", "phone") so equal strings of different kinds do not match. */
void crypto_blind_index(const char *kind, const char *value, char out[65]);

#endif
