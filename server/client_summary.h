/* client_summary.h - the few fields of a client record that portfolio walks
 * read, in a compact encoding.
 *
 * Agenda and segment visit every client of an agent; unpacking each whole
 * protobuf record (phones, notes, income history, purchases...) cost some
 * 15,000 instructions and a dozen allocations per client. The summary keeps
 * only what those walks test or show, encoded so that it is read in place:
 * decoding allocates nothing and points into the encoded bytes, which must
 * outlive the view (an LMDB value is valid until its transaction ends).
 *
 * The encoding is one format byte, fixed-width big-endian numbers and the
 * offset of every string (format 2: and the household's size), then the
 * strings each followed by a NUL
 * (protobuf-c strings never hold one): name, city, region, country,
 * birth_date, last_contact, the tags, then the kind of every purchase.
 * Decoding reads the fixed part alone and scans no string. Pure functions,
 * no I/O. */
#ifndef FOLIO_CLIENT_SUMMARY_H
#define FOLIO_CLIENT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folio.pb-c.h"

struct client_summary {
    const char *name, *city, *region, *country;
    const char *birth_date, *last_contact; /* as stored: YYYY-MM-DD or empty */
    int64_t created_at;
    int64_t income_cents;
    bool income_known; /* an income was ever recorded */
    const char *income_trend;
    uint32_t contact_interval_days;
    uint32_t children;
    uint32_t household; /* links to other clients (client link) */
    Folio__MaritalStatus marital_status;
    bool consent_email, consent_phone, consent_sms, consent_post;
    size_t n_tags, n_kinds;
    const char *tags, *tags_end;   /* n_tags strings, each after the NUL of the one before */
    const char *kinds, *kinds_end; /* n_kinds purchase kinds, likewise; repeats kept */
};

/* Bytes client_summary_encode writes for c. */
size_t client_summary_size(const Folio__Client *c);
/* Writes c's summary into out (client_summary_size(c) bytes); returns that
 * size. */
size_t client_summary_encode(const Folio__Client *c, uint8_t *out);
/* Reads an encoded summary in place. -1 when the bytes are not one (an
 * unknown format or a string running past the end). */
int client_summary_decode(const void *data, size_t len, struct client_summary *out);

/* Case-insensitive membership tests over the packed lists. */
bool client_summary_has_tag(const struct client_summary *s, const char *tag);
bool client_summary_purchased(const struct client_summary *s, const char *kind);

/* Does a regional alert cover the client? Its city, when the alert names a
 * city, else its region, compared ignoring ASCII case. The agenda and the
 * alert notices both decide with this. */
bool client_summary_in_alert(const struct client_summary *s, const Folio__Alert *alert);

#endif
