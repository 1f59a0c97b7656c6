/* Unit tests for core/validate: citizen ID numbers, credit codes and telephone numbers at
 * their edges. Check characters are computed here independently from the standards'
 * formulas, and a few published sample numbers pin both implementations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/validate.h"

#define TODAY 20260115

/* GB 11643: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11. */
static char id_check(const char *d17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d17[i] - '0') * ((1 << (17 - i)) % 11);
    return "10X98765432"[sum % 11];
}

/* Builds a valid 18-character number from its first 17 digits into out[19]. */
static const char *id_make(const char *d17, char out[19])
{
    memcpy(out, d17, 17);
    out[17] = id_check(d17);
    out[18] = '\0';
    return out;
}

static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100: weights 3^i mod 31, check = 31 - sum mod 31 (31 -> 0). */
static char uscc_check(const char *c17)
{
    int sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        sum += (int)(strchr(uscc_set, c17[i]) - uscc_set) * w;
        w = w * 3 % 31;
    }
    return uscc_set[(31 - sum % 31) % 31];
}

static const char *uscc_make(const char *c17, char out[19])
{
    memcpy(out, c17, 17);
    out[17] = uscc_check(c17);
    out[18] = '\0';
    return out;
}

static void test_idcard_published_sample(void **state)
{
    (void)state;
    struct idcard_info id;
    /* the example number of GB 11643-1999 */
    assert_null(validate_idcard("11010519491231002X", TODAY, &id));
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(id.birth_date, "1949-12-31");
    assert_int_equal(id.gender, 'F'); /* sequence 002: even */
    assert_string_equal(id.county, "110105");
    assert_false(id.converted);
    char buf[19];
    assert_null(validate_idcard(id_make("44030419900307001", buf), TODAY, &id));
    assert_int_equal(id.gender, 'M');
    assert_string_equal(id.birth_date, "1990-03-07");
}

static void test_idcard_lower_case_x(void **state)
{
    (void)state;
    struct idcard_info id;
    assert_null(validate_idcard("11010519491231002x", TODAY, &id));
    assert_string_equal(id.number, "11010519491231002X");
    /* surrounding blanks go, inner ones do not */
    assert_null(validate_idcard(" 11010519491231002x\r\n", TODAY, &id));
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(validate_idcard("110105 19491231002X", TODAY, &id), "idcard_length");
    assert_string_equal(validate_idcard("1101051949 231002X", TODAY, &id), "idcard_chars");
}

static void test_idcard_wrong_check(void **state)
{
    (void)state;
    struct idcard_info id;
    const char *right = "11010519491231002X";
    char wrong[19];
    memcpy(wrong, right, sizeof(wrong));
    for (const char *c = "0123456789"; *c; c++) {
        wrong[17] = *c;
        assert_string_equal(validate_idcard(wrong, TODAY, &id), "idcard_check");
        assert_int_equal(id.number[0], '\0'); /* nothing filled in on failure */
    }
    /* a changed digit in the sequence or address part breaks the check */
    assert_string_equal(validate_idcard("11010519491231003X", TODAY, &id), "idcard_check");
    assert_string_equal(validate_idcard("11010619491231002X", TODAY, &id), "idcard_check");
    /* swapped neighbours too */
    assert_string_equal(validate_idcard("11010519491231020X", TODAY, &id), "idcard_check");
    assert_null(validate_idcard(right, TODAY, NULL)); /* out may be NULL */
}

static void test_idcard_dates(void **state)
{
    (void)state;
    char buf[19];
    struct idcard_info id;
    /* leap days */
    assert_null(validate_idcard(id_make("11010520000229001", buf), TODAY, &id));
    assert_string_equal(id.birth_date, "2000-02-29");
    assert_null(validate_idcard(id_make("11010519960229001", buf), TODAY, &id));
    assert_string_equal(validate_idcard(id_make("11010519000229001", buf), TODAY, &id),
                        "idcard_birth"); /* 1900 is not a leap year */
    assert_string_equal(validate_idcard(id_make("11010520010229001", buf), TODAY, &id),
                        "idcard_birth");
    assert_string_equal(validate_idcard(id_make("11010521000229001", buf), 21000301, &id),
                        "idcard_birth");
    /* impossible dates */
    static const char *const bad[] = {"19900230", "19900431", "19901301", "19900001",
                                      "19900100", "19901232", "18991231", "00000000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char d17[18];
        snprintf(d17, sizeof(d17), "110105%s001", bad[i]);
        assert_string_equal(validate_idcard(id_make(d17, buf), TODAY, &id), "idcard_birth");
    }
    /* the first and last days of months and years */
    assert_null(validate_idcard(id_make("11010519000101001", buf), TODAY, &id));
    assert_null(validate_idcard(id_make("11010519991231001", buf), TODAY, &id));
    assert_null(validate_idcard(id_make("11010519900131001", buf), TODAY, &id));
    assert_null(validate_idcard(id_make("11010519900430001", buf), TODAY, &id));
    /* born today is fine, tomorrow is in the future */
    assert_null(validate_idcard(id_make("11010520260115001", buf), TODAY, &id));
    assert_string_equal(validate_idcard(id_make("11010520260116001", buf), TODAY, &id),
                        "idcard_future");
    assert_string_equal(validate_idcard(id_make("11010520270101001", buf), TODAY, &id),
                        "idcard_future");
    assert_null(validate_idcard(id_make("11010520260116001", buf), 20260116, &id));
}

static void test_idcard_provinces(void **state)
{
    (void)state;
    static const int valid[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
    for (int p = 0; p < 100; p++) {
        bool ok = false;
        for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
            ok = ok || valid[i] == p;
        char d17[18], buf[19];
        snprintf(d17, sizeof(d17), "%02d010519800101001", p);
        const char *code = validate_idcard(id_make(d17, buf), TODAY, NULL);
        if (ok)
            assert_null(code);
        else
            assert_string_equal(code, "idcard_province");
    }
    /* an unknown county code in a real province is not refused */
    char buf[19];
    assert_null(validate_idcard(id_make("11999919800101001", buf), TODAY, NULL));
    assert_null(validate_idcard(id_make("81000019800101001", buf), TODAY, NULL)); /* 港澳 */
}

static void test_idcard_fifteen_digits(void **state)
{
    (void)state;
    struct idcard_info id;
    assert_null(validate_idcard("110105491231002", TODAY, &id));
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(id.birth_date, "1949-12-31");
    assert_int_equal(id.gender, 'F');
    assert_true(id.converted);
    assert_null(validate_idcard("440304900307001", TODAY, &id));
    char buf[19];
    assert_string_equal(id.number, id_make("44030419900307001", buf));
    assert_int_equal(id.gender, 'M');
    assert_string_equal(validate_idcard("110105490230002", TODAY, &id), "idcard_birth");
    assert_string_equal(validate_idcard("100105491231002", TODAY, &id), "idcard_province");
    assert_string_equal(validate_idcard("11010549123100X", TODAY, &id), "idcard_chars");
    assert_string_equal(validate_idcard("11010549123100x", TODAY, &id), "idcard_chars");
    /* leap years of the 1900s */
    assert_null(validate_idcard("110105960229001", TODAY, &id));
    assert_string_equal(validate_idcard("110105000229001", TODAY, &id), "idcard_birth");
}

static void test_idcard_shape(void **state)
{
    (void)state;
    struct idcard_info id;
    static const char *const lengths[] = {"",
                                          "1",
                                          "1101051949123100",
                                          "11010519491231002",
                                          "1101054912310",
                                          "11010549123100",
                                          "1101054912310021",
                                          "11010519491231002X1",
                                          "11010519491231002XX",
                                          "110105194912310021234"};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
        assert_string_equal(validate_idcard(lengths[i], TODAY, &id), "idcard_length");
    assert_string_equal(validate_idcard(NULL, TODAY, &id), "idcard_length");
    /* letters inside */
    static const char *const chars[] = {
        "X1010519491231002X", "1101051949123100X2", "11010519491231002A", "110105A9491231002X",
        "11010519491231002-", "1101051949-231002X", "11010519491231O02X", "11010519491231002\x01"};
    for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
        assert_string_equal(validate_idcard(chars[i], TODAY, &id), "idcard_chars");
    /* full-width digits and other non-ASCII text */
    assert_string_equal(validate_idcard("１１０１０５１９４９１２３１００２Ｘ", TODAY, &id),
                        "idcard_chars");
    assert_string_equal(validate_idcard("1101051949123100２X", TODAY, &id), "idcard_chars");
    assert_string_equal(validate_idcard("身份证", TODAY, &id), "idcard_chars");
    /* very long input */
    char longer[4096];
    memset(longer, '1', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_string_equal(validate_idcard(longer, TODAY, &id), "idcard_length");
}

static void test_uscc_published_sample(void **state)
{
    (void)state;
    struct uscc_info u;
    assert_null(validate_uscc("91350100M000100Y43", &u));
    assert_string_equal(u.code, "91350100M000100Y43");
    assert_int_equal(u.authority, '9');
    assert_int_equal(u.category, '1');
    assert_string_equal(u.label, "企业");
    assert_false(u.unknown_kind);
    assert_string_equal(u.region, "350100");
    /* upper-case normalisation and surrounding blanks */
    assert_null(validate_uscc(" 91350100m000100y43\n", &u));
    assert_string_equal(u.code, "91350100M000100Y43");
    assert_string_equal(validate_uscc("91350100M000100Y44", &u), "uscc_check");
    assert_int_equal(u.code[0], '\0');
}

static void test_uscc_every_character(void **state)
{
    (void)state;
    char c17[18], buf[19];
    struct uscc_info u;
    /* each of the 31 characters in each position of the subject code (9-17) */
    for (int pos = 8; pos < 17; pos++) {
        for (const char *c = uscc_set; *c; c++) {
            memcpy(c17, "51110000000000000", 18);
            c17[pos] = *c;
            assert_null(validate_uscc(uscc_make(c17, buf), &u));
            assert_string_equal(u.code, buf);
            /* lower case is the same code */
            char lower[19];
            memcpy(lower, buf, sizeof(lower));
            for (char *p = lower; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            assert_null(validate_uscc(lower, &u));
            assert_string_equal(u.code, buf);
        }
        for (const char *c = "IOSVZiosvz-* "; *c; c++) {
            memcpy(buf, "51110000000000000", 18);
            buf[pos] = *c;
            for (const char *k = uscc_set; *k; k++) {
                buf[17] = *k; /* whatever the check character */
                assert_string_equal(validate_uscc(buf, &u), "uscc_chars");
            }
        }
    }
    /* each of the 31 characters as the check character */
    for (const char *c = uscc_set; *c; c++) {
        bool seen = false;
        for (const char *k = uscc_set; *k && !seen; k++) {
            memcpy(c17, "91110000MA0000000", 18);
            c17[16] = *k;
            if (uscc_check(c17) == *c) {
                assert_null(validate_uscc(uscc_make(c17, buf), &u));
                assert_int_equal(u.code[17], *c);
                seen = true;
            }
        }
        assert_true(seen);
    }
    /* 1-2 may be letters of the set; 3-8 must be digits */
    assert_null(validate_uscc(uscc_make("Y1110000MA0000000", buf), &u));
    assert_string_equal(validate_uscc("91A10000MA00000001", &u), "uscc_chars");
    assert_string_equal(validate_uscc("I1110000MA00000001", &u), "uscc_chars");
    assert_string_equal(validate_uscc("9O110000MA00000001", &u), "uscc_chars");
    assert_string_equal(validate_uscc("91110000MA0000000I", &u), "uscc_chars");
    assert_string_equal(validate_uscc("91110000MA0000000Z", &u), "uscc_chars");
    assert_string_equal(validate_uscc("91110000MA00000０01", &u), "uscc_chars");
}

static void test_uscc_wrong_check_and_length(void **state)
{
    (void)state;
    char buf[19];
    struct uscc_info u;
    uscc_make("52110000MJ0000000", buf);
    assert_null(validate_uscc(buf, &u));
    char right = buf[17];
    for (const char *c = uscc_set; *c; c++) {
        buf[17] = *c;
        if (*c == right)
            assert_null(validate_uscc(buf, &u));
        else
            assert_string_equal(validate_uscc(buf, &u), "uscc_check");
    }
    static const char *const lengths[] = {"", "9", "91350100M000100Y4", "91350100M000100Y431",
                                          "91350100M000100Y43 X"};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
        assert_string_equal(validate_uscc(lengths[i], &u), "uscc_length");
    assert_string_equal(validate_uscc(NULL, &u), "uscc_length");
    assert_string_equal(validate_uscc("统一社会信用代码", &u), "uscc_chars");
}

static void test_uscc_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *pair;
        const char *label;
    } known[] = {
        {"11", "机关"},
        {"12", "事业单位"},
        {"13", "中央编办直接管理机构编制的群众团体"},
        {"19", "其他（机构编制）"},
        {"51", "社会团体"},
        {"52", "民办非企业单位（社会服务机构）"},
        {"53", "基金会"},
        {"59", "其他（民政）"},
        {"91", "企业"},
        {"92", "个体工商户"},
        {"93", "农民专业合作社"},
        {"31", "律师执业机构"},
        {"71", "宗教活动场所"},
        {"81", "基层工会"},
        {"A1", "军队事业单位"},
        {"N2", "村级集体经济组织"},
        {"Y1", "其他"},
    };
    char c17[18], buf[19];
    struct uscc_info u;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        snprintf(c17, sizeof(c17), "%s110105MA0000001", known[i].pair);
        assert_null(validate_uscc(uscc_make(c17, buf), &u));
        assert_string_equal(u.label, known[i].label);
        assert_false(u.unknown_kind);
        assert_string_equal(u.region, "110105");
    }
    /* an unknown pair is accepted, flagged */
    static const char *const unknown[] = {"94", "99", "10", "58", "Y2", "B1", "00", "1A"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        snprintf(c17, sizeof(c17), "%s110105MA0000001", unknown[i]);
        assert_null(validate_uscc(uscc_make(c17, buf), &u));
        assert_true(u.unknown_kind);
        assert_null(u.label);
        assert_string_equal(u.code, buf);
    }
}

static void test_mobile(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "13812345678",   "+8613812345678",     "008613812345678",   "8613812345678",
        "138 1234 5678", "138-1234-5678",      "+86 138 1234 5678", "+86-138-1234-5678",
        " 13812345678 ", "0086 138-1234-5678", "86 13812345678",
    };
    char out[12];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_null(validate_mobile(ok[i], out));
        assert_string_equal(out, "13812345678");
    }
    for (char second = '3'; second <= '9'; second++) {
        char in[12] = "13012345678";
        in[1] = second;
        assert_null(validate_mobile(in, out));
        assert_string_equal(out, in);
    }
    static const char *const bad[] = {
        "",
        "1381234567",     /* 10 digits */
        "138123456789",   /* 12 digits */
        "12812345678",    /* 12x */
        "10812345678",    /* 10x */
        "23812345678",    /* not 1 */
        "+8513812345678", /* another country */
        "+86138123456789",
        "86138123456",   /* 86 + 9 digits: not a prefix */
        "0086138123456", /* 0086 + 9 digits */
        "+138123456789",
        "1381234567a",
        "138.1234.5678",
        "(138)12345678",
        "０１３８１２３４５６７８",
        "8686 13812345678",
        NULL,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(validate_mobile(bad[i], out), "mobile_invalid");
    /* 86 followed by 11 digits is the prefix, not part of the number */
    assert_null(validate_mobile("8615912345678", out));
    assert_string_equal(out, "15912345678");
}

static void test_landline(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"010-12345678", "010-12345678"},         {"01012345678", "010-12345678"},
        {"010 8765 4321", "010-87654321"},        {"(010)12345678", "010-12345678"},
        {"021-1234567", "021-1234567"},           {"0755-1234567", "0755-1234567"},
        {"0755-12345678", "0755-12345678"},       {"075512345678", "0755-12345678"},
        {"0755-1234567-123", "0755-1234567-123"}, {"0755-12345678#8", "0755-12345678-8"},
        {"+86 10 12345678", "010-12345678"},      {"+86-755-12345678", "0755-12345678"},
        {"0086 10 12345678", "010-12345678"},     {"+86 010 12345678", "010-12345678"},
        {"0991-1234567", "0991-1234567"},
    };
    char out[24];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_null(validate_landline(ok[i].in, out, sizeof(out)));
        assert_string_equal(out, ok[i].out);
    }
    static const char *const bad[] = {
        "",
        "12345678",      /* no area code */
        "010-123456",    /* 6 digits */
        "010-123456789", /* 9 digits */
        "0755-01234567", /* local number starting with 0 */
        "0010-12345678", /* 00 is not an area code */
        "011-12345678",  /* 011 is not an area code */
        "0755-1234567-", /* empty extension */
        "0755-1234567-1234567",
        "0755-1234567x12",
        "(0755-1234567",
        "010--12345678",
        "(010) 1234-5678", /* a dash after 4 digits starts an extension: too short */
        "13812345678",     /* a mobile */
        "+8613812345678",
        "0755-１２３４５６７",
        NULL,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(validate_landline(bad[i], out, sizeof(out)), "landline_invalid");
    /* too small an output buffer is a refusal, not an overflow */
    char small[8];
    assert_string_equal(validate_landline("010-12345678", small, sizeof(small)),
                        "landline_invalid");
}

static void test_phone(void **state)
{
    (void)state;
    char out[24];
    assert_null(validate_phone("+86 138 1234 5678", out, sizeof(out)));
    assert_string_equal(out, "13812345678");
    assert_null(validate_phone("0755-1234567", out, sizeof(out)));
    assert_string_equal(out, "0755-1234567");
    assert_null(validate_phone("01012345678", out, sizeof(out)));
    assert_string_equal(out, "010-12345678");
    assert_string_equal(validate_phone("12345", out, sizeof(out)), "phone_invalid");
    assert_string_equal(validate_phone("12812345678", out, sizeof(out)), "phone_invalid");
    assert_string_equal(validate_phone("", out, sizeof(out)), "phone_invalid");
    assert_string_equal(validate_phone(NULL, out, sizeof(out)), "phone_invalid");
}

static void test_today_is_shanghai(void **state)
{
    (void)state;
    /* 2025-12-31T16:00:00Z is midnight in Shanghai */
    const int64_t midnight = 1767196800;
    clock_advance(midnight - clock_now());
    assert_int_equal(validate_today(), 20260101);
    clock_advance(midnight - 2 - clock_now());
    assert_int_equal(validate_today(), 20251231);
    /* 2024-02-28T16:30:00Z: the leap day */
    clock_advance(1709137800 - clock_now());
    assert_int_equal(validate_today(), 20240229);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idcard_published_sample),
        cmocka_unit_test(test_idcard_lower_case_x),
        cmocka_unit_test(test_idcard_wrong_check),
        cmocka_unit_test(test_idcard_dates),
        cmocka_unit_test(test_idcard_provinces),
        cmocka_unit_test(test_idcard_fifteen_digits),
        cmocka_unit_test(test_idcard_shape),
        cmocka_unit_test(test_uscc_published_sample),
        cmocka_unit_test(test_uscc_every_character),
        cmocka_unit_test(test_uscc_wrong_check_and_length),
        cmocka_unit_test(test_uscc_kinds),
        cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_landline),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_today_is_shanghai),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
