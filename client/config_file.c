/* config_file.c - see config_file.h. */
#include "config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_file.h"

#define MKDIR_DEPTH_MAX 64

int config_file_dir(char *buf, size_t cap, char *err, size_t errlen)
{
    const char *dir = getenv("FOLIO_CONFIG");
    int n;
    if (dir != NULL && dir[0] != '\0') {
        n = snprintf(buf, cap, "%s", dir);
    } else {
        /* XDG says a relative XDG_CONFIG_HOME is to be ignored. */
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        if (xdg != NULL && xdg[0] == '/') {
            n = snprintf(buf, cap, "%s/folio", xdg);
        } else {
            if (home == NULL || home[0] != '/') {
                struct passwd *pw = getpwuid(getuid());
                home = pw != NULL ? pw->pw_dir : NULL;
            }
            if (home == NULL || home[0] == '\0') {
                snprintf(err, errlen,
                         "cannot find a configuration directory: set FOLIO_CONFIG or HOME");
                return -1;
            }
            n = snprintf(buf, cap, "%s/.config/folio", home);
        }
    }
    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, errlen, "configuration directory path is too long");
        return -1;
    }
    return 0;
}

int config_file_path(const char *name, char *buf, size_t cap, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    if (config_file_dir(dir, sizeof(dir), err, errlen) < 0)
        return -1;
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, errlen, "configuration directory path is too long");
        return -1;
    }
    return 0;
}

int config_file_read(const char *name, const char *what, char *buf, size_t cap, size_t *len,
                     char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (config_file_path(name, path, sizeof(path), err, errlen) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > cap) {
        close(fd);
        snprintf(err, errlen, "%s is not a %s: remove it and run folio login USER", path, what);
        return -1;
    }
    /* Read to the bound, not to the size seen: the file may have changed. */
    *len = 0;
    while (*len < cap) {
        ssize_t n = read(fd, buf + *len, cap - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }
    close(fd);
    return 0;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(char *path, int depth, char *err, size_t errlen)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
        snprintf(err, errlen, "%s is not a directory", path);
        return -1;
    }
    if (errno == ENOENT && depth < MKDIR_DEPTH_MAX) {
        char *slash = strrchr(path, '/');
        if (slash != NULL && slash != path) {
            *slash = '\0';
            int rc = make_dirs(path, depth + 1, err, errlen);
            *slash = '/';
            if (rc < 0)
                return -1;
            if (mkdir(path, 0700) == 0 || errno == EEXIST)
                return 0;
        }
    }
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

int config_file_replace(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    char path[PATH_MAX];
    if (config_file_dir(dir, sizeof(dir), err, errlen) < 0)
        return -1;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        snprintf(err, errlen, "configuration directory path is too long");
        return -1;
    }
    if (make_dirs(dir, 0, err, errlen) < 0)
        return -1;
    return safe_file_replace(path, text, len, err, errlen);
}

int config_file_remove(const char *name, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (config_file_path(name, path, sizeof(path), err, errlen) < 0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
