/* host_name.h - what an operator may give as a host name: for the names of
 * the firm's certificate (foliod init --hostname) and for --listen.
 *
 * A DNS host name as RFC 1123 (section 2.1) allows it: dot-separated labels
 * of 1 to 63 letters, digits and hyphens, none beginning or ending with a
 * hyphen, at most 253 bytes in all, without a trailing dot. No wildcard,
 * no underscore, no IDN in Unicode (its A-label, xn--..., is a host name). */
#ifndef FOLIO_HOST_NAME_H
#define FOLIO_HOST_NAME_H

#include <stdbool.h>

#define HOST_NAME_MAX_BYTES 253

bool host_name_valid(const char *name);

/* Whether text is an IPv4 or IPv6 address inet_pton reads. */
bool host_name_is_ip(const char *text);

#endif
