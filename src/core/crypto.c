/* Field encryption (SM4-CTR + HMAC-SM3, or AES-256-GCM), blind indexes and the key file,
 * through OpenSSL's EVP interface (see crypto.h). */
#include "core/crypto.h"
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encode.h"
#include "core/oom.h"

#define SM4_IV   16
#define SM4_TAG  32
#define AES_IV   12
#define AES_TAG  16
#define KEY_TEXT (2 * CRYPTO_MASTER_BYTES)

static const char sm4_prefix[] = "sm4:";
static const char aes_prefix[] = "aes:";
#define PREFIX_LEN 4

static struct crypto_key current;
static bool loaded;

void crypto_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}

void crypto_sm3(const void *data, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    if (!EVP_Digest(data, n, out, &len, EVP_sm3(), NULL) || len != 32) {
        fputs("shegong: BUG: SM3 is not available from OpenSSL\n", stderr);
        abort();
    }
}

/* HMAC-SM3 of the concatenation of up to three pieces; false when OpenSSL fails, which
 * is running out of memory (an OpenSSL without SM3 fails the key derivation at start). */
static bool hmac_sm3(const unsigned char *key, size_t keylen, const void *p1, size_t n1,
                     const void *p2, size_t n2, const void *p3, size_t n3, unsigned char out[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"SM3", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, keylen, params) &&
              (!n1 || EVP_MAC_update(ctx, p1, n1)) && (!n2 || EVP_MAC_update(ctx, p2, n2)) &&
              (!n3 || EVP_MAC_update(ctx, p3, n3)) && EVP_MAC_final(ctx, out, &len, 32) &&
              len == 32;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}

/* An OpenSSL without SM3 cannot protect anything: a bug of the installation, never silent. */
static void derive(const unsigned char *master, const char *label, unsigned char out[32])
{
    if (!hmac_sm3(master, CRYPTO_MASTER_BYTES, label, strlen(label), NULL, 0, NULL, 0, out)) {
        fputs("shegong: BUG: HMAC-SM3 is not available from OpenSSL\n", stderr);
        abort();
    }
}

void crypto_key_derive(const unsigned char master[CRYPTO_MASTER_BYTES], enum crypto_alg alg,
                       struct crypto_key *k)
{
    unsigned char t[32];
    derive(master, "shegong sm4-ctr v1", t);
    memcpy(k->sm4, t, sizeof(k->sm4));
    derive(master, "shegong aes-256-gcm v1", k->aes);
    derive(master, "shegong hmac-sm3 v1", k->mac);
    derive(master, "shegong blind-index v1", k->bidx);
    derive(master, "shegong key-check v1", t);
    hex_encode(t, 16, k->fingerprint);
    crypto_wipe(t, sizeof(t));
    k->alg = alg;
}

enum err crypto_master_random(unsigned char master[CRYPTO_MASTER_BYTES])
{
    return RAND_bytes(master, CRYPTO_MASTER_BYTES) == 1 ? ERR_OK : ERR_INTERNAL;
}

enum err crypto_key_read(const char *path, unsigned char master[CRYPTO_MASTER_BYTES], char *errbuf,
                         size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot open the key file '%s': %s", path, strerror(errno));
        return errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
    }
    enum err e = ERR_OK;
    char text[KEY_TEXT + 3];
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(errbuf, errlen, "the key file '%s' is not a regular file", path);
        e = ERR_IO;
        goto out;
    }
    if (st.st_mode & 077) {
        snprintf(errbuf, errlen,
                 "the key file '%s' may be read by others (mode %03o); run chmod 600 on it", path,
                 (unsigned)(st.st_mode & 0777));
        e = ERR_IO;
        goto out;
    }
    ssize_t n = read(fd, text, sizeof(text) - 1);
    if (n < 0) {
        snprintf(errbuf, errlen, "cannot read the key file '%s': %s", path, strerror(errno));
        e = ERR_IO;
        goto out;
    }
    size_t len = (size_t)n;
    if (len && text[len - 1] == '\n')
        len--;
    if (len != KEY_TEXT || !hex_decode(text, CRYPTO_MASTER_BYTES, master)) {
        snprintf(errbuf, errlen, "the key file '%s' is damaged: it should hold 64 hex digits",
                 path);
        e = ERR_IO;
    }
out:
    crypto_wipe(text, sizeof(text));
    close(fd);
    return e;
}
enum err crypto_key_write(const char *path, const unsigned char master[CRYPTO_MASTER_BYTES],
                          char *errbuf, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot create the key file '%s': %s", path, strerror(errno));
        return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
    }
    char text[KEY_TEXT + 2];
    hex_encode(master, CRYPTO_MASTER_BYTES, text);
    text[KEY_TEXT] = '\n';
    text[KEY_TEXT + 1] = '\0';
    /* the mode is set explicitly: the process umask must not widen or narrow it */
    bool ok =
        fchmod(fd, 0600) == 0 && write(fd, text, KEY_TEXT + 1) == KEY_TEXT + 1 && fsync(fd) == 0;
    int saved = errno;
    crypto_wipe(text, sizeof(text));
    if (close(fd) != 0)
        ok = false;
    if (!ok || fs_sync_parent(path) != 0) {
        snprintf(errbuf, errlen, "cannot write the key file '%s': %s", path,
                 strerror(ok ? errno : saved));
        unlink(path);
        return ERR_IO;
    }
    return ERR_OK;
}

enum err crypto_init(const char *path, bool create, enum crypto_alg alg, char *errbuf,
                     size_t errlen)
{
    unsigned char master[CRYPTO_MASTER_BYTES];
    enum err e = crypto_key_read(path, master, errbuf, errlen);
    if (e == ERR_NOT_FOUND && create) {
        e = crypto_master_random(master);
        if (e)
            snprintf(errbuf, errlen, "no random bytes for a new key");
        else
            e = crypto_key_write(path, master, errbuf, errlen);
        if (e == ERR_CONFLICT) /* another process created it meanwhile: use theirs */
            e = crypto_key_read(path, master, errbuf, errlen);
    }
    if (!e) {
        struct crypto_key k;
        crypto_key_derive(master, alg, &k);
        crypto_use(&k);
        crypto_wipe(&k, sizeof(k));
    }
    crypto_wipe(master, sizeof(master));
    return e;
}

const struct crypto_key *crypto_current(void)
{
    return loaded ? &current : NULL;
}

void crypto_use(const struct crypto_key *k)
{
    current = *k;
    loaded = true;
}

bool crypto_alg_parse(const char *name, enum crypto_alg *out)
{
    if (strcmp(name, "sm4") == 0 || strcmp(name, "sm4ctr-hmacsm3") == 0) {
        *out = CRYPTO_SM4_CTR_HMAC_SM3;
        return true;
    }
    if (strcmp(name, "aes256gcm") == 0 || strcmp(name, "aes") == 0) {
        *out = CRYPTO_AES_256_GCM;
        return true;
    }
    return false;
}

const char *crypto_alg_name(enum crypto_alg alg)
{
    switch (alg) {
    case CRYPTO_SM4_CTR_HMAC_SM3:
        return "sm4";
    case CRYPTO_AES_256_GCM:
        return "aes256gcm";
    }
    return "?";
}

/* One pass of a stream or AEAD cipher over n bytes. */
static bool cipher_run(EVP_CIPHER_CTX *ctx, unsigned char *out, const unsigned char *in, size_t n)
{
    int len = 0, fin = 0;
    if (n && !EVP_CipherUpdate(ctx, out, &len, in, (int)n))
        return false;
    if (!EVP_CipherFinal_ex(ctx, out + len, &fin))
        return false;
    return (size_t)(len + fin) == n;
}

/* Base64 of prefix + bin into a. */
static const char *encode_sealed(struct arena *a, const char *prefix, const unsigned char *bin,
                                 size_t n)
{
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = arena_alloc(a, PREFIX_LEN + b64);
    if (!out)
        return NULL;
    memcpy(out, prefix, PREFIX_LEN);
    sodium_bin2base64(out + PREFIX_LEN, b64, bin, n, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

enum err crypto_seal_with(const struct crypto_key *k, struct arena *a, const char *plaintext,
                          const char **sealed)
{
    size_t n = strlen(plaintext);
    if (n > CRYPTO_MAX_PLAINTEXT)
        return ERR_TOO_LARGE;
    bool sm4 = k->alg == CRYPTO_SM4_CTR_HMAC_SM3;
    size_t ivlen = sm4 ? SM4_IV : AES_IV, taglen = sm4 ? SM4_TAG : AES_TAG;
    size_t total = ivlen + n + taglen;
    unsigned char *bin = arena_alloc(a, total);
    if (!bin)
        return ERR_NOMEM;
    unsigned char *iv = bin, *ct = bin + ivlen, *tag = bin + ivlen + n;
    if (RAND_bytes(iv, (int)ivlen) != 1)
        return ERR_INTERNAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return ERR_NOMEM;
    bool ok;
    int len = 0;
    if (sm4) {
        ok = EVP_EncryptInit_ex(ctx, EVP_sm4_ctr(), NULL, k->sm4, iv) &&
             cipher_run(ctx, ct, (const unsigned char *)plaintext, n);
        ok = ok && hmac_sm3(k->mac, sizeof(k->mac), sm4_prefix, PREFIX_LEN, iv, ivlen, ct, n, tag);
    } else {
        ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AES_IV, NULL) &&
             EVP_EncryptInit_ex(ctx, NULL, NULL, k->aes, iv) &&
             EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aes_prefix, PREFIX_LEN) &&
             cipher_run(ctx, ct, (const unsigned char *)plaintext, n) &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, AES_TAG, tag);
    }
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return ERR_NOMEM; /* OpenSSL fails good input only when out of memory */
    *sealed = encode_sealed(a, sm4 ? sm4_prefix : aes_prefix, bin, total);
    return *sealed ? ERR_OK : ERR_NOMEM;
}

enum err crypto_open_with(const struct crypto_key *k, struct arena *a, const char *sealed,
                          const char **plaintext)
{
    bool sm4;
    if (strncmp(sealed, sm4_prefix, PREFIX_LEN) == 0)
        sm4 = true;
    else if (strncmp(sealed, aes_prefix, PREFIX_LEN) == 0)
        sm4 = false;
    else
        return ERR_CONFLICT;
    const char *b64 = sealed + PREFIX_LEN;
    size_t b64len = strlen(b64);
    size_t ivlen = sm4 ? SM4_IV : AES_IV, taglen = sm4 ? SM4_TAG : AES_TAG;
    if (b64len > 2 * CRYPTO_MAX_PLAINTEXT)
        return ERR_CONFLICT;
    size_t cap = b64len / 4 * 3 + 3, total = 0;
    unsigned char *bin = arena_alloc(a, cap);
    if (!bin)
        return ERR_NOMEM;
    if (sodium_base642bin(bin, cap, b64, b64len, NULL, &total, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        total < ivlen + taglen)
        return ERR_CONFLICT;
    size_t n = total - ivlen - taglen;
    unsigned char *iv = bin, *ct = bin + ivlen, *tag = bin + ivlen + n;
    unsigned char *pt = arena_alloc(a, n + 1);
    if (!pt)
        return ERR_NOMEM;
    if (sm4) {
        unsigned char want[SM4_TAG];
        if (!hmac_sm3(k->mac, sizeof(k->mac), sm4_prefix, PREFIX_LEN, iv, ivlen, ct, n, want))
            return ERR_NOMEM;
        if (CRYPTO_memcmp(want, tag, SM4_TAG) != 0)
            return ERR_CONFLICT;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return ERR_NOMEM;
    bool ok;
    int len = 0;
    if (sm4) {
        ok = EVP_DecryptInit_ex(ctx, EVP_sm4_ctr(), NULL, k->sm4, iv) && cipher_run(ctx, pt, ct, n);
    } else {
        /* the tag is checked by the final step of cipher_run */
        ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AES_IV, NULL) &&
             EVP_DecryptInit_ex(ctx, NULL, NULL, k->aes, iv) &&
             EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aes_prefix, PREFIX_LEN) &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, AES_TAG, tag) &&
             cipher_run(ctx, pt, ct, n);
    }
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) /* SM4: the tag matched, so OpenSSL ran out of memory; AES: the tag is wrong */
        return sm4 ? ERR_NOMEM : ERR_CONFLICT;
    pt[n] = '\0';
    if (memchr(pt, '\0', n)) /* sealed text never holds a NUL */
        return ERR_CONFLICT;
    *plaintext = (const char *)pt;
    return ERR_OK;
}

bool crypto_blind_index_with(const struct crypto_key *k, const char *kind, const char *value,
                             char out[65])
{
    /* kind, a NUL, the value: a kind never holds a NUL, so the split is unambiguous */
    unsigned char mac[32];
    if (!hmac_sm3(k->bidx, sizeof(k->bidx), kind, strlen(kind) + 1, value, strlen(value), NULL, 0,
                  mac)) {
        out[0] = '\0';
        oom_note();
        return false;
    }
    hex_encode(mac, sizeof(mac), out);
    return true;
}

enum err crypto_seal(struct arena *a, const char *plaintext, const char **sealed)
{
    if (!loaded)
        return ERR_UNAVAILABLE;
    return crypto_seal_with(&current, a, plaintext, sealed);
}

enum err crypto_open(struct arena *a, const char *sealed, const char **plaintext)
{
    if (!loaded)
        return ERR_UNAVAILABLE;
    return crypto_open_with(&current, a, sealed, plaintext);
}

bool crypto_blind_index(const char *kind, const char *value, char out[65])
{
    if (!loaded) {
        fputs("shegong: BUG: crypto_blind_index before crypto_init\n", stderr);
        abort();
    }
    return crypto_blind_index_with(&current, kind, value, out);
}
