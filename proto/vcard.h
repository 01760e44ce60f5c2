/* vcard.h - vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350) as address books
 * really write them: reading the properties a client record can use,
 * writing 3.0 or 4.0.
 *
 * Read: FN, N, BDAY, TEL, EMAIL, ADR, ORG, TITLE, CATEGORIES, NOTE, LANG;
 * everything else (PHOTO, X-...) is skipped whatever its size or bytes.
 * The file may be UTF-8 (with or without a byte order mark) or UTF-16
 * (with or without one), with CRLF, LF or CR line ends. Folded lines are
 * unfolded, quoted-printable values are decoded with their soft line breaks
 * joined, and a CHARSET parameter (ISO-8859-1, windows-1252, Shift_JIS,
 * ...) is decoded to UTF-8; a value that is not UTF-8 and names no charset
 * is read as windows-1252. Property and parameter names are compared
 * ignoring case, a group prefix (item1.EMAIL) is dropped, the text escapes
 * \\ \; \, \n \N are undone (in 2.1 only \; : its backslashes are text).
 *
 * A card is refused (its `error`) only when it has no name: FN, else N,
 * else ORG. A property that cannot be kept (too long, a BDAY that is no
 * date, a base64 value) is left out with a note naming the line, the
 * property and why, and the rest of the card is read. A BEGIN:VCARD inside
 * a card ends that card first. Sizes are bounded: a property after
 * unfolding, the values kept per card, the number of cards.
 *
 * BDAY comes out as YYYY-MM-DD, or as --MM-DD when the card has no year
 * (--0415, --04-15, X-APPLE-OMIT-YEAR) or one before 1900 (exporters
 * write 1604 or 0001 for "no year"). A time after the date is dropped.
 * LANG comes out as written, of the one with the lowest PREF, else the
 * first.
 *
 * Write: one vCard per call, CRLF line ends, lines folded at 75 octets
 * without splitting a UTF-8 sequence; LANG in 4.0 only. */
#ifndef FOLIO_VCARD_H
#define FOLIO_VCARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

#define VCARD_LINE_MAX       16384  /* one kept property after unfolding, in bytes */
#define VCARD_CARDS_MAX      100000 /* cards in one file */
#define VCARD_VALUES_MAX     8      /* TEL and EMAIL values kept per card */
#define VCARD_CATEGORIES_MAX 32     /* CATEGORIES values kept per card */
#define VCARD_NOTES_MAX      8      /* notes kept per card */

struct vcard_tel {
    const char *number;    /* as written (read), or digits and + (write) */
    const char *extension; /* NULL when none; written only */
    const char *type;      /* mobile, home, work, fax, or NULL */
};

struct vcard {
    uint32_t number;            /* 1 for the first card of the file */
    uint32_t line;              /* the line of its BEGIN:VCARD */
    const char *fn;             /* formatted name, or NULL */
    const char *family, *given; /* from N, or NULL */
    const char *bday;           /* YYYY-MM-DD or --MM-DD, or NULL */
    struct vcard_tel tels[VCARD_VALUES_MAX];
    size_t n_tels;
    const char *emails[VCARD_VALUES_MAX];
    size_t n_emails;
    const char *street, *city, *region, *postal_code, *country; /* first ADR; NULL parts */
    const char *org, *title;                                    /* ORG's parts joined by ", " */
    const char *categories[VCARD_CATEGORIES_MAX];
    size_t n_categories;
    const char *note;                   /* NOTE values, joined by newlines */
    const char *language;               /* LANG, a language tag (fr-CA), or NULL */
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

/* Writes card as vCard `version` (3 or 4): FN (from fn, else given and
 * family), N, BDAY, TEL with its type (4.0: a tel: URI with ;ext=, 3.0:
 * text with " x" before the extension), EMAIL, ADR when any part is set,
 * ORG, TITLE, CATEGORIES, NOTE. number, line, error and notes are not
 * written. Returns 0, or -1 when the stream failed. */
int vcard_write(FILE *out, const struct vcard *card, int version);

#endif
