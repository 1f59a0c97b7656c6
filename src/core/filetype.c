/* Magic-byte detection of attachment types against an allow-list, and the sanitising of
 * declared file names (see filetype.h). */
#include "core/filetype.h"

#include <string.h>

#include "core/utf8.h"

/* The allow-list, indexed by kind. aliases: other extensions that agree with the type. */
static const struct {
    struct filetype t;
    const char *aliases[3];
} types[] = {
    [FILETYPE_JPEG] = {{FILETYPE_JPEG, "image/jpeg", "jpg", "JPEG 图片"}, {"jpeg", "jpe", "jfif"}},
    [FILETYPE_PNG] = {{FILETYPE_PNG, "image/png", "png", "PNG 图片"}, {0}},
    [FILETYPE_GIF] = {{FILETYPE_GIF, "image/gif", "gif", "GIF 图片"}, {0}},
    [FILETYPE_WEBP] = {{FILETYPE_WEBP, "image/webp", "webp", "WebP 图片"}, {0}},
    [FILETYPE_BMP] = {{FILETYPE_BMP, "image/bmp", "bmp", "BMP 图片"}, {"dib"}},
    [FILETYPE_PDF] = {{FILETYPE_PDF, "application/pdf", "pdf", "PDF 文档"}, {0}},
    [FILETYPE_DOCX] = {{FILETYPE_DOCX,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "docx", "Word 文档"},
                       {0}},
    [FILETYPE_XLSX] = {{FILETYPE_XLSX,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
                        "Excel 工作簿"},
                       {0}},
    [FILETYPE_PPTX] = {{FILETYPE_PPTX,
                        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        "pptx", "PowerPoint 演示文稿"},
                       {0}},
    [FILETYPE_DOC] = {{FILETYPE_DOC, "application/msword", "doc", "Word 97-2003 文档"}, {"dot"}},
    [FILETYPE_XLS] = {{FILETYPE_XLS, "application/vnd.ms-excel", "xls", "Excel 97-2003 工作簿"},
                      {"xlt"}},
    [FILETYPE_PPT] = {{FILETYPE_PPT, "application/vnd.ms-powerpoint", "ppt",
                       "PowerPoint 97-2003 演示文稿"},
                      {"pps", "pot"}},
    [FILETYPE_ODT] = {{FILETYPE_ODT, "application/vnd.oasis.opendocument.text", "odt",
                       "OpenDocument 文本"},
                      {0}},
    [FILETYPE_ODS] = {{FILETYPE_ODS, "application/vnd.oasis.opendocument.spreadsheet", "ods",
                       "OpenDocument 电子表格"},
                      {0}},
    [FILETYPE_ODP] = {{FILETYPE_ODP, "application/vnd.oasis.opendocument.presentation", "odp",
                       "OpenDocument 演示文稿"},
                      {0}},
    [FILETYPE_TEXT] = {{FILETYPE_TEXT, "text/plain; charset=utf-8", "txt", "纯文本"},
                       {"text", "log", "md"}},
    [FILETYPE_CSV] = {{FILETYPE_CSV, "text/csv; charset=utf-8", "csv", "CSV 表格"}, {0}},
};

/* Signatures that are never accepted, whatever follows: executables and scripts. */
static const struct {
    const char *magic;
    size_t len;
} refused[] = {
    {"\x7f"
     "ELF",
     4},
    {"MZ", 2},               /* PE / DOS */
    {"\xfe\xed\xfa\xce", 4}, /* Mach-O 32 */
    {"\xfe\xed\xfa\xcf", 4}, /* Mach-O 64 */
    {"\xce\xfa\xed\xfe", 4}, /* Mach-O 32, little-endian */
    {"\xcf\xfa\xed\xfe", 4}, /* Mach-O 64, little-endian */
    {"\xca\xfe\xba\xbe", 4}, /* Mach-O universal, also Java class */
    {"#!", 2},               /* shebang */
    {"\xef\xbb\xbf#!", 5},   /* shebang behind a BOM */
    {"\x00"
     "asm",
     4}, /* WebAssembly */
};

/* Markup a browser may run as a page or an image with scripts; looked for near the start
 * of text, case-insensitively. */
static const char *const markup[] = {
    "<!doctype", "<html", "<head", "<body", "<script", "<iframe", "<svg", "<?xml", "<xml",
};
#define MARKUP_WINDOW 1024

static bool has_prefix(const unsigned char *buf, size_t n, const char *magic, size_t len)
{
    return n >= len && memcmp(buf, magic, len) == 0;
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long rd32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
           (unsigned long)p[3] << 24;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static bool ieq(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && ieq_n(a, b, n);
}

/* ---- ZIP: OOXML and OpenDocument ---------------------------------------------------- */

struct zip_scan {
    bool content_types;      /* "[Content_Types].xml" */
    enum filetype_kind part; /* first of word/, xl/, ppt/ seen */
    bool macros;             /* a vbaProject.bin: macro-enabled, refused */
};

static bool name_is(const unsigned char *name, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(name, lit, len) == 0;
}

static bool name_starts(const unsigned char *name, size_t len, const char *lit)
{
    size_t l = strlen(lit);
    return len > l && memcmp(name, lit, l) == 0;
}

static void zip_note(struct zip_scan *z, const unsigned char *name, size_t len)
{
    static const char vba[] = "vbaProject.bin";
    if (name_is(name, len, "[Content_Types].xml"))
        z->content_types = true;
    if (!z->part) {
        if (name_starts(name, len, "word/"))
            z->part = FILETYPE_DOCX;
        else if (name_starts(name, len, "xl/"))
            z->part = FILETYPE_XLSX;
        else if (name_starts(name, len, "ppt/"))
            z->part = FILETYPE_PPTX;
    }
    if (len >= sizeof vba - 1 &&
        ieq_n((const char *)name + len - (sizeof vba - 1), vba, sizeof vba - 1))
        z->macros = true;
}

/* Walks the local headers from the start until one cannot be skipped (a data descriptor
 * hides its size) or the buffer ends. */
static void zip_walk_local(const unsigned char *buf, size_t n, struct zip_scan *z)
{
    size_t off = 0;
    for (int i = 0; i < 64 && n - off >= 30 && memcmp(buf + off, "PK\x03\x04", 4) == 0; i++) {
        const unsigned char *h = buf + off;
        size_t nlen = rd16(h + 26), xlen = rd16(h + 28);
        unsigned long csize = rd32(h + 18);
        if (nlen > n - off - 30)
            return;
        zip_note(z, h + 30, nlen);
        if (rd16(h + 6) & 0x08)
            return;
        size_t skip = 30 + nlen + xlen;
        if (skip > n - off || csize > n - off - skip)
            return;
        off += skip + csize;
    }
}

/* Reads every name in the central directory when the buffer holds the end record. */
static void zip_walk_central(const unsigned char *buf, size_t n, struct zip_scan *z)
{
    if (n < 22)
        return;
    size_t floor = n - 22 > 65535 ? n - 22 - 65535 : 0;
    size_t eocd = n - 22;
    while (memcmp(buf + eocd, "PK\x05\x06", 4) != 0) {
        if (eocd == floor)
            return;
        eocd--;
    }
    unsigned entries = rd16(buf + eocd + 10);
    unsigned long off = rd32(buf + eocd + 16);
    for (unsigned i = 0; i < entries; i++) {
        if (off > eocd || eocd - off < 46 || memcmp(buf + off, "PK\x01\x02", 4) != 0)
            return;
        const unsigned char *h = buf + off;
        size_t nlen = rd16(h + 28), xlen = rd16(h + 30), clen = rd16(h + 32);
        if (nlen > eocd - off - 46)
            return;
        zip_note(z, h + 46, nlen);
        off += 46 + nlen + xlen + clen;
    }
}

/* OpenDocument: a stored first entry "mimetype" whose content names the type. */
static enum filetype_kind zip_odf(const unsigned char *buf, size_t n)
{
    static const char prefix[] = "application/vnd.oasis.opendocument.";
    static const struct {
        const char *sub;
        enum filetype_kind kind;
    } subs[] = {
        {"text", FILETYPE_ODT},
        {"spreadsheet", FILETYPE_ODS},
        {"presentation", FILETYPE_ODP},
    };
    if (n < 30)
        return FILETYPE_NONE;
    size_t nlen = rd16(buf + 26), xlen = rd16(buf + 28);
    unsigned long size = rd32(buf + 22); /* uncompressed; stored means equal */
    if (!name_is(buf + 30, nlen > n - 30 ? 0 : nlen, "mimetype") || rd16(buf + 8) != 0)
        return FILETYPE_NONE;
    size_t data = 30 + nlen + xlen;
    if (data > n || size > n - data || size < sizeof prefix - 1 ||
        memcmp(buf + data, prefix, sizeof prefix - 1) != 0)
        return FILETYPE_NONE;
    const unsigned char *sub = buf + data + sizeof prefix - 1;
    size_t sublen = size - (sizeof prefix - 1);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (name_is(sub, sublen, subs[i].sub))
            return subs[i].kind;
    return FILETYPE_NONE;
}

static enum filetype_kind detect_zip(const unsigned char *buf, size_t n)
{
    enum filetype_kind odf = zip_odf(buf, n);
    if (odf)
        return odf;
    struct zip_scan z = {0};
    zip_walk_local(buf, n, &z);
    zip_walk_central(buf, n, &z);
    if (z.macros || !z.content_types)
        return FILETYPE_NONE;
    return z.part;
}

/* ---- OLE2 (Compound File): legacy Office ------------------------------------------- */

/* True when the 128-byte directory entry e names the stream lit (UTF-16LE, ASCII only). */
static bool ole_name_is(const unsigned char *e, const char *lit)
{
    size_t len = strlen(lit);
    if (rd16(e + 0x40) != (len + 1) * 2)
        return false;
    for (size_t i = 0; i < len; i++)
        if (e[2 * i] != (unsigned char)lit[i] || e[2 * i + 1] != 0)
            return false;
    return true;
}

/* Looks at the entries of the first directory sector; Office puts its main stream there.
 * An OLE2 file without one (an MSI installer, say) is refused. */
static enum filetype_kind detect_ole2(const unsigned char *buf, size_t n)
{
    static const struct {
        const char *stream;
        enum filetype_kind kind;
    } streams[] = {
        {"WordDocument", FILETYPE_DOC},
        {"Workbook", FILETYPE_XLS},
        {"Book", FILETYPE_XLS},
        {"PowerPoint Document", FILETYPE_PPT},
    };
    if (n < 512)
        return FILETYPE_NONE;
    unsigned shift = rd16(buf + 0x1e);
    if (shift != 9 && shift != 12)
        return FILETYPE_NONE;
    size_t sector = (size_t)1 << shift;
    unsigned long first = rd32(buf + 0x30);
    if (first >= (n >> shift))
        return FILETYPE_NONE;
    size_t off = ((size_t)first + 1) << shift;
    for (size_t e = off; e < off + sector && e <= n - 128 && n >= 128; e += 128)
        for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++)
            if (ole_name_is(buf + e, streams[i].stream))
                return streams[i].kind;
    return FILETYPE_NONE;
}

/* ---- images and text ----------------------------------------------------------------- */

/* BMP's "BM" is short, so the header must also look like one: reserved bytes zero and a
 * known DIB header size. */
static bool is_bmp(const unsigned char *buf, size_t n)
{
    if (n < 26 || buf[0] != 'B' || buf[1] != 'M' || rd32(buf + 6) != 0)
        return false;
    unsigned long dib = rd32(buf + 14);
    return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
           dib == 124;
}

static bool has_markup(const unsigned char *buf, size_t n)
{
    size_t window = n < MARKUP_WINDOW ? n : MARKUP_WINDOW;
    for (size_t i = 0; i < window; i++) {
        if (buf[i] != '<')
            continue;
        for (size_t m = 0; m < sizeof markup / sizeof markup[0]; m++) {
            size_t len = strlen(markup[m]);
            if (n - i >= len && ieq_n((const char *)buf + i, markup[m], len))
                return true;
        }
    }
    return false;
}

/* Valid UTF-8 with no control characters but tab, CR and LF, and no markup. */
static bool is_text(const unsigned char *buf, size_t n)
{
    if (n == 0 || !utf8_valid((const char *)buf, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n') || buf[i] == 0x7f)
            return false;
    return !has_markup(buf, n);
}

static const char *extension(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || dot == name || strchr(dot, '/') || strchr(dot, '\\'))
        return NULL;
    return dot + 1;
}

static enum filetype_kind detect(const unsigned char *buf, size_t n, const char *filename)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (has_prefix(buf, n, refused[i].magic, refused[i].len))
            return FILETYPE_NONE;
    if (has_prefix(buf, n, "\xff\xd8\xff", 3))
        return FILETYPE_JPEG;
    if (has_prefix(buf, n, "\x89PNG\r\n\x1a\n", 8))
        return FILETYPE_PNG;
    if (has_prefix(buf, n, "GIF87a", 6) || has_prefix(buf, n, "GIF89a", 6))
        return FILETYPE_GIF;
    if (n >= 12 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0)
        return FILETYPE_WEBP;
    if (is_bmp(buf, n))
        return FILETYPE_BMP;
    if (has_prefix(buf, n, "%PDF-", 5))
        return FILETYPE_PDF;
    if (has_prefix(buf, n, "PK\x03\x04", 4))
        return detect_zip(buf, n);
    if (has_prefix(buf, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        return detect_ole2(buf, n);
    if (is_text(buf, n)) {
        const char *ext = extension(filename);
        return ext && ieq(ext, "csv") ? FILETYPE_CSV : FILETYPE_TEXT;
    }
    return FILETYPE_NONE;
}

enum err filetype_detect(const unsigned char *buf, size_t n, const char *filename,
                         struct filetype *out)
{
    enum filetype_kind kind = buf ? detect(buf, n, filename) : FILETYPE_NONE;
    if (!kind) {
        memset(out, 0, sizeof *out);
        return ERR_UNSUPPORTED_MEDIA;
    }
    *out = types[kind].t;
    return ERR_OK;
}

/* ---- names --------------------------------------------------------------------------- */

/* C1 controls and the bidi embeddings, overrides and isolates that can make "exe.pdf"
 * read as "fdp.exe", as their UTF-8 forms. */
static bool bad_char_at(const unsigned char *s)
{
    if (s[0] < 0x20 || s[0] == 0x7f)
        return true;
    if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
        return true;
    if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae)
        return true;
    return s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9;
}

bool filetype_safe_name(const char *in, char *out, size_t outlen)
{
    if (outlen)
        out[0] = '\0';
    if (!in)
        return false;
    const char *base = in;
    for (const char *p = in; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t len = strlen(base);
    if (len == 0 || len > FILETYPE_NAME_MAX || len >= outlen || base[0] == '.' ||
        strstr(base, "..") || !utf8_valid(base, len))
        return false;
    /* valid UTF-8, so a multi-byte lead is followed by its continuation bytes */
    for (size_t i = 0; i < len; i++)
        if (bad_char_at((const unsigned char *)base + i))
            return false;
    memcpy(out, base, len + 1);
    return true;
}

bool filetype_ext_agrees(const struct filetype *t, const char *name)
{
    const char *ext = extension(name);
    if (!ext || !t->kind)
        return false;
    if (ieq(ext, t->ext))
        return true;
    for (size_t i = 0; i < 3 && types[t->kind].aliases[i]; i++)
        if (ieq(ext, types[t->kind].aliases[i]))
            return true;
    return false;
}

bool filetype_store_name(const struct filetype *t, const char *safe, char *out, size_t outlen)
{
    if (outlen)
        out[0] = '\0';
    if (!t->kind)
        return false;
    size_t len = strlen(safe);
    if (!filetype_ext_agrees(t, safe)) {
        const char *ext = extension(safe);
        if (ext)
            len = (size_t)(ext - 1 - safe);
        size_t elen = strlen(t->ext);
        if (len + 1 + elen >= outlen)
            return false;
        memcpy(out, safe, len);
        out[len] = '.';
        memcpy(out + len + 1, t->ext, elen + 1);
        return true;
    }
    if (len >= outlen)
        return false;
    memcpy(out, safe, len + 1);
    return true;
}
