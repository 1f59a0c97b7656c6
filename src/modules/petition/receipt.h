/* The citizen's printable receipt of a petition submitted on the portal (信访事项登记回执):
 * one A4 page with the query code, the registration date, the class, the region, a QR code
 * of the tracking page and how to track the item.
 *
 * The Chinese text is set in the Adobe-GB1 CID fonts every PDF reader in China carries
 * (SimSun and SimHei through libharu's built-in CNS fonts, GBK-EUC-H encoding), not
 * embedded: a receipt stays a few kilobytes and its text can be copied and searched.
 * Characters outside GBK are printed as "?". Nothing of the petitioner is on it. */
#ifndef SHEGONG_MODULES_PETITION_RECEIPT_H
#define SHEGONG_MODULES_PETITION_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct petition_receipt {
    const char *query_code;     /* 12 characters */
    int64_t registered_at;      /* Unix seconds; printed as the Beijing date and time */
    const char *class_label;    /* 申诉求决 */
    const char *category_label; /* 城乡建设 (may be NULL) */
    const char *region_name;    /* 北京市朝阳区建外街道 */
    const char *track_url;      /* the tracking page of this item, for the QR code */
    const char *portal_url;     /* the portal's address, printed in the instructions */
};

/* Writes the receipt as a PDF in a: *pdf and *len get its bytes. ERR_NOMEM when memory
 * runs out, ERR_INTERNAL when libharu or iconv fails, ERR_TOO_LARGE for a URL no QR code
 * holds. */
enum err petition_receipt_pdf(struct arena *a, const struct petition_receipt *in,
                              const unsigned char **pdf, size_t *len);

#endif
