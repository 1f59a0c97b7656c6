/* Password strength policy (see passpolicy.h). */
#include "core/passpolicy.h"

#include <strings.h>
#include <string.h>

#include "core/utf8.h"

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

unsigned passpolicy_check(const char *password, const char *username)
{
    unsigned fail = 0;
    if (strlen(password) > PASSPOLICY_MAX_BYTES)
        fail |= PASSPOLICY_TOO_LONG;
    if (utf8_len(password) < PASSPOLICY_MIN_CHARS)
        fail |= PASSPOLICY_TOO_SHORT;
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            lower = 1;
        else if (*p >= 'A' && *p <= 'Z')
            upper = 1;
        else if (*p >= '0' && *p <= '9')
            digit = 1;
        else if (*p < 0x80 || (*p & 0xC0) == 0xC0) /* count a multibyte char once */
            other = 1;
    }
    if (lower + upper + digit + other < PASSPOLICY_MIN_CLASSES)
        fail |= PASSPOLICY_TOO_FEW_CLASSES;
    if (username && contains_ci(password, username))
        fail |= PASSPOLICY_CONTAINS_USERNAME;
    return fail;
}
