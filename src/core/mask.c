/* Masking rules for ID numbers, phone numbers, names and dates (see mask.h). */
#include "core/mask.h"

#include <stdbool.h>
#include <string.h>

/* Length in bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return i;
    return n;
}

static size_t char_count(const char *s)
{
    size_t n = 0;
    for (; *s; s += char_len(s))
        n++;
    return n;
}

char *mask_keep(struct arena *a, const char *s, size_t head, size_t tail)
{
    size_t total = char_count(s);
    char *out = arena_alloc(a, strlen(s) + 1);
    if (!out)
        return NULL;
    bool all = total <= head + tail;
    size_t i = 0, o = 0;
    for (const char *p = s; *p; i++) {
        size_t n = char_len(p);
        if (!all && (i < head || i >= total - tail)) {
            memcpy(out + o, p, n);
            o += n;
        } else {
            out[o++] = '*';
        }
        p += n;
    }
    out[o] = '\0';
    return out;
}

char *mask_idcard(struct arena *a, const char *id)
{
    return mask_keep(a, id, 6, 4);
}

char *mask_mobile(struct arena *a, const char *mobile)
{
    return mask_keep(a, mobile, 3, 4);
}

char *mask_landline(struct arena *a, const char *phone)
{
    const char *dash = strchr(phone, '-');
    if (!dash)
        return mask_keep(a, phone, 0, 4);
    char *out = arena_strdup(a, phone);
    if (!out)
        return NULL;
    char *local = out + (dash - phone) + 1;
    char *ext = strchr(local, '-');
    size_t nl = ext ? (size_t)(ext - local) : strlen(local);
    for (size_t i = 0; i + 4 < nl; i++)
        local[i] = '*';
    if (nl <= 4)
        memset(local, '*', nl);
    for (char *p = ext ? ext + 1 : NULL; p && *p; p++)
        *p = '*';
    return out;
}

char *mask_phone(struct arena *a, const char *phone)
{
    bool mobile = strlen(phone) == 11 && phone[0] == '1';
    for (const char *p = phone; mobile && *p; p++)
        mobile = *p >= '0' && *p <= '9';
    return mobile ? mask_mobile(a, phone) : mask_landline(a, phone);
}

/* 复姓 common enough to be worth recognising (《百家姓》 and present-day usage). */
static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "司空", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "澹台", "公冶", "太史",
    "申屠", "闻人", "呼延", "万俟", "濮阳", "淳于", "单于", "赫连", "百里", "东郭", "南门", "拓跋",
    "第五", "公羊", "谷梁", "左丘", "梁丘", "羊舌", "微生", "子车", "颛孙", "巫马", "公西", "漆雕",
    "乐正", "壤驷", "公良", "宰父", "夹谷", "段干", "东门", "归海", NULL,
};

static bool is_separator(const char *p, size_t n)
{
    return (n == 1 && *p == ' ') || (n == 2 && memcmp(p, "\xC2\xB7", 2) == 0) /* · U+00B7 */
           || (n == 3 && memcmp(p, "\xE2\x80\xA2", 3) == 0)                   /* • U+2022 */
           || (n == 3 && memcmp(p, "\xE3\x83\xBB", 3) == 0);                  /* ・ U+30FB */
}

char *mask_name(struct arena *a, const char *name)
{
    size_t total = char_count(name);
    size_t keep = 1;
    for (const char *const *s = compound_surnames; *s; s++)
        if (strncmp(name, *s, strlen(*s)) == 0) {
            keep = 2;
            break;
        }
    if (keep >= total) /* a name that is only its surname keeps its first character */
        keep = total > 1 ? 1 : 0;
    char *out = arena_alloc(a, strlen(name) + 1);
    if (!out)
        return NULL;
    size_t i = 0, o = 0;
    for (const char *p = name; *p; i++) {
        size_t n = char_len(p);
        if (i < keep || is_separator(p, n)) {
            memcpy(out + o, p, n);
            o += n;
        } else {
            out[o++] = '*';
        }
        p += n;
    }
    out[o] = '\0';
    return out;
}

char *mask_date(struct arena *a, const char *date)
{
    char *out = arena_strdup(a, date);
    if (!out)
        return NULL;
    size_t n = strlen(out);
    for (size_t i = 4; i < n; i++)
        if (out[i] != '-')
            out[i] = '*';
    if (n < 4)
        memset(out, '*', n);
    return out;
}
