/* transfer.c - transfer files under DATA/transfers/ (transfer.h,
 * transfer_bundle.h). */
#include "transfer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "transfer_bundle.h"

static char *transfer_dir_path(const char *data_dir)
{
    size_t len = strlen(data_dir) + sizeof("/" TRANSFER_DIR);
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s/" TRANSFER_DIR, data_dir);
    return path;
}

/* The directory must be ours alone: bundles carry whole portfolios. */
static int transfer_dir_make(const char *dir)
{
    if (mkdir(dir, 0700) == 0)
        return 0;
    if (errno != EEXIST)
        return errno;
    struct stat st;
    if (lstat(dir, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    if ((st.st_mode & 077) != 0 && chmod(dir, 0700) != 0)
        return errno;
    return 0;
}

int transfer_create(const char *data_dir, enum transfer_kind kind, struct transfer **out)
{
    char *dir = transfer_dir_path(data_dir);
    if (dir == NULL)
        return ENOMEM;
    int rc = transfer_dir_make(dir);
    struct transfer *t = rc == 0 ? calloc(1, sizeof(*t)) : NULL;
    if (rc == 0 && t == NULL)
        rc = ENOMEM;
    if (rc == 0) {
        uint8_t bits[TRANSFER_ID_HEX / 2];
        randombytes_buf(bits, sizeof(bits));
        sodium_bin2hex(t->id, sizeof(t->id), bits, sizeof(bits));
        size_t len = strlen(dir) + 1 + TRANSFER_ID_HEX + sizeof(".bundle");
        if ((t->path = malloc(len)) == NULL)
            rc = ENOMEM;
        else
            snprintf(t->path, len, "%s/%s.bundle", dir, t->id);
    }
    if (rc == 0) {
        t->fd = open(t->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (t->fd < 0)
            rc = errno;
    }
    free(dir);
    if (rc != 0) {
        if (t != NULL)
            free(t->path);
        free(t);
        return rc;
    }
    t->kind = kind;
    *out = t;
    return 0;
}

uint64_t transfer_bytes(const struct transfer *t)
{
    if (t->kind == TRANSFER_IMPORT)
        return t->size;
    struct stat st;
    return fstat(t->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

bool transfer_replaceable(const struct transfer *t)
{
    return t == NULL || t->finished || (t->kind == TRANSFER_EXPORT && !t->ready);
}

void transfer_free(struct transfer *t)
{
    if (t == NULL)
        return;
    close(t->fd);
    unlink(t->path);
    free(t->path);
    free(t);
}

void transfer_clean(const char *data_dir)
{
    char *dir = transfer_dir_path(data_dir);
    DIR *d = dir != NULL ? opendir(dir) : NULL;
    if (d != NULL) {
        int dfd = dirfd(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] != '.')
                unlinkat(dfd, e->d_name, 0);
        }
        closedir(d);
    }
    free(dir);
}
