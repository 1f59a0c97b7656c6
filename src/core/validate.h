/* Validators of Chinese identifiers: citizen ID numbers (GB 11643), unified social credit
 * codes (GB 32100), mobile and landline numbers. Pure functions, no database.
 *
 * Each returns NULL when the value is valid (and fills the normalised form), or a stable
 * field error code ("idcard_check", "uscc_length", ...) whose Chinese text is in the
 * server's message table. Inputs are NUL-terminated UTF-8; anything may be passed. */
#ifndef SHEGONG_CORE_VALIDATE_H
#define SHEGONG_CORE_VALIDATE_H

#include <stdbool.h>

struct idcard_info {
    char number[19];     /* normalised 18 characters, upper-case X */
    char birth_date[11]; /* YYYY-MM-DD */
    char gender;         /* 'M' or 'F' */
    char county[7];      /* the 6-digit address code (not checked against a table) */
    bool converted;      /* the input was a 15-digit legacy number */
};

/* today is YYYYMMDD (the caller's date in Asia/Shanghai): births after it are refused. */
const char *validate_idcard(const char *in, int today, struct idcard_info *out);

struct uscc_info {
    char code[19];     /* normalised 18 characters, upper case */
    char authority;    /* registration authority code, e.g. '5' */
    char category;     /* institution category code, e.g. '1' */
    const char *label; /* 中文 name of the authority/category pair, e.g. "社会团体" */
    bool unknown_kind; /* the pair is not in the standard's table: accepted, with a warning */
    char region[7];    /* characters 3-8: the registration region code */
};

const char *validate_uscc(const char *in, struct uscc_info *out);

/* Mobile: 1[3-9] + 9 digits after stripping +86 / 86 / 0086, spaces and dashes;
 * out gets the 11 digits. */
const char *validate_mobile(const char *in, char out[12]);
/* Landline: 0 + area code (2-3 digits after the 0) + 7-8 digits, with an optional
 * extension; out (at least 24 bytes) gets the digits as "0AA-NNNNNNNN". */
const char *validate_landline(const char *in, char *out, unsigned outlen);
/* Either of the two: mobile first. */
const char *validate_phone(const char *in, char *out, unsigned outlen);

/* Today as YYYYMMDD in Asia/Shanghai (UTC+8, no daylight saving), from clock_now(); the
 * `today` every caller of validate_idcard passes. */
int validate_today(void);

#endif
