/* Masking of personal data for display: what a reader without the permission to see a
 * value is shown instead. Pure functions on valid UTF-8; results are allocated in the
 * arena (NULL only when it is exhausted) and are never longer than their input. */
#ifndef SHEGONG_CORE_MASK_H
#define SHEGONG_CORE_MASK_H

#include "core/arena.h"

/* Keeps the first head and the last tail characters and replaces each one between with
 * '*'; a value of head + tail characters or fewer becomes all '*'. */
char *mask_keep(struct arena *a, const char *s, size_t head, size_t tail);
/* Citizen ID: the first 6 and the last 4 ("110105********123X"). */
char *mask_idcard(struct arena *a, const char *id);
/* Mobile: the first 3 and the last 4 ("138****5678"). */
char *mask_mobile(struct arena *a, const char *mobile);
/* Landline in the normalised "0AA-NNNNNNNN[-EXT]" form: the area code and the last 4
 * digits of the number stay, the rest and any extension are masked ("010-****5678"). */
char *mask_landline(struct arena *a, const char *phone);
/* Either: mobile when the value is 11 digits starting with 1, landline otherwise. */
char *mask_phone(struct arena *a, const char *phone);
/* Name: the surname stays, each other character becomes '*' ("张*", "张**", "欧阳**");
 * common two-character surnames (复姓) are recognised; a two-character name keeps its
 * first; separators ('·', '•', spaces) stay; a one-character name is "*". */
char *mask_name(struct arena *a, const char *name);
/* Date "YYYY-MM-DD": the year stays ("1949-**-**"). */
char *mask_date(struct arena *a, const char *date);

#endif
