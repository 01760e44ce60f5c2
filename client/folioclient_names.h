/* folioclient_names.h - the names people type and read for the protocol's
 * enums: roles and marital statuses. The names are static strings. */
#ifndef FOLIO_FOLIOCLIENT_NAMES_H
#define FOLIO_FOLIOCLIENT_NAMES_H

#include "folio.pb-c.h"

/* "agent" -> FOLIO__ROLE__ROLE_AGENT etc.; -1 for an unknown name. */
int folio_role_from_name(const char *name, Folio__Role *role);
/* "unspecified" and "unknown" name the values that have no name. */
const char *folio_role_name(Folio__Role role);

/* "married" -> FOLIO__MARITAL_STATUS__MARITAL_MARRIED etc.; -1 for an unknown
 * name ("unspecified" is not a name). The name of MARITAL_UNSPECIFIED or of
 * an unknown value is NULL. */
int folio_marital_from_name(const char *name, Folio__MaritalStatus *status);
const char *folio_marital_name(Folio__MaritalStatus status);

#endif
