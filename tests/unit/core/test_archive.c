/* Unit tests for core/archive: plain and sealed round trips (entries larger than a chunk),
 * and that a flipped byte, a cut-off file, a wrong key or bytes after the end are caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/archive.h"

#define BIG ((size_t)200000) /* more than three chunks */

static unsigned char key[ARCHIVE_KEY_BYTES], other[ARCHIVE_KEY_BYTES];
static unsigned char *big;

/* A temporary file holding an archive of three entries; its path goes into path. */
static void write_archive(char *path, const unsigned char *k)
{
    snprintf(path, 64, "/tmp/test_archive.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct archive *ar;
    assert_int_equal(archive_create(fd, k, "0123456789abcdef0123456789abcdef", &ar), ERR_OK);
    assert_int_equal(archive_add_buf(ar, 'M', "manifest.json", "{}", 2), ERR_OK);
    int src = open("/dev/null", O_RDONLY);
    assert_int_equal(archive_add_fd(ar, 'E', "empty", src, 0), ERR_OK);
    close(src);
    assert_int_equal(archive_add_buf(ar, 'D', "big", big, BIG), ERR_OK);
    assert_int_equal(archive_finish(ar), ERR_OK);
    archive_free(ar);
}

/* Reads every entry; ERR_OK when the archive is whole, else the first error. */
static enum err read_all(const char *path, const unsigned char *k, bool check_content)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct archive *ar;
    enum err e = archive_open(fd, k, &ar);
    static unsigned char buf[BIG];
    int n = 0;
    while (!e) {
        char kind, name[ARCHIVE_NAME_MAX + 1];
        uint64_t size;
        e = archive_next(ar, &kind, name, &size);
        if (e)
            break;
        size_t got, have = 0;
        do {
            e = archive_read(ar, buf + have, sizeof(buf) - have, &got);
            have += got;
        } while (!e && got);
        if (e)
            break;
        assert_int_equal(have, size);
        if (check_content && kind == 'D')
            assert_memory_equal(buf, big, BIG);
        if (check_content && kind == 'M')
            assert_string_equal(name, "manifest.json");
        n++;
    }
    archive_free(ar);
    if (e == ERR_NOT_FOUND) {
        assert_int_equal(n, 3);
        return ERR_OK;
    }
    return e;
}

static void mangle(const char *path, off_t at, bool cut)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    if (cut) {
        assert_int_equal(truncate(path, st.st_size - at), 0);
        return;
    }
    int fd = open(path, O_RDWR);
    unsigned char b;
    off_t off = at < 0 ? st.st_size + at : at;
    assert_int_equal(pread(fd, &b, 1, off), 1);
    b ^= 0x20;
    assert_int_equal(pwrite(fd, &b, 1, off), 1);
    close(fd);
}

static void test_plain_round_trip(void **state)
{
    (void)state;
    char path[64];
    write_archive(path, NULL);
    int fd = open(path, O_RDONLY);
    bool sealed;
    char name[ARCHIVE_KEYNAME + 1];
    assert_int_equal(archive_peek(fd, &sealed, name), ERR_OK);
    assert_false(sealed);
    close(fd);
    assert_int_equal(read_all(path, NULL, true), ERR_OK);
    unlink(path);
}

static void test_sealed_round_trip(void **state)
{
    (void)state;
    char path[64];
    write_archive(path, key);
    int fd = open(path, O_RDONLY);
    bool sealed;
    char name[ARCHIVE_KEYNAME + 1];
    assert_int_equal(archive_peek(fd, &sealed, name), ERR_OK);
    assert_true(sealed);
    assert_string_equal(name, "0123456789abcdef0123456789abcdef");
    close(fd);
    assert_int_equal(read_all(path, key, true), ERR_OK);
    assert_int_equal(read_all(path, other, false), ERR_CONFLICT);
    assert_int_equal(read_all(path, NULL, false), ERR_INVALID);
    unlink(path);
}

static void test_damage_is_caught(void **state)
{
    (void)state;
    /* where: from the start (>= 0) or the end (< 0); or cut that many bytes off */
    const struct {
        off_t at;
        bool truncate;
    } cases[] = {{100, false}, {-5, false}, {-40, false}, {1, true}, {33, true}, {70000, false}};
    for (int sealed = 0; sealed < 2; sealed++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            char path[64];
            write_archive(path, sealed ? key : NULL);
            mangle(path, cases[i].at, cases[i].truncate);
            enum err e = read_all(path, sealed ? key : NULL, false);
            if (e != ERR_CONFLICT)
                fail_msg("sealed %d case %zu: %d", sealed, i, e);
            unlink(path);
        }
    }
}

static void test_trailing_bytes(void **state)
{
    (void)state;
    for (int sealed = 0; sealed < 2; sealed++) {
        char path[64];
        write_archive(path, sealed ? key : NULL);
        int fd = open(path, O_WRONLY | O_APPEND);
        assert_int_equal(write(fd, "x", 1), 1);
        close(fd);
        assert_int_equal(read_all(path, sealed ? key : NULL, false), ERR_CONFLICT);
        unlink(path);
    }
}

static void test_not_an_archive(void **state)
{
    (void)state;
    char path[] = "/tmp/test_archive.XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "SQLite format 3\0", 16), 16);
    bool sealed;
    char name[ARCHIVE_KEYNAME + 1];
    assert_int_equal(archive_peek(fd, &sealed, name), ERR_CONFLICT);
    close(fd);
    unlink(path);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    randombytes_buf(key, sizeof(key));
    randombytes_buf(other, sizeof(other));
    big = malloc(BIG);
    randombytes_buf(big, BIG);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_round_trip), cmocka_unit_test(test_sealed_round_trip),
        cmocka_unit_test(test_damage_is_caught), cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_not_an_archive),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(big);
    return rc;
}
