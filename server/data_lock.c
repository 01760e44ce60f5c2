/* data_lock.c - see data_lock.h. */
#include "data_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

int data_lock_take(const char *dir)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, DATA_LOCK_FILE) >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    /* Best effort: the lock is what protects the directory; the PID only
     * makes a refusal say who holds it. */
    char pid[24];
    int length = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)length, 0) != length)
        (void)ftruncate(fd, 0);
    return fd;
}

long data_lock_holder(const char *dir)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, DATA_LOCK_FILE) >= sizeof(path))
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    char text[24];
    ssize_t got = pread(fd, text, sizeof(text) - 1, 0);
    close(fd);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    char *end;
    errno = 0;
    long pid = strtol(text, &end, 10);
    if (errno != 0 || end == text || (*end != '\n' && *end != '\0') || pid <= 0)
        return 0;
    return pid;
}

void data_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
