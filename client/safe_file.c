/* safe_file.c - see safe_file.h. */
#include "safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* A name taken by someone else is retried with new random bytes; this many
 * collisions mean someone is filling the directory on purpose. */
#define SAFE_FILE_TRIES 16
/* Room left in the temporary name for ".", ".XXXXXXXXXXXXXXXX.tmp". */
#define SAFE_FILE_BASE_MAX 200

/* Splits target into its directory and last component; false when the
 * target names no file (empty, ends in '/', "." or ".."). */
static bool safe_file_split(struct safe_file *f, const char **base)
{
    const char *slash = strrchr(f->target, '/');
    *base = slash != NULL ? slash + 1 : f->target;
    if ((*base)[0] == '\0' || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
        return false;
    if (slash == NULL)
        snprintf(f->dir, sizeof(f->dir), ".");
    else if (slash == f->target)
        snprintf(f->dir, sizeof(f->dir), "/");
    else
        snprintf(f->dir, sizeof(f->dir), "%.*s", (int)(slash - f->target), f->target);
    return true;
}

int safe_file_open(struct safe_file *f, const char *target, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    const char *base;
    if (strlen(target) >= sizeof(f->target) - 32) {
        snprintf(err, errlen, "cannot write %.100s...: the path is too long", target);
        return -1;
    }
    snprintf(f->target, sizeof(f->target), "%s", target);
    if (!safe_file_split(f, &base)) {
        snprintf(err, errlen, "cannot write \"%.200s\": it names no file", target);
        return -1;
    }
    for (int i = 0; i < SAFE_FILE_TRIES; i++) {
        uint64_t r;
        if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
            break;
        int n = snprintf(f->temp, sizeof(f->temp), "%s/.%.*s.%016llx.tmp", f->dir,
                         SAFE_FILE_BASE_MAX, base, (unsigned long long)r);
        if (n < 0 || (size_t)n >= sizeof(f->temp)) {
            errno = ENAMETOOLONG;
            break;
        }
        /* O_EXCL|O_NOFOLLOW: a file or link someone planted under this
         * name is never opened, let alone written through. */
        f->fd = open(f->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f->fd >= 0 || errno != EEXIST)
            break;
    }
    if (f->fd < 0) {
        snprintf(err, errlen, "cannot write %s: cannot create a file in %s: %s", target, f->dir,
                 strerror(errno));
        return -1;
    }
    /* The umask may have taken bits away, never added them; this makes the
     * mode exactly 0600 whatever the umask. */
    if (fchmod(f->fd, 0600) < 0) {
        int saved = errno;
        safe_file_abort(f);
        snprintf(err, errlen, "cannot write %s: %s", target, strerror(saved));
        return -1;
    }
    return 0;
}

FILE *safe_file_stream(struct safe_file *f)
{
    if (f->stream == NULL && f->fd >= 0)
        f->stream = fdopen(f->fd, "wb");
    return f->stream;
}

int safe_file_write(struct safe_file *f, const void *buf, size_t len, char *err, size_t errlen)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot write %s: %s", f->target,
                     n < 0 ? strerror(errno) : "nothing was written");
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Closes the temporary file, through its stream if it has one. */
static int safe_file_close(struct safe_file *f)
{
    int rc = 0;
    if (f->stream != NULL)
        rc = fclose(f->stream);
    else if (f->fd >= 0)
        rc = close(f->fd);
    f->stream = NULL;
    f->fd = -1;
    return rc;
}

int safe_file_commit(struct safe_file *f, char *err, size_t errlen)
{
    int rc = 0;
    if (f->stream != NULL && (fflush(f->stream) != 0 || ferror(f->stream)))
        rc = -1;
    if (rc == 0 && fsync(f->fd) != 0)
        rc = -1;
    int saved = errno;
    if (safe_file_close(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    /* rename replaces whatever the target is - a symlink included - and
     * never follows it. */
    if (rc == 0 && rename(f->temp, f->target) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc < 0) {
        unlink(f->temp);
        f->temp[0] = '\0';
        snprintf(err, errlen, "cannot write %s: %s", f->target, strerror(saved));
        return -1;
    }
    f->temp[0] = '\0';
    /* Makes the rename itself durable. The new file is in place already, so
     * a failure here has nothing left to undo. */
    int dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        fsync(dir_fd);
        close(dir_fd);
    }
    return 0;
}

void safe_file_abort(struct safe_file *f)
{
    int saved = errno; /* callers report the error that made them give up */
    safe_file_close(f);
    if (f->temp[0] != '\0')
        unlink(f->temp);
    f->temp[0] = '\0';
    errno = saved;
}

int safe_file_replace(const char *target, const void *buf, size_t len, char *err, size_t errlen)
{
    struct safe_file f;
    if (safe_file_open(&f, target, err, errlen) < 0)
        return -1;
    if (safe_file_write(&f, buf, len, err, errlen) < 0) {
        safe_file_abort(&f);
        return -1;
    }
    return safe_file_commit(&f, err, errlen);
}
