/* config_file.h - folio's small private files: contexts, known servers.
 *
 * They live in the folio configuration directory: $FOLIO_CONFIG, else
 * $XDG_CONFIG_HOME/folio, else ~/.config/folio, made with mode 0700 when
 * missing. A file is read whole, up to a bound the caller sets, and is
 * replaced atomically through safe_file.h - a new private temporary file
 * (0600, no link followed) is written, synced and renamed over it - so a
 * reader sees the old content or the new, never a mix. Every function returns 0, or -1 with a
 * message in err. */
#ifndef FOLIO_CONFIG_FILE_H
#define FOLIO_CONFIG_FILE_H

#include <stddef.h>

/* The configuration directory itself, which may not exist yet. */
int config_file_dir(char *buf, size_t cap, char *err, size_t errlen);

/* The path of file name in the configuration directory. */
int config_file_path(const char *name, char *buf, size_t cap, char *err, size_t errlen);

/* Reads file name into buf, which holds cap bytes; sets *len. Returns 1
 * when there is no such file. A file that is not a regular file or holds
 * more than cap bytes is an error naming it as `what` ("session file"). */
int config_file_read(const char *name, const char *what, char *buf, size_t cap, size_t *len,
                     char *err, size_t errlen);

/* Replaces file name with the len bytes of text. */
int config_file_replace(const char *name, const char *text, size_t len, char *err, size_t errlen);

/* Removes file name; no such file is not an error. */
int config_file_remove(const char *name, char *err, size_t errlen);

#endif
