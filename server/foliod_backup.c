/* foliod_backup.c - see foliod_backup.h. */
#include "foliod_backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "backup_file.h"
#include "compact.h"
#include "firm_key.h"
#include "prompt.h"
#include "store.h"
#include "store_meta.h"
#include "tls_cert.h"

#define BACKUP_EXIT_FAILURE 1
#define BACKUP_EXIT_USAGE   2
#define BACKUP_KEEP_MAX     10000
#define BACKUP_NAME_TRIES   10
#define BACKUP_ENV          "FOLIO_BACKUP_PASSPHRASE"

const char foliod_backup_usage[] =
    "usage: foliod backup --data DIR --out FILE [--passphrase-file F]\n"
    "       foliod backup --data DIR --backup-dir D [--backup-keep N] [--passphrase-file F]\n"
    "\n"
    "Writes the firm in DIR - its firm key, TLS certificate and key, and a compacted\n"
    "copy of its database - into one file encrypted with a passphrase (argon2id,\n"
    "XChaCha20-Poly1305). Safe while a foliod serves DIR: the database is read in one\n"
    "read transaction of its own, and DIR gets nothing written but that reader's slot\n"
    "in lock.mdb; DIR/foliod.lock is neither taken nor waited for. The file is written\n"
    "under a temporary name and appears complete or not at all (mode 0600). The TLS\n"
    "pair is DIR's own (tls-cert.pem, tls-key.pem): a firm served with --tls-cert and\n"
    "--tls-key elsewhere keeps those apart, or uses `folio admin backup`, which\n"
    "carries the pair being served.\n"
    "\n"
    "  --data DIR            the data directory\n"
    "  --out FILE            the backup to write; refused when FILE exists\n"
    "  --backup-dir D        write D/folio-YYYYMMDDTHHMMSSZ.fbk instead (for a timer)\n"
    "  --backup-keep N       with --backup-dir, then remove all but the newest N\n"
    "                        folio-*.fbk there (1 to 10000; default: keep all)\n"
    "  --passphrase-file F   read the passphrase from the first line of F, which no one\n"
    "                        else may read (mode 0600); else FOLIO_BACKUP_PASSPHRASE,\n"
    "                        else it is asked for twice at the terminal. At least 12 bytes\n"
    "  --help                show this help\n";

const char foliod_restore_usage[] =
    "usage: foliod restore --from FILE --data DIR [--new-identity] [--passphrase-file F]\n"
    "\n"
    "Makes the data directory DIR, which must not exist or be empty (made 0700), from\n"
    "FILE, a backup of `foliod backup` or `folio admin backup`: the database, the firm\n"
    "key and the TLS certificate and key (each 0600), so that the firm serves as\n"
    "itself: agents see the certificate they trust and bundles it signed before still\n"
    "verify. Nothing is left in DIR when FILE is damaged, cut short, or the passphrase\n"
    "is wrong.\n"
    "\n"
    "  --from FILE           the backup\n"
    "  --data DIR            the data directory to make\n"
    "  --new-identity        restore a backup without the firm key (an unencrypted\n"
    "                        folio-*.mdb copy of older versions), or leave out the key and\n"
    "                        the TLS pair of one that has them: serve then makes new ones,\n"
    "                        every agent must check and trust the new certificate, and\n"
    "                        firms that trust this one reject its bundles until they trust\n"
    "                        the new key\n"
    "  --passphrase-file F   as for foliod backup; else FOLIO_BACKUP_PASSPHRASE, else the\n"
    "                        terminal\n"
    "  --help                show this help\n";

enum backup_option {
    OPT_DATA = 256,
    OPT_OUT,
    OPT_FROM,
    OPT_BACKUP_DIR,
    OPT_BACKUP_KEEP,
    OPT_PASSPHRASE_FILE,
    OPT_NEW_IDENTITY,
    OPT_HELP,
};

__attribute__((format(printf, 1, 2))) static int backup_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "foliod: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nrun `foliod --help` for usage\n");
    va_end(ap);
    return BACKUP_EXIT_USAGE;
}

__attribute__((format(printf, 1, 2))) static int backup_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "foliod: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BACKUP_EXIT_FAILURE;
}

/* ---------------------------------------------------------------- passphrase */

/* The first line of path, which must be a regular file no one else reads. */
static int backup_passphrase_file(const char *path, prompt_password out, char *why, size_t why_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, why_size, "--passphrase-file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(why, why_size,
                 "--passphrase-file %s must be a regular file only its owner reads: chmod 600 %s",
                 path, path);
        close(fd);
        return -1;
    }
    ssize_t n = read(fd, out, PROMPT_PASSWORD_MAX + 1);
    close(fd);
    if (n < 0) {
        snprintf(why, why_size, "--passphrase-file %s: %s", path, strerror(errno));
        return -1;
    }
    char *end = memchr(out, '\n', (size_t)n);
    if (end == NULL && n > PROMPT_PASSWORD_MAX) {
        explicit_bzero(out, sizeof(prompt_password));
        snprintf(why, why_size, "--passphrase-file %s: the passphrase is too long", path);
        return -1;
    }
    size_t len = end != NULL ? (size_t)(end - out) : (size_t)n;
    if (len > 0 && out[len - 1] == '\r')
        len--;
    memset(out + len, 0, sizeof(prompt_password) - len);
    return 0;
}

/* The passphrase from the file, the variable, or the terminal (twice when
 * making a backup); *len its length. 0, or -1 with why. */
static int backup_passphrase(const char *file, bool making, prompt_password out, size_t *len,
                             char *why, size_t why_size)
{
    const char *variable = getenv(BACKUP_ENV);
    int rc;
    if (file != NULL) {
        rc = backup_passphrase_file(file, out, why, why_size);
    } else if (variable != NULL) {
        if (strlen(variable) > PROMPT_PASSWORD_MAX) {
            snprintf(why, why_size, BACKUP_ENV " is too long");
            return -1;
        }
        snprintf(out, sizeof(prompt_password), "%s", variable);
        rc = 0;
    } else if (prompt_interactive()) {
        rc = making ? prompt_hidden_twice("Backup passphrase: ", out, why, why_size)
                    : prompt_hidden("Backup passphrase: ", out, why, why_size);
    } else {
        snprintf(why, why_size,
                 "no passphrase: give --passphrase-file F or " BACKUP_ENV
                 ", or run it at a terminal");
        return -1;
    }
    if (rc != 0)
        return -1;
    *len = strlen(out);
    const char *bad = making ? backup_passphrase_check(out, *len) : NULL;
    if (!making && *len == 0)
        bad = "the passphrase is empty";
    if (bad != NULL) {
        explicit_bzero(out, sizeof(prompt_password));
        snprintf(why, why_size, "%s", bad);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- backup */

static int backup_copy_dir(void *ctx, int fd)
{
    return compact_copy_dir(ctx, fd);
}

struct backup_args {
    const char *data, *out, *dir, *passphrase_file;
    unsigned keep; /* 0: keep all */
};

/* Writes the backup into a temporary file in the target's directory;
 * its descriptor, or -1 (printed). */
static int backup_temp(const char *target_dir, char *tmp, size_t size)
{
    if ((size_t)snprintf(tmp, size, "%s/.folio-backup-%08x.tmp", target_dir,
                         randombytes_random()) >= size) {
        backup_fail("the path %s is too long", target_dir);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        backup_fail("cannot create %s: %s", tmp, strerror(errno));
    return fd;
}

/* Writes and syncs the backup into fd; 0 or -1 (printed). */
static int backup_fill(const struct backup_args *a, int fd, const char *passphrase, size_t len,
                       struct backup_summary *sum)
{
    char key[PATH_MAX], cert[PATH_MAX], tls_key[PATH_MAX];
    if ((size_t)snprintf(key, sizeof(key), "%s/%s", a->data, FIRM_KEY_FILE) >= sizeof(key) ||
        (size_t)snprintf(cert, sizeof(cert), "%s/%s", a->data, TLS_CERT_FILE) >= sizeof(cert) ||
        (size_t)snprintf(tls_key, sizeof(tls_key), "%s/%s", a->data, TLS_KEY_FILE) >=
            sizeof(tls_key))
        return backup_fail("the --data path is too long"), -1;
    struct backup_source src = {
        key, cert, tls_key, (int64_t)time(NULL), backup_copy_dir, (void *)a->data};
    char why[PATH_MAX + 128];
    if (backup_write(fd, passphrase, len, &src, sum, why, sizeof(why)) != 0)
        return backup_fail("%s", why), -1;
    if (fsync(fd) != 0)
        return backup_fail("cannot sync the backup: %s", strerror(errno)), -1;
    return 0;
}

/* Gives tmp its final name: --out, or the first free stamped name in
 * --backup-dir. 0, or -1 (printed). */
static int backup_name(const struct backup_args *a, const char *tmp, char *path, size_t size)
{
    if (a->out != NULL) {
        snprintf(path, size, "%s", a->out);
        if (link(tmp, path) == 0)
            return 0;
        return backup_fail("cannot write %s: %s", path, strerror(errno)), -1;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i <= BACKUP_NAME_TRIES; i++) {
        if (i == 1)
            snprintf(path, size, "%s/folio-%s.fbk", a->dir, stamp);
        else
            snprintf(path, size, "%s/folio-%s-%d.fbk", a->dir, stamp, i);
        if (link(tmp, path) == 0)
            return 0;
        if (errno != EEXIST)
            return backup_fail("cannot write %s: %s", path, strerror(errno)), -1;
    }
    return backup_fail("too many backups in %s this second", a->dir), -1;
}

struct backup_kept {
    char name[NAME_MAX + 1];
    struct timespec mtime;
};

static int backup_kept_newest_first(const void *a, const void *b)
{
    const struct backup_kept *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return -strcmp(x->name, y->name);
}

static bool backup_is_ours(const char *name)
{
    size_t len = strlen(name);
    return strncmp(name, "folio-", 6) == 0 && len > 10 && strcmp(name + len - 4, ".fbk") == 0;
}

/* Removes all but the newest keep folio-*.fbk of dir; what it removed is
 * printed. 0, or -1 (printed). */
static int backup_prune(const char *dir, unsigned keep)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return backup_fail("cannot read %s: %s", dir, strerror(errno)), -1;
    struct backup_kept *list = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;
        if (!backup_is_ours(e->d_name) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            size_t more = cap == 0 ? 32 : cap * 2;
            struct backup_kept *grown = realloc(list, more * sizeof(*grown));
            if (grown == NULL) {
                rc = backup_fail("out of memory");
                break;
            }
            list = grown;
            cap = more;
        }
        snprintf(list[n].name, sizeof(list[n].name), "%s", e->d_name);
        list[n++].mtime = st.st_mtim;
    }
    if (rc == 0 && n > keep) {
        qsort(list, n, sizeof(*list), backup_kept_newest_first);
        for (size_t i = keep; i < n; i++) {
            if (unlinkat(dirfd(d), list[i].name, 0) == 0)
                printf("removed %s/%s\n", dir, list[i].name);
            else
                rc = backup_fail("cannot remove %s/%s: %s", dir, list[i].name, strerror(errno));
        }
    }
    closedir(d);
    free(list);
    return rc == 0 ? 0 : -1;
}

static int backup_run(const struct backup_args *a)
{
    prompt_password passphrase;
    size_t len;
    char why[PATH_MAX + 128];
    if (backup_passphrase(a->passphrase_file, true, passphrase, &len, why, sizeof(why)) != 0)
        return backup_fail("%s", why);
    char target_dir[PATH_MAX], tmp[PATH_MAX + 64], path[PATH_MAX + 64];
    if (a->dir != NULL) {
        snprintf(target_dir, sizeof(target_dir), "%s", a->dir);
        if (mkdir(a->dir, 0700) != 0 && errno != EEXIST) {
            explicit_bzero(passphrase, sizeof(passphrase));
            return backup_fail("cannot create %s: %s", a->dir, strerror(errno));
        }
    } else {
        snprintf(target_dir, sizeof(target_dir), "%s", a->out);
        char *slash = strrchr(target_dir, '/');
        if (slash == NULL)
            snprintf(target_dir, sizeof(target_dir), ".");
        else
            slash[slash == target_dir ? 1 : 0] = '\0';
    }
    struct backup_summary sum;
    int fd = backup_temp(target_dir, tmp, sizeof(tmp));
    int rc = fd < 0 ? -1 : backup_fill(a, fd, passphrase, len, &sum);
    explicit_bzero(passphrase, sizeof(passphrase));
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = backup_fail("cannot write %s: %s", tmp, strerror(errno));
    if (rc == 0)
        rc = backup_name(a, tmp, path, sizeof(path));
    if (fd >= 0)
        unlink(tmp);
    if (rc != 0)
        return BACKUP_EXIT_FAILURE;
    int dir_fd = open(target_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0 || fsync(dir_fd) != 0)
        rc = backup_fail("cannot sync %s: %s", target_dir, strerror(errno));
    if (dir_fd >= 0)
        close(dir_fd);
    if (rc != 0)
        return BACKUP_EXIT_FAILURE;
    printf("backup of %s written to %s (%llu bytes; database %llu bytes%s%s)\n", a->data, path,
           (unsigned long long)sum.file_bytes, (unsigned long long)sum.data_bytes,
           sum.firm_key ? ", firm key" : ", NO firm key",
           sum.tls ? ", TLS certificate and key" : ", no TLS pair");
    if (a->dir != NULL && a->keep > 0 && backup_prune(a->dir, a->keep) != 0)
        return BACKUP_EXIT_FAILURE;
    return 0;
}

int foliod_backup(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"out", required_argument, NULL, OPT_OUT},
        {"backup-dir", required_argument, NULL, OPT_BACKUP_DIR},
        {"backup-keep", required_argument, NULL, OPT_BACKUP_KEEP},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct backup_args a = {0};
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        unsigned long keep;
        switch (opt) {
        case OPT_DATA:
            a.data = optarg;
            break;
        case OPT_OUT:
            a.out = optarg;
            break;
        case OPT_BACKUP_DIR:
            a.dir = optarg;
            break;
        case OPT_BACKUP_KEEP:
            errno = 0;
            keep = strtoul(optarg, &end, 10);
            if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0 || keep < 1 ||
                keep > BACKUP_KEEP_MAX)
                return backup_usage_error("--backup-keep %s: a whole number, 1 to %d", optarg,
                                          BACKUP_KEEP_MAX);
            a.keep = (unsigned)keep;
            break;
        case OPT_PASSPHRASE_FILE:
            a.passphrase_file = optarg;
            break;
        case OPT_HELP:
            fputs(foliod_backup_usage, stdout);
            return 0;
        default:
            return backup_usage_error("backup: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return backup_usage_error("backup: unexpected argument %s", argv[optind]);
    if (a.data == NULL || (a.out == NULL) == (a.dir == NULL))
        return backup_usage_error("%s", "backup needs --data DIR and one of --out FILE or "
                                        "--backup-dir D");
    if (a.keep > 0 && a.dir == NULL)
        return backup_usage_error("%s", "--backup-keep goes with --backup-dir");
    if (a.out != NULL && (a.out[0] == '\0' || strlen(a.out) >= PATH_MAX))
        return backup_usage_error("%s", "--out: a file name");
    if (a.dir != NULL && (a.dir[0] == '\0' || strlen(a.dir) >= PATH_MAX - NAME_MAX))
        return backup_usage_error("%s", "--backup-dir: a directory");
    char data_file[PATH_MAX];
    struct stat st;
    if (a.out != NULL && lstat(a.out, &st) == 0)
        return backup_fail("--out %s exists; a backup never replaces a file", a.out);
    if ((size_t)snprintf(data_file, sizeof(data_file), "%s/data.mdb", a.data) >=
            sizeof(data_file) ||
        stat(data_file, &st) != 0)
        return backup_fail("--data %s holds no folio database (%s)", a.data,
                           errno != 0 ? strerror(errno) : "the path is too long");
    return backup_run(&a);
}

/* ---------------------------------------------------------------- restore */

/* The files a restore may write into the directory, undone on failure. */
static const char *const restore_files[] = {"data.mdb", "lock.mdb", FIRM_KEY_FILE, TLS_CERT_FILE,
                                            TLS_KEY_FILE};
#define RESTORE_FILES (sizeof(restore_files) / sizeof(restore_files[0]))

struct restore {
    const char *dir, *from;
    bool new_identity;
    bool made;              /* dir was created here */
    int fds[RESTORE_FILES]; /* data.mdb, -, firm.key, tls-cert.pem, tls-key.pem */
    bool wrote[RESTORE_FILES];
    int64_t created_at;
    bool has_key, has_tls; /* what was written */
};

/* 0 when dir is missing or empty, or -1 printed. */
static int restore_dir_empty(const struct restore *r)
{
    DIR *d = opendir(r->dir);
    if (d == NULL && errno == ENOENT)
        return 0;
    if (d == NULL)
        return backup_fail("cannot open %s: %s", r->dir, strerror(errno)), -1;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty)
        return backup_fail("%s is not empty; restore into a new or empty directory", r->dir), -1;
    return 0;
}

/* 0 when dir can be restored into (created when missing, mode 0700), or -1
 * printed. */
static int restore_dir(struct restore *r)
{
    if (mkdir(r->dir, 0700) == 0) {
        r->made = true;
        return 0;
    }
    if (errno != EEXIST)
        return backup_fail("cannot create %s: %s", r->dir, strerror(errno)), -1;
    if (restore_dir_empty(r) != 0)
        return -1;
    if (chmod(r->dir, 0700) != 0)
        return backup_fail("cannot make %s private: %s", r->dir, strerror(errno)), -1;
    return 0;
}

/* Leaves dir as it was found: what the restore wrote goes (lock.mdb with
 * the data.mdb it opened), and nothing else. */
static void restore_undo(struct restore *r)
{
    char path[PATH_MAX];
    r->wrote[1] = r->wrote[0];
    for (size_t i = 0; i < RESTORE_FILES; i++) {
        if (r->fds[i] >= 0)
            close(r->fds[i]);
        r->fds[i] = -1;
        if (r->wrote[i] &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", r->dir, restore_files[i]) < sizeof(path))
            unlink(path);
    }
    if (r->made)
        rmdir(r->dir);
}

static int restore_open_file(struct restore *r, size_t i)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", r->dir, restore_files[i]) >= sizeof(path))
        return backup_fail("the --data path is too long"), -1;
    r->fds[i] = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (r->fds[i] < 0)
        return backup_fail("cannot create %s: %s", path, strerror(errno)), -1;
    r->wrote[i] = true;
    return 0;
}

static int restore_append(struct restore *r, size_t i, const uint8_t *data, size_t len)
{
    if (r->fds[i] < 0 && restore_open_file(r, i) != 0)
        return -1;
    while (len > 0) {
        ssize_t k = write(r->fds[i], data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return backup_fail("cannot write %s/%s: %s", r->dir, restore_files[i], strerror(errno)),
                   -1;
        data += k;
        len -= (size_t)k;
    }
    return 0;
}

/* Syncs and closes what was written. */
static int restore_sync(struct restore *r)
{
    int rc = 0;
    for (size_t i = 0; i < RESTORE_FILES; i++) {
        if (r->fds[i] < 0)
            continue;
        if ((fsync(r->fds[i]) != 0 || close(r->fds[i]) != 0) && rc == 0)
            rc = backup_fail("cannot write %s/%s: %s", r->dir, restore_files[i], strerror(errno));
        r->fds[i] = -1;
    }
    int dir_fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if ((dir_fd < 0 || fsync(dir_fd) != 0) && rc == 0)
        rc = backup_fail("cannot sync %s: %s", r->dir, strerror(errno));
    if (dir_fd >= 0)
        close(dir_fd);
    return rc;
}

/* Which restore_files slot a record goes to; data.mdb is 0. */
static size_t restore_slot(enum backup_record kind)
{
    switch (kind) {
    case BACKUP_RECORD_FIRM_KEY:
        return 2;
    case BACKUP_RECORD_TLS_CERT:
        return 3;
    case BACKUP_RECORD_TLS_KEY:
        return 4;
    default:
        return 0;
    }
}

/* Writes the records of an open reader into dir. 0, or -1 (printed). */
static int restore_records(struct restore *r, struct backup_reader *reader)
{
    char why[256];
    for (;;) {
        enum backup_record kind;
        const uint8_t *data;
        size_t len;
        int rc = backup_reader_next(reader, &kind, &data, &len, why, sizeof(why));
        if (rc == 0)
            return 0;
        if (rc < 0)
            return backup_fail("%s: %s; nothing was restored", r->from, why), -1;
        if (kind == BACKUP_RECORD_END)
            continue;
        bool identity = kind == BACKUP_RECORD_FIRM_KEY || kind == BACKUP_RECORD_TLS_CERT ||
                        kind == BACKUP_RECORD_TLS_KEY;
        if (identity && r->new_identity)
            continue;
        if (restore_append(r, restore_slot(kind), data, len) != 0)
            return -1;
    }
}

static int restore_encrypted(struct restore *r, int fd, const char *passphrase_file)
{
    prompt_password passphrase;
    size_t len;
    char why[PATH_MAX + 128];
    if (backup_passphrase(passphrase_file, false, passphrase, &len, why, sizeof(why)) != 0)
        return backup_fail("%s", why), -1;
    struct backup_reader reader;
    int rc = backup_reader_open(&reader, fd, passphrase, len, why, sizeof(why));
    explicit_bzero(passphrase, sizeof(passphrase));
    if (rc != 0) {
        backup_reader_close(&reader);
        return backup_fail("%s: %s; nothing was restored", r->from, why), -1;
    }
    r->created_at = reader.created_at;
    r->has_key = (reader.flags & BACKUP_HAS_FIRM_KEY) && !r->new_identity;
    r->has_tls = (reader.flags & BACKUP_HAS_TLS) && !r->new_identity;
    if (!(reader.flags & BACKUP_HAS_FIRM_KEY) && !r->new_identity) {
        backup_reader_close(&reader);
        return backup_fail("%s holds no firm key: a firm restored from it would sign with a new "
                           "key. Restore it with --new-identity if that is what you want "
                           "(see foliod restore --help); nothing was restored",
                           r->from),
               -1;
    }
    rc = restore_dir(r);
    if (rc == 0)
        rc = restore_records(r, &reader);
    backup_reader_close(&reader);
    return rc;
}

/* An unencrypted copy of data.mdb (older `folio admin backup`). */
static int restore_plain(struct restore *r, int fd)
{
    if (!r->new_identity)
        return backup_fail("%s is not an encrypted folio backup. If it is an unencrypted copy "
                           "of an older version (folio-*.mdb), it holds neither the firm key nor "
                           "the TLS pair: restore it with --new-identity (see foliod restore "
                           "--help); nothing was restored",
                           r->from),
               -1;
    if (restore_dir(r) != 0)
        return -1;
    uint8_t *buf = malloc(BACKUP_DATA_CHUNK);
    if (buf == NULL)
        return backup_fail("out of memory"), -1;
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf, BACKUP_DATA_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = backup_fail("cannot read %s: %s", r->from, strerror(errno));
        if (n <= 0 || (rc = restore_append(r, 0, buf, (size_t)n)) != 0)
            break;
    }
    free(buf);
    if (rc == 0 && r->fds[0] < 0)
        rc = backup_fail("%s is empty", r->from);
    return rc == 0 ? 0 : -1;
}

/* Opens the restored database and reads its firm: the proof that it is a
 * folio database, and that the firm key is this firm's. The firm's name
 * (free it), or NULL (printed). */
static char *restore_check(struct restore *r)
{
    struct store store;
    int rc = store_open(&store, r->dir, 0);
    if (rc != 0) {
        backup_fail("%s is not a folio backup: %s", r->from, store_strerror(rc));
        return NULL;
    }
    char *name = NULL;
    MDB_txn *txn;
    struct arena arena;
    arena_init(&arena, 0);
    Folio__Firm *firm = NULL;
    rc = store_read_begin(&store, &txn);
    if (rc == 0) {
        rc = store_meta_firm_get(&store, txn, &arena, &firm);
        store_read_end(&store, txn);
    }
    struct firm_key key;
    char why[PATH_MAX + 128];
    if (rc == MDB_NOTFOUND)
        backup_fail("%s is not a folio backup: it holds no firm", r->from);
    else if (rc != 0)
        backup_fail("cannot read %s: %s", r->from, store_strerror(rc));
    else if (r->has_key && firm_key_load(r->dir, &key, why, sizeof(why)) != 0)
        backup_fail("%s", why);
    else if (r->has_key && (firm->public_key.len != sizeof(key.public_key) ||
                            memcmp(firm->public_key.data, key.public_key, sizeof(key.public_key))))
        backup_fail("%s: its firm key is not the one its database names; nothing was restored",
                    r->from);
    else if ((name = strdup(firm->name)) == NULL)
        backup_fail("out of memory");
    sodium_memzero(&key, sizeof(key));
    arena_free(&arena);
    store_close(&store);
    return name;
}

/* The restored certificate's fingerprint, or "?" */
static void restore_fingerprint(const char *dir, char out[TLS_FINGERPRINT_SIZE])
{
    char path[PATH_MAX];
    snprintf(out, TLS_FINGERPRINT_SIZE, "?");
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, TLS_CERT_FILE) >= sizeof(path))
        return;
    FILE *f = fopen(path, "re");
    X509 *cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    if (cert != NULL && tls_fingerprint_of(cert, out) != 0)
        snprintf(out, TLS_FINGERPRINT_SIZE, "?");
    X509_free(cert);
}

static void restore_report(const struct restore *r, const char *firm)
{
    printf("restored firm \"%s\" from %s into %s\n", firm, r->from, r->dir);
    if (r->created_at > 0) {
        time_t when = (time_t)r->created_at;
        struct tm tm;
        char date[32] = "?";
        if (gmtime_r(&when, &tm) != NULL)
            strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
        printf("backup made: %s\n", date);
    }
    if (r->has_key)
        printf("firm key: restored (%s/%s): bundles signed before verify as before\n", r->dir,
               FIRM_KEY_FILE);
    if (r->has_tls) {
        char fp[TLS_FINGERPRINT_SIZE];
        restore_fingerprint(r->dir, fp);
        printf("TLS certificate fingerprint (SHA-256): %s\n", fp);
    } else if (!r->new_identity) {
        printf("the backup holds no TLS pair (the firm served --plaintext or its own --tls-cert "
               "and --tls-key): give those again, or serve makes a new certificate\n");
    }
    if (r->new_identity)
        fprintf(stderr,
                "\n"
                "WARNING: THIS FIRM NOW HAS A NEW IDENTITY.\n"
                "  foliod serve makes a new firm key and a new TLS certificate for %s.\n"
                "  - Every agent's folio will refuse the new certificate until the agent checks\n"
                "    its fingerprint (foliod logs it at start) and trusts it again.\n"
                "  - Firms that trust this firm's key reject the bundles it signs from now on,\n"
                "    until they trust the new one (`folio admin firm-key` shows it; they run\n"
                "    `folio admin trust add`).\n"
                "  - Bundles this firm signed before verify only against the old key.\n"
                "  If the old firm.key and TLS pair still exist, restore a backup that holds\n"
                "  them instead.\n\n",
                r->dir);
    printf("serve it with: foliod serve --data %s\n", r->dir);
}

static int restore_run(struct restore *r, const char *passphrase_file)
{
    int fd = open(r->from, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = fd < 0 ? errno : EINVAL;
        if (fd >= 0)
            close(fd);
        return backup_fail("--from %s: %s", r->from,
                           err == EINVAL ? "not a regular file" : strerror(err));
    }
    /* Refused before the passphrase is asked for. */
    int rc = restore_dir_empty(r);
    if (rc == 0)
        rc = backup_is_encrypted(fd) ? restore_encrypted(r, fd, passphrase_file)
                                     : restore_plain(r, fd);
    close(fd);
    char *firm = NULL;
    if (rc == 0)
        rc = restore_sync(r);
    if (rc == 0 && (firm = restore_check(r)) == NULL)
        rc = -1;
    if (rc != 0) {
        restore_undo(r);
        return BACKUP_EXIT_FAILURE;
    }
    restore_report(r, firm);
    free(firm);
    return 0;
}

int foliod_restore(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"from", required_argument, NULL, OPT_FROM},
        {"new-identity", no_argument, NULL, OPT_NEW_IDENTITY},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct restore r = {.fds = {-1, -1, -1, -1, -1}};
    const char *passphrase_file = NULL;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            r.dir = optarg;
            break;
        case OPT_FROM:
            r.from = optarg;
            break;
        case OPT_NEW_IDENTITY:
            r.new_identity = true;
            break;
        case OPT_PASSPHRASE_FILE:
            passphrase_file = optarg;
            break;
        case OPT_HELP:
            fputs(foliod_restore_usage, stdout);
            return 0;
        default:
            return backup_usage_error("restore: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return backup_usage_error("restore: unexpected argument %s (the backup goes after --from)",
                                  argv[optind]);
    if (r.dir == NULL || r.from == NULL)
        return backup_usage_error("%s", "restore needs --from FILE and --data DIR");
    if (strlen(r.dir) >= PATH_MAX - NAME_MAX)
        return backup_usage_error("%s", "restore: the --data path is too long");
    return restore_run(&r, passphrase_file);
}
