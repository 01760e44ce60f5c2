/* iso_codes.c - see iso_codes.h.
 *
 * The files are read whole (bounded) and parsed with jansson; each entry
 * must carry a code of exactly the expected number of ASCII letters, so a
 * damaged or foreign file is refused at start rather than letting every
 * record through, or none. Country names come from the same file and from
 * the package's gettext catalogues (.mo files, read here: a format of
 * offsets and lengths, each checked against the file's size). */
#include "iso_codes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

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

/* text folded for comparison into out (ISO_CODES_NAME_MAX + 1 bytes):
 * case and accents folded, ASCII spaces and punctuation dropped. False
 * when it is not UTF-8, folds to nothing or is too long. */
static bool iso_fold(const char *text, size_t len, char *out)
{
    utf8proc_uint8_t *folded = NULL;
    if (len > ISO_CODES_FILE_MAX)
        return false;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &folded,
                     UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                         UTF8PROC_STRIPMARK);
    if (n < 0)
        return false;
    size_t k = 0;
    bool ok = true;
    for (utf8proc_ssize_t i = 0; i < n && ok; i++) {
        unsigned char c = folded[i];
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (k == ISO_CODES_NAME_MAX)
            ok = false;
        else
            out[k++] = (char)c;
    }
    free(folded);
    out[k] = '\0';
    return ok && k > 0;
}

static int iso_name_order(const void *a, const void *b)
{
    return strcmp(((const struct iso_country_name *)a)->name,
                  ((const struct iso_country_name *)b)->name);
}

static void iso_add_name(struct iso_codes *t, const char *name, size_t len, const char *code)
{
    if (name == NULL || t->n_names == ISO_CODES_NAMES_MAX)
        return;
    struct iso_country_name *e = &t->names[t->n_names];
    if (!iso_fold(name, len, e->name))
        return;
    memcpy(e->code, code, 3);
    t->n_names++;
}

static const struct iso_country_name *iso_find_name(const struct iso_country_name *names, size_t n,
                                                    const char *text, size_t len)
{
    struct iso_country_name probe;
    if (!iso_fold(text, len, probe.name))
        return NULL;
    return bsearch(&probe, names, n, sizeof(*names), iso_name_order);
}

/* The English names and alpha-3 codes of the country list. */
static void iso_english_names(struct iso_codes *t, const char *dir)
{
    char path[4096], why[64];
    size_t size = 0;
    if (snprintf(path, sizeof(path), "%s/%s", dir, ISO_CODES_COUNTRY_FILE) >= (int)sizeof(path))
        return;
    char *text = iso_read(path, &size, why, sizeof(why));
    json_t *root = text != NULL ? json_loadb(text, size, 0, NULL) : NULL;
    free(text);
    json_t *list = json_object_get(root, "3166-1");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(e, "alpha_2"));
        if (code == NULL || strlen(code) != 2)
            continue;
        static const char *const keys[] = {"name", "official_name", "common_name", "alpha_3"};
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            const char *v = json_string_value(json_object_get(e, keys[k]));
            if (v != NULL)
                iso_add_name(t, v, strlen(v), code);
        }
    }
    json_decref(root);
}

static uint32_t iso_mo_u32(const unsigned char *p, bool swap)
{
    return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The string of entry i of the table at offset table, or NULL when the
 * file does not hold it. */
static const char *iso_mo_string(const unsigned char *mo, size_t size, uint32_t table, uint32_t i,
                                 bool swap, size_t *len)
{
    uint64_t at = (uint64_t)table + (uint64_t)i * 8;
    if (at + 8 > size)
        return NULL;
    uint32_t n = iso_mo_u32(mo + at, swap), off = iso_mo_u32(mo + at + 4, swap);
    if ((uint64_t)off + n >= size || mo[off + n] != '\0')
        return NULL;
    *len = n;
    return (const char *)mo + off;
}

/* Adds the translated names of one catalogue: each msgid that is an
 * English name names the country of its msgstr. */
static void iso_translations(struct iso_codes *t, size_t n_english, const char *path)
{
    char why[64];
    size_t size = 0;
    unsigned char *mo = (unsigned char *)iso_read(path, &size, why, sizeof(why));
    if (mo == NULL)
        return;
    bool swap = size >= 4 && mo[0] == 0x95 && mo[1] == 0x04 && mo[2] == 0x12 && mo[3] == 0xde;
    if (size < 20 || (!swap && iso_mo_u32(mo, false) != 0x950412de)) {
        free(mo);
        return;
    }
    uint32_t n = iso_mo_u32(mo + 8, swap), orig = iso_mo_u32(mo + 12, swap),
             trans = iso_mo_u32(mo + 16, swap);
    for (uint32_t i = 0; i < n && i < ISO_CODES_NAMES_MAX; i++) {
        size_t id_len, str_len;
        const char *id = iso_mo_string(mo, size, orig, i, swap, &id_len);
        const char *str = iso_mo_string(mo, size, trans, i, swap, &str_len);
        if (id == NULL || str == NULL || id_len == 0 || str_len == 0)
            continue;
        const struct iso_country_name *english = iso_find_name(t->names, n_english, id, id_len);
        if (english != NULL) {
            char code[3];
            memcpy(code, english->code, 3);
            iso_add_name(t, str, str_len, code);
        }
    }
    free(mo);
}

static void iso_load_names(struct iso_codes *t, const char *dir)
{
    iso_english_names(t, dir);
    qsort(t->names, t->n_names, sizeof(t->names[0]), iso_name_order);
    size_t n_english = t->n_names;
    static const char *const languages[] = {ISO_CODES_LANGUAGES};
    for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++) {
        char path[4096];
        if (snprintf(path, sizeof(path), "%s/../../locale/%s/LC_MESSAGES/iso_3166-1.mo", dir,
                     languages[i]) < (int)sizeof(path))
            iso_translations(t, n_english, path);
    }
    qsort(t->names, t->n_names, sizeof(t->names[0]), iso_name_order);
}

const char *iso_codes_country_find(struct iso_codes *t, const char *text)
{
    if (text == NULL)
        return NULL;
    pthread_mutex_lock(&t->names_lock);
    if (!t->names_loaded) {
        iso_load_names(t, t->dir);
        t->names_loaded = true;
    }
    pthread_mutex_unlock(&t->names_lock);
    char code[3];
    size_t len = strlen(text);
    if (len == 2) {
        code[0] = (char)(text[0] >= 'a' && text[0] <= 'z' ? text[0] - 'a' + 'A' : text[0]);
        code[1] = (char)(text[1] >= 'a' && text[1] <= 'z' ? text[1] - 'a' + 'A' : text[1]);
        code[2] = '\0';
        const char(*hit)[3] =
            bsearch(code, t->countries, t->n_countries, sizeof(t->countries[0]), iso_code_order);
        if (hit != NULL)
            return *hit;
    }
    const struct iso_country_name *name = iso_find_name(t->names, t->n_names, text, len);
    return name != NULL ? name->code : NULL;
}

int iso_codes_load(struct iso_codes *t, const char *dir, char *why, size_t why_len)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->names_lock, NULL);
    if (strlen(dir) > ISO_CODES_DIR_MAX) {
        snprintf(why, why_len, "--iso-codes: a path of at most %d bytes", ISO_CODES_DIR_MAX);
        return -1;
    }
    memcpy(t->dir, dir, strlen(dir) + 1);
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
