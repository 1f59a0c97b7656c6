/* QR codes: libqrencode makes the module matrix; we draw it as SVG and PBM (see qr.h). */
#include "core/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "core/sbuf.h"

enum err qr_encode(struct arena *a, const char *text, struct qr_matrix *out)
{
    if (!text || !*text)
        return ERR_INVALID;
    errno = 0;
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return errno == ERANGE ? ERR_TOO_LARGE : errno == EINVAL ? ERR_INVALID : ERR_NOMEM;
    enum err e = ERR_OK;
    size_t n = (size_t)q->width * (size_t)q->width;
    out->width = q->width;
    out->dark = arena_alloc(a, n);
    if (!out->dark) {
        e = ERR_NOMEM;
        goto out;
    }
    /* bit 0 of each of libqrencode's bytes says dark; the others are its bookkeeping */
    for (size_t i = 0; i < n; i++)
        out->dark[i] = q->data[i] & 1;
out:
    QRcode_free(q);
    return e;
}

static enum err sbuf_to_arena(struct arena *a, struct sbuf *sb, const char **text)
{
    enum err e = sbuf_err(sb);
    if (!e) {
        *text = arena_strndup(a, sb->buf, sb->len);
        if (!*text)
            e = ERR_NOMEM;
    }
    sbuf_release(sb);
    return e;
}

enum err qr_svg(struct arena *a, const char *text, const char **svg)
{
    struct qr_matrix m;
    enum err e = qr_encode(a, text, &m);
    if (e)
        return e;
    int size = m.width + 2 * QR_QUIET_ZONE;
    struct sbuf sb;
    sbuf_init(&sb, (size_t)1 << 20);
    sbuf_addf(&sb,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
              "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
              "<path fill=\"#000\" d=\"",
              size, size, size, size);
    for (int y = 0; y < m.width; y++) {
        for (int x = 0; x < m.width;) {
            if (!m.dark[y * m.width + x]) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < m.width && m.dark[y * m.width + x + run])
                run++;
            sbuf_addf(&sb, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
            x += run;
        }
    }
    sbuf_adds(&sb, "\"/></svg>");
    return sbuf_to_arena(a, &sb, svg);
}

enum err qr_pbm(struct arena *a, const char *text, int scale, const unsigned char **pbm,
                size_t *len)
{
    if (scale < 1 || scale > 32)
        return ERR_INVALID;
    struct qr_matrix m;
    enum err e = qr_encode(a, text, &m);
    if (e)
        return e;
    int px = (m.width + 2 * QR_QUIET_ZONE) * scale;
    size_t row = ((size_t)px + 7) / 8;
    char head[32];
    int hl = snprintf(head, sizeof(head), "P4\n%d %d\n", px, px);
    size_t total = (size_t)hl + row * (size_t)px;
    unsigned char *img = arena_zalloc(a, total);
    if (!img)
        return ERR_NOMEM;
    memcpy(img, head, (size_t)hl);
    unsigned char *bits = img + hl;
    /* P4: one bit per pixel, most significant first, 1 is black, rows padded to bytes */
    for (int y = 0; y < px; y++) {
        int my = y / scale - QR_QUIET_ZONE;
        for (int x = 0; x < px; x++) {
            int mx = x / scale - QR_QUIET_ZONE;
            if (my < 0 || my >= m.width || mx < 0 || mx >= m.width || !m.dark[my * m.width + mx])
                continue;
            bits[(size_t)y * row + (size_t)x / 8] |= (unsigned char)(0x80 >> (x % 8));
        }
    }
    *pbm = img;
    *len = total;
    return ERR_OK;
}
