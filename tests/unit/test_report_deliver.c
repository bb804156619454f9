/* report_deliver: the Vietnamese subject as RFC 2047 encoded-words (each
 * at most 75 characters, cut between characters, decoding to the text
 * exactly), the Message-ID made of the report and the destination, and
 * that of a notice to a user; the users' e-mail addresses as `thidua
 * user` takes them (cli_user). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_user.h"
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

static void notice_message_id_of_report_event_and_user(void **state)
{
    (void)state;
    char id[128];
    report_notice_message_id(41, "drafted", 7, "so-noi-vu.soctrang.gov.vn", id, sizeof id);
    assert_string_equal(id, "<report-41.drafted.user-7@so-noi-vu.soctrang.gov.vn>");
    report_notice_message_id(41, "late", 7, "x.vn", id, sizeof id);
    assert_string_equal(id, "<report-41.late.user-7@x.vn>");
}

static void email_addresses(void **state)
{
    (void)state;
    const char *ok[] = {"van-phong@snv.soctrang.gov.vn", "a.b+c@x-y.vn", "A_1@b.co", "o'brien@x.vn"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(cli_user_email_ok(ok[i]));
    const char *bad[] = {"", "@x.vn", "a@", "a@localhost", "a b@x.vn", "a@b@x.vn", "a@-x.vn", "a@x-.vn", "a@x..vn",
                         "a@.x.vn", "a@x.vn.", "<a@x.vn>", "a,b@x.vn", "a\"@x.vn", "a@x.vn\r\nBcc: b@y.vn",
                         "thư@x.vn", "a@xn--t-ufa.vn\n", "a@x_y.vn"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_user_email_ok(bad[i]))
            fail_msg("taken: %s", bad[i]);
    char local[70], domain[80], whole[300];
    memset(local, 'a', 64);
    local[64] = '\0';
    snprintf(whole, sizeof whole, "%s@x.vn", local);
    assert_true(cli_user_email_ok(whole));
    memset(local, 'a', 65);
    local[65] = '\0';
    snprintf(whole, sizeof whole, "%s@x.vn", local);
    assert_false(cli_user_email_ok(whole));
    memset(domain, 'd', 63);
    domain[63] = '\0';
    snprintf(whole, sizeof whole, "a@%s.vn", domain);
    assert_true(cli_user_email_ok(whole));
    memset(domain, 'd', 64);
    domain[64] = '\0';
    snprintf(whole, sizeof whole, "a@%s.vn", domain);
    assert_false(cli_user_email_ok(whole));
    /* 254 characters at most in all */
    snprintf(whole, sizeof whole, "%.64s@%.63s.%.63s.%.61s", local, domain, domain, domain);
    assert_int_equal(strlen(whole), 254);
    assert_true(cli_user_email_ok(whole));
    snprintf(whole, sizeof whole, "%.64s@%.63s.%.63s.%.62s", local, domain, domain, domain);
    assert_false(cli_user_email_ok(whole));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_in_encoded_words),
        cmocka_unit_test(ascii_as_it_is_and_limits),
        cmocka_unit_test(message_id_of_report_and_destination),
        cmocka_unit_test(notice_message_id_of_report_event_and_user),
        cmocka_unit_test(email_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
