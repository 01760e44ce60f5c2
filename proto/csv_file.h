/* csv_file.h - RFC 4180 files: reading them row by row, writing them.
 *
 * Reading is libcsv's (strict mode: a stray quote is an error) with folio's
 * limits around it: a leading UTF-8 byte order mark is dropped, one leading
 * CSV_FILE_GUARD is taken off every field, every field must be valid UTF-8,
 * and field size, row size, fields per row and the
 * number of rows are bounded, so a hostile file costs at most what the
 * limits allow. Rows may be ragged (callers decide what that means); blank
 * lines are skipped. Line numbers count from 1 and name the line a row
 * starts on; a field with newlines in it makes its row span several lines.
 */
#ifndef FOLIO_CSV_FILE_H
#define FOLIO_CSV_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CSV_FILE_FIELD_MAX  65536   /* bytes in one field, after unquoting */
#define CSV_FILE_ROW_MAX    262144  /* bytes in all fields of a row */
#define CSV_FILE_FIELDS_MAX 256     /* fields in one row */
#define CSV_FILE_ROWS_MAX   1000000 /* rows in one file, the header included */

/* Called once per row with its fields (NUL-terminated, valid UTF-8; fields
 * may hold NUL-free text only) and the line it starts on. The pointers are
 * valid during the call only. Returns 0 to go on; anything else stops the
 * reading, and csv_file_read returns it. */
typedef int (*csv_file_row_fn)(void *ctx, char *const *fields, size_t n, uint32_t line);

/* Reads the whole of data. Returns 0 when every row was read, the callback's
 * non-zero value when it stopped, or -1 with a sentence naming the line in
 * err ("line 12: field is not valid UTF-8"). */
int csv_file_read(const char *data, size_t len, csv_file_row_fn fn, void *ctx, char *err,
                  size_t err_size);
/* The same with another field delimiter (';' from a spreadsheet in a
 * locale with decimal commas, '\t'). */
int csv_file_read_delim(const char *data, size_t len, char delim, csv_file_row_fn fn, void *ctx,
                        char *err, size_t err_size);

/* The delimiter a file uses: of ',', ';' and tab, the one found most often
 * outside quotes in its first lines (',' when none is). */
char csv_file_delimiter(const char *data, size_t len);

/* Written before a cell a spreadsheet would take for a formula (one that
 * starts with =, +, -, @, tab or CR) and before a cell that starts with it
 * itself; the reader takes one off the start of every field, so values read
 * back unchanged. A file from elsewhere with a leading ' loses that one. */
#define CSV_FILE_GUARD '\''

/* Writes one row ending in CRLF, quoting a field only when it needs it
 * (a comma, semicolon or tab, which csv_file_delimiter weighs, a quote, CR,
 * LF, or leading/trailing space; libcsv's csv_fwrite2
 * quotes it and doubles its quotes), and guarding formula-like cells with
 * CSV_FILE_GUARD. NULL fields are empty. Returns 0, or -1 when the stream
 * failed. */
int csv_file_write_row(FILE *out, const char *const *fields, size_t n);
/* The same with another delimiter (';' for a spreadsheet in a locale with
 * decimal commas), quoting a field that holds it. */
int csv_file_write_row_delim(FILE *out, char delim, const char *const *fields, size_t n);

/* True when s[0..len) is valid UTF-8 (no overlong forms, no surrogates). */
bool csv_file_utf8_valid(const char *s, size_t len);

#endif
