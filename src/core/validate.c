/* Validators of Chinese identifiers (see validate.h): GB 11643 citizen ID numbers,
 * GB 32100 unified social credit codes, mobile and landline numbers. */
#include "core/validate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

/* Longest input worth looking at once surrounding blanks are gone; anything longer is
 * refused on its length without being copied. */
#define MAX_INPUT 64

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The input without surrounding blanks: start in *s, length returned. */
static size_t trim(const char *in, const char **s)
{
    if (!in)
        in = "";
    while (is_blank(*in))
        in++;
    size_t n = strlen(in);
    while (n && is_blank(in[n - 1]))
        n--;
    *s = in;
    return n;
}

static bool has_non_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool real_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* ---- citizen ID number (GB 11643-1999) ---- */

/* Province-level prefixes: the 34 divisions of GB/T 2260, and 81/82/83 for the residence
 * permits of Hong Kong, Macao and Taiwan residents. */
static bool idcard_province(int p)
{
    static const unsigned char provinces[] = {
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
        44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    };
    for (size_t i = 0; i < sizeof(provinces); i++)
        if (provinces[i] == p)
            return true;
    return false;
}

/* ISO 7064 MOD 11-2 over the first 17 digits. */
static char idcard_check_char(const char *d17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

const char *validate_idcard(const char *in, int today, struct idcard_info *out)
{
    if (out)
        memset(out, 0, sizeof(*out));
    const char *s;
    size_t n = trim(in, &s);
    if (has_non_ascii(s, n > MAX_INPUT ? MAX_INPUT : n))
        return "idcard_chars";
    if (n != 18 && n != 15)
        return "idcard_length";
    char id[19];
    if (n == 15) {
        if (!all_digits(s, 15))
            return "idcard_chars";
        /* legacy numbers: YYMMDD of a 20th-century birth, no check character */
        memcpy(id, s, 6);
        memcpy(id + 6, "19", 2);
        memcpy(id + 8, s + 6, 9);
    } else {
        if (!all_digits(s, 17) || !(is_digit(s[17]) || s[17] == 'X' || s[17] == 'x'))
            return "idcard_chars";
        memcpy(id, s, 18);
        if (id[17] == 'x')
            id[17] = 'X';
    }
    id[18] = '\0';
    if (!idcard_province(num(id, 2)))
        return "idcard_province";
    int y = num(id + 6, 4), m = num(id + 10, 2), d = num(id + 12, 2);
    if (y < 1900 || !real_date(y, m, d))
        return "idcard_birth";
    if (y * 10000 + m * 100 + d > today)
        return "idcard_future";
    char check = idcard_check_char(id);
    if (n == 15)
        id[17] = check;
    else if (id[17] != check)
        return "idcard_check";
    if (out) {
        memcpy(out->number, id, sizeof(out->number));
        memcpy(out->birth_date, id + 6, 4);
        out->birth_date[4] = '-';
        memcpy(out->birth_date + 5, id + 10, 2);
        out->birth_date[7] = '-';
        memcpy(out->birth_date + 8, id + 12, 2);
        out->birth_date[10] = '\0';
        out->gender = (id[16] - '0') % 2 ? 'M' : 'F';
        memcpy(out->county, id, 6);
        out->county[6] = '\0';
        out->converted = n == 15;
    }
    return NULL;
}

/* ---- unified social credit code (GB 32100-2015) ---- */

static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY"; /* no I O S V Z */

/* Value of c in the 31-character set, -1 when it is not in it. */
static int uscc_value(char c)
{
    const char *p = c ? strchr(uscc_set, c) : NULL;
    return p ? (int)(p - uscc_set) : -1;
}

/* Registration authority + institution category pairs: GB 32100 Table 1 and the
 * assignments made since (司法行政, 宗教, 工会, 中央军委, 农业 ...). */
static const struct uscc_kind {
    char pair[3];
    const char *label;
} uscc_kinds[] = {
    {"11", "机关"},
    {"12", "事业单位"},
    {"13", "中央编办直接管理机构编制的群众团体"},
    {"19", "其他（机构编制）"},
    {"21", "外国常驻新闻机构"},
    {"29", "其他（外交）"},
    {"31", "律师执业机构"},
    {"32", "公证处"},
    {"33", "基层法律服务所"},
    {"34", "司法鉴定机构"},
    {"35", "仲裁委员会"},
    {"39", "其他（司法行政）"},
    {"41", "外国在华文化中心"},
    {"49", "其他（文化）"},
    {"51", "社会团体"},
    {"52", "民办非企业单位（社会服务机构）"},
    {"53", "基金会"},
    {"59", "其他（民政）"},
    {"61", "外国旅游部门常驻代表机构"},
    {"62", "港澳台地区旅游部门常驻内地（大陆）代表机构"},
    {"69", "其他（旅游）"},
    {"71", "宗教活动场所"},
    {"72", "宗教院校"},
    {"79", "其他（宗教）"},
    {"81", "基层工会"},
    {"89", "其他（工会）"},
    {"91", "企业"},
    {"92", "个体工商户"},
    {"93", "农民专业合作社"},
    {"A1", "军队事业单位"},
    {"A9", "其他（中央军委改革和编制办公室）"},
    {"N1", "组级集体经济组织"},
    {"N2", "村级集体经济组织"},
    {"N3", "乡镇级集体经济组织"},
    {"N9", "其他（农业）"},
    {"Y1", "其他"},
};

static const char *uscc_label(char authority, char category)
{
    for (size_t i = 0; i < sizeof(uscc_kinds) / sizeof(uscc_kinds[0]); i++)
        if (uscc_kinds[i].pair[0] == authority && uscc_kinds[i].pair[1] == category)
            return uscc_kinds[i].label;
    return NULL;
}

const char *validate_uscc(const char *in, struct uscc_info *out)
{
    if (out)
        memset(out, 0, sizeof(*out));
    const char *s;
    size_t n = trim(in, &s);
    if (has_non_ascii(s, n > MAX_INPUT ? MAX_INPUT : n))
        return "uscc_chars";
    if (n != 18)
        return "uscc_length";
    char code[19];
    for (size_t i = 0; i < 18; i++)
        code[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
    code[18] = '\0';
    /* 3-8 are the registering authority's GB/T 2260 region code: digits only */
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (size_t i = 0; i < 18; i++) {
        int v = uscc_value(code[i]);
        if (v < 0 || (i >= 2 && i < 8 && !is_digit(code[i])))
            return "uscc_chars";
        if (i < 17)
            sum += v * w[i];
    }
    int c18 = 31 - sum % 31;
    if (uscc_set[c18 == 31 ? 0 : c18] != code[17])
        return "uscc_check";
    if (out) {
        memcpy(out->code, code, sizeof(out->code));
        out->authority = code[0];
        out->category = code[1];
        out->label = uscc_label(code[0], code[1]);
        out->unknown_kind = out->label == NULL;
        memcpy(out->region, code + 2, 6);
        out->region[6] = '\0';
    }
    return NULL;
}

/* ---- telephone numbers ---- */

/* Copies in to buf without surrounding blanks; false when it does not fit. */
static bool copy_trimmed(const char *in, char *buf, size_t len)
{
    const char *s;
    size_t n = trim(in, &s);
    if (n >= len)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

const char *validate_mobile(const char *in, char out[12])
{
    char buf[MAX_INPUT];
    if (!copy_trimmed(in, buf, sizeof(buf)))
        return "mobile_invalid";
    /* spaces and dashes are only grouping */
    size_t n = 0;
    for (const char *p = buf; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '-')
            buf[n++] = *p;
    buf[n] = '\0';
    const char *d = buf;
    if (n == 14 && strncmp(d, "+86", 3) == 0)
        d += 3;
    else if (n == 15 && strncmp(d, "0086", 4) == 0)
        d += 4;
    else if (n == 13 && strncmp(d, "86", 2) == 0)
        d += 2;
    if (strlen(d) != 11 || !all_digits(d, 11) || d[0] != '1' || d[1] < '3')
        return "mobile_invalid";
    memcpy(out, d, 12);
    return NULL;
}

/* Area code length with its leading 0: 010 and 02x are three digits, the rest four
 * (03xx-09xx); 00 (international) and other 01x are not area codes. */
static size_t area_len(const char *d)
{
    if (d[0] != '0' || !is_digit(d[1]) || !is_digit(d[2]))
        return 0;
    if (d[1] == '1')
        return d[2] == '0' ? 3 : 0;
    if (d[1] == '2')
        return 3;
    if (d[1] == '0' || !is_digit(d[3]))
        return 0;
    return 4;
}

/* Counts the digits at s. */
static size_t digit_run(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

const char *validate_landline(const char *in, char *out, unsigned outlen)
{
    char buf[MAX_INPUT];
    if (!copy_trimmed(in, buf, sizeof(buf)))
        return "landline_invalid";
    /* spaces and a pair of parentheses around the area code are only grouping */
    size_t n = 0;
    char *p = buf;
    for (const char *q = p; *q; q++)
        if (*q != ' ' && *q != '\t')
            p[n++] = *q;
    p[n] = '\0';
    if (p[0] == '(') {
        char *close = strchr(p, ')');
        if (!close)
            return "landline_invalid";
        memmove(close, close + 1, strlen(close + 1) + 1);
        p++;
    }
    /* the country code +86 / 0086 replaces the area code's leading 0 */
    if (strncmp(p, "+86", 3) == 0 || strncmp(p, "0086", 4) == 0) {
        p += p[0] == '+' ? 3 : 4;
        if (*p == '-')
            p++;
        if (*p != '0')
            *--p = '0'; /* over the prefix's last character */
    }
    size_t area = area_len(p);
    if (!area)
        return "landline_invalid";
    const char *local = p + area;
    if (*local == '-')
        local++;
    size_t nl = digit_run(local);
    if ((nl != 7 && nl != 8) || local[0] == '0')
        return "landline_invalid";
    const char *ext = local + nl;
    size_t ne = 0;
    if (*ext) {
        if (*ext != '-' && *ext != '#')
            return "landline_invalid";
        ext++;
        ne = digit_run(ext);
        if (ne < 1 || ne > 6 || ext[ne])
            return "landline_invalid";
    }
    int w = ne ? snprintf(out, outlen, "%.*s-%.*s-%.*s", (int)area, p, (int)nl, local, (int)ne, ext)
               : snprintf(out, outlen, "%.*s-%.*s", (int)area, p, (int)nl, local);
    if (w < 0 || (unsigned)w >= outlen)
        return "landline_invalid";
    return NULL;
}

const char *validate_phone(const char *in, char *out, unsigned outlen)
{
    char mobile[12];
    if (!validate_mobile(in, mobile)) {
        if (outlen < sizeof(mobile))
            return "phone_invalid";
        memcpy(out, mobile, sizeof(mobile));
        return NULL;
    }
    if (!validate_landline(in, out, outlen))
        return NULL;
    return "phone_invalid";
}

int validate_today(void)
{
    time_t t = (time_t)(clock_now() + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
