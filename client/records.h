/* records.h - how folio shows each kind of record, once for JSON, cards and
 * tables: JSON keys are the proto field names, roles are shown by name. */
#ifndef FOLIO_RECORDS_H
#define FOLIO_RECORDS_H

#include <stddef.h>

#include "folio.pb-c.h"
#include "output.h"

#define REC_FIELDS_MAX 10

/* Each fills f (REC_FIELDS_MAX entries) and returns how many it used. */
size_t rec_user(const Folio__User *u, struct out_field *f);
size_t rec_office(const Folio__Office *o, struct out_field *f);
size_t rec_audit(const Folio__AuditRecord *r, struct out_field *f);
size_t rec_event(const Folio__TimelineEvent *e, struct out_field *f);
size_t rec_bucket(const Folio__SegmentBucket *b, struct out_field *f);

/* A client: the flat JSON of the portfolio spec (income as a decimal,
 * consent as a list of channel names, marital_status null when unknown);
 * tables show ID NAME CITY PHONE VERSION. f needs REC_CLIENT_FIELDS entries;
 * the fields point into scratch, which must live as long as they do. */
#define REC_CLIENT_FIELDS 26
struct rec_client_scratch {
    const char *consent[4];
};
size_t rec_client(const Folio__Client *c, struct rec_client_scratch *scratch, struct out_field *f);
/* {"client":{...}}; a card in human mode. */
void rec_print_client(const Folio__Client *c);
/* {"clients":[...]}; a table in human mode, or empty_note for none. */
void rec_print_clients(Folio__Client *const *clients, size_t n, const char *empty_note);

/* {"user":{...},"expires_at":N}; a card in human mode. Never the token. */
void rec_print_session(const Folio__SessionInfo *s);

#endif
