/* QR codes as images we write ourselves from libqrencode's module matrix: SVG for browsers
 * and PBM (P4) for tools and tests (zbarimg reads PBM, not SVG).
 *
 * Invariants: the text is encoded as 8-bit data at error-correction level M, the smallest
 * version that fits; every image has the 4-module quiet zone the standard asks for;
 * results are allocated in the caller's arena. */
#ifndef SHEGONG_CORE_QR_H
#define SHEGONG_CORE_QR_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define QR_QUIET_ZONE 4 /* modules of light border on every side */

/* A QR matrix: width x width modules, dark[y * width + x] is 1 for a dark module. */
struct qr_matrix {
    int width;
    unsigned char *dark;
};

/* Encodes text. ERR_INVALID for an empty text, ERR_TOO_LARGE when it fits no version,
 * ERR_NOMEM when memory runs out. */
enum err qr_encode(struct arena *a, const char *text, struct qr_matrix *out);

/* An SVG document, one module per user unit, scalable: a white background and one <path>
 * of the dark modules (runs of a row merged). */
enum err qr_svg(struct arena *a, const char *text, const char **svg);
/* A binary PBM (P4) image with scale x scale pixels per module (1..32); *len its bytes. */
enum err qr_pbm(struct arena *a, const char *text, int scale, const unsigned char **pbm,
                size_t *len);

#endif
