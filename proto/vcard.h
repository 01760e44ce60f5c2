/* vcard.h - vCard 3.0 and 4.0 (RFC 2426, RFC 6350): reading the properties
 * a client record can use, writing 4.0.
 *
 * Read: FN, N, BDAY (YYYY-MM-DD, YYYYMMDD, a time after either is dropped;
 * --MMDD and --MM-DD have no year and are left out with a note), TEL,
 * EMAIL, ADR, NOTE; everything else is skipped. Folded lines (CRLF or LF
 * then a space or tab) are unfolded, property and parameter names are
 * compared ignoring case, a group prefix (item1.EMAIL) is dropped, the text
 * escapes \\ \; \, \n \N are undone, and QUOTED-PRINTABLE values (vCard
 * 2.1 habits) are decoded. A problem inside one card makes that card's
 * `error` and reading goes on with the next card; only too many cards, or
 * no card at all, stop the whole file. Sizes are bounded: a property after
 * unfolding, the values kept per card, the number of cards.
 *
 * Write: one vCard 4.0 per call, CRLF line ends, lines folded at 75 octets
 * without splitting a UTF-8 sequence. */
#ifndef FOLIO_VCARD_H
#define FOLIO_VCARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

#define VCARD_LINE_MAX   16384  /* one property after unfolding, in bytes */
#define VCARD_CARDS_MAX  100000 /* cards in one file */
#define VCARD_VALUES_MAX 8      /* TEL and EMAIL values kept per card */
#define VCARD_NOTES_MAX  8      /* notes kept per card */

struct vcard {
    uint32_t number;            /* 1 for the first card of the file */
    uint32_t line;              /* the line of its BEGIN:VCARD */
    const char *fn;             /* formatted name, or NULL */
    const char *family, *given; /* from N, or NULL */
    const char *bday;           /* YYYY-MM-DD, or NULL */
    const char *tels[VCARD_VALUES_MAX];
    size_t n_tels;
    const char *emails[VCARD_VALUES_MAX];
    size_t n_emails;
    const char *street, *city, *region, *postal_code, *country; /* first ADR; NULL parts */
    const char *note;                   /* NOTE values, joined by newlines */
    const char *error;                  /* set when the card cannot be used: why, naming the line */
    const char *notes[VCARD_NOTES_MAX]; /* what was left out, each naming its line */
    size_t n_notes;
};

/* Called for each card, in file order; strings live in the arena passed to
 * vcard_read. Returns 0 to go on; anything else stops, and vcard_read
 * returns it. */
typedef int (*vcard_fn)(void *ctx, const struct vcard *card);

/* Reads every card of data. Returns 0, the callback's value when it
 * stopped, or -1 with a sentence in err (too many cards, no card at all,
 * out of memory). */
int vcard_read(const char *data, size_t len, struct arena *arena, vcard_fn fn, void *ctx, char *err,
               size_t err_size);

/* Writes card as vCard 4.0: FN (from fn, else given and family), N when
 * family or given is set, BDAY, TEL, EMAIL, ADR when any part is set,
 * NOTE. number, line, error and notes are not written. Returns 0, or -1
 * when the stream failed. */
int vcard_write(FILE *out, const struct vcard *card);

#endif
