/* fuzz_support.c - see fuzz_support.h. */
#include "fuzz_support.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "firm.h"
#include "log.h"

/* Deeper than anything a data directory holds (DATA/transfers/FILE). */
#define FUZZ_TREE_DEPTH_MAX 16

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---------------------------------------------------------------- random
 *
 * splitmix64: fast and repeatable, and nothing here needs secrecy. The
 * writer thread and the pool threads draw from it too, hence the lock; the
 * requests of one connection run one after the other, so the order of the
 * draws is the same on every run of an input. */

#define FUZZ_RANDOM_SEED UINT64_C(0x666f6c696f2d667a)

static pthread_mutex_t fuzz_random_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t fuzz_random_state = FUZZ_RANDOM_SEED;

static uint64_t fuzz_random_next(void)
{
    uint64_t z = (fuzz_random_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void fuzz_random_buf(void *buf, size_t size)
{
    uint8_t *out = buf;
    pthread_mutex_lock(&fuzz_random_lock);
    for (size_t i = 0; i < size; i += 8) {
        uint64_t v = fuzz_random_next();
        memcpy(out + i, &v, size - i < 8 ? size - i : 8);
    }
    pthread_mutex_unlock(&fuzz_random_lock);
}

static uint32_t fuzz_random_u32(void)
{
    uint32_t v;
    fuzz_random_buf(&v, sizeof(v));
    return v;
}

static const char *fuzz_random_name(void)
{
    return "folio-fuzz-repeatable";
}

static randombytes_implementation fuzz_random_impl = {
    .implementation_name = fuzz_random_name,
    .random = fuzz_random_u32,
    .buf = fuzz_random_buf,
};

void fuzz_random_reset(void)
{
    pthread_mutex_lock(&fuzz_random_lock);
    fuzz_random_state = FUZZ_RANDOM_SEED;
    pthread_mutex_unlock(&fuzz_random_lock);
}

/* ---------------------------------------------------------------- files */

static int fuzz_remove_below(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    if (depth >= FUZZ_TREE_DEPTH_MAX)
        return -1;
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[PATH_MAX];
        if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= sizeof(child))
            rc = -1;
        else
            rc = fuzz_remove_below(child, depth + 1);
    }
    closedir(d);
    return rc == 0 ? rmdir(path) : rc;
}

int fuzz_remove_tree(const char *path)
{
    return fuzz_remove_below(path, 0);
}

/* ---------------------------------------------------------------- setup */

static char fuzz_scratch[PATH_MAX];

static void fuzz_scratch_remove(void)
{
    if (fuzz_scratch[0] != '\0')
        fuzz_remove_tree(fuzz_scratch);
}

const char *fuzz_scratch_dir(void)
{
    if (fuzz_scratch[0] != '\0')
        return fuzz_scratch;
    const char *base = getenv("FOLIO_FUZZ_TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if ((size_t)snprintf(fuzz_scratch, sizeof(fuzz_scratch), "%s/folio-fuzz.XXXXXX", base) >=
            sizeof(fuzz_scratch) ||
        mkdtemp(fuzz_scratch) == NULL)
        fuzz_fail("cannot make a scratch directory under %s: %s", base, strerror(errno));
    atexit(fuzz_scratch_remove);
    return fuzz_scratch;
}

void fuzz_firm_create(const char *dir)
{
    char admin[] = FUZZ_ADMIN_NAME;
    char why[512];
    if (firm_init(dir, FUZZ_FIRM_NAME, admin, FUZZ_ADMIN_PASSWORD, NULL, HASHER_COST_MIN, why,
                  sizeof(why)) != 0)
        fuzz_fail("cannot make the firm in %s: %s", dir, why);
}

void fuzz_init(void)
{
    if (randombytes_set_implementation(&fuzz_random_impl) != 0 || sodium_init() < 0)
        fuzz_fail("cannot initialise libsodium");
    enum log_level level = LOG_ERROR;
    const char *wanted = getenv("FOLIO_FUZZ_LOG");
    if (wanted != NULL && log_level_parse(wanted, &level) != 0)
        fuzz_fail("FOLIO_FUZZ_LOG wants error, warn, info or debug, not %s", wanted);
    log_set_level(level);
    /* A peer that has gone must cost an error code, as in foliod. */
    signal(SIGPIPE, SIG_IGN);
}
