/* A single-file archive of named entries, for backups: written and read as a stream, ended
 * by a SHA-256 of everything before it, optionally sealed with a 32-byte key. The byte
 * layout is documented in docs/operations.md ("Backup and restore").
 *
 * Plain stream: magic "SGBACKUP", u32 version, then entries
 *   u8 kind | u16 name length | name | u64 size | size bytes of data
 * and an end entry (kind 'Z', no name, size 32) whose data is the SHA-256 of every byte
 * before that data. Integers are big-endian. Sealed: magic "SGBACKUE", u32 version, the
 * key's 32-character name (a fingerprint), the 24-byte secretstream header, then the plain
 * stream in chunks of u32 length | crypto_secretstream_xchacha20poly1305 ciphertext, the
 * last chunk tagged FINAL; the cleartext header is the first chunk's associated data.
 *
 * A reader reports a bad checksum, a wrong key, an altered or truncated file as
 * ERR_CONFLICT with a message; it never hands out data past a failed check of its chunk,
 * but the checksum of a plain stream is known only at the end: callers stage what they
 * read and switch only after archive_next has answered ERR_NOT_FOUND. */
#ifndef SHEGONG_CORE_ARCHIVE_H
#define SHEGONG_CORE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define ARCHIVE_KEY_BYTES 32
#define ARCHIVE_NAME_MAX  1024
#define ARCHIVE_KEYNAME   32 /* characters of the key name in a sealed header */
#define ARCHIVE_ERRLEN    256

struct archive;

/* Writing. archive_create takes fd (closing it in archive_free); key NULL writes a plain
 * stream, else a sealed one naming key_name (ARCHIVE_KEYNAME characters). */
enum err archive_create(int fd, const unsigned char *key, const char *key_name,
                        struct archive **out);
/* Appends an entry of size bytes read from src_fd (to its end; a size that changes is an
 * error) or from buf. */
enum err archive_add_fd(struct archive *ar, char kind, const char *name, int src_fd, uint64_t size);
enum err archive_add_buf(struct archive *ar, char kind, const char *name, const void *buf,
                         size_t n);
/* Writes the end entry, flushes and fsyncs. */
enum err archive_finish(struct archive *ar);
/* Bytes written so far (sealed: ciphertext). */
uint64_t archive_bytes(const struct archive *ar);

/* Reading. archive_peek reads the header of fd: whether it is sealed and, if so, the
 * name of its key (key_name, ARCHIVE_KEYNAME + 1 bytes). ERR_CONFLICT when fd is not an
 * archive. archive_open then reads from the start; key is needed when sealed. */
enum err archive_peek(int fd, bool *sealed, char *key_name);
enum err archive_open(int fd, const unsigned char *key, struct archive **out);
/* The next entry: kind, name (ARCHIVE_NAME_MAX + 1 bytes) and size. Skips what is left of
 * the current one. ERR_NOT_FOUND at the end, once the checksum matched. */
enum err archive_next(struct archive *ar, char *kind, char *name, uint64_t *size);
/* Reads up to n bytes of the current entry's data; *got 0 at its end. */
enum err archive_read(struct archive *ar, void *buf, size_t n, size_t *got);

/* What went wrong last, in English. */
const char *archive_error(const struct archive *ar);
void archive_free(struct archive *ar);

#endif
