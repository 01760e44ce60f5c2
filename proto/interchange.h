/* interchange.h - client records to and from CSV files and vCards.
 *
 * Reading turns a whole file into Folio__Client records, each with the line
 * it came from (a CSV row's first line, a vCard's BEGIN line), plus notes:
 * kind "error" for a row or card that cannot become a client because it
 * has no name (left out, the rest go on), "unknown_column" for the CSV
 * columns not read (one note), "note" for a value left out of a person
 * (a phone with no digits, an e-mail without a domain, a date that does
 * not exist, a text too long), naming its place, the field and why:
 * "line 7: income: \"12.345\": not an amount (52000.50): left out" or
 * "card 3 (line 20): emails: ...". A CSV's `id` column is kept in each
 * client's id: the server updates a client of the agent's own that it
 * names, and gives every other row a new id.
 *
 * CSV: UTF-8 (with or without a byte order mark), UTF-16 or windows-1252,
 * with , ; or tab between fields (csv_file_delimiter); the header row is
 * read by csv_headers.h (folio's own JSON field names, and the exports of
 * Google, Outlook, Thunderbird, Apple and LinkedIn), or by --map. Lists in
 * folio's own columns (phones, emails, tags, consent) are joined with "; ";
 * a phone may start with its type ("mobile: +1 555 0100 x12"). Rows may be
 * ragged: missing fields are empty, extra non-empty fields make the row an
 * error.
 * vCard (vcard.h): FN (else N, else ORG) is the name, BDAY the birth date
 * (or --MM-DD), TEL phones with their types, EMAIL emails, the first ADR
 * the address, ORG the organisation, TITLE the title, CATEGORIES tags, NOTE
 * the notes. Phones are kept as a person dials them (phone.h).
 *
 * A country is passed on as written: the server, which holds iso-codes,
 * turns a name into its code. Values are otherwise checked here as the
 * server would, so that one bad value costs that value and not the
 * person. */
#ifndef FOLIO_INTERCHANGE_H
#define FOLIO_INTERCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "folio.pb-c.h"

#define INTERCHANGE_LIST_MAX 64 /* entries in one list field */

struct interchange {
    struct arena arena; /* the clients, notes and their strings */
    Folio__Client **clients;
    uint32_t *lines; /* lines[i]: where clients[i] starts */
    size_t n_clients;
    Folio__ImportNote **notes;
    size_t n_notes;
    size_t cap_clients, cap_notes;
    char **fields; /* the Client fields the file's columns hold (CSV), for ClientImport */
    size_t n_fields;
};

void interchange_init(struct interchange *ix);
void interchange_free(struct interchange *ix);

/* Read a whole file. Return 0 (with clients and notes filled), or -1 with
 * a sentence in err when the file as a whole is unusable: not CSV, no name
 * column, no vCard in it, a limit passed, out of memory. */
struct interchange_csv_options {
    const char *map; /* --map: "Header=field,..." (csv_headers_field), or NULL */
    char date_order; /* 'm' (12/28/1969), 'd' (28/12/1969), or 0: see interchange.c */
};
int interchange_read_csv(struct interchange *ix, const char *data, size_t len,
                         const struct interchange_csv_options *opt, char *err, size_t err_size);
int interchange_read_vcard(struct interchange *ix, const char *data, size_t len, char *err,
                           size_t err_size);
/* One card, as interchange_read_vcard takes each card of a file: for a
 * reader of its own that looks at every card too (vcard_read with its own
 * callback, the strings in ix->arena). 0, or -1 when memory ran out. */
struct vcard;
int interchange_add_vcard(struct interchange *ix, const struct vcard *card);

/* CSV export: the header row once, then one row per client (CRLF ends),
 * fields between `delim` (',' or, for Excel in many locales, ';'). */
int interchange_csv_header(FILE *out, char delim);
int interchange_csv_write(FILE *out, char delim, const Folio__Client *client);
/* vCard export of one client, version 3 (3.0) or 4 (4.0). */
int interchange_vcard_write(FILE *out, const Folio__Client *client, int version);

#endif
