/* test_iso_codes.c - the ISO country and currency lists foliod loads at
 * start (iso_codes.h), from the 3-entry fixture in tests/iso-codes, a
 * damaged one in tests/iso-codes-bad, and the package's own when installed;
 * and foliod refusing to start without them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "iso_codes.h"

#define FIXTURE FOLIO_SOURCE_DIR "/tests/iso-codes"

/* Over a megabyte with the country names: kept off the stacks of the tests. */
static struct iso_codes table;

Test(iso_codes, loads_and_finds_the_fixture)
{
    char why[512] = "";
    cr_assert_eq(iso_codes_load(&table, FIXTURE, why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(table.n_countries, 3);
    cr_assert_eq(table.n_currencies, 3);
    cr_assert(iso_codes_country(&table, "PE"));
    cr_assert(iso_codes_country(&table, "AW"));
    cr_assert(iso_codes_country(&table, "DE"));
    cr_assert_not(iso_codes_country(&table, "XX"));
    cr_assert_not(iso_codes_country(&table, "pe"), "stored codes are upper-case");
    cr_assert_not(iso_codes_country(&table, "PER"));
    cr_assert_not(iso_codes_country(&table, ""));
    cr_assert(iso_codes_currency(&table, "PEN"));
    cr_assert(iso_codes_currency(&table, "AED"));
    cr_assert_not(iso_codes_currency(&table, "XYZ"));
    cr_assert_not(iso_codes_currency(&table, "PE"));
}

Test(iso_codes, a_missing_file_names_it_and_the_package)
{
    char why[512] = "";
    cr_assert_eq(iso_codes_load(&table, "/nonexistent-iso-dir", why, sizeof(why)), -1);
    cr_assert_not_null(strstr(why, "/nonexistent-iso-dir/iso_3166-1.json"), "%s", why);
    cr_assert_not_null(strstr(why, "iso-codes package"), "%s", why);
    cr_assert_eq(table.n_countries, 0);
}

Test(iso_codes, a_damaged_file_is_refused)
{
    char why[512] = "";
    cr_assert_eq(iso_codes_load(&table, FOLIO_SOURCE_DIR "/tests/iso-codes-bad", why, sizeof(why)),
                 -1);
    cr_assert_not_null(strstr(why, "entry 2"), "%s", why);
}

Test(iso_codes, the_package_lists_when_installed)
{
    char why[512] = "";
    if (access(ISO_CODES_DEFAULT_DIR "/" ISO_CODES_COUNTRY_FILE, R_OK) != 0)
        cr_skip_test("iso-codes is not installed");
    cr_assert_eq(iso_codes_load(&table, ISO_CODES_DEFAULT_DIR, why, sizeof(why)), 0, "%s", why);
    cr_assert_gt(table.n_countries, 200);
    cr_assert(iso_codes_country(&table, "PE"));
    cr_assert(iso_codes_currency(&table, "PEN"));
    cr_assert(iso_codes_currency(&table, "EUR"));
    /* Names and codes as address books write them, in several languages
     * (the package's translations are installed with it). */
    static const struct {
        const char *text, *code;
    } names[] = {
        {"Norway", "NO"},
        {"norway", "NO"},
        {"Norwegen", "NO"},
        {"Noruega", "NO"},
        {"Norvège", "NO"},
        {"Norge", "NO"},
        {"NOR", "NO"},
        {"no", "NO"},
        {"Deutschland", "DE"},
        {"Allemagne", "DE"},
        {"Tyskland", "DE"},
        {"Alemania", "DE"},
        {"Österreich", "AT"},
        {"osterreich", "AT"},
        {"United States", "US"},
        {"United States of America", "US"},
        {"USA", "US"},
        {"Perú", "PE"},
        {"Российская Федерация", "RU"},
        {"Норвегия", "NO"},
        {"日本", "JP"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *code = iso_codes_country_find(&table, names[i].text);
        cr_assert_not_null(code, "%s", names[i].text);
        cr_assert_str_eq(code, names[i].code, "%s", names[i].text);
    }
    cr_assert_null(iso_codes_country_find(&table, "Atlantis"));
    cr_assert_null(iso_codes_country_find(&table, "XX"));
    cr_assert_null(iso_codes_country_find(&table, ""));
}

/* foliod reads the lists before the data directory: a start without them
 * stops at once, saying which file is missing and what brings it. */
Test(iso_codes, foliod_refuses_to_start_without_them)
{
    char dir[] = "/tmp/folio-iso-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *out = NULL;
    char *const argv[] = {(char *)FOLIOD_PATH,
                          (char *)"serve",
                          (char *)"--data",
                          dir,
                          (char *)"--plaintext",
                          (char *)"--listen",
                          (char *)"127.0.0.1:0",
                          (char *)"--iso-codes",
                          (char *)"/nonexistent-iso-dir",
                          NULL};
    int rc = harness_run(argv, NULL, &out);
    cr_assert_neq(rc, 0, "%s", out);
    cr_assert_not_null(strstr(out, "/nonexistent-iso-dir/iso_3166-1.json"), "%s", out);
    cr_assert_not_null(strstr(out, "iso-codes"), "%s", out);
    free(out);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
