/* records.h - how folio shows each kind of record, once for JSON, cards and
 * tables: JSON keys are the proto field names, roles are shown by name. */
#ifndef FOLIO_RECORDS_H
#define FOLIO_RECORDS_H

#include <stddef.h>

#include "folio.pb-c.h"
#include "output.h"

#define REC_FIELDS_MAX 8

/* Each fills f (REC_FIELDS_MAX entries) and returns how many it used. */
size_t rec_user(const Folio__User *u, struct out_field *f);
size_t rec_office(const Folio__Office *o, struct out_field *f);
size_t rec_audit(const Folio__AuditRecord *r, struct out_field *f);

/* {"user":{...},"expires_at":N}; a card in human mode. Never the token. */
void rec_print_session(const Folio__SessionInfo *s);

#endif
