/* test_host_name.c - the host names foliod init --hostname and --listen
 * accept: RFC 1123's, bounded; and the certificate names they fill, each
 * kind bounded and kept once. */
#include <criterion/criterion.h>
#include <string.h>

#include "host_name.h"
#include "tls_cert.h"

/* A name of labels of len bytes joined by dots, total bytes long. */
static void host_name_test_long(char *out, size_t total, size_t label)
{
    for (size_t i = 0; i < total; i++)
        out[i] = (i + 1) % (label + 1) == 0 ? '.' : 'a';
    out[total] = '\0';
    if (out[total - 1] == '.')
        out[total - 1] = 'a';
}

Test(host_name, rfc_1123_names_pass)
{
    static const char *const good[] = {"localhost",      "folio.example.org",     "a",
                                       "9lives.example", "xn--bcher-kva.example", "A-B.C-D",
                                       "192.168.1.1"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_assert(host_name_valid(good[i]), "%s", good[i]);
    char name[300];
    host_name_test_long(name, 253, 63);
    cr_assert(host_name_valid(name), "253 bytes in labels of 63");
}

Test(host_name, what_is_not_a_host_name_fails)
{
    static const char *const bad[] = {"",         "-a.example",  "a-.example", "a..example",
                                      ".example", "example.",    "*.example",  "a_b.example",
                                      "a b",      "caf\xc3\xa9", "a:b",        "a/b"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(host_name_valid(bad[i]), "\"%s\"", bad[i]);
    char name[300];
    host_name_test_long(name, 254, 63);
    cr_assert_not(host_name_valid(name), "254 bytes");
    memset(name, 'a', 64);
    name[64] = '\0';
    cr_assert_not(host_name_valid(name), "a label of 64 bytes");
    name[63] = '\0';
    cr_assert(host_name_valid(name), "a label of 63 bytes");
}

Test(host_name, addresses_are_told_apart)
{
    cr_assert(host_name_is_ip("127.0.0.1"));
    cr_assert(host_name_is_ip("2001:db8::1"));
    cr_assert_not(host_name_is_ip("192.0.2"));
    cr_assert_not(host_name_is_ip("fe80::1%eth0"));
    cr_assert_not(host_name_is_ip("localhost"));
}

Test(host_name, certificate_names_are_bounded_checked_and_kept_once)
{
    struct tls_cert_names names = {0};
    char why[256];
    static char given[TLS_CERT_GIVEN_NAMES_MAX + 1][32];
    for (int i = 0; i < TLS_CERT_GIVEN_NAMES_MAX; i++) {
        snprintf(given[i], sizeof(given[i]), "h%d.example", i);
        cr_assert_eq(tls_cert_names_add_host(&names, given[i], why, sizeof(why)), 0, "%s", why);
    }
    cr_assert_eq(tls_cert_names_add_host(&names, "H0.EXAMPLE", why, sizeof(why)), 0,
                 "a name again, in other case, is kept once");
    cr_assert_eq(names.host_name_count, TLS_CERT_GIVEN_NAMES_MAX);
    snprintf(given[TLS_CERT_GIVEN_NAMES_MAX], 32, "one-more.example");
    cr_assert_eq(tls_cert_names_add_host(&names, given[TLS_CERT_GIVEN_NAMES_MAX], why, sizeof(why)),
                 -1);
    cr_assert(strstr(why, "at most 16 host names") != NULL, "%s", why);
    cr_assert_eq(tls_cert_names_add_host(&names, "10.0.0.1", why, sizeof(why)), -1);
    cr_assert(strstr(why, "--ip") != NULL, "%s", why);
    cr_assert_eq(tls_cert_names_add_ip(&names, "folio.example", why, sizeof(why)), -1);
    cr_assert(strstr(why, "not an IPv4 or IPv6 address") != NULL, "%s", why);
    cr_assert_eq(tls_cert_names_add_ip(&names, "2001:db8::1", why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(tls_cert_names_add_ip(&names, "2001:db8::1", why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(names.ip_address_count, 1);
}
