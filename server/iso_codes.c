/* iso_codes.c - see iso_codes.h.
 *
 * The files are read whole (bounded) and parsed with jansson; each entry
 * must carry a code of exactly the expected number of ASCII letters, so a
 * damaged or foreign file is refused at start rather than letting every
 * record through, or none. */
#include "iso_codes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* One list: the file, its top-level key, the code's key and length. */
struct iso_list {
    const char *file;
    const char *key;
    const char *field;
    size_t len;
    char *codes; /* n entries of len + 1 bytes */
    size_t *n;
};

static int iso_code_order(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The whole file, at most ISO_CODES_FILE_MAX bytes, in malloc'd memory. */
static char *iso_read(const char *path, size_t *size, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT)
            snprintf(why, why_len,
                     "%s is missing: install the iso-codes package, or point "
                     "--iso-codes at a directory holding it",
                     path);
        else
            snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(ISO_CODES_FILE_MAX + 1);
    size_t got = buf != NULL ? fread(buf, 1, ISO_CODES_FILE_MAX + 1, f) : 0;
    bool failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed || got > ISO_CODES_FILE_MAX) {
        snprintf(why, why_len, "%s: %s", path,
                 buf == NULL                ? "out of memory"
                 : got > ISO_CODES_FILE_MAX ? "larger than "
                                              "1 MiB: not the iso-codes list"
                                            : "cannot be read");
        free(buf);
        return NULL;
    }
    *size = got;
    return buf;
}

static int iso_load_list(const char *dir, struct iso_list *l, char *why, size_t why_len)
{
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/%s", dir, l->file) >= (int)sizeof(path)) {
        snprintf(why, why_len, "--iso-codes: the directory's name is too long");
        return -1;
    }
    size_t size = 0;
    char *text = iso_read(path, &size, why, why_len);
    if (text == NULL)
        return -1;
    json_error_t err;
    json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &err);
    free(text);
    json_t *list = json_is_object(root) ? json_object_get(root, l->key) : NULL;
    if (!json_is_array(list)) {
        snprintf(why, why_len, "%s: not the iso-codes list (no \"%s\" array)", path, l->key);
        json_decref(root);
        return -1;
    }
    size_t n = json_array_size(list);
    if (n == 0 || n > ISO_CODES_ENTRIES_MAX) {
        snprintf(why, why_len, "%s: %zu entries, not 1 to %d", path, n, ISO_CODES_ENTRIES_MAX);
        json_decref(root);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *code = json_string_value(json_object_get(json_array_get(list, i), l->field));
        bool ok = code != NULL && strlen(code) == l->len;
        for (size_t k = 0; ok && k < l->len; k++)
            ok = code[k] >= 'A' && code[k] <= 'Z';
        if (!ok) {
            snprintf(why, why_len, "%s: entry %zu has no %zu-letter \"%s\"", path, i + 1, l->len,
                     l->field);
            json_decref(root);
            return -1;
        }
        memcpy(l->codes + i * (l->len + 1), code, l->len + 1);
    }
    json_decref(root);
    qsort(l->codes, n, l->len + 1, iso_code_order);
    /* Duplicates would do no harm to the search, but say the file is not
     * the list it claims to be. */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(l->codes + (i - 1) * (l->len + 1), l->codes + i * (l->len + 1)) == 0) {
            snprintf(why, why_len, "%s: %s is listed twice", path, l->codes + i * (l->len + 1));
            return -1;
        }
    }
    *l->n = n;
    return 0;
}

int iso_codes_load(struct iso_codes *t, const char *dir, char *why, size_t why_len)
{
    memset(t, 0, sizeof(*t));
    struct iso_list countries = {ISO_CODES_COUNTRY_FILE, "3166-1",       "alpha_2", 2,
                                 &t->countries[0][0],    &t->n_countries};
    struct iso_list currencies = {ISO_CODES_CURRENCY_FILE, "4217",          "alpha_3", 3,
                                  &t->currencies[0][0],    &t->n_currencies};
    if (iso_load_list(dir, &countries, why, why_len) != 0 ||
        iso_load_list(dir, &currencies, why, why_len) != 0) {
        t->n_countries = t->n_currencies = 0;
        return -1;
    }
    return 0;
}

bool iso_codes_country(const struct iso_codes *t, const char *code)
{
    return code != NULL && strlen(code) == 2 &&
           bsearch(code, t->countries, t->n_countries, sizeof(t->countries[0]), iso_code_order) !=
               NULL;
}

bool iso_codes_currency(const struct iso_codes *t, const char *code)
{
    return code != NULL && strlen(code) == 3 &&
           bsearch(code, t->currencies, t->n_currencies, sizeof(t->currencies[0]),
                   iso_code_order) != NULL;
}
