/* Attachment type detection: an uploaded file's type is decided from its bytes against an
 * allow-list, and its declared name is only sanitised, never trusted. Pure, no I/O.
 *
 * Invariants: a detected type always has non-NULL mime, ext and label pointing at static
 * strings; anything not on the allow-list (executables, scripts, HTML/SVG/XML, macro-
 * enabled OOXML, plain ZIP, MSI and other non-Office OLE2 files, unknown bytes) is refused
 * with ERR_UNSUPPORTED_MEDIA. Pass the whole body: ZIP and OLE2 are recognised from their
 * directories and text from every byte, so a prefix may be refused. */
#ifndef SHEGONG_CORE_FILETYPE_H
#define SHEGONG_CORE_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Longest base name filetype_safe_name() keeps, in bytes without the terminator. */
#define FILETYPE_NAME_MAX 200

enum filetype_kind {
    FILETYPE_NONE = 0,
    FILETYPE_JPEG,
    FILETYPE_PNG,
    FILETYPE_GIF,
    FILETYPE_WEBP,
    FILETYPE_BMP,
    FILETYPE_PDF,
    FILETYPE_DOCX,
    FILETYPE_XLSX,
    FILETYPE_PPTX,
    FILETYPE_DOC, /* OLE2 with a WordDocument stream */
    FILETYPE_XLS, /* OLE2 with a Workbook (or Book) stream */
    FILETYPE_PPT, /* OLE2 with a "PowerPoint Document" stream */
    FILETYPE_ODT,
    FILETYPE_ODS,
    FILETYPE_ODP,
    FILETYPE_TEXT,
    FILETYPE_CSV,
};

struct filetype {
    enum filetype_kind kind;
    const char *mime;  /* Content-Type to serve it with ("application/pdf") */
    const char *ext;   /* extension it is stored and downloaded with, no dot ("pdf") */
    const char *label; /* 中文 name for the user ("PDF 文档") */
};

/* Decides buf[0..n)'s type from its magic bytes. filename may be NULL; it never decides
 * whether a file is accepted, it only tells CSV from other plain text (".csv"). On
 * refusal *out is zeroed (kind FILETYPE_NONE). */
enum err filetype_detect(const unsigned char *buf, size_t n, const char *filename,
                         struct filetype *out);

/* Copies the base name of in (the part after the last '/' or '\\') into out. False, with
 * out empty, when it is empty, contains "..", starts with '.', holds a control or bidi
 * override character, is not valid UTF-8, is longer than FILETYPE_NAME_MAX bytes or does
 * not fit outlen. */
bool filetype_safe_name(const char *in, char *out, size_t outlen);
/* True when name's extension (case-insensitive, aliases such as "jpeg" included) agrees
 * with the detected type t. */
bool filetype_ext_agrees(const struct filetype *t, const char *name);
/* The name a file is stored and offered under: a safe name whose extension disagrees
 * with the detected type takes the detected one instead ("x.pdf" holding a PNG becomes
 * "x.png"; "x" becomes "x.png"). False, with out empty, when t is no detected type or the result
 * does not fit outlen. */
bool filetype_store_name(const struct filetype *t, const char *safe, char *out, size_t outlen);

#endif
