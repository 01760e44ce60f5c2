/* firm.h - creating a firm: `foliod init`.
 *
 * Makes the data directory (0700), the store, the firm record, the first
 * firm-admin, and the default rules and calendar, all in one transaction, so
 * a failed init leaves no half firm.
 * Refuses a directory that already holds a firm. */
#ifndef FOLIO_FIRM_H
#define FOLIO_FIRM_H

#include <stddef.h>

#include "hasher.h"

/* time_zone: the firm's (IANA name; NULL or "" for UTC), kept in its
 * calendar. Returns 0, or -1 with a sentence for the user in why. */
int firm_init(const char *dir, const char *firm_name, char *admin_name, const char *password,
              const char *time_zone, enum hasher_cost cost, char *why, size_t why_size);

#endif
