/* safe_file.h - every file folio writes: exports, the session, known servers.
 *
 * A file is never written in place. safe_file_open creates a new temporary
 * file in the target's directory (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, a
 * random name), the caller writes to it, and safe_file_commit syncs it,
 * renames it over the target and syncs the directory. So a symlink planted
 * at the target is replaced, never written through; an existing file's
 * looser mode (0644, 0666) is not kept; and a reader sees the old file or
 * the new one whole. On any failure the temporary file is removed and the
 * old file is left as it was.
 *
 * A struct safe_file is used by one thread. Functions that can fail return
 * 0, or -1 with a message naming the file in err (errlen bytes). */
#ifndef FOLIO_SAFE_FILE_H
#define FOLIO_SAFE_FILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct safe_file {
    int fd;       /* the temporary file; -1 once closed */
    FILE *stream; /* set by safe_file_stream, which then owns fd */
    char target[PATH_MAX];
    char temp[PATH_MAX];
    char dir[PATH_MAX]; /* the target's directory, synced after the rename */
};

/* Creates the temporary file for target. */
int safe_file_open(struct safe_file *f, const char *target, char *err, size_t errlen);

/* A stdio stream over the temporary file, for writers that print; NULL
 * when out of memory. Commit and abort close it. */
FILE *safe_file_stream(struct safe_file *f);

/* Writes all len bytes to the temporary file. */
int safe_file_write(struct safe_file *f, const void *buf, size_t len, char *err, size_t errlen);

/* Flushes, syncs and closes the temporary file and renames it over the
 * target. On failure the temporary file is removed (no abort needed). */
int safe_file_commit(struct safe_file *f, char *err, size_t errlen);

/* Gives up: closes and removes the temporary file; the target is untouched. */
void safe_file_abort(struct safe_file *f);

/* Replaces target with the len bytes of buf: open, write, commit. */
int safe_file_replace(const char *target, const void *buf, size_t len, char *err, size_t errlen);

#endif
