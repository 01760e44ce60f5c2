/* session_file.h - the named contexts folio keeps between commands.
 *
 * A context is one login kept under a name, like kubectl's: the server, the
 * user, and while logged in the session token and the certificate it was
 * issued over. Each context is one file in the folio configuration
 * directory ($FOLIO_CONFIG, else $XDG_CONFIG_HOME/folio, else
 * ~/.config/folio): "session" for the context named "default" (the one
 * file older folios kept, read in place), "session.NAME" for any other.
 * The file "current-context" names the context used when neither --context
 * nor FOLIO_CONTEXT does; without it the current context is "default".
 * The directory is made with mode 0700 and the files with 0600, replaced
 * atomically (safe_file.h), so a reader sees the old file or the new one,
 * never half of one. Format: lines "key=value" for server, user, token and
 * cert; "#" lines are comments, unknown keys are ignored.
 *
 * A token is a password for as long as the session lasts, so it is sent only
 * to the server that issued it: server is HOST:PORT as folio login used
 * it, and cert is the SHA-256 fingerprint (tls_fingerprint.h) of the
 * certificate that server presented then, or SESSION_PLAINTEXT when the
 * login went over plaintext. A file written before cert was kept loads with
 * cert empty, and matches no server. A context that was logged out keeps
 * its server and user, with token and cert empty.
 *
 * Functions that fail return -1 with a message in err (errlen bytes). */
#ifndef FOLIO_SESSION_FILE_H
#define FOLIO_SESSION_FILE_H

#include <stdbool.h>
#include <stddef.h>

#define SESSION_VALUE_MAX 320
/* cert of a session issued over plaintext. */
#define SESSION_PLAINTEXT       "plaintext"
#define SESSION_CONTEXT_DEFAULT "default"
/* A context name: 1 to SESSION_CONTEXT_MAX of A-Z a-z 0-9 . _ -, starting
 * with a letter or digit, so that it is a file name and nothing more. */
#define SESSION_CONTEXT_MAX 64
/* How many contexts session_list reports; a directory holding more is
 * someone else's doing. */
#define SESSION_CONTEXTS_MAX 256

struct session {
    char server[SESSION_VALUE_MAX + 1];
    char user[SESSION_VALUE_MAX + 1];
    char token[SESSION_VALUE_MAX + 1]; /* "" when logged out */
    char cert[SESSION_VALUE_MAX + 1];  /* "" when logged out, or in a file from an older folio */
};

bool session_context_name_ok(const char *name);

/* Loads context. Returns 0 with *s filled, 1 when there is no such context,
 * or -1 (unreadable or damaged file). */
int session_load(const char *context, struct session *s, char *err, size_t errlen);

/* Stores s as context; s->token and s->cert may be empty together (logged
 * out). Returns 0 or -1. */
int session_save(const char *context, const struct session *s, char *err, size_t errlen);

/* Forgets context (no such context is not an error). Returns 0 or -1. */
int session_remove(const char *context, char *err, size_t errlen);

/* The names of the stored contexts, sorted, up to cap of them into names;
 * sets *n to how many were stored. Returns 0 or -1. */
int session_list(char (*names)[SESSION_CONTEXT_MAX + 1], size_t cap, size_t *n, char *err,
                 size_t errlen);

/* The context "current-context" names: 0 with name filled, 1 when there is
 * no such file, or -1 (unreadable, or not a context name). */
int session_current_load(char name[SESSION_CONTEXT_MAX + 1], char *err, size_t errlen);

/* Makes name the current context; NULL goes back to "default". */
int session_current_save(const char *name, char *err, size_t errlen);

/* Clears the token from memory. */
void session_wipe(struct session *s);

#endif
