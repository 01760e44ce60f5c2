/* session_file.h - the login session folio keeps between commands.
 *
 * One file, "session", in the folio configuration directory: $FOLIO_CONFIG,
 * else $XDG_CONFIG_HOME/folio, else ~/.config/folio. The directory is made
 * with mode 0700 and the file with 0600; the file is replaced atomically
 * (safe_file.h), so a reader sees the old session or the new one, never
 * half of one. Format: lines "key=value" for server, user, token and cert;
 * "#" lines are comments, unknown keys are ignored.
 *
 * A token is a password for as long as the session lasts, so it is sent only
 * to the server that issued it: server is HOST:PORT as folio login was given
 * it, and cert is the SHA-256 fingerprint (tls_fingerprint.h) of the
 * certificate that server presented then, or SESSION_PLAINTEXT when the
 * login went over plaintext. A file written before cert was kept loads with
 * cert empty, and matches no server. */
#ifndef FOLIO_SESSION_FILE_H
#define FOLIO_SESSION_FILE_H

#include <stddef.h>

#define SESSION_VALUE_MAX 320
/* cert of a session issued over plaintext. */
#define SESSION_PLAINTEXT "plaintext"

struct session {
    char server[SESSION_VALUE_MAX + 1];
    char user[SESSION_VALUE_MAX + 1];
    char token[SESSION_VALUE_MAX + 1];
    char cert[SESSION_VALUE_MAX + 1]; /* "" in a file from an older folio */
};

/* Returns 0 with *s filled, 1 when no session is stored, or -1 with a
 * message in err (unreadable or damaged file). */
int session_load(struct session *s, char *err, size_t errlen);

/* Stores s. Returns 0, or -1 with a message in err. */
int session_save(const struct session *s, char *err, size_t errlen);

/* Forgets the stored session (no session is not an error). Returns 0 or -1
 * with a message in err. */
int session_remove(char *err, size_t errlen);

/* Clears the token from memory. */
void session_wipe(struct session *s);

#endif
