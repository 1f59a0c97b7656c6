/* What shegong backup and shegong restore share: the entries of the archive (the format is
 * core/archive.h; docs/operations.md "Backup and restore") and the archive key. */
#ifndef SHEGONG_CLI_BACKUP_H
#define SHEGONG_CLI_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/archive.h"
#include "server/server.h"

#define BACKUP_MANIFEST 'M' /* "manifest.json": what the backup holds, for people */
#define BACKUP_DATABASE 'D' /* "shegong.db": the SQLite snapshot */
#define BACKUP_FILE     'F' /* "files/ab/cd/<sha256>": one attachment file */

#define BACKUP_MANIFEST_MAX ((size_t)64 << 10)

/* The key that seals an archive: derived from the master key in the key file with
 * libsodium's crypto_kdf (BLAKE2b), context "shbackup", subkey 1, so it is never the key
 * that seals personal data. fingerprint (33 bytes) names the key file's key. 0 done, 1
 * failed (message in errbuf). */
int cli_backup_key(const struct config *cfg, unsigned char key[ARCHIVE_KEY_BYTES],
                   char *fingerprint, char *errbuf, size_t errlen);
/* Whether name is "files/ab/cd/<64 lowercase hex>" whose ab and cd are its first digits;
 * *sha then points at the hash inside name. */
bool cli_backup_file_name(const char *name, const char **sha);

#endif
