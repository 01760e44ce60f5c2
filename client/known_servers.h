/* known_servers.h - the servers folio trusts by their certificate.
 *
 * First-use pinning: folio login shows a server's certificate fingerprint
 * once, a person (or --trust-fingerprint) trusts it, and from then on every
 * command, in every context, insists on exactly that certificate for that
 * server, until folio context trust --reset forgets it. The pins are
 * kept in "known-servers" in the configuration directory (config_file.h:
 * directory 0700, file 0600, replaced atomically). Format, one a line:
 *
 *     # a comment
 *     SERVER FINGERPRINT
 *
 * SERVER is HOST:PORT exactly as given to folio; FINGERPRINT is the SHA-256
 * of the certificate as tls_fingerprint.h writes it. Lines that are neither
 * are ignored and kept; the first line for a server is the one used.
 *
 * Two logins that store pins at the same moment may lose one of them (the
 * file is read, changed and replaced); the next command then asks for a
 * login again, nothing worse. Functions fill err (errlen bytes) on -1. */
#ifndef FOLIO_KNOWN_SERVERS_H
#define FOLIO_KNOWN_SERVERS_H

#include <stddef.h>

#include "tls_fingerprint.h"

/* The fingerprint trusted for server. Returns 0 with fingerprint filled, 1
 * when server has none, or -1 (unreadable file). */
int known_servers_lookup(const char *server, char fingerprint[TLS_FINGERPRINT_SIZE], char *err,
                         size_t errlen);

/* Trusts fingerprint for server from now on, in place of any earlier one.
 * Returns 0 or -1. */
int known_servers_store(const char *server, const char *fingerprint, char *err, size_t errlen);

/* Forgets the fingerprint trusted for server, so that the next folio login
 * to it trusts one anew. Returns 0, 1 when server had none, or -1. */
int known_servers_forget(const char *server, char *err, size_t errlen);

#endif
