/* fuzz_csv.c - CSV import files: csv_file_read (libcsv in strict mode, with
 * folio's limits) and interchange_read_csv, which turns its rows into client
 * records, as `folio client import` reads a file.
 *
 * Besides memory errors, an input fails when the reader breaks its own
 * promises (a row of more than CSV_FILE_FIELDS_MAX fields, a field that is
 * not valid UTF-8 or longer than its limit, line numbers that go back), or
 * when what was read does not survive its own export: the clients read are
 * written out with interchange_csv_write and read back, which must go
 * without a note, twice over, and the second and third exports must be the
 * same bytes. (The first round may still lose what an export cannot say,
 * such as a client whose every exported field is empty; when it loses
 * nothing the third round, which could not differ, is left out.) The
 * export of no clients, a header row whatever the input, is checked once,
 * at start. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_file.h"
#include "fuzz_charsets.h"
#include "fuzz_target.h"
#include "interchange.h"

#define FUZZ_ERR_SIZE 256

__attribute__((format(printf, 1, 2), noreturn)) static void fuzz_csv_fail(const char *fmt, ...);

static void fuzz_csv_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_csv: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

struct fuzz_rows {
    uint32_t last_line;
    size_t rows;
};

static int fuzz_csv_row(void *ctx, char *const *fields, size_t n, uint32_t line)
{
    struct fuzz_rows *r = ctx;
    if (n > CSV_FILE_FIELDS_MAX)
        fuzz_csv_fail("row at line %u has %zu fields", line, n);
    /* Rows ended by a lone CR all start on line 1 (only LF counts lines):
     * so the lines of rows may stand still, but never go back. */
    if (line == 0 || line < r->last_line)
        fuzz_csv_fail("row %zu starts at line %u, after a row at line %u", r->rows + 1, line,
                      r->last_line);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(fields[i]);
        total += len + 1;
        if (len > CSV_FILE_FIELD_MAX)
            fuzz_csv_fail("line %u: field %zu has %zu bytes", line, i + 1, len);
        if (!csv_file_utf8_valid(fields[i], len))
            fuzz_csv_fail("line %u: field %zu is not valid UTF-8", line, i + 1);
    }
    if (total > CSV_FILE_ROW_MAX)
        fuzz_csv_fail("line %u: row of %zu bytes", line, total);
    r->last_line = line;
    r->rows++;
    return 0;
}

/* The clients of ix as a CSV file, header first; NULL when nothing was read
 * or the export failed. *len its size. */
static char *fuzz_csv_export(const struct interchange *ix, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (out == NULL)
        fuzz_csv_fail("out of memory");
    int rc = interchange_csv_header(out, ',');
    for (size_t i = 0; i < ix->n_clients && rc == 0; i++)
        rc = interchange_csv_write(out, ',', ix->clients[i]);
    if (fclose(out) != 0 || rc != 0)
        fuzz_csv_fail("cannot export %zu clients", ix->n_clients);
    return text;
}

/* Reads an export of this very code: it must read whole, with no note. */
static void fuzz_csv_reread(struct interchange *ix, const char *text, size_t len, const char *what)
{
    char err[FUZZ_ERR_SIZE];
    interchange_init(ix);
    if (interchange_read_csv(ix, text, len, NULL, err, sizeof(err)) != 0)
        fuzz_csv_fail("the %s export does not read back: %s\n%s", what, err, text);
    if (ix->n_notes > 0)
        fuzz_csv_fail("the %s export reads back with a note: %s\n%s", what, ix->notes[0]->message,
                      text);
}

/* The round trip of the clients read into ix (freed here): written out,
 * read back, written again, and when that changed anything read and
 * written a third time. */
static void fuzz_csv_round_trip(struct interchange *ix)
{
    size_t len1, len2;
    char *first = fuzz_csv_export(ix, &len1);
    interchange_free(ix);
    fuzz_csv_reread(ix, first, len1, "first");
    char *second = fuzz_csv_export(ix, &len2);
    interchange_free(ix);
    /* Reading and writing are functions of the bytes: a second export the
     * same as the first (read without a note) would read and write the
     * same again, and the third round could not fail. */
    if (len1 != len2 || memcmp(first, second, len1) != 0) {
        size_t len3;
        fuzz_csv_reread(ix, second, len2, "second");
        char *third = fuzz_csv_export(ix, &len3);
        interchange_free(ix);
        if (len2 != len3 || memcmp(second, third, len2) != 0)
            fuzz_csv_fail("an export read back and written again changed:\n%s---\n%s", second,
                          third);
        free(third);
    }
    free(first);
    free(second);
}

/* The round trip of no clients at all (a header row alone) is the same
 * whatever the input: it is made once, here, rather than for every input
 * that yields no client. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_charsets_hold();
    struct interchange none;
    interchange_init(&none);
    fuzz_csv_round_trip(&none);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[FUZZ_ERR_SIZE];
    struct fuzz_rows rows = {0};
    if (csv_file_read(text, size, fuzz_csv_row, &rows, err, sizeof(err)) != 0 && err[0] == '\0')
        fuzz_csv_fail("csv_file_read failed without saying why");

    struct interchange ix;
    interchange_init(&ix);
    /* The options too: a --map and a date order, chosen by the input. */
    const struct interchange_csv_options opt = {
        .map = "Tel=phone,Given=first_name,Surname=last_name,Geb=birth_date,X=-",
        .date_order = size % 3 == 0   ? 'm'
                      : size % 3 == 1 ? 'd'
                                      : 0,
    };
    if (interchange_read_csv(&ix, text, size, &opt, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            fuzz_csv_fail("interchange_read_csv failed without saying why");
        interchange_free(&ix);
        return 0;
    }
    for (size_t i = 0; i < ix.n_clients; i++)
        if (ix.clients[i]->name == NULL)
            fuzz_csv_fail("client %zu (line %u) has no name", i + 1, ix.lines[i]);
    if (ix.n_clients == 0) {
        interchange_free(&ix);
        return 0;
    }
    fuzz_csv_round_trip(&ix);
    return 0;
}
