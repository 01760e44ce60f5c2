/* outbox.h - the e-mail a client gets, as pure functions: the firm's
 * templates and their placeholders, and the whole RFC 5322 message
 * (multipart/alternative, plain text and HTML) built from them.
 *
 * A template is text with placeholders {{client.name}}, {{offer.title}}...
 * (outbox_placeholders lists them); nothing else in it is interpreted, so a
 * template can execute nothing. A value is put in as it is in the plain
 * part and HTML-escaped in the HTML part; in the Subject, line breaks and
 * other control characters become spaces and non-ASCII text is encoded
 * (RFC 2047), so no value can add a header. An address holding anything
 * but a plain addr-spec is refused. */
#ifndef FOLIO_OUTBOX_H
#define FOLIO_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBOX_SUBJECT_MAX 200
#define OUTBOX_BODY_MAX    (16 * 1024)
#define OUTBOX_ADDRESS_MAX 254

enum outbox_kind { OUTBOX_OFFER, OUTBOX_COUPON };

/* The placeholders, each without its braces, NULL-terminated. */
extern const char *const outbox_placeholders[];

/* The values the placeholders stand for, by name ("client.name"); NULL or
 * "" leaves a placeholder empty. */
struct outbox_values {
    const char *names[32];
    const char *values[32];
    size_t count;
};
void outbox_value(struct outbox_values *v, const char *name, const char *value);

/* NULL when text is a good template body or subject (kind's placeholders
 * only, every "{{" closed), or a sentence naming what is wrong (the first
 * unknown placeholder, by name), in why. */
const char *outbox_template_check(enum outbox_kind kind, const char *text, char *why,
                                  size_t why_size);

/* The built-in subject and body of kind, for a client whose language has no
 * template of the firm's; with_coupon: an offer that came with a coupon. */
const char *outbox_default_subject(enum outbox_kind kind);
const char *outbox_default_body(enum outbox_kind kind, bool with_coupon);

/* Whether address is one plain addr-spec: local@domain, printable ASCII,
 * no space, no angle brackets, no line break. */
int outbox_address_ok(const char *address);

/* Everything one message needs. */
struct outbox_mail {
    const char *from;        /* addr-spec */
    const char *from_name;   /* display name (the agent's), may be empty */
    const char *to;          /* addr-spec */
    const char *to_name;     /* display name (the client's) */
    const char *reply_to;    /* the agent's address, may be empty */
    const char *unsubscribe; /* addr-spec for List-Unsubscribe */
    const char *message_id;  /* without angle brackets */
    int64_t date;            /* unix seconds */
    const char *subject;     /* template */
    const char *body;        /* template */
    const struct outbox_values *values;
};

/* The message, CRLF line ends, into a malloc'd *out of *len bytes (free
 * it). 0, ENOMEM, or EINVAL with why filled (a bad address). */
int outbox_build(const struct outbox_mail *mail, char **out, size_t *len, char *why,
                 size_t why_size);

#endif
