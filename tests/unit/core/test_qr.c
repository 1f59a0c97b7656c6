/* Unit tests for core/qr: the SVG path and the PBM bits draw exactly libqrencode's
 * matrix with its quiet zone, and zbarimg (zbar-tools, when installed) reads the PBM back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/qr.h"

static const char uri[] = "otpauth://totp/shegong:sysadmin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                          "&issuer=shegong&algorithm=SHA1&digits=6&period=30";

static void test_encode(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct qr_matrix m;
    assert_int_equal(qr_encode(&a, "https://sw.example.gov.cn/v/XF2025000123?t=3f9a", &m), ERR_OK);
    assert_int_equal(m.width, 33); /* version 4, as platform-notes measured */
    /* the three finder patterns: dark 7x7 rings at three corners */
    assert_int_equal(m.dark[0], 1);
    assert_int_equal(m.dark[6], 1);
    assert_int_equal(m.dark[7], 0);
    assert_int_equal(m.dark[(m.width - 1) * m.width], 1);
    assert_int_equal(m.dark[m.width - 1], 1);
    assert_int_equal(qr_encode(&a, "", &m), ERR_INVALID);
    /* more than version 40 holds */
    char *huge = malloc(8000);
    assert_non_null(huge);
    memset(huge, 'x', 7999);
    huge[7999] = '\0';
    assert_int_equal(qr_encode(&a, huge, &m), ERR_TOO_LARGE);
    free(huge);
    arena_release(&a);
    assert_null(a.head);
}

/* Redraws the SVG's path into a grid of size x size and compares it with the matrix. */
static void test_svg_draws_the_matrix(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct qr_matrix m;
    const char *svg = NULL;
    assert_int_equal(qr_encode(&a, uri, &m), ERR_OK);
    assert_int_equal(qr_svg(&a, uri, &svg), ERR_OK);
    int size = m.width + 2 * QR_QUIET_ZONE;
    char head[128];
    snprintf(head, sizeof(head), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"",
             size, size);
    assert_true(strncmp(svg, head, strlen(head)) == 0);
    assert_non_null(strstr(svg, "fill=\"#fff\""));
    assert_string_equal(svg + strlen(svg) - 9, "\"/></svg>");

    unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
    assert_non_null(grid);
    const char *p = strstr(svg, " d=\"");
    assert_non_null(p);
    p += 4;
    int runs = 0;
    while (*p == 'M') {
        int x, y, w, w2, used = 0;
        assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &w, &w2, &used), 4);
        assert_int_equal(w, w2);
        assert_true(x >= QR_QUIET_ZONE && y >= QR_QUIET_ZONE);
        assert_true(x + w <= size - QR_QUIET_ZONE && y < size - QR_QUIET_ZONE);
        for (int i = 0; i < w; i++) {
            assert_int_equal(grid[y * size + x + i], 0); /* no module drawn twice */
            grid[y * size + x + i] = 1;
        }
        p += used;
        runs++;
    }
    assert_true(runs > 0);
    assert_true(*p == '"');
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            int mx = x - QR_QUIET_ZONE, my = y - QR_QUIET_ZONE;
            int want =
                mx >= 0 && my >= 0 && mx < m.width && my < m.width ? m.dark[my * m.width + mx] : 0;
            assert_int_equal(grid[y * size + x], want);
        }
    free(grid);
    arena_release(&a);
}

static int pbm_pixel(const unsigned char *bits, int px, int x, int y)
{
    size_t row = ((size_t)px + 7) / 8;
    return (bits[(size_t)y * row + (size_t)x / 8] >> (7 - x % 8)) & 1;
}

static void test_pbm_draws_the_matrix(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct qr_matrix m;
    assert_int_equal(qr_encode(&a, uri, &m), ERR_OK);
    const unsigned char *pbm;
    size_t len;
    assert_int_equal(qr_pbm(&a, uri, 0, &pbm, &len), ERR_INVALID);
    assert_int_equal(qr_pbm(&a, uri, 33, &pbm, &len), ERR_INVALID);
    const int scale = 3;
    assert_int_equal(qr_pbm(&a, uri, scale, &pbm, &len), ERR_OK);
    int px = (m.width + 2 * QR_QUIET_ZONE) * scale;
    char head[32];
    int hl = snprintf(head, sizeof(head), "P4\n%d %d\n", px, px);
    assert_memory_equal(pbm, head, (size_t)hl);
    assert_int_equal(len, (size_t)hl + ((size_t)px + 7) / 8 * (size_t)px);
    for (int y = 0; y < px; y++)
        for (int x = 0; x < px; x++) {
            int mx = x / scale - QR_QUIET_ZONE, my = y / scale - QR_QUIET_ZONE;
            int want =
                mx >= 0 && my >= 0 && mx < m.width && my < m.width ? m.dark[my * m.width + mx] : 0;
            assert_int_equal(pbm_pixel(pbm + hl, px, x, y), want);
        }
    arena_release(&a);
}

static bool have_zbarimg(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char dir[1024];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof(dir), "%.*s/zbarimg", (int)n, p);
        if (access(dir, X_OK) == 0)
            return true;
        p += n;
        if (*p == ':')
            p++;
    }
    return false;
}

/* Writes the PBM to a file and lets zbar read it: the real proof an app can scan it. */
static void test_zbarimg_reads_the_pbm(void **state)
{
    (void)state;
    if (!have_zbarimg()) {
        fprintf(stderr, "zbarimg is not installed (zbar-tools); skipping the scan\n");
        skip();
    }
    static const char *const texts[] = {uri, "https://sw.example.gov.cn/v/XF2025000123?t=3f9a",
                                        "志愿者签到 https://x.cn/s/1"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct arena a;
        arena_init(&a, 0);
        const unsigned char *pbm;
        size_t len;
        assert_int_equal(qr_pbm(&a, texts[i], 4, &pbm, &len), ERR_OK);
        const char *dir = getenv("TMPDIR");
        char path[256];
        snprintf(path, sizeof(path), "%s/shegong-qr-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, pbm, len), (ssize_t)len);
        close(fd);
        char cmd[512], got[1024] = "";
        snprintf(cmd, sizeof(cmd), "zbarimg -q --raw '%s' 2>/dev/null", path);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        size_t n = fread(got, 1, sizeof(got) - 1, f);
        got[n] = '\0';
        int status = pclose(f);
        unlink(path);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        if (n && got[n - 1] == '\n')
            got[n - 1] = '\0';
        assert_string_equal(got, texts[i]);
        arena_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_svg_draws_the_matrix),
        cmocka_unit_test(test_pbm_draws_the_matrix),
        cmocka_unit_test(test_zbarimg_reads_the_pbm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
