/* output.c - see output.h. */
#include "output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CARD_LABEL_MIN 9
#define NOTE_MAX       2048

static struct {
    bool json;
    bool opened;  /* the top-level JSON object has been started */
    bool members; /* it has at least one member */
    bool text;    /* plain text was printed instead of a document */
} out;

struct out_cell {
    char *text;
    size_t width;
};

struct out_table {
    const char *empty_note;
    bool json_first;
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

/* Length of the valid UTF-8 sequence at s and its code point, or 0 when the
 * bytes there are not valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, v = c & 0x1fu, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, v = c & 0x0fu, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        v = v << 6 | (s[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Code points that would let a hostile string drive the terminal or reorder
 * what is shown: C0 and C1 controls, DEL, bidirectional overrides. */
static bool unsafe_on_terminal(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* A copy of s safe to print on a terminal, and its width in columns
 * (one per code point: good enough for the names folio shows). */
static char *human_clean(const char *s, size_t *width)
{
    if (s == NULL)
        s = "";
    size_t len = strlen(s);
    char *dst = xrealloc(NULL, len + 1, 1);
    size_t o = 0;
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0 || unsafe_on_terminal(cp)) {
            dst[o++] = '?';
            p += n == 0 ? 1 : n;
        } else {
            memcpy(dst + o, p, n);
            o += n;
            p += n;
        }
        w++;
    }
    dst[o] = '\0';
    if (width != NULL)
        *width = w;
    return dst;
}

static void json_string(FILE *f, const char *s)
{
    if (s == NULL)
        s = "";
    putc('"', f);
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            putc('\\', f);
            putc((int)cp, f);
        } else if (cp == '\n') {
            fputs("\\n", f);
        } else if (cp == '\t') {
            fputs("\\t", f);
        } else if (cp == '\r') {
            fputs("\\r", f);
        } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            fprintf(f, "\\u%04x", (unsigned)cp);
        } else {
            fwrite(p, 1, n, f);
        }
        p += n;
    }
    putc('"', f);
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

static void json_object(FILE *f, const struct out_field *fld, size_t n);

static void json_value(FILE *f, const struct out_field *fld)
{
    char buf[32];
    switch (fld->type) {
    case OUT_STR:
        json_string(f, fld->s);
        break;
    case OUT_NSTR:
        if (fld->s == NULL)
            fputs("null", f);
        else
            json_string(f, fld->s);
        break;
    case OUT_CENTS:
        format_cents(fld->i, false, buf, sizeof(buf));
        fputs(buf, f);
        break;
    case OUT_STRS:
        putc('[', f);
        for (size_t k = 0; k < fld->n; k++) {
            if (k > 0)
                putc(',', f);
            json_string(f, fld->strs[k]);
        }
        putc(']', f);
        break;
    case OUT_UINTS:
        putc('[', f);
        for (size_t k = 0; k < fld->n; k++)
            fprintf(f, k > 0 ? ",%u" : "%u", (unsigned)fld->uints[k]);
        putc(']', f);
        break;
    case OUT_LIST:
        putc('[', f);
        for (size_t k = 0; k < fld->n; k++) {
            struct out_field item[OUT_ITEM_FIELDS_MAX];
            if (k > 0)
                putc(',', f);
            json_object(f, item, fld->item(fld->list, k, item));
        }
        putc(']', f);
        break;
    case OUT_OBJECT:
        if (fld->n == 0) {
            fputs("null", f);
        } else {
            struct out_field item[OUT_ITEM_FIELDS_MAX];
            json_object(f, item, fld->item(fld->list, 0, item));
        }
        break;
    case OUT_UINT:
        fprintf(f, "%llu", (unsigned long long)fld->u);
        break;
    case OUT_INT:
    case OUT_TIME:
        fprintf(f, "%lld", (long long)fld->i);
        break;
    case OUT_BOOL:
        fputs(fld->b ? "true" : "false", f);
        break;
    }
}

static void json_members(FILE *f, const struct out_field *fld, size_t n, bool first)
{
    for (size_t i = 0; i < n; i++) {
        if (!first || i > 0)
            putc(',', f);
        json_string(f, fld[i].key);
        putc(':', f);
        json_value(f, &fld[i]);
    }
}

static void json_object(FILE *f, const struct out_field *fld, size_t n)
{
    putc('{', f);
    json_members(f, fld, n, true);
    putc('}', f);
}

/* Starts the next member of the top-level object. */
static void json_member(const char *key)
{
    if (!out.opened) {
        putc('{', stdout);
        out.opened = true;
    }
    if (out.members)
        putc(',', stdout);
    out.members = true;
    if (key != NULL) {
        json_string(stdout, key);
        putc(':', stdout);
    }
}

static void format_time(int64_t t, char *buf, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (t == 0) {
        snprintf(buf, cap, "-");
    } else if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year > 9999 - 1900 ||
               tm.tm_year < -1900) {
        snprintf(buf, cap, "%lld", (long long)t);
    } else {
        strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
}

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
            bool empty = (item[j].type == OUT_STR || item[j].type == OUT_NSTR) &&
                         (item[j].s == NULL || item[j].s[0] == '\0');
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
        format_time(fld->i, buf, sizeof(buf));
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

void out_object(const char *key, const struct out_field *f, size_t n)
{
    if (out.json) {
        json_member(key);
        json_object(stdout, f, n);
    } else {
        human_card(f, n);
    }
}

void out_fields(const struct out_field *f, size_t n)
{
    if (out.json) {
        for (size_t i = 0; i < n; i++) {
            json_member(f[i].key);
            json_value(stdout, &f[i]);
        }
    } else {
        human_card(f, n);
    }
}

struct out_table *out_table_begin(const char *key, const char *empty_note)
{
    struct out_table *t = xrealloc(NULL, 1, sizeof(*t));
    memset(t, 0, sizeof(*t));
    t->empty_note = empty_note;
    t->json_first = true;
    if (out.json) {
        json_member(key);
        putc('[', stdout);
    }
    return t;
}

static bool in_table(const struct out_field *fld)
{
    return fld->label != NULL && !fld->card_only;
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
        if (!t->json_first)
            putc(',', stdout);
        t->json_first = false;
        json_object(stdout, f, n);
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
        row[c].text = human_value(&f[i], &row[c].width);
        if (row[c].width > t->width[c])
            t->width[c] = row[c].width;
        c++;
    }
}

void out_table_end(struct out_table *t)
{
    if (out.json) {
        putc(']', stdout);
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
    const struct out_field f[] = {
        {.key = "next", .type = OUT_NSTR, .s = next != NULL && next[0] != '\0' ? next : NULL}};
    out_fields(f, 1);
}

void out_next_number(uint64_t next)
{
    char text[24];
    snprintf(text, sizeof(text), "%llu", (unsigned long long)next);
    out_next(next != 0 ? text : NULL);
}

static void out_sentence(FILE *f, const char *fmt, va_list ap)
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
        fputs("{\"error\":{\"code\":", stderr);
        json_string(stderr, code);
        fputs(",\"message\":", stderr);
        json_string(stderr, buf);
        fputs("}}\n", stderr);
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
    out.text = true;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

int out_finish(bool ok)
{
    if (out.json && (out.opened || (ok && !out.text))) {
        if (!out.opened)
            putc('{', stdout);
        fputs("}\n", stdout);
        out.opened = false;
        out.members = false;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return -1;
    return 0;
}
