/* output.h - everything folio prints goes through here.
 *
 * In JSON mode a command's output is exactly one JSON object on stdout,
 * written by out_finish(), or, for a stream (folio watch), one object a line
 * (NDJSON) as records come; errors are {"error":{"code":...,"message":...}}
 * on stderr. Times are RFC 3339 UTC ("2026-12-03T11:24:50Z") and an absent
 * value (a NULL or empty string, an unset time) is null. In human mode
 * records are key/value cards, lists are tables aligned by terminal columns,
 * and every string from outside is stripped of control characters and
 * invalid UTF-8 before it reaches the terminal.
 *
 * A record is described once as an array of out_field; the same description
 * serves JSON (key), cards and tables (label). */
#ifndef FOLIO_OUTPUT_H
#define FOLIO_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum out_type {
    OUT_STR, /* s; JSON null when s is NULL or "" */
    OUT_UINT,
    OUT_INT,
    OUT_BOOL,
    OUT_TIME,   /* i: unix seconds, 0 unset; an RFC 3339 string in JSON */
    OUT_NSTR,   /* as OUT_STR */
    OUT_CENTS,  /* i in hundredths: a decimal number, 52000.5 in JSON */
    OUT_STRS,   /* strs[0..n): a JSON array; joined by ", " for people */
    OUT_UINTS,  /* uints[0..n): a JSON array of numbers; joined by ", " */
    OUT_LIST,   /* n records from item(): a JSON array of objects */
    OUT_OBJECT, /* record 0 from item() when n is 1: a JSON object; null when n is 0 */
};

#define OUT_ITEM_FIELDS_MAX 16

struct out_field {
    const char *key;   /* JSON member name: the proto field name */
    const char *label; /* human heading; NULL: JSON only */
    bool card_only;    /* left out of tables */
    bool zero_null;    /* OUT_UINT, OUT_INT, OUT_CENTS: 0 is "not set", JSON null;
                        * OUT_TIME in a list item: left out of the human line */
    /* OUT_STR of ASCII text: a table shows its first table_chars characters
     * alone (0: all), as the id column shows the short form people type;
     * JSON and cards carry it whole. */
    unsigned table_chars;
    enum out_type type;
    const char *s;           /* OUT_STR; NULL prints as "" */
    uint64_t u;              /* OUT_UINT */
    int64_t i;               /* OUT_INT, OUT_TIME (unix seconds, 0: unset) */
    bool b;                  /* OUT_BOOL */
    const char *const *strs; /* OUT_STRS */
    const uint32_t *uints;   /* OUT_UINTS */
    size_t n;                /* OUT_STRS, OUT_UINTS, OUT_LIST, OUT_OBJECT: how many */
    /* OUT_LIST, OUT_OBJECT: fills f (OUT_ITEM_FIELDS_MAX entries) with record i of list
     * and returns how many fields it used. */
    const void *list;
    size_t (*item)(const void *list, size_t i, struct out_field *f);
};

#define OUT_S(k, l, v)                                                                             \
    {                                                                                              \
        .key = (k), .label = (l), .type = OUT_STR, .s = (v)                                        \
    }
#define OUT_U(k, l, v)                                                                             \
    {                                                                                              \
        .key = (k), .label = (l), .type = OUT_UINT, .u = (v)                                       \
    }
#define OUT_I(k, l, v)                                                                             \
    {                                                                                              \
        .key = (k), .label = (l), .type = OUT_INT, .i = (v)                                        \
    }
#define OUT_B(k, l, v)                                                                             \
    {                                                                                              \
        .key = (k), .label = (l), .type = OUT_BOOL, .b = (v)                                       \
    }
#define OUT_T(k, l, v)                                                                             \
    {                                                                                              \
        .key = (k), .label = (l), .type = OUT_TIME, .i = (v)                                       \
    }

void out_init(bool json);
bool out_json(void);

/* JSON: "key": {fields}; human: a card. */
void out_object(const char *key, const struct out_field *f, size_t n);
/* JSON: members of the top-level object; human: card lines. */
void out_fields(const struct out_field *f, size_t n);
/* JSON: "key": null, a record that is not there; human: nothing. */
void out_null(const char *key);

/* Streams: records that come one by one for as long as the command runs.
 * out_stream_begin says the answer is a stream (no "{}" when no record
 * comes); out_stream writes one, in JSON as a line {fields} at once, for
 * people as a card. */
void out_stream_begin(void);
void out_stream(const struct out_field *f, size_t n);

/* Writes the record to f as one JSON line, as out_stream does in JSON mode,
 * whatever the mode: for files meant for other programs. 0, or -1 when
 * writing failed. */
int out_json_line(FILE *f, const struct out_field *fld, size_t n);

/* JSON: "key": [ {row}, ... ]; human: a table with a header taken from the
 * labels, or the empty note when there are no rows. */
struct out_table;
struct out_table *out_table_begin(const char *key, const char *empty_note);
void out_table_row(struct out_table *t, const struct out_field *f, size_t n);
void out_table_end(struct out_table *t);

/* The page cursor of a list: JSON "next", the value to pass back with
 * --after or --before for the next page, or null at the end (NULL, "" or
 * 0); a string whatever the cursor is made of. Nothing for people, who get
 * an out_hint. */
void out_next(const char *next);
void out_next_number(uint64_t next);

/* A sentence for a person on stdout, part of the answer ("logged out",
 * "rule 4 removed"); nothing in JSON mode, where fields say it. */
void out_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Advice beside the answer (the next page, what a dry run did not do, how to
 * check a fingerprint) on stderr, so that stdout carries the answer alone
 * for `| wc -l` and the like; nothing in JSON mode. */
void out_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An error on stderr; code is a status name such as "NOT_FOUND". Human
 * output names the code only when show_code is set (server refusals). */
void out_error(const char *code, bool show_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Plain text on stdout, as is: help pages, man pages, scripts. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* In JSON mode, what out_text prints between the two calls becomes the
 * string member key of the document instead (folio completion --json), or
 * nothing when key is NULL; for people both do nothing. */
void out_capture_begin(void);
void out_capture_end(const char *key);

/* Closes the JSON document ("{}" when nothing was printed and ok is set) and
 * flushes stdout. Returns -1 when stdout could not be written. */
int out_finish(bool ok);

#endif
