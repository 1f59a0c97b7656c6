/* 12-digit region code arithmetic (see regioncode.h). */
#include "core/regioncode.h"

#include <string.h>

static const size_t level_end[] = {2, 4, 6, 9, 12};

static bool all_zero(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != '0')
            return false;
    return true;
}

bool regioncode_valid(const char *s)
{
    if (!s || strlen(s) != REGION_CODE_LEN)
        return false;
    for (size_t i = 0; i < REGION_CODE_LEN; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (all_zero(s, 0, 2))
        return false;
    /* once a level is all zeros, every level below must be too — except the county
     * level, which is 00 under the cities that have no counties (东莞 4419, 中山 4420,
     * 儋州 4604: their townships are 441900003000 and the like) */
    size_t start = 0;
    bool ended = false;
    for (size_t l = 0; l < 5; l++) {
        bool zero = all_zero(s, start, level_end[l]);
        if (ended && !zero)
            return false;
        if (!(l == 2 && zero && !all_zero(s, 2, 4)))
            ended = ended || zero;
        start = level_end[l];
    }
    return true;
}

size_t regioncode_prefix_len(const char *code)
{
    for (int l = 4; l > 0; l--)
        if (!all_zero(code, level_end[l - 1], level_end[l]))
            return level_end[l];
    return level_end[0];
}

int regioncode_level(const char *code)
{
    size_t p = regioncode_prefix_len(code);
    for (int l = 0; l < 5; l++)
        if (level_end[l] == p)
            return l + 1;
    return 5;
}

bool regioncode_within(const char *code, const char *root)
{
    size_t p = regioncode_prefix_len(root);
    return strlen(code) == REGION_CODE_LEN && strncmp(code, root, p) == 0;
}
