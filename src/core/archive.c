/* The backup archive (see archive.h): a buffered stream of entries hashed as it goes,
 * wrapped in libsodium secretstream chunks when sealed. */
#include "core/archive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsutil.h"

#define MAGIC_PLAIN  "SGBACKUP"
#define MAGIC_SEALED "SGBACKUE"
#define VERSION      1u
#define CHUNK        ((size_t)64 << 10)
#define SS_HEADER    crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES    crypto_secretstream_xchacha20poly1305_ABYTES
/* the cleartext header of a sealed archive: magic, version, key name, stream header */
#define SEALED_HEAD (8 + 4 + ARCHIVE_KEYNAME + SS_HEADER)

struct archive {
    int fd;
    bool writing, sealed;
    crypto_hash_sha256_state sha; /* over the plain stream */
    crypto_secretstream_xchacha20poly1305_state ss;
    unsigned char head[SEALED_HEAD]; /* sealed: the first chunk's associated data */
    bool first_chunk;
    unsigned char *buf; /* plain bytes: to write, or read and not yet consumed */
    unsigned char *cbuf;
    size_t len, pos;
    bool final_seen; /* reader: the FINAL chunk (sealed) or end of file (plain) */
    uint64_t left;   /* reader: bytes of the current entry not yet read */
    bool in_entry;
    uint64_t bytes;
    char err[ARCHIVE_ERRLEN];
};

static enum err fail(struct archive *ar, enum err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ar->err, sizeof(ar->err), fmt, ap);
    va_end(ap);
    return e;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static struct archive *alloc_archive(int fd, bool writing)
{
    struct archive *ar = calloc(1, sizeof(*ar));
    if (!ar)
        return NULL;
    ar->buf = malloc(CHUNK);
    ar->cbuf = malloc(CHUNK + SS_ABYTES);
    if (!ar->buf || !ar->cbuf) {
        free(ar->buf);
        free(ar->cbuf);
        free(ar);
        return NULL;
    }
    ar->fd = fd;
    ar->writing = writing;
    ar->first_chunk = true;
    crypto_hash_sha256_init(&ar->sha);
    return ar;
}

void archive_free(struct archive *ar)
{
    if (!ar)
        return;
    if (ar->fd >= 0)
        close(ar->fd);
    sodium_memzero(&ar->ss, sizeof(ar->ss));
    free(ar->buf);
    free(ar->cbuf);
    free(ar);
}

const char *archive_error(const struct archive *ar)
{
    return ar->err[0] ? ar->err : "no error";
}

uint64_t archive_bytes(const struct archive *ar)
{
    return ar->bytes;
}

/* ---- Writing ------------------------------------------------------------------------ */

static enum err raw_write(struct archive *ar, const void *p, size_t n)
{
    if (fs_write_all(ar->fd, p, n) != 0)
        return fail(ar, ERR_IO, "cannot write the archive: %s", strerror(errno));
    ar->bytes += n;
    return ERR_OK;
}

/* Writes the buffered plain bytes: as they are, or as one sealed chunk. */
static enum err flush_chunk(struct archive *ar, bool final)
{
    if (!ar->sealed) {
        enum err e = raw_write(ar, ar->buf, ar->len);
        ar->len = 0;
        return e;
    }
    unsigned long long clen = 0;
    unsigned char tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
    crypto_secretstream_xchacha20poly1305_push(&ar->ss, ar->cbuf, &clen, ar->buf, ar->len,
                                               ar->first_chunk ? ar->head : NULL,
                                               ar->first_chunk ? SEALED_HEAD : 0, tag);
    ar->first_chunk = false;
    ar->len = 0;
    unsigned char lenb[4];
    put_be(lenb, clen, 4);
    enum err e = raw_write(ar, lenb, sizeof(lenb));
    return e ? e : raw_write(ar, ar->cbuf, (size_t)clen);
}

/* Appends plain bytes; hashed unless they are the checksum itself. */
static enum err put(struct archive *ar, const void *p, size_t n, bool hash)
{
    const unsigned char *s = p;
    if (hash)
        crypto_hash_sha256_update(&ar->sha, s, n);
    while (n) {
        size_t k = CHUNK - ar->len < n ? CHUNK - ar->len : n;
        memcpy(ar->buf + ar->len, s, k);
        ar->len += k;
        s += k;
        n -= k;
        if (ar->len == CHUNK) {
            enum err e = flush_chunk(ar, false);
            if (e)
                return e;
        }
    }
    return ERR_OK;
}

enum err archive_create(int fd, const unsigned char *key, const char *key_name,
                        struct archive **out)
{
    *out = NULL;
    struct archive *ar = alloc_archive(fd, true);
    if (!ar)
        return ERR_NOMEM;
    *out = ar;
    if (key) {
        ar->sealed = true;
        unsigned char *h = ar->head;
        memcpy(h, MAGIC_SEALED, 8);
        put_be(h + 8, VERSION, 4);
        memset(h + 12, '0', ARCHIVE_KEYNAME);
        memcpy(h + 12, key_name, strnlen(key_name, ARCHIVE_KEYNAME));
        crypto_secretstream_xchacha20poly1305_init_push(&ar->ss, h + 12 + ARCHIVE_KEYNAME, key);
        enum err e = raw_write(ar, h, SEALED_HEAD);
        if (e)
            return e;
    }
    unsigned char head[12];
    memcpy(head, MAGIC_PLAIN, 8);
    put_be(head + 8, VERSION, 4);
    return put(ar, head, sizeof(head), true);
}

static enum err entry_head(struct archive *ar, char kind, const char *name, uint64_t size)
{
    size_t nlen = strlen(name);
    if (nlen > ARCHIVE_NAME_MAX)
        return fail(ar, ERR_INVALID, "entry name too long: %s", name);
    unsigned char h[3];
    h[0] = (unsigned char)kind;
    put_be(h + 1, nlen, 2);
    unsigned char sz[8];
    put_be(sz, size, 8);
    enum err e = put(ar, h, sizeof(h), true);
    if (!e)
        e = put(ar, name, nlen, true);
    return e ? e : put(ar, sz, sizeof(sz), true);
}

enum err archive_add_buf(struct archive *ar, char kind, const char *name, const void *buf, size_t n)
{
    enum err e = entry_head(ar, kind, name, n);
    return e ? e : put(ar, buf, n, true);
}

enum err archive_add_fd(struct archive *ar, char kind, const char *name, int src_fd, uint64_t size)
{
    enum err e = entry_head(ar, kind, name, size);
    if (e)
        return e;
    unsigned char tmp[CHUNK];
    uint64_t done = 0;
    for (;;) {
        ssize_t k = read(src_fd, tmp, sizeof(tmp));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return fail(ar, ERR_IO, "cannot read %s: %s", name, strerror(errno));
        if (k == 0)
            break;
        if (done + (uint64_t)k > size)
            return fail(ar, ERR_IO, "%s grew while it was copied", name);
        done += (uint64_t)k;
        e = put(ar, tmp, (size_t)k, true);
        if (e)
            return e;
    }
    if (done != size)
        return fail(ar, ERR_IO, "%s shrank while it was copied", name);
    return ERR_OK;
}

enum err archive_finish(struct archive *ar)
{
    enum err e = entry_head(ar, 'Z', "", crypto_hash_sha256_BYTES);
    if (e)
        return e;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&ar->sha, digest);
    e = put(ar, digest, sizeof(digest), false);
    if (!e)
        e = flush_chunk(ar, true);
    if (!e && fsync(ar->fd) != 0)
        e = fail(ar, ERR_IO, "cannot sync the archive: %s", strerror(errno));
    return e;
}

/* ---- Reading ------------------------------------------------------------------------ */

/* Reads exactly n bytes from the file; *eof when it ended before the first byte. */
static enum err raw_read(struct archive *ar, void *p, size_t n, bool *eof)
{
    unsigned char *d = p;
    size_t got = 0;
    *eof = false;
    while (got < n) {
        ssize_t k = read(ar->fd, d + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return fail(ar, ERR_IO, "cannot read the archive: %s", strerror(errno));
        if (k == 0) {
            if (got == 0) {
                *eof = true;
                return ERR_OK;
            }
            return fail(ar, ERR_CONFLICT, "the archive is truncated");
        }
        got += (size_t)k;
    }
    ar->bytes += n;
    return ERR_OK;
}

/* Refills buf with the next plain bytes; ar->len 0 at the end of the stream. */
static enum err refill(struct archive *ar)
{
    ar->pos = ar->len = 0;
    if (!ar->sealed) {
        ssize_t k;
        do
            k = read(ar->fd, ar->buf, CHUNK);
        while (k < 0 && errno == EINTR);
        if (k < 0)
            return fail(ar, ERR_IO, "cannot read the archive: %s", strerror(errno));
        ar->len = (size_t)k;
        ar->bytes += (uint64_t)k;
        ar->final_seen = k == 0;
        return ERR_OK;
    }
    if (ar->final_seen)
        return ERR_OK;
    unsigned char lenb[4];
    bool eof;
    enum err e = raw_read(ar, lenb, sizeof(lenb), &eof);
    if (e)
        return e;
    if (eof)
        return fail(ar, ERR_CONFLICT, "the archive is truncated (its final chunk is missing)");
    uint64_t clen = get_be(lenb, 4);
    if (clen < SS_ABYTES || clen > CHUNK + SS_ABYTES)
        return fail(ar, ERR_CONFLICT, "the archive is damaged (a chunk of %llu bytes)",
                    (unsigned long long)clen);
    e = raw_read(ar, ar->cbuf, (size_t)clen, &eof);
    if (e || eof)
        return e ? e : fail(ar, ERR_CONFLICT, "the archive is truncated");
    unsigned long long plen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&ar->ss, ar->buf, &plen, &tag, ar->cbuf, clen,
                                                   ar->first_chunk ? ar->head : NULL,
                                                   ar->first_chunk ? SEALED_HEAD : 0) != 0)
        return fail(ar, ERR_CONFLICT,
                    ar->first_chunk ? "the archive cannot be decrypted with this key file "
                                      "(another key, or the file was altered)"
                                    : "the archive was altered (a chunk failed authentication)");
    ar->first_chunk = false;
    ar->len = (size_t)plen;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        ar->final_seen = true;
        unsigned char extra;
        e = raw_read(ar, &extra, 1, &eof);
        if (e || !eof)
            return e ? e : fail(ar, ERR_CONFLICT, "the archive has bytes after its end");
    }
    return ERR_OK;
}

/* Exactly n plain bytes (hashed unless hash is false). */
static enum err get(struct archive *ar, void *p, size_t n, bool hash)
{
    unsigned char *d = p;
    while (n) {
        if (ar->pos == ar->len) {
            enum err e = refill(ar);
            if (e)
                return e;
            if (ar->len == 0)
                return fail(ar, ERR_CONFLICT, "the archive is truncated");
        }
        size_t k = ar->len - ar->pos < n ? ar->len - ar->pos : n;
        if (hash)
            crypto_hash_sha256_update(&ar->sha, ar->buf + ar->pos, k);
        memcpy(d, ar->buf + ar->pos, k);
        ar->pos += k;
        d += k;
        n -= k;
    }
    return ERR_OK;
}

enum err archive_peek(int fd, bool *sealed, char *key_name)
{
    unsigned char h[12 + ARCHIVE_KEYNAME];
    ssize_t k = pread(fd, h, sizeof(h), 0);
    *sealed = false;
    key_name[0] = '\0';
    if (k >= 12 && memcmp(h, MAGIC_PLAIN, 8) == 0)
        return ERR_OK;
    if (k == (ssize_t)sizeof(h) && memcmp(h, MAGIC_SEALED, 8) == 0) {
        *sealed = true;
        memcpy(key_name, h + 12, ARCHIVE_KEYNAME);
        key_name[ARCHIVE_KEYNAME] = '\0';
        return ERR_OK;
    }
    return ERR_CONFLICT;
}

enum err archive_open(int fd, const unsigned char *key, struct archive **out)
{
    *out = NULL;
    struct archive *ar = alloc_archive(fd, false);
    if (!ar)
        return ERR_NOMEM;
    *out = ar;
    if (lseek(fd, 0, SEEK_SET) != 0)
        return fail(ar, ERR_IO, "cannot read the archive: %s", strerror(errno));
    bool sealed = false, eof = false;
    char name[ARCHIVE_KEYNAME + 1];
    if (archive_peek(fd, &sealed, name) != ERR_OK)
        return fail(ar, ERR_CONFLICT, "this is not a shegong backup");
    if (sealed) {
        if (!key)
            return fail(ar, ERR_INVALID, "the archive is encrypted and no key was given");
        ar->sealed = true;
        enum err e = raw_read(ar, ar->head, SEALED_HEAD, &eof);
        if (e || eof)
            return e ? e : fail(ar, ERR_CONFLICT, "the archive is truncated");
        if (get_be(ar->head + 8, 4) != VERSION)
            return fail(ar, ERR_CONFLICT, "the archive has an unknown version");
        if (crypto_secretstream_xchacha20poly1305_init_pull(
                &ar->ss, ar->head + 12 + ARCHIVE_KEYNAME, key) != 0)
            return fail(ar, ERR_CONFLICT, "the archive's stream header is damaged");
    }
    unsigned char head[12];
    enum err e = get(ar, head, sizeof(head), true);
    if (e)
        return e;
    if (memcmp(head, MAGIC_PLAIN, 8) != 0 || get_be(head + 8, 4) != VERSION)
        return fail(ar, ERR_CONFLICT, "the archive has an unknown format or version");
    return ERR_OK;
}

enum err archive_read(struct archive *ar, void *buf, size_t n, size_t *got)
{
    *got = 0;
    if (!ar->in_entry || ar->left == 0)
        return ERR_OK;
    size_t k = ar->left < n ? (size_t)ar->left : n;
    enum err e = get(ar, buf, k, true);
    if (e)
        return e;
    ar->left -= k;
    *got = k;
    return ERR_OK;
}

enum err archive_next(struct archive *ar, char *kind, char *name, uint64_t *size)
{
    unsigned char skip[4096];
    size_t got;
    do {
        enum err e = archive_read(ar, skip, sizeof(skip), &got);
        if (e)
            return e;
    } while (got);
    ar->in_entry = false;
    unsigned char h[3], sz[8];
    enum err e = get(ar, h, sizeof(h), true);
    if (e)
        return e;
    size_t nlen = (size_t)get_be(h + 1, 2);
    if (nlen > ARCHIVE_NAME_MAX)
        return fail(ar, ERR_CONFLICT, "the archive is damaged (an entry name of %zu bytes)", nlen);
    e = get(ar, name, nlen, true);
    if (!e)
        e = get(ar, sz, sizeof(sz), true);
    if (e)
        return e;
    name[nlen] = '\0';
    *kind = (char)h[0];
    *size = get_be(sz, 8);
    if (*kind != 'Z') {
        ar->in_entry = true;
        ar->left = *size;
        return ERR_OK;
    }
    unsigned char want[crypto_hash_sha256_BYTES], have[crypto_hash_sha256_BYTES];
    if (*size != sizeof(want) || nlen != 0)
        return fail(ar, ERR_CONFLICT, "the archive is damaged (a bad end entry)");
    crypto_hash_sha256_final(&ar->sha, want);
    e = get(ar, have, sizeof(have), false);
    if (e)
        return e;
    if (sodium_memcmp(want, have, sizeof(want)) != 0)
        return fail(ar, ERR_CONFLICT, "the archive's SHA-256 does not match its content");
    if (ar->pos != ar->len)
        return fail(ar, ERR_CONFLICT, "the archive has bytes after its end");
    e = refill(ar);
    if (e)
        return e;
    if (ar->len != 0 || (ar->sealed && !ar->final_seen))
        return fail(ar, ERR_CONFLICT,
                    ar->len ? "the archive has bytes after its end"
                            : "the archive is truncated (no final chunk)");
    return ERR_NOT_FOUND;
}
