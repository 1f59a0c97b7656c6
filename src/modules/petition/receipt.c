/* The petition receipt as a one-page PDF (receipt.h): libharu with its built-in Simplified
 * Chinese CID fonts, the text converted from UTF-8 to GBK with iconv, the QR code drawn
 * from core/qr's module matrix. */
#include "modules/petition/receipt.h"

#include <errno.h>
#include <hpdf.h>
#include <iconv.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/qr.h"

#define PAGE_MARGIN   64.0f
#define QR_SIDE       128.0f
#define BEIJING_SHIFT (8 * 3600)

struct pdf {
    HPDF_Doc doc;
    HPDF_Page page;
    HPDF_Font song, hei, mono;
    iconv_t cd;
    struct arena *a;
    bool failed; /* libharu reported an error (its handler), or a conversion failed */
    bool nomem;
};

static void HPDF_STDCALL on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    (void)detail_no;
    struct pdf *p = user_data;
    p->failed = true;
    if (error_no == HPDF_FAILD_TO_ALLOC_MEM)
        p->nomem = true;
}

/* A UTF-8 text in GBK: the bytes (NUL-terminated) and where each character starts in them
 * and in the UTF-8 original, so lines can be broken between characters. */
struct gbk {
    char *bytes;
    size_t len;
    size_t *at;       /* at[i]: the i-th character's first byte; at[n] == len */
    const char **src; /* src[i]: the same character in the UTF-8 text */
    size_t n;
};

static size_t utf8_char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return i; /* a broken sequence: its bytes one at a time, each becomes '?' */
    return n;
}

/* Converts one character at a time, so that one outside GBK becomes '?' and the rest is
 * kept. */
static bool to_gbk(struct pdf *p, const char *utf8, struct gbk *out)
{
    size_t max = strlen(utf8);
    memset(out, 0, sizeof(*out));
    out->bytes = arena_alloc(p->a, 2 * max + 1);
    out->at = arena_calloc(p->a, max + 1, sizeof(size_t));
    out->src = arena_calloc(p->a, max + 1, sizeof(char *));
    if (!out->bytes || !out->at || !out->src) {
        p->nomem = p->failed = true;
        return false;
    }
    const char *s = utf8;
    while (*s) {
        size_t n = utf8_char_len(s);
        char *in = (char *)s, *o = out->bytes + out->len;
        size_t inleft = n, outleft = 4;
        out->at[out->n] = out->len;
        out->src[out->n++] = s;
        iconv(p->cd, NULL, NULL, NULL, NULL);
        if (iconv(p->cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft) {
            out->bytes[out->len++] = '?';
        } else {
            size_t w = 4 - outleft;
            out->len += w;
        }
        s += n;
    }
    out->at[out->n] = out->len;
    out->bytes[out->len] = '\0';
    return true;
}

static float text_width(HPDF_Font font, const char *bytes, size_t len, float size)
{
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)bytes, (HPDF_UINT)len);
    return (float)tw.width * size / 1000.0f;
}

static void text_at(struct pdf *p, HPDF_Font font, float size, float x, float y, const char *gbk)
{
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, font, size);
    HPDF_Page_TextOut(p->page, x, y, gbk);
    HPDF_Page_EndText(p->page);
}

/* One line of UTF-8 text at (x, y). */
static void line_at(struct pdf *p, HPDF_Font font, float size, float x, float y, const char *utf8)
{
    struct gbk g;
    if (to_gbk(p, utf8, &g))
        text_at(p, font, size, x, y, g.bytes);
}

static float line_width(struct pdf *p, HPDF_Font font, float size, const char *utf8)
{
    struct gbk g;
    return to_gbk(p, utf8, &g) ? text_width(font, g.bytes, g.len, size) : 0;
}

/* Closing punctuation hangs at the end of a line rather than starting the next one. */
static bool hangs(const char *utf8_char)
{
    static const char *const marks[] = {"，", "。", "、", "；", "：", "）", "》", "”", "！", "？"};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strncmp(utf8_char, marks[i], strlen(marks[i])) == 0)
            return true;
    return false;
}

/* A paragraph broken into lines of at most width, the first at y; returns the y below it. */
static float paragraph(struct pdf *p, HPDF_Font font, float size, float x, float y, float width,
                       float leading, const char *utf8)
{
    struct gbk g;
    if (!to_gbk(p, utf8, &g))
        return y;
    char *line = arena_alloc(p->a, g.len + 1);
    if (!line) {
        p->nomem = p->failed = true;
        return y;
    }
    size_t start = 0;
    while (start < g.n) {
        size_t end = start + 1; /* at least one character a line */
        while (end < g.n && (text_width(font, g.bytes + g.at[start], g.at[end + 1] - g.at[start],
                                        size) <= width ||
                             hangs(g.src[end])))
            end++;
        size_t bytes = g.at[end] - g.at[start];
        memcpy(line, g.bytes + g.at[start], bytes);
        line[bytes] = '\0';
        text_at(p, font, size, x, y, line);
        y -= leading;
        start = end;
    }
    return y;
}

/* The QR code of text, side points wide, its top left corner at (x, top). */
static enum err qr_at(struct pdf *p, const char *text, float x, float top, float side)
{
    struct qr_matrix m;
    enum err err = qr_encode(p->a, text, &m);
    if (err)
        return err;
    float s = side / (float)(m.width + 2 * QR_QUIET_ZONE);
    HPDF_Page_SetGrayFill(p->page, 0);
    for (int row = 0; row < m.width; row++) {
        float y = top - (float)(row + 1 + QR_QUIET_ZONE) * s;
        for (int col = 0; col < m.width;) {
            if (!m.dark[row * m.width + col]) {
                col++;
                continue;
            }
            int run = col;
            while (run < m.width && m.dark[row * m.width + run])
                run++;
            /* a hair taller than a module, so that rows print without seams */
            HPDF_Page_Rectangle(p->page, x + (float)(col + QR_QUIET_ZONE) * s, y - 0.05f,
                                (float)(run - col) * s, s + 0.1f);
            col = run;
        }
    }
    HPDF_Page_Fill(p->page);
    return ERR_OK;
}

static const char *beijing_time(struct arena *a, int64_t t)
{
    time_t shifted = (time_t)(t + BEIJING_SHIFT);
    struct tm tm;
    if (!gmtime_r(&shifted, &tm))
        return "";
    return arena_printf(a, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min);
}

/* "ABCD EFGH JKLM": the code in groups of four, easier to read out and type. */
static const char *grouped(struct arena *a, const char *code)
{
    size_t n = strlen(code);
    char *out = arena_alloc(a, n + n / 4 + 1);
    if (!out)
        return code;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && i % 4 == 0)
            out[k++] = ' ';
        out[k++] = code[i];
    }
    out[k] = '\0';
    return out;
}

static void draw(struct pdf *p, const struct petition_receipt *in)
{
    float w = HPDF_Page_GetWidth(p->page), h = HPDF_Page_GetHeight(p->page);
    float x = PAGE_MARGIN, right = w - PAGE_MARGIN, y = h - 96;

    const char *title = "信访事项登记回执";
    line_at(p, p->hei, 22, (w - line_width(p, p->hei, 22, title)) / 2, y, title);
    y -= 18;
    HPDF_Page_SetLineWidth(p->page, 1);
    HPDF_Page_MoveTo(p->page, x, y);
    HPDF_Page_LineTo(p->page, right, y);
    HPDF_Page_Stroke(p->page);

    /* the particulars on the left, the QR code on the right */
    float top = y - 20, label_w = 80;
    y = top - 24;
    line_at(p, p->hei, 12, x, y + 2, "查询码");
    text_at(p, p->mono, 22, x + label_w, y, grouped(p->a, in->query_code));
    y -= 36;
    const char *labels[] = {"登记时间", "事项类别", "内容分类", "问题属地"};
    const char *values[] = {beijing_time(p->a, in->registered_at), in->class_label,
                            in->category_label, in->region_name};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (!values[i] || !*values[i])
            continue;
        line_at(p, p->hei, 12, x, y, labels[i]);
        y = paragraph(p, p->song, 12, x + label_w, y, right - QR_SIDE - 16 - x - label_w, 18,
                      values[i]);
        y -= 8;
    }
    float qx = right - QR_SIDE;
    if (qr_at(p, in->track_url, qx, top, QR_SIDE))
        p->failed = true;
    const char *scan = "手机扫码查询办理进度";
    line_at(p, p->song, 10, qx + (QR_SIDE - line_width(p, p->song, 10, scan)) / 2,
            top - QR_SIDE - 8, scan);
    if (y > top - QR_SIDE - 24)
        y = top - QR_SIDE - 24;

    y -= 16;
    line_at(p, p->hei, 14, x, y, "如何查询");
    y -= 24;
    const char *steps[] = {
        "一、请妥善保管本回执，不要把查询码告诉他人。查询时需要查询码和您登记时所留手机号码的"
        "后四位。",
        "二、用手机扫描右上方二维码，或打开群众服务门户（地址见下），选择“查询信访事项”，"
        "即可查看办理进度、处理意见书，并对办理结果作出评价。",
        "三、按照《信访工作条例》，有权处理的机关应当自收到转送、交办的信访事项之日起15日内决定"
        "是否受理，并自受理之日起60日内办结；情况复杂的，经批准可以适当延长办理期限，延长期限不"
        "得超过30日，并告知信访人延期理由。",
        "四、对处理意见不服的，可以自收到处理意见书之日起30日内请求复查；对复查意见不服的，可以"
        "自收到复查意见之日起30日内请求复核。复查、复核均可在群众服务门户中提出。",
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        y = paragraph(p, p->song, 11, x, y, right - x, 19, steps[i]) - 6;
    }
    if (in->portal_url && *in->portal_url) { /* in a Latin font, so that it copies as typed */
        y -= 4;
        line_at(p, p->hei, 11, x, y, "群众服务门户：");
        text_at(p, p->mono, 11, x + line_width(p, p->hei, 11, "群众服务门户：") + 4, y,
                in->portal_url);
    }

    HPDF_Page_SetGrayFill(p->page, 0.4f);
    const char *foot = "本回执由社会工作部群众服务门户自动生成，不含信访人个人信息。";
    line_at(p, p->song, 9, (w - line_width(p, p->song, 9, foot)) / 2, 48, foot);
}

enum err petition_receipt_pdf(struct arena *a, const struct petition_receipt *in,
                              const unsigned char **pdf, size_t *len)
{
    struct pdf p = {.a = a, .cd = (iconv_t)-1};
    enum err err = ERR_OK;
    *pdf = NULL;
    *len = 0;
    p.cd = iconv_open("GBK", "UTF-8");
    if (p.cd == (iconv_t)-1)
        return errno == ENOMEM ? ERR_NOMEM : ERR_INTERNAL;
    p.doc = HPDF_New(on_error, &p);
    if (!p.doc) {
        err = ERR_NOMEM;
        goto out;
    }
    HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL);
    HPDF_UseCNSFonts(p.doc);
    HPDF_UseCNSEncodings(p.doc);
    HPDF_SetInfoAttr(p.doc, HPDF_INFO_CREATOR, "shegong");
    p.song = HPDF_GetFont(p.doc, "SimSun", "GBK-EUC-H");
    p.hei = HPDF_GetFont(p.doc, "SimHei", "GBK-EUC-H");
    p.mono = HPDF_GetFont(p.doc, "Courier-Bold", NULL);
    p.page = HPDF_AddPage(p.doc);
    if (p.failed || !p.song || !p.hei || !p.mono || !p.page) {
        err = p.nomem ? ERR_NOMEM : ERR_INTERNAL;
        goto out;
    }
    HPDF_Page_SetSize(p.page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    draw(&p, in);
    if (!p.failed)
        HPDF_SaveToStream(p.doc);
    HPDF_UINT32 size = p.failed ? 0 : HPDF_GetStreamSize(p.doc);
    unsigned char *buf = size ? arena_alloc(a, size) : NULL;
    if (size && !buf)
        p.nomem = p.failed = true;
    if (!p.failed && HPDF_ReadFromStream(p.doc, buf, &size) != HPDF_OK)
        p.failed = true;
    if (p.failed || !size) {
        err = p.nomem ? ERR_NOMEM : ERR_INTERNAL;
        goto out;
    }
    *pdf = buf;
    *len = size;
out:
    if (p.doc)
        HPDF_Free(p.doc);
    iconv_close(p.cd);
    return err;
}
