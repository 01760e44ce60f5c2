/* holding_csv.h - holdings to and from the CSV file that goes beside a
 * portfolio's CSV export (folio export --holdings FILE, folio import
 * --holdings FILE).
 *
 * One row per holding, under a header of HOLDING_CSV_COLUMNS; amounts are
 * decimals ("120.50"), dates YYYY-MM-DD. client_id names the client as the
 * portfolio's CSV does: an import maps it to the id the client has after
 * the clients were imported. Reading checks the shape of a row (known
 * columns, numbers, dates); the server checks the rest when each holding
 * is added. Written with csv_file.h, so cells a spreadsheet would take
 * for formulas are guarded and read back unchanged. */
#ifndef FOLIO_HOLDING_CSV_H
#define FOLIO_HOLDING_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "folio.pb-c.h"

#define HOLDING_CSV_COLUMNS                                                                        \
    "client_id, client, kind, provider, number, status, premium, per, value, currency, start, "    \
    "renews, ends, end_reason, note"

/* What a file held: holdings[i] from the row starting on lines[i]; a row
 * that cannot be a holding is left out with a sentence in errors. All in
 * arena. */
struct holding_csv {
    struct arena arena;
    Folio__Holding **holdings;
    uint32_t *lines;
    size_t n;
    char **errors;
    size_t n_errors;
    size_t cap, cap_errors;
};

void holding_csv_init(struct holding_csv *hc);
void holding_csv_free(struct holding_csv *hc);
/* Reads a whole file: 0, or -1 with a sentence in err when the file as a
 * whole is unusable (not CSV, no client_id or kind column, an unknown
 * column, a limit passed, out of memory). */
int holding_csv_read(struct holding_csv *hc, const char *data, size_t len, char *err,
                     size_t err_size);

/* The header row, then one row per holding (client_name as the client
 * column). 0, or -1 when the stream failed. */
int holding_csv_header(FILE *out, char delim);
int holding_csv_write(FILE *out, char delim, const Folio__Holding *h);

#endif
