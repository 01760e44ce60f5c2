/* iso_codes.h - the country (ISO 3166-1 alpha-2) and currency (ISO 4217)
 * codes records are checked against.
 *
 * foliod loads them once at start from the Debian iso-codes package's JSON
 * lists (DIR/iso_3166-1.json and DIR/iso_4217.json) into a struct server
 * and hands them to validation through the request: no global, so tests
 * load a small fixture and two servers in one process never share one.
 * After loading, the table is only read, from any thread. */
#ifndef FOLIO_ISO_CODES_H
#define FOLIO_ISO_CODES_H

#include <stdbool.h>
#include <stddef.h>

#define ISO_CODES_DEFAULT_DIR   "/usr/share/iso-codes/json"
#define ISO_CODES_COUNTRY_FILE  "iso_3166-1.json"
#define ISO_CODES_CURRENCY_FILE "iso_4217.json"
/* Bounds on what a file may hold (the real ones: 43 KiB and 249 entries,
 * 17 KiB and 181): a file far past them is not the package's. */
#define ISO_CODES_FILE_MAX    (1024 * 1024)
#define ISO_CODES_ENTRIES_MAX 1024

struct iso_codes {
    char countries[ISO_CODES_ENTRIES_MAX][3]; /* upper-case, sorted, unique */
    size_t n_countries;
    char currencies[ISO_CODES_ENTRIES_MAX][4];
    size_t n_currencies;
};

/* Fills *t from the two files in dir. 0, or -1 with why (naming the file
 * and, when it is missing, the package) in why[why_len]. */
int iso_codes_load(struct iso_codes *t, const char *dir, char *why, size_t why_len);

/* Whether code (upper-case, as stored) is a known country or currency. */
bool iso_codes_country(const struct iso_codes *t, const char *code);
bool iso_codes_currency(const struct iso_codes *t, const char *code);

#endif
