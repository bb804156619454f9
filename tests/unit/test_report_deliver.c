/* report_deliver: the Vietnamese subject as RFC 2047 encoded-words (each
 * at most 75 characters, cut between characters, decoding to the text
 * exactly) and the Message-ID made of the report and the destination. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_deliver.h"

/* Decodes every "=?UTF-8?B?...?=" of v (separated by one space) into out;
 * checks each word's length and that no word starts inside a character. */
static void decode(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    const char *p = v;
    while (*p) {
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        size_t len = 0;
        assert_int_equal(sodium_base642bin((unsigned char *)out + o, cap - o, p + 10, (size_t)(end - p - 10), NULL, &len,
                                           NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_true(len > 0);
        assert_int_not_equal((unsigned char)out[o] & 0xC0, 0x80);
        o += len;
        p = end + 2;
        if (*p == ' ')
            p++;
    }
    out[o] = '\0';
}

static void subject_in_encoded_words(void **state)
{
    (void)state;
    const char *subject = "Báo cáo thống kê khen thưởng năm 2025, số 12/BC-SNV — Sở Nội vụ tỉnh Sóc Trăng";
    char enc[2000], dec[2000];
    assert_int_equal(report_rfc2047(subject, enc, sizeof enc), 0);
    assert_null(strchr(enc, '\n'));
    for (const char *p = enc; *p; p++)
        assert_true(*p > 0x20 || *p == ' ');
    assert_non_null(strchr(enc, ' ')); /* more than one word */
    decode(enc, dec, sizeof dec);
    assert_string_equal(dec, subject);
    /* three-byte characters all along: still cut between them */
    const char *dashes = "——————————————————————————————————————";
    assert_int_equal(report_rfc2047(dashes, enc, sizeof enc), 0);
    decode(enc, dec, sizeof dec);
    assert_string_equal(dec, dashes);
}

static void ascii_as_it_is_and_limits(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(report_rfc2047("Report 12/BC-SNV", out, sizeof out), 0);
    assert_string_equal(out, "Report 12/BC-SNV");
    assert_int_equal(report_rfc2047("Báo cáo sơ kết 6 tháng năm 2025 của Sở Nội vụ", out, sizeof out), -1);
    char tiny[8];
    assert_int_equal(report_rfc2047("Report 12/BC-SNV", tiny, sizeof tiny), -1);
    assert_int_equal(report_rfc2047("", out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void message_id_of_report_and_destination(void **state)
{
    (void)state;
    char id[128];
    report_message_id(12, 3, "so-noi-vu.soctrang.gov.vn", id, sizeof id);
    assert_string_equal(id, "<report-12.dest-3@so-noi-vu.soctrang.gov.vn>");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_in_encoded_words),
        cmocka_unit_test(ascii_as_it_is_and_limits),
        cmocka_unit_test(message_id_of_report_and_destination),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
