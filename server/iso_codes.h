/* iso_codes.h - the country (ISO 3166-1 alpha-2) and currency (ISO 4217)
 * codes records are checked against.
 *
 * foliod loads them once at start from the Debian iso-codes package's JSON
 * lists (DIR/iso_3166-1.json and DIR/iso_4217.json) into a struct server
 * and hands them to validation through the request: no global, so tests
 * load a small fixture and two servers in one process never share one.
 * After loading, the table is only read, from any thread (the names are
 * filled once, under a lock: iso_codes_country_find). */
#ifndef FOLIO_ISO_CODES_H
#define FOLIO_ISO_CODES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define ISO_CODES_DEFAULT_DIR   "/usr/share/iso-codes/json"
#define ISO_CODES_COUNTRY_FILE  "iso_3166-1.json"
#define ISO_CODES_CURRENCY_FILE "iso_4217.json"
/* Bounds on what a file may hold (the real ones: 43 KiB and 249 entries,
 * 17 KiB and 181): a file far past them is not the package's. */
#define ISO_CODES_FILE_MAX    (1024 * 1024)
#define ISO_CODES_ENTRIES_MAX 1024

/* Country names, as address books and spreadsheets write them: the
 * English name, official and common names and alpha-3 code of the JSON
 * list, and the names of the package's translations (iso_3166-1.mo of
 * ISO_CODES_LANGUAGES under the locale directory beside it), folded for
 * comparison (case, accents, spaces and punctuation do not count). */
#define ISO_CODES_NAMES_MAX 16384
#define ISO_CODES_DIR_MAX   4000 /* bytes of the directory's path */
#define ISO_CODES_NAME_MAX  63   /* bytes of a folded name kept */
#define ISO_CODES_LANGUAGES                                                                        \
    "de", "es", "fr", "nb", "nn", "da", "sv", "fi", "it", "pt", "pt_BR", "nl", "pl", "cs", "tr",   \
        "el", "ru", "uk", "ja", "zh_CN", "zh_TW", "ko", "ar", "he"

struct iso_country_name {
    char name[ISO_CODES_NAME_MAX + 1]; /* folded */
    char code[3];
};

struct iso_codes {
    char countries[ISO_CODES_ENTRIES_MAX][3]; /* upper-case, sorted, unique */
    size_t n_countries;
    char currencies[ISO_CODES_ENTRIES_MAX][4];
    size_t n_currencies;
    /* The names are read at their first use, by iso_codes_country_find:
     * folding some ten thousand names in two dozen languages costs three
     * times the rest of a server's start, and only imports need them. */
    pthread_mutex_t names_lock;
    bool names_loaded;
    char dir[ISO_CODES_DIR_MAX + 1];                    /* where they are */
    struct iso_country_name names[ISO_CODES_NAMES_MAX]; /* sorted by name */
    size_t n_names;
};

/* Fills *t from the two files in dir, and remembers dir for the names of
 * countries, read from the country file and the translations found in
 * dir/../../locale (the package's layout: /usr/share/iso-codes/json,
 * /usr/share/locale) at their first use; a translation that is missing or
 * damaged is skipped. 0, or -1 with why (naming the file and, when it is
 * missing, the package) in why[why_len]. */
int iso_codes_load(struct iso_codes *t, const char *dir, char *why, size_t why_len);

/* Whether code (upper-case, as stored) is a known country or currency. */
bool iso_codes_country(const struct iso_codes *t, const char *code);
bool iso_codes_currency(const struct iso_codes *t, const char *code);

/* The alpha-2 code of a country as people write it: its code (any case,
 * alpha-2 or alpha-3) or a name in English or one of the languages loaded
 * ("Norway", "Norwegen", "Noruega", "NOR", "no"). NULL when none. The
 * first call reads the names (some 50 ms), under t's lock: any thread. */
const char *iso_codes_country_find(struct iso_codes *t, const char *text);

#endif
