/* output.c - see output.h.
 *
 * JSON is built with jansson and written whole by out_finish, or a line a
 * record by out_stream. Terminal widths come from utf8proc's tables, so
 * that wide (CJK) characters and combining marks line up in tables. */
#include "output.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#define CARD_LABEL_MIN 9
#define NOTE_MAX       2048

static struct {
    bool json;
    json_t *doc;   /* the top-level JSON object; NULL until something is added */
    bool streamed; /* records went out as NDJSON lines (out_stream) */
    bool text;     /* plain text was printed instead of a document */
    FILE *capture; /* out_capture_begin: where out_text writes meanwhile */
    char *captured;
    size_t captured_len;
} out;

struct out_cell {
    char *text;
    size_t width;
};

struct out_table {
    const char *empty_note;
    json_t *json_rows; /* JSON mode: the array in the document */
    size_t ncols;
    size_t nrows;
    size_t cap;
    struct out_cell *cells; /* nrows * ncols, header row first */
    size_t *width;          /* per column */
};

static void *xrealloc(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        goto oom;
    p = realloc(p, n * size);
    if (p == NULL && n * size != 0)
        goto oom;
    return p;
oom:
    fputs("folio: out of memory\n", stderr);
    exit(1);
}

void out_init(bool json)
{
    out.json = json;
}

bool out_json(void)
{
    return out.json;
}

/* Code points that would let a hostile string drive the terminal or reorder
 * what is shown: C0 and C1 controls, DEL, bidirectional overrides. */
static bool unsafe_on_terminal(int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* The columns cp takes on a terminal: 2 for wide (CJK) characters, 0 for
 * combining marks, from utf8proc's tables rather than the C library's,
 * which depend on the locale. */
static size_t columns_of(int32_t cp)
{
    int w = utf8proc_charwidth(cp);
    return w > 0 ? (size_t)w : 0;
}

/* A copy of s safe to print on a terminal, and its width in columns.
 * Invalid UTF-8 and unsafe code points become '?'. */
static char *human_clean(const char *s, size_t *width)
{
    if (s == NULL)
        s = "";
    size_t len = strlen(s);
    char *dst = xrealloc(NULL, len + 1, 1);
    size_t o = 0;
    size_t w = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p != '\0') {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0 || unsafe_on_terminal(cp)) {
            dst[o++] = '?';
            w++;
            p += n <= 0 ? 1 : n;
        } else {
            memcpy(dst + o, p, (size_t)n);
            o += (size_t)n;
            w += columns_of(cp);
            p += n;
        }
    }
    dst[o] = '\0';
    if (width != NULL)
        *width = w;
    return dst;
}

/* A JSON string of s, its invalid UTF-8 bytes replaced by U+FFFD (jansson
 * accepts valid UTF-8 only); null for NULL or "", the absent value. */
static json_t *json_text(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return json_null();
    size_t len = strlen(s);
    json_t *valid = json_stringn(s, len);
    if (valid != NULL)
        return valid;
    /* Each bad byte grows to three. */
    char *fixed = xrealloc(NULL, len, 3);
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p != '\0') {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0) {
            memcpy(fixed + o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
        } else {
            memcpy(fixed + o, p, (size_t)n);
            o += (size_t)n;
            p += n;
        }
    }
    json_t *j = json_stringn(fixed, o);
    free(fixed);
    return j;
}

/* Hundredths as the shortest decimal: 52000, 52000.5, -0.05. */
static void format_cents(int64_t cents, bool all_digits, char *buf, size_t cap)
{
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    unsigned frac = (unsigned)(mag % 100);
    const char *sign = cents < 0 ? "-" : "";
    unsigned long long whole = (unsigned long long)(mag / 100);
    if (all_digits)
        snprintf(buf, cap, "%s%llu.%02u", sign, whole, frac);
    else if (frac == 0)
        snprintf(buf, cap, "%s%llu", sign, whole);
    else if (frac % 10 == 0)
        snprintf(buf, cap, "%s%llu.%u", sign, whole, frac / 10);
    else
        snprintf(buf, cap, "%s%llu.%02u", sign, whole, frac);
}

/* RFC 3339 in UTC ("2026-12-03T11:24:50Z"); false when t has no such form. */
static bool format_time(int64_t t, char *buf, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
        tm.tm_year < 0 - 1900)
        return false;
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return true;
}

/* ---------------------------------------------------------------- JSON */

static json_t *json_record(const struct out_field *fld, size_t n);

/* Amounts of money are JSON numbers: whole ones integers, others reals
 * printed with JSON_REAL_PRECISION(16), enough for every amount the server
 * allows (10^15 hundredths) to read back as written. */
static json_t *json_cents(int64_t cents)
{
    if (cents % 100 == 0)
        return json_integer(cents / 100);
    return json_real((double)cents / 100.0);
}

static json_t *json_time(int64_t t)
{
    char buf[32];
    /* A time beyond year 9999 has no RFC 3339 form: no server makes one. */
    if (t == 0 || !format_time(t, buf, sizeof(buf)))
        return json_null();
    return json_string(buf);
}

static json_t *json_value(const struct out_field *fld)
{
    json_t *a;
    if (fld->zero_null && fld->u == 0 && fld->i == 0)
        return json_null();
    switch (fld->type) {
    case OUT_STR:
    case OUT_NSTR:
        return json_text(fld->s);
    case OUT_CENTS:
        return json_cents(fld->i);
    case OUT_STRS:
        a = json_array();
        for (size_t k = 0; k < fld->n; k++)
            json_array_append_new(a, json_text(fld->strs[k]));
        return a;
    case OUT_UINTS:
        a = json_array();
        for (size_t k = 0; k < fld->n; k++)
            json_array_append_new(a, json_integer(fld->uints[k]));
        return a;
    case OUT_LIST:
        a = json_array();
        for (size_t k = 0; k < fld->n; k++) {
            struct out_field item[OUT_ITEM_FIELDS_MAX];
            json_array_append_new(a, json_record(item, fld->item(fld->list, k, item)));
        }
        return a;
    case OUT_OBJECT:
        if (fld->n == 0)
            return json_null();
        struct out_field item[OUT_ITEM_FIELDS_MAX];
        return json_record(item, fld->item(fld->list, 0, item));
    case OUT_UINT:
        /* jansson's integers are signed: ids and counts never reach 2^63. */
        return json_integer(fld->u > INT64_MAX ? INT64_MAX : (json_int_t)fld->u);
    case OUT_INT:
        return json_integer(fld->i);
    case OUT_TIME:
        return json_time(fld->i);
    case OUT_BOOL:
        return json_boolean(fld->b);
    }
    return json_null();
}

static void json_add(json_t *object, const struct out_field *fld, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_set_new(object, fld[i].key, json_value(&fld[i]));
}

static json_t *json_record(const struct out_field *fld, size_t n)
{
    json_t *o = json_object();
    json_add(o, fld, n);
    return o;
}

/* The top-level object, made by the first thing printed. */
static json_t *json_document(void)
{
    if (out.doc == NULL)
        out.doc = json_object();
    return out.doc;
}

/* Writes j as one line and frees it. */
static int json_line(json_t *j, FILE *f)
{
    int rc = json_dumpf(j, f, JSON_COMPACT | JSON_REAL_PRECISION(16));
    json_decref(j);
    if (rc == 0 && putc('\n', f) == EOF)
        rc = -1;
    return rc;
}

/* ---------------------------------------------------------------- people */

static char *human_value(const struct out_field *fld, size_t *width);

/* A growing string for the human form of lists. */
struct out_buf {
    char *s;
    size_t len;
};

static void buf_add(struct out_buf *b, const char *sep, char *text)
{
    size_t sep_len = b->len > 0 ? strlen(sep) : 0;
    size_t text_len = strlen(text);
    b->s = xrealloc(b->s, b->len + sep_len + text_len + 1, 1);
    memcpy(b->s + b->len, sep, sep_len);
    memcpy(b->s + b->len + sep_len, text, text_len + 1);
    b->len += sep_len + text_len;
    free(text);
}

/* Strings joined by ", "; records as their non-empty values joined by " ",
 * one after the other with "; " between. */
static char *human_list(const struct out_field *fld, size_t *width)
{
    struct out_buf b = {NULL, 0};
    for (size_t k = 0; k < fld->n; k++) {
        if (fld->type == OUT_STRS) {
            buf_add(&b, ", ", human_clean(fld->strs[k], NULL));
            continue;
        }
        if (fld->type == OUT_UINTS) {
            char year[16];
            snprintf(year, sizeof(year), "%u", (unsigned)fld->uints[k]);
            buf_add(&b, ", ", human_clean(year, NULL));
            continue;
        }
        struct out_field item[OUT_ITEM_FIELDS_MAX];
        size_t n = fld->item(fld->list, k, item);
        struct out_buf one = {NULL, 0};
        for (size_t j = 0; j < n; j++) {
            bool empty = ((item[j].type == OUT_STR || item[j].type == OUT_NSTR) &&
                          (item[j].s == NULL || item[j].s[0] == '\0')) ||
                         (item[j].type == OUT_TIME && item[j].zero_null && item[j].i == 0);
            if (item[j].label != NULL && !empty)
                buf_add(&one, " ", human_value(&item[j], NULL));
        }
        buf_add(&b, "; ", one.s != NULL ? one.s : human_clean("-", NULL));
    }
    if (b.s == NULL)
        return human_clean("-", width);
    char *clean = human_clean(b.s, width);
    free(b.s);
    return clean;
}

/* The human form of a value, malloc'd and safe to print. */
static char *human_value(const struct out_field *fld, size_t *width)
{
    char buf[64];
    switch (fld->type) {
    case OUT_STR:
    case OUT_NSTR:
        if (fld->s != NULL && fld->s[0] != '\0')
            return human_clean(fld->s, width);
        snprintf(buf, sizeof(buf), "-");
        break;
    case OUT_CENTS:
        /* Not set, as JSON's null: a table of events shows amounts of
         * income events only. */
        if (fld->zero_null && fld->i == 0)
            snprintf(buf, sizeof(buf), "-");
        else
            format_cents(fld->i, true, buf, sizeof(buf));
        break;
    case OUT_STRS:
    case OUT_UINTS:
    case OUT_LIST:
    case OUT_OBJECT:
        return human_list(fld, width);
    case OUT_UINT:
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)fld->u);
        break;
    case OUT_INT:
        snprintf(buf, sizeof(buf), "%lld", (long long)fld->i);
        break;
    case OUT_BOOL:
        snprintf(buf, sizeof(buf), "%s", fld->b ? "yes" : "no");
        break;
    case OUT_TIME:
        if (fld->i == 0)
            snprintf(buf, sizeof(buf), "-");
        else if (!format_time(fld->i, buf, sizeof(buf)))
            snprintf(buf, sizeof(buf), "%lld", (long long)fld->i);
        break;
    }
    return human_clean(buf, width);
}

static void human_card(const struct out_field *fld, size_t n)
{
    size_t label_width = CARD_LABEL_MIN;
    for (size_t i = 0; i < n; i++)
        if (fld[i].label != NULL && strlen(fld[i].label) + 1 > label_width)
            label_width = strlen(fld[i].label) + 1;
    for (size_t i = 0; i < n; i++) {
        if (fld[i].label == NULL)
            continue;
        char *v = human_value(&fld[i], NULL);
        printf("%s:%*s %s\n", fld[i].label, (int)(label_width - strlen(fld[i].label) - 1), "", v);
        free(v);
    }
}

/* ---------------------------------------------------------------- the API */

void out_object(const char *key, const struct out_field *f, size_t n)
{
    if (out.json)
        json_object_set_new(json_document(), key, json_record(f, n));
    else
        human_card(f, n);
}

void out_fields(const struct out_field *f, size_t n)
{
    if (out.json)
        json_add(json_document(), f, n);
    else
        human_card(f, n);
}

void out_null(const char *key)
{
    if (out.json)
        json_object_set_new(json_document(), key, json_null());
}

void out_stream_begin(void)
{
    out.streamed = true;
}

void out_stream(const struct out_field *f, size_t n)
{
    if (out.json) {
        json_line(json_record(f, n), stdout);
    } else {
        human_card(f, n);
    }
    fflush(stdout);
}

int out_json_line(FILE *f, const struct out_field *fld, size_t n)
{
    return json_line(json_record(fld, n), f);
}

struct out_table *out_table_begin(const char *key, const char *empty_note)
{
    struct out_table *t = xrealloc(NULL, 1, sizeof(*t));
    memset(t, 0, sizeof(*t));
    t->empty_note = empty_note;
    if (out.json) {
        /* The document holds a reference: rows added later show in it. */
        t->json_rows = json_array();
        json_object_set(json_document(), key, t->json_rows);
    }
    return t;
}

static bool in_table(const struct out_field *fld)
{
    return fld->label != NULL && !fld->card_only;
}

/* A cell: the value, cut to table_chars when the field asks. */
static char *table_value(const struct out_field *fld, size_t *width)
{
    if (fld->table_chars == 0 || fld->type != OUT_STR || fld->s == NULL ||
        strlen(fld->s) <= fld->table_chars)
        return human_value(fld, width);
    struct out_field cut = *fld;
    char *s = xrealloc(NULL, fld->table_chars + 1, 1);
    memcpy(s, fld->s, fld->table_chars);
    s[fld->table_chars] = '\0';
    cut.s = s;
    char *text = human_value(&cut, width);
    free(s);
    return text;
}

/* Room for one more row; its cells follow the returned pointer. */
static struct out_cell *table_add_row(struct out_table *t)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap, t->ncols * sizeof(struct out_cell));
    }
    return t->cells + t->nrows++ * t->ncols;
}

void out_table_row(struct out_table *t, const struct out_field *f, size_t n)
{
    if (out.json) {
        json_array_append_new(t->json_rows, json_record(f, n));
        return;
    }
    size_t ncols = 0;
    for (size_t i = 0; i < n; i++)
        ncols += in_table(&f[i]);
    if (ncols == 0 || (t->ncols != 0 && ncols != t->ncols))
        return;
    if (t->ncols == 0) {
        /* The first row fixes the columns; its labels become the header. */
        t->ncols = ncols;
        t->width = xrealloc(NULL, ncols, sizeof(size_t));
        struct out_cell *header = table_add_row(t);
        for (size_t i = 0, c = 0; i < n; i++) {
            if (!in_table(&f[i]))
                continue;
            header[c].text = human_clean(f[i].label, &header[c].width);
            for (char *p = header[c].text; *p != '\0'; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
            t->width[c] = header[c].width;
            c++;
        }
    }
    struct out_cell *row = table_add_row(t);
    for (size_t i = 0, c = 0; i < n; i++) {
        if (!in_table(&f[i]))
            continue;
        row[c].text = table_value(&f[i], &row[c].width);
        if (row[c].width > t->width[c])
            t->width[c] = row[c].width;
        c++;
    }
}

void out_table_end(struct out_table *t)
{
    if (out.json) {
        json_decref(t->json_rows);
    } else if (t->nrows <= 1) {
        if (t->empty_note != NULL)
            printf("%s\n", t->empty_note);
    } else {
        for (size_t r = 0; r < t->nrows; r++) {
            for (size_t c = 0; c < t->ncols; c++) {
                const struct out_cell *cell = &t->cells[r * t->ncols + c];
                fputs(cell->text, stdout);
                if (c + 1 < t->ncols)
                    printf("%*s", (int)(t->width[c] - cell->width + 2), "");
            }
            putc('\n', stdout);
        }
    }
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->width);
    free(t);
}

void out_next(const char *next)
{
    const struct out_field f[] = {{.key = "next", .type = OUT_STR, .s = next}};
    out_fields(f, 1);
}

void out_next_number(uint64_t next)
{
    char text[24];
    snprintf(text, sizeof(text), "%llu", (unsigned long long)next);
    out_next(next != 0 ? text : NULL);
}

__attribute__((format(printf, 2, 0))) static void out_sentence(FILE *f, const char *fmt, va_list ap)
{
    char buf[NOTE_MAX];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    char *clean = human_clean(buf, NULL);
    fprintf(f, "%s\n", clean);
    free(clean);
}

void out_note(const char *fmt, ...)
{
    if (out.json)
        return;
    va_list ap;
    va_start(ap, fmt);
    out_sentence(stdout, fmt, ap);
    va_end(ap);
}

void out_hint(const char *fmt, ...)
{
    if (out.json)
        return;
    va_list ap;
    va_start(ap, fmt);
    out_sentence(stderr, fmt, ap);
    va_end(ap);
}

void out_error(const char *code, bool show_code, const char *fmt, ...)
{
    char buf[NOTE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (out.json) {
        json_t *error = json_object();
        json_object_set_new(error, "code", json_text(code));
        json_object_set_new(error, "message", json_text(buf));
        json_t *doc = json_object();
        json_object_set_new(doc, "error", error);
        json_line(doc, stderr);
        return;
    }
    /* Multi-line messages (a hint after the error) keep their newlines. */
    fputs("folio: ", stderr);
    for (char *line = buf; line != NULL;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *clean = human_clean(line, NULL);
        fputs(clean, stderr);
        free(clean);
        if (nl != NULL)
            putc('\n', stderr);
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (show_code)
        fprintf(stderr, " (%s)", code);
    putc('\n', stderr);
}

void out_text(const char *fmt, ...)
{
    if (out.capture == NULL)
        out.text = true;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out.capture != NULL ? out.capture : stdout, fmt, ap);
    va_end(ap);
}

void out_capture_begin(void)
{
    if (!out.json)
        return;
    out.capture = open_memstream(&out.captured, &out.captured_len);
    if (out.capture == NULL) {
        fputs("folio: out of memory\n", stderr);
        exit(1);
    }
}

void out_capture_end(const char *key)
{
    if (out.capture == NULL)
        return;
    fclose(out.capture);
    out.capture = NULL;
    if (key != NULL) {
        const struct out_field f[] = {{.key = key, .type = OUT_STR, .s = out.captured}};
        out_fields(f, 1);
    }
    free(out.captured);
    out.captured = NULL;
}

int out_finish(bool ok)
{
    int rc = 0;
    if (out.json && out.doc != NULL) {
        /* Printed even after a failure: what was done in part (--strict). */
        rc = json_line(out.doc, stdout);
        out.doc = NULL;
    } else if (out.json && ok && !out.text && !out.streamed) {
        rc = json_line(json_object(), stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return -1;
    return rc;
}
