/* Password strength policy: at least 10 characters, at least 3 of the 4 classes (lower,
 * upper, digit, other), and not containing the username (case-insensitive). Reuse of the
 * last passwords is checked by the caller, who holds their hashes. */
#ifndef SHEGONG_CORE_PASSPOLICY_H
#define SHEGONG_CORE_PASSPOLICY_H

#define PASSPOLICY_MIN_CHARS   10
#define PASSPOLICY_MIN_CLASSES 3
#define PASSPOLICY_MAX_BYTES   256

enum passpolicy_fail {
    PASSPOLICY_OK = 0,
    PASSPOLICY_TOO_SHORT = 1 << 0,
    PASSPOLICY_TOO_FEW_CLASSES = 1 << 1,
    PASSPOLICY_CONTAINS_USERNAME = 1 << 2,
    PASSPOLICY_TOO_LONG = 1 << 3,
};

/* Returns a bit set of the rules the password breaks (0 when it passes).
 * password must be valid UTF-8. */
unsigned passpolicy_check(const char *password, const char *username);

#endif
