/* The 12-digit statistical region code (统计用区划代码): 2 province + 2 prefecture +
 * 2 county + 3 township + 3 village digits. A region's subtree is every code that shares
 * its significant prefix, so scope checks are a range on a text column. */
#ifndef SHEGONG_CORE_REGIONCODE_H
#define SHEGONG_CORE_REGIONCODE_H

#include <stdbool.h>
#include <stddef.h>

#define REGION_CODE_LEN 12

/* True when s is exactly 12 ASCII digits and its levels nest (no digits below a zero
 * level, e.g. 110005001000 is refused) and the province part is not 00. */
bool regioncode_valid(const char *s);
/* Significant prefix length: 2, 4, 6, 9 or 12. */
size_t regioncode_prefix_len(const char *code);
/* Level 1 (province) .. 5 (village). */
int regioncode_level(const char *code);
/* True when code lies in the subtree of root (root itself included). */
bool regioncode_within(const char *code, const char *root);

#endif
