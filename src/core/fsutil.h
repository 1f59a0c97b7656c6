/* Small file-system helpers shared by the pieces that write and replace files. */
#ifndef SHEGONG_CORE_FSUTIL_H
#define SHEGONG_CORE_FSUTIL_H

#include <stddef.h>

/* fsync of the directory that holds path, so that a file created or renamed there
 * survives a crash. 0 on success, -1 with errno set. */
int fs_sync_parent(const char *path);

/* Writes all n bytes of buf to fd, going on after short writes and EINTR. 0 on
 * success, -1 with errno set. */
int fs_write_all(int fd, const void *buf, size_t n);

#endif
