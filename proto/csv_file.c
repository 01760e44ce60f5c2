/* csv_file.c - RFC 4180 reading on libcsv, with limits; writing with minimal
 * quoting.
 *
 * The data goes to libcsv a line at a time (a longer line in pieces of
 * CSV_FILE_CHUNK): only LF counts lines, so every byte of one call is on
 * the same line, which is how a field learns the line it ends on and a row
 * the line it starts on. After each piece, a field libcsv is still reading
 * is stopped once it is longer than any field kept, so a file of one
 * unclosed quote is not buffered whole; a callback's error stops the parse
 * at the end of the piece. */
#include "csv_file.h"

#include <csv.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CSV_FILE_BUF_INITIAL 4096  /* bytes of the row buffer at first */
#define CSV_FILE_CHUNK       16384 /* bytes given to libcsv at a time, at most */
#define CSV_FILE_BLK         1024  /* bytes libcsv grows its field buffer by */
/* libcsv's field buffer past this size has held a field of more than
 * CSV_FILE_FIELD_MAX + 2 bytes: more than any kept, even with a formula
 * guard and the closing quote of a doubled one still in it. */
#define CSV_FILE_BUFFERED_MAX (CSV_FILE_FIELD_MAX + 2 + CSV_FILE_BLK)

struct csv_file_reader {
    csv_file_row_fn fn;
    void *ctx;
    char *buf; /* the row's fields, each NUL-terminated */
    size_t used, cap;
    size_t offsets[CSV_FILE_FIELDS_MAX];
    size_t n;
    uint32_t line;     /* the line of the bytes libcsv is given */
    uint32_t row_line; /* where the row being read started */
    uint32_t rows;
    int stop; /* 0, -1 on an error, or the callback's value */
    char *err;
    size_t err_size;
};

static void csv_file_fail(struct csv_file_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void csv_file_fail(struct csv_file_reader *r, const char *fmt, ...)
{
    if (r->stop != 0)
        return;
    r->stop = -1;
    int used = snprintf(r->err, r->err_size, "line %u: ", r->line);
    if (used < 0 || (size_t)used >= r->err_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + used, r->err_size - (size_t)used, fmt, ap);
    va_end(ap);
}

bool csv_file_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            /* Text is mostly ASCII: past this byte, eight at a time. */
            for (i++; len - i >= 8; i += 8) {
                uint64_t word;
                memcpy(&word, p + i, 8);
                if ((word & UINT64_C(0x8080808080808080)) != 0)
                    break;
            }
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

/* How many times c is in data[0, n). */
static size_t csv_file_count(const char *data, size_t n, char c)
{
    size_t count = 0;
    for (const char *p = memchr(data, c, n); p != NULL;
         p = memchr(p + 1, c, n - (size_t)(p + 1 - data)))
        count++;
    return count;
}

/* The row buffer starts small and doubles, up to CSV_FILE_ROW_MAX: most
 * rows are short, and a buffer of the largest row for every file read is a
 * quarter of a megabyte to map, touch and unmap each time. */
static int csv_file_grow(struct csv_file_reader *r, size_t need)
{
    size_t cap = r->cap > 0 ? r->cap : CSV_FILE_BUF_INITIAL;
    while (cap < need)
        cap *= 2;
    if (cap > CSV_FILE_ROW_MAX)
        cap = CSV_FILE_ROW_MAX;
    char *grown = realloc(r->buf, cap);
    if (grown == NULL)
        return -1;
    r->buf = grown;
    r->cap = cap;
    return 0;
}

static void csv_file_field(void *data, size_t len, void *arg)
{
    struct csv_file_reader *r = arg;
    if (r->stop != 0)
        return;
    const char *s = data != NULL ? data : "";
    /* The first field of a row started as many lines before this one as
     * it holds line feeds (a quoted field may). */
    if (r->n == 0)
        r->row_line = r->line - (uint32_t)csv_file_count(s, len, '\n');
    /* The writer's formula guard comes off here, exactly once. */
    if (len > 0 && s[0] == CSV_FILE_GUARD) {
        s++;
        len--;
    }
    if (len > CSV_FILE_FIELD_MAX) {
        csv_file_fail(r, "field longer than %d bytes", CSV_FILE_FIELD_MAX);
        return;
    }
    if (r->n == CSV_FILE_FIELDS_MAX) {
        csv_file_fail(r, "more than %d fields in a row", CSV_FILE_FIELDS_MAX);
        return;
    }
    if (r->used + len + 1 > CSV_FILE_ROW_MAX) {
        csv_file_fail(r, "row longer than %d bytes", CSV_FILE_ROW_MAX);
        return;
    }
    if (memchr(s, '\0', len) != NULL) {
        csv_file_fail(r, "field holds a NUL byte");
        return;
    }
    if (!csv_file_utf8_valid(s, len)) {
        csv_file_fail(r, "field %zu is not valid UTF-8", r->n + 1);
        return;
    }
    if (r->used + len + 1 > r->cap && csv_file_grow(r, r->used + len + 1) != 0) {
        csv_file_fail(r, "out of memory");
        return;
    }
    memcpy(r->buf + r->used, s, len);
    r->buf[r->used + len] = '\0';
    r->offsets[r->n++] = r->used;
    r->used += len + 1;
}

static void csv_file_row(int term, void *arg)
{
    (void)term;
    struct csv_file_reader *r = arg;
    if (r->stop == 0) {
        if (r->rows == CSV_FILE_ROWS_MAX) {
            csv_file_fail(r, "more than %d rows", CSV_FILE_ROWS_MAX);
        } else {
            r->rows++;
            char *fields[CSV_FILE_FIELDS_MAX];
            for (size_t i = 0; i < r->n; i++)
                fields[i] = r->buf + r->offsets[i];
            int rc = r->fn(r->ctx, fields, r->n, r->row_line);
            if (rc != 0)
                r->stop = rc;
        }
    }
    r->n = 0;
    r->used = 0;
    r->row_line = 0;
}

/* libcsv trims spaces and tabs around unquoted fields unless told that
 * nothing is a space: RFC 4180 keeps them, and so does folio. */
static int csv_file_no_space(unsigned char c)
{
    (void)c;
    return 0;
}

char csv_file_delimiter(const char *data, size_t len)
{
    size_t counts[3] = {0, 0, 0};
    static const char delims[3] = {',', ';', '\t'};
    /* The first 8 lines or 16 KiB, counting outside quotes only: a stretch
     * outside quotes at a time, then past the quoted text after it. */
    size_t end = len < 16384 ? len : 16384;
    unsigned lines = 0;
    for (size_t i = 0; i < end && lines < 8;) {
        const char *quote = memchr(data + i, '"', end - i);
        size_t stop = quote != NULL ? (size_t)(quote - data) : end;
        for (const char *nl = memchr(data + i, '\n', stop - i); nl != NULL && lines < 8;
             nl = memchr(nl + 1, '\n', stop - (size_t)(nl + 1 - data)))
            if (++lines == 8)
                stop = (size_t)(nl - data) + 1;
        for (size_t k = 0; k < 3; k++)
            counts[k] += csv_file_count(data + i, stop - i, delims[k]);
        if (quote == NULL || stop < (size_t)(quote - data))
            break;
        const char *closing = memchr(quote + 1, '"', end - (size_t)(quote + 1 - data));
        i = closing != NULL ? (size_t)(closing - data) + 1 : end;
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return delims[best];
}

int csv_file_read(const char *data, size_t len, csv_file_row_fn fn, void *ctx, char *err,
                  size_t err_size)
{
    return csv_file_read_delim(data, len, ',', fn, ctx, err, err_size);
}

int csv_file_read_delim(const char *data, size_t len, char delim, csv_file_row_fn fn, void *ctx,
                        char *err, size_t err_size)
{
    struct csv_file_reader r = {.fn = fn, .ctx = ctx, .line = 1, .err = err, .err_size = err_size};
    if (err_size > 0)
        err[0] = '\0';
    struct csv_parser p;
    if (csv_file_grow(&r, CSV_FILE_BUF_INITIAL) != 0 ||
        csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(r.buf);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    csv_set_space_func(&p, csv_file_no_space);
    csv_set_delim(&p, (unsigned char)delim);
    csv_set_blk_size(&p, CSV_FILE_BLK);
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len && r.stop == 0) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t n = nl != NULL ? (size_t)(nl - data) + 1 - i : len - i;
        if (n > CSV_FILE_CHUNK)
            n = CSV_FILE_CHUNK;
        if (csv_parse(&p, data + i, n, csv_file_field, csv_file_row, &r) != n) {
            csv_file_fail(&r, "%s",
                          csv_error(&p) == CSV_EPARSE ? "misplaced quote" : "out of memory");
            break;
        }
        if (csv_get_buffer_size(&p) > CSV_FILE_BUFFERED_MAX) {
            csv_file_fail(&r, "field longer than %d bytes", CSV_FILE_FIELD_MAX);
            break;
        }
        i += n;
        if (data[i - 1] == '\n')
            r.line++;
    }
    if (r.stop == 0 && csv_fini(&p, csv_file_field, csv_file_row, &r) != 0)
        csv_file_fail(&r, "%s",
                      csv_error(&p) == CSV_EPARSE ? "quoted field not closed" : "out of memory");
    csv_free(&p);
    free(r.buf);
    return r.stop;
}

static bool csv_file_needs_quotes(const char *s, char delim)
{
    size_t len = strlen(s);
    if (len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'))
        return true;
    /* Every delimiter csv_file_delimiter weighs, not only this file's: it
     * counts outside quotes, so a name full of ';' cannot make a comma file
     * read as a semicolon one. */
    return strpbrk(s, "\"\r\n,;\t") != NULL || strchr(s, delim) != NULL;
}

/* A spreadsheet runs a cell that starts with one of these as a formula
 * (OWASP "CSV injection"): =HYPERLINK(...) in a client's name would be a
 * link or a command on the agent's machine. A guard before it makes the
 * cell text; a cell that really starts with the guard gets one too, so the
 * reader can take exactly one off and every value reads back unchanged. */
static bool csv_file_needs_guard(const char *s)
{
    return s[0] != '\0' && (strchr("=+-@\t\r", s[0]) != NULL || s[0] == CSV_FILE_GUARD);
}

static int csv_file_write_field(FILE *out, const char *s, char delim)
{
    bool guard = csv_file_needs_guard(s);
    if (!csv_file_needs_quotes(s, delim)) {
        if (guard && fputc(CSV_FILE_GUARD, out) == EOF)
            return -1;
        return fputs(s, out) == EOF ? -1 : 0;
    }
    if (!guard)
        return csv_fwrite2(out, s, strlen(s), '"') == 0 ? 0 : -1;
    /* The guard goes inside the quotes, where the reader looks for it. */
    size_t len = strlen(s);
    char *guarded = malloc(len + 2);
    if (guarded == NULL)
        return -1;
    guarded[0] = CSV_FILE_GUARD;
    memcpy(guarded + 1, s, len + 1);
    int rc = csv_fwrite2(out, guarded, len + 1, '"') == 0 ? 0 : -1;
    free(guarded);
    return rc;
}

int csv_file_write_row_delim(FILE *out, char delim, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && fputc(delim, out) == EOF)
            return -1;
        if (csv_file_write_field(out, fields[i] != NULL ? fields[i] : "", delim) != 0)
            return -1;
    }
    return fputs("\r\n", out) == EOF ? -1 : 0;
}

int csv_file_write_row(FILE *out, const char *const *fields, size_t n)
{
    return csv_file_write_row_delim(out, ',', fields, n);
}
