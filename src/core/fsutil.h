/* Small file-system helpers shared by the pieces that replace files atomically. */
#ifndef SHEGONG_CORE_FSUTIL_H
#define SHEGONG_CORE_FSUTIL_H

/* fsync of the directory that holds path, so that a file created or renamed there
 * survives a crash. 0 on success, -1 with errno set. */
int fs_sync_parent(const char *path);

#endif
