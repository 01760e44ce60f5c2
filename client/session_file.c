/* session_file.c - see session_file.h. */
#include "session_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_FILE_NAME "session"
#define SESSION_FILE_MAX  4096
#define MKDIR_DEPTH_MAX   64

/* The configuration directory, from the environment. Returns 0 or -1 with
 * a message. */
static int config_dir(char *buf, size_t cap, char *err, size_t errlen)
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

static int session_path(char *buf, size_t cap, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    if (config_dir(dir, sizeof(dir), err, errlen) < 0)
        return -1;
    int n = snprintf(buf, cap, "%s/%s", dir, SESSION_FILE_NAME);
    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, errlen, "configuration directory path is too long");
        return -1;
    }
    return 0;
}

/* Values must stay on one line and print safely: no control characters. */
static bool value_ok(const char *v, size_t len)
{
    if (len == 0 || len > SESSION_VALUE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return false;
    return true;
}

static int parse(struct session *s, char *text, size_t len, const char *path, char *err,
                 size_t errlen)
{
    memset(s, 0, sizeof(*s));
    if (memchr(text, '\0', len) != NULL)
        goto damaged;
    text[len] = '\0';
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *next = nl != NULL ? nl + 1 : NULL;
        if (line[0] == '\0' || line[0] == '#') {
            line = next;
            continue;
        }
        char *eq = strchr(line, '=');
        if (eq == NULL)
            goto damaged;
        *eq = '\0';
        const char *value = eq + 1;
        size_t vlen = strlen(value);
        char *slot = NULL;
        if (strcmp(line, "server") == 0)
            slot = s->server;
        else if (strcmp(line, "user") == 0)
            slot = s->user;
        else if (strcmp(line, "token") == 0)
            slot = s->token;
        if (slot != NULL) {
            if (!value_ok(value, vlen))
                goto damaged;
            memcpy(slot, value, vlen + 1);
        }
        line = next;
    }
    if (s->token[0] == '\0' || s->server[0] == '\0' || s->user[0] == '\0')
        goto damaged;
    return 0;
damaged:
    session_wipe(s);
    snprintf(err, errlen, "session file %s is damaged: run folio login USER", path);
    return -1;
}

int session_load(struct session *s, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (session_path(path, sizeof(path), err, errlen) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SESSION_FILE_MAX) {
        close(fd);
        snprintf(err, errlen, "%s is not a session file: remove it and run folio login USER", path);
        return -1;
    }
    char text[SESSION_FILE_MAX + 1];
    size_t len = 0;
    while (len < SESSION_FILE_MAX) {
        ssize_t n = read(fd, text + len, SESSION_FILE_MAX - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            explicit_bzero(text, sizeof(text));
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    int rc = parse(s, text, len, path, err, errlen);
    explicit_bzero(text, sizeof(text));
    return rc;
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

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int session_save(const struct session *s, char *err, size_t errlen)
{
    if (!value_ok(s->server, strlen(s->server)) || !value_ok(s->user, strlen(s->user)) ||
        !value_ok(s->token, strlen(s->token))) {
        snprintf(err, errlen, "refusing to store a session with an unusable value");
        return -1;
    }
    char dir[PATH_MAX];
    char tmp[PATH_MAX];
    char path[PATH_MAX];
    if (config_dir(dir, sizeof(dir), err, errlen) < 0)
        return -1;
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, SESSION_FILE_NAME) >= (int)sizeof(tmp) ||
        snprintf(path, sizeof(path), "%s/%s", dir, SESSION_FILE_NAME) >= (int)sizeof(path)) {
        snprintf(err, errlen, "configuration directory path is too long");
        return -1;
    }
    if (make_dirs(dir, 0, err, errlen) < 0)
        return -1;

    char text[3 * (SESSION_VALUE_MAX + 16) + 64];
    int len = snprintf(text, sizeof(text),
                       "# folio session: the token logs you in; keep this file private\n"
                       "server=%s\nuser=%s\ntoken=%s\n",
                       s->server, s->user, s->token);
    /* mkstemp creates the file with O_CREAT|O_EXCL and mode 0600. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        explicit_bzero(text, sizeof(text));
        return -1;
    }
    int rc = 0;
    if (fchmod(fd, 0600) < 0 || write_all(fd, text, (size_t)len) < 0 || fsync(fd) < 0)
        rc = -1;
    explicit_bzero(text, sizeof(text));
    if (close(fd) < 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -1;
    if (rc < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    /* Make the rename itself durable; failure here loses nothing we can act on. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int session_remove(char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (session_path(path, sizeof(path), err, errlen) < 0)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void session_wipe(struct session *s)
{
    explicit_bzero(s, sizeof(*s));
}
