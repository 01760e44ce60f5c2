/* compact.c - see compact.h. */
#include "compact.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

/* Writes the compacted copy of the open store to path; 0 or an error. */
static int compact_copy(struct store *store, const char *path)
{
    /* A copy left by a compaction that was killed is stale: the lock says
     * no one else is writing it. */
    if (unlink(path) != 0 && errno != ENOENT)
        return errno;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return errno;
    int rc = mdb_env_copyfd2(store->env, fd, MDB_CP_COMPACT);
    if (rc == 0 && fsync(fd) != 0)
        rc = errno;
    if (close(fd) != 0 && rc == 0)
        rc = errno;
    if (rc != 0)
        unlink(path);
    return rc;
}

/* The rename is durable only once the directory is synced. */
static int compact_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) != 0 ? errno : 0;
    close(fd);
    return rc;
}

static long long compact_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int compact_data_dir(const char *dir, long long *before, long long *after, char *why,
                     size_t why_size)
{
    char data[PATH_MAX], temp[PATH_MAX];
    if ((size_t)snprintf(data, sizeof(data), "%s/data.mdb", dir) >= sizeof(data) ||
        (size_t)snprintf(temp, sizeof(temp), "%s/%s", dir, COMPACT_TEMP_FILE) >= sizeof(temp)) {
        snprintf(why, why_size, "the --data path is too long");
        return -1;
    }
    if ((*before = compact_size(data)) < 0) {
        snprintf(why, why_size, "%s: %s", data, strerror(errno));
        return -1;
    }
    struct store store;
    int rc = store_open(&store, dir, 0);
    if (rc != 0) {
        snprintf(why, why_size, "cannot open the database in %s: %s", dir, store_strerror(rc));
        return -1;
    }
    rc = compact_copy(&store, temp);
    store_close(&store);
    if (rc != 0) {
        snprintf(why, why_size, "cannot write %s: %s", temp, store_strerror(rc));
        return -1;
    }
    if (rename(temp, data) != 0) {
        snprintf(why, why_size, "cannot replace %s: %s", data, strerror(errno));
        unlink(temp);
        return -1;
    }
    if ((rc = compact_sync_dir(dir)) != 0) {
        snprintf(why, why_size, "cannot sync %s: %s", dir, strerror(rc));
        return -1;
    }
    *after = compact_size(data);
    return 0;
}

int compact_copy_store(struct store *store, int fd)
{
    int rc = pthread_rwlock_rdlock(&store->resize_lock);
    if (rc != 0)
        return rc;
    rc = mdb_env_copyfd2(store->env, fd, MDB_CP_COMPACT);
    pthread_rwlock_unlock(&store->resize_lock);
    return rc;
}

int compact_copy_dir(const char *dir, int fd)
{
    MDB_env *env;
    int rc = mdb_env_create(&env);
    if (rc != 0)
        return rc;
    /* The copy walks the named databases through the main one: it opens
     * none, so the environment needs no room for them. */
    rc = mdb_env_open(env, dir, MDB_RDONLY, 0600);
    if (rc == 0)
        rc = mdb_env_copyfd2(env, fd, MDB_CP_COMPACT);
    /* The serving foliod grew the map after this one was mapped: map the
     * new size and begin again (the copy fails before writing a byte). */
    for (int i = 0; i < 3 && rc == MDB_MAP_RESIZED; i++) {
        rc = mdb_env_set_mapsize(env, 0);
        if (rc == 0)
            rc = mdb_env_copyfd2(env, fd, MDB_CP_COMPACT);
    }
    mdb_env_close(env);
    return rc;
}
