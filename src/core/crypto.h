/* Field encryption and blind indexes for personal data.
 *
 * A 256-bit master key lives in a key file (64 hex digits, mode 0600, created on first
 * use); separate keys for encryption, MAC and blind index are derived from it with
 * HMAC-SM3 and distinct labels. A sealed value is printable text whose prefix names its
 * algorithm, so values written under either algorithm stay readable:
 *   "sm4:" base64(iv[16] | SM4-CTR ciphertext | HMAC-SM3 tag[32])   encrypt-then-MAC,
 *          the tag covering the prefix, the iv and the ciphertext (the default);
 *   "aes:" base64(nonce[12] | AES-256-GCM ciphertext | tag[16])      the prefix as AAD.
 * Every value gets a fresh random iv, so equal plaintexts seal differently; equality
 * searches go through the blind index instead.
 * The process-wide key is set once at start-up (crypto_init) and only read afterwards,
 * so every function here is thread-safe after it. */
#ifndef SHEGONG_CORE_CRYPTO_H
#define SHEGONG_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

enum crypto_alg { CRYPTO_SM4_CTR_HMAC_SM3 = 0, CRYPTO_AES_256_GCM };

#define CRYPTO_MASTER_BYTES 32
/* Largest plaintext crypto_seal accepts (bytes); personal fields are far smaller. */
#define CRYPTO_MAX_PLAINTEXT ((size_t)1 << 20)

/* The keys derived from one master key. The fingerprint (32 hex digits, an HMAC of a
 * constant) names the key without revealing it, so a database can record which key its
 * values are sealed under. */
struct crypto_key {
    unsigned char sm4[16];
    unsigned char aes[32];
    unsigned char mac[32];
    unsigned char bidx[32];
    char fingerprint[33];
    enum crypto_alg alg; /* what sealing writes */
};

/* The process-wide key. */

/* Loads the key file at path, creating it (mode 0600) when create is set and it does not
 * exist; alg is the algorithm crypto_seal writes. A key file that others may read, or that
 * is not exactly 64 hex digits, is refused. errbuf says what went wrong. */
enum err crypto_init(const char *path, bool create, enum crypto_alg alg, char *errbuf,
                     size_t errlen);
/* Authenticated encryption of plaintext into printable text allocated in a. */
enum err crypto_seal(struct arena *a, const char *plaintext, const char **sealed);
/* The reverse; ERR_CONFLICT when the value was altered or sealed under another key. */
enum err crypto_open(struct arena *a, const char *sealed, const char **plaintext);
/* Keyed blind index of a normalised value, 64 hex characters; kind separates domains
 * ("idcard", "phone") so equal strings of different kinds do not match. False, with out
 * empty and the failure noted for the request (core/oom.h), when OpenSSL ran out of
 * memory. */
bool crypto_blind_index(const char *kind, const char *value, char out[65]);
/* The loaded key (NULL before crypto_init). */
const struct crypto_key *crypto_current(void);
/* Replaces the process-wide key: only at start-up, before other threads run. */
void crypto_use(const struct crypto_key *k);

/* Keys as values: key rotation holds the old and the new one at once. */

/* A fresh random master key. */
enum err crypto_master_random(unsigned char master[CRYPTO_MASTER_BYTES]);
/* Derives the working keys of master; alg is what sealing with them writes. */
void crypto_key_derive(const unsigned char master[CRYPTO_MASTER_BYTES], enum crypto_alg alg,
                       struct crypto_key *k);
/* Reads a key file (refusing one that group or others may read). ERR_NOT_FOUND when it
 * does not exist. */
enum err crypto_key_read(const char *path, unsigned char master[CRYPTO_MASTER_BYTES], char *errbuf,
                         size_t errlen);
/* Writes a new key file with mode 0600 and syncs it and its directory; ERR_CONFLICT when
 * the file exists already (it is never overwritten). */
enum err crypto_key_write(const char *path, const unsigned char master[CRYPTO_MASTER_BYTES],
                          char *errbuf, size_t errlen);
/* Overwrites key material. */
void crypto_wipe(void *p, size_t n);
enum err crypto_seal_with(const struct crypto_key *k, struct arena *a, const char *plaintext,
                          const char **sealed);
enum err crypto_open_with(const struct crypto_key *k, struct arena *a, const char *sealed,
                          const char **plaintext);
bool crypto_blind_index_with(const struct crypto_key *k, const char *kind, const char *value,
                             char out[65]);

/* Algorithm names as configured (SHEGONG_CIPHER): "sm4" and "aes256gcm". */
bool crypto_alg_parse(const char *name, enum crypto_alg *out);
const char *crypto_alg_name(enum crypto_alg alg);

/* SM3 (GB/T 32905) of n bytes. */
void crypto_sm3(const void *data, size_t n, unsigned char out[32]);

#endif
