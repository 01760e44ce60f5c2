/* session_file.h - the login session folio keeps between commands.
 *
 * One file, "session", in the folio configuration directory: $FOLIO_CONFIG,
 * else $XDG_CONFIG_HOME/folio, else ~/.config/folio. The directory is made
 * with mode 0700 and the file with 0600; the file is replaced atomically
 * (private temporary file, fsync, rename), so a reader sees the old session
 * or the new one, never half of one. Format: lines "key=value" for server,
 * user and token; "#" lines are comments, unknown keys are ignored. */
#ifndef FOLIO_SESSION_FILE_H
#define FOLIO_SESSION_FILE_H

#include <stddef.h>

#define SESSION_VALUE_MAX 320

struct session {
    char server[SESSION_VALUE_MAX + 1];
    char user[SESSION_VALUE_MAX + 1];
    char token[SESSION_VALUE_MAX + 1];
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
