/* test_backup.c - encrypted backups: `folio admin backup` from a serving
 * foliod, `foliod backup` of a directory (served or not), and `foliod
 * restore` of either into a firm that is the same firm (TLS fingerprint and
 * signing key), or, with --new-identity only, a new one; and the refusals,
 * each of which leaves nothing behind.
 *
 * The tests share one server; a test that serves a restored directory
 * starts a server of its own for it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "backup_file.h"
#include "folioclient_firm.h"
#include "folioclient_transfer.h"
#include "harness.h"

#define PASSPHRASE "a backup passphrase"
#define PW         "backup-password"

static struct harness_server srv, restored;
static struct folio_connection *root;

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "backup") == 0)
        harness_shared_start("backup", NULL, NULL);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("backup");
}

static void setup(void)
{
    harness_shared_attach(&srv, "backup");
    root = harness_admin(&srv);
    setenv("FOLIO_BACKUP_PASSPHRASE", PASSPHRASE, 1);
}

static void teardown(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_cleanup(&restored);
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(backup, .init = setup, .fini = teardown, .timeout = 180);

/* ---------------------------------------------------------------- helpers */

/* A path in the shared server's root, unique to this test. */
static void tmp_path(char *out, size_t size, const char *what)
{
    snprintf(out, (size_t)size, "%s/%s-%d", srv.root, what, (int)getpid());
}

static int foliod(char **out, const char *command, const char *a, const char *b, const char *c,
                  const char *d, const char *e, const char *f)
{
    char *argv[] = {FOLIOD_PATH, (char *)command, (char *)a, (char *)b, (char *)c,
                    (char *)d,   (char *)e,       (char *)f, NULL};
    return harness_run(argv, NULL, out);
}

static int restore(const char *file, const char *dir, char **out)
{
    return foliod(out, "restore", "--from", file, "--data", dir, NULL, NULL);
}

/* What `folio admin backup` does: the server's encrypted file, fetched. */
static void online_backup(struct folio_connection *c, const char *file)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert(fd >= 0, "%s", file);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_backup_to_fd(c, PASSPHRASE, fd, NULL, NULL, &err), &err);
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_eq((uint64_t)st.st_size, r->transfer->size);
    folio_response_free(r);
    close(fd);
}

/* An agent with one client, and that agent's bundle signed by the firm. */
static void signed_bundle(const char *file)
{
    char name[32];
    snprintf(name, sizeof(name), "agent-%d", (int)getpid());
    harness_add_office(root, name);
    harness_add_user(root, name, FOLIO__ROLE__ROLE_AGENT, name, PW);
    struct folio_connection *agent = harness_user(&srv, name, PW);
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = "Ana Backup";
    folio_response_free(harness_ok(folio_client_add(agent, &client, false, &err), &err));
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert(fd >= 0);
    folio_response_free(harness_ok(
        folio_export_to_fd(agent, NULL, NULL, 0, false, NULL, fd, NULL, NULL, &err), &err));
    close(fd);
    folio_connection_close(agent);
}

/* The signer an import of the bundle would name: the firm's name when its
 * key is this firm's, "" for an untrusted one. */
static char *bundle_signer(struct folio_connection *admin, const char *file)
{
    int fd = open(file, O_RDONLY);
    cr_assert(fd >= 0);
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    char agent[32];
    snprintf(agent, sizeof(agent), "agent-%d", (int)getpid());
    struct folio_error err = {0};
    Folio__Response *r = folio_import_from_fd(admin, fd, (uint64_t)st.st_size, agent, true, false,
                                              true, NULL, NULL, &err);
    close(fd);
    cr_assert_not_null(r, "%s", err.message);
    char *signer = strdup(r->import->signer);
    folio_response_free(r);
    return signer;
}

static char *public_key(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_key(c, &err), &err);
    char *key = strdup(r->firm_key->public_key);
    folio_response_free(r);
    return key;
}

/* A server of this test's own, whose data directory is then removed, for
 * a restore to make again. */
static void fresh_restored_dir(void)
{
    harness_server_start(&restored, NULL);
    cr_assert_eq(harness_server_stop(&restored), 0);
    char *argv[] = {"/bin/rm", "-rf", restored.data, NULL};
    cr_assert_eq(harness_run(argv, NULL, NULL), 0);
}

static void assert_mode(const char *dir, const char *name, unsigned mode)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    cr_assert_eq(st.st_mode & 0777, mode, "%s is %o", path, st.st_mode & 0777);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void copy_file(const char *from, const char *to, off_t length)
{
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof(cmd), "head -c %lld '%s' > '%s'", (long long)length, from, to);
    cr_assert_eq(system(cmd), 0);
}

static off_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    return st.st_size;
}

/* ---------------------------------------------------------------- tests */

Test(backup, online_backup_wipe_restore_is_the_same_firm)
{
    char bundle[PATH_MAX], file[PATH_MAX];
    tmp_path(bundle, sizeof(bundle), "before.bundle");
    tmp_path(file, sizeof(file), "online.fbk");
    signed_bundle(bundle);
    char *key = public_key(root);

    /* Firm-admins only, and a passphrase worth the name. */
    char agent[32];
    snprintf(agent, sizeof(agent), "agent-%d", (int)getpid());
    struct folio_connection *c = harness_user(&srv, agent, PW);
    struct folio_error err = {0};
    harness_refused(folio_backup_to_fd(c, PASSPHRASE, -1, NULL, NULL, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(c);
    harness_refused(folio_backup_to_fd(root, "too short", -1, NULL, NULL, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "at least 12 bytes") != NULL, "%s", err.message);

    online_backup(root, file);
    assert_mode(srv.root, strrchr(file, '/') + 1, 0600);
    /* Audited. */
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 20, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        audited |= strcmp(r->audit->records[i]->action, "backup") == 0 &&
                   strstr(r->audit->records[i]->detail, "firm key, TLS pair") != NULL;
    folio_response_free(r);
    cr_assert(audited);
    /* The file is no copy of the database in the clear. */
    int fd = open(file, O_RDONLY);
    cr_assert(backup_is_encrypted(fd));
    close(fd);

    /* Wiped, restored: the same firm. */
    fresh_restored_dir();
    char *out = NULL;
    cr_assert_eq(restore(file, restored.data, &out), 0, "%s", out);
    cr_assert(strstr(out, "restored firm \"" HARNESS_FIRM "\"") != NULL, "%s", out);
    cr_assert(strstr(out, srv.init_fingerprint) != NULL, "%s\nwanted %s", out,
              srv.init_fingerprint);
    free(out);
    assert_mode(restored.data, ".", 0700);
    assert_mode(restored.data, "data.mdb", 0600);
    assert_mode(restored.data, "firm.key", 0600);
    assert_mode(restored.data, "tls-cert.pem", 0600);
    assert_mode(restored.data, "tls-key.pem", 0600);

    harness_server_restart(&restored);
    char *log = harness_server_log(&restored);
    cr_assert(strstr(log, srv.init_fingerprint) != NULL, "%s", log);
    free(log);
    struct folio_connection *admin = harness_admin(&restored);
    char *restored_key = public_key(admin);
    cr_assert_str_eq(restored_key, key);
    /* A bundle signed before the backup is this firm's after it. */
    char *signer = bundle_signer(admin, bundle);
    cr_assert_str_eq(signer, HARNESS_FIRM);
    free(signer);
    free(restored_key);
    free(key);
    folio_connection_close(admin);
    harness_server_finish(&restored);
}

Test(backup, refused_files_leave_nothing)
{
    char file[PATH_MAX], bad[PATH_MAX], dir[PATH_MAX];
    tmp_path(file, sizeof(file), "live.fbk");
    tmp_path(bad, sizeof(bad), "bad.fbk");
    tmp_path(dir, sizeof(dir), "restored");
    /* foliod backup of the directory the shared server is serving. */
    char *out = NULL;
    cr_assert_eq(foliod(&out, "backup", "--data", srv.data, "--out", file, NULL, NULL), 0, "%s",
                 out);
    cr_assert(strstr(out, "firm key, TLS certificate and key") != NULL, "%s", out);
    free(out);
    cr_assert_eq(foliod(&out, "backup", "--data", srv.data, "--out", file, NULL, NULL), 1);
    cr_assert(strstr(out, "exists") != NULL, "%s", out);
    free(out);

    setenv("FOLIO_BACKUP_PASSPHRASE", "not the passphrase", 1);
    cr_assert_eq(restore(file, dir, &out), 1, "%s", out);
    cr_assert(strstr(out, "passphrase is wrong") != NULL, "%s", out);
    free(out);
    cr_assert(!exists(dir));
    setenv("FOLIO_BACKUP_PASSPHRASE", PASSPHRASE, 1);

    struct {
        off_t length;
        const char *words;
    } cuts[] = {
        {file_size(file) - 1, "cut short"},
        {20, "too short"},
    };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        unlink(bad);
        copy_file(file, bad, cuts[i].length);
        cr_assert_eq(restore(bad, dir, &out), 1, "%s", out);
        cr_assert(strstr(out, cuts[i].words) != NULL, "%lld: %s", (long long)cuts[i].length, out);
        free(out);
        cr_assert(!exists(dir), "a refused restore left %s", dir);
    }
    /* A bit flipped in the database's records; bytes after the end. */
    unlink(bad);
    copy_file(file, bad, file_size(file));
    int fd = open(bad, O_RDWR);
    uint8_t byte;
    cr_assert_eq(pread(fd, &byte, 1, file_size(file) / 2), 1);
    byte ^= 0x10;
    cr_assert_eq(pwrite(fd, &byte, 1, file_size(file) / 2), 1);
    close(fd);
    cr_assert_eq(restore(bad, dir, &out), 1, "%s", out);
    cr_assert(strstr(out, "damaged") != NULL || strstr(out, "cut short") != NULL, "%s", out);
    free(out);
    cr_assert(!exists(dir));
    unlink(bad);
    copy_file(file, bad, file_size(file));
    fd = open(bad, O_WRONLY | O_APPEND);
    cr_assert_eq(write(fd, "more", 4), 4);
    close(fd);
    cr_assert_eq(restore(bad, dir, &out), 1, "%s", out);
    cr_assert(strstr(out, "damaged") != NULL || strstr(out, "after its end") != NULL, "%s", out);
    free(out);
    cr_assert(!exists(dir));

    /* A directory with something in it is left alone. */
    cr_assert_eq(mkdir(dir, 0755), 0);
    char keep[PATH_MAX + 16];
    snprintf(keep, sizeof(keep), "%s/data.mdb", dir);
    copy_file(file, keep, 10);
    cr_assert_eq(restore(file, dir, &out), 1, "%s", out);
    cr_assert(strstr(out, "not empty") != NULL, "%s", out);
    free(out);
    cr_assert_eq(file_size(keep), 10);
    unlink(keep);
    /* An empty one is fine. */
    cr_assert_eq(restore(file, dir, &out), 0, "%s", out);
    free(out);
    assert_mode(dir, ".", 0700);
    assert_mode(dir, "firm.key", 0600);
}

Test(backup, passphrases_and_usage)
{
    char file[PATH_MAX], dir[PATH_MAX], pass[PATH_MAX];
    tmp_path(file, sizeof(file), "usage.fbk");
    tmp_path(dir, sizeof(dir), "usage-dir");
    tmp_path(pass, sizeof(pass), "passphrase");
    char *out = NULL;
    unsetenv("FOLIO_BACKUP_PASSPHRASE");
    cr_assert_eq(foliod(&out, "backup", "--data", srv.data, "--out", file, NULL, NULL), 1);
    cr_assert(strstr(out, "no passphrase") != NULL, "%s", out);
    free(out);
    setenv("FOLIO_BACKUP_PASSPHRASE", "short", 1);
    cr_assert_eq(foliod(&out, "backup", "--data", srv.data, "--out", file, NULL, NULL), 1);
    cr_assert(strstr(out, "at least 12 bytes") != NULL, "%s", out);
    free(out);
    cr_assert(!exists(file));

    /* A passphrase file others may read is refused; 0600 is used, and
     * wins over the variable. */
    FILE *f = fopen(pass, "w");
    cr_assert_not_null(f);
    fputs(PASSPHRASE "\n", f);
    fclose(f);
    chmod(pass, 0644);
    cr_assert_eq(
        foliod(&out, "backup", "--data", srv.data, "--out", file, "--passphrase-file", pass), 1);
    cr_assert(strstr(out, "chmod 600") != NULL, "%s", out);
    free(out);
    chmod(pass, 0600);
    cr_assert_eq(
        foliod(&out, "backup", "--data", srv.data, "--out", file, "--passphrase-file", pass), 0,
        "%s", out);
    free(out);
    setenv("FOLIO_BACKUP_PASSPHRASE", PASSPHRASE, 1);
    cr_assert_eq(restore(file, dir, &out), 0, "%s", out);
    free(out);

    /* Usage: exit 2, nothing done. */
    cr_assert_eq(foliod(&out, "restore", "--data", dir, file, NULL, NULL, NULL), 2);
    cr_assert(strstr(out, "--from") != NULL, "%s", out);
    free(out);
    cr_assert_eq(foliod(NULL, "restore", "--from", file, NULL, NULL, NULL, NULL), 2);
    cr_assert_eq(foliod(NULL, "backup", "--data", srv.data, NULL, NULL, NULL, NULL), 2);
    cr_assert_eq(foliod(NULL, "backup", "--data", srv.data, "--out", file, "--backup-keep", "2"),
                 2);
    cr_assert_eq(
        foliod(NULL, "backup", "--data", srv.data, "--backup-dir", dir, "--backup-keep", "0"), 2);
    cr_assert_eq(foliod(&out, "backup", "--data", dir, "x", "--out", file, NULL), 2);
    free(out);
    cr_assert_eq(foliod(&out, "restore", "--help", NULL, NULL, NULL, NULL, NULL), 0);
    cr_assert(strstr(out, "usage: foliod restore --from FILE --data DIR") != NULL, "%s", out);
    free(out);
    cr_assert_eq(foliod(&out, "backup", "--help", NULL, NULL, NULL, NULL, NULL), 0);
    cr_assert(strstr(out, "--backup-keep N") != NULL, "%s", out);
    free(out);
}

Test(backup, backup_dir_keeps_the_newest)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof(dir), "timer");
    char *out = NULL;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(
            foliod(&out, "backup", "--data", srv.data, "--backup-dir", dir, "--backup-keep", "2"),
            0, "%s", out);
        free(out);
    }
    assert_mode(dir, ".", 0700);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof(cmd), "test $(ls '%s' | grep -c '^folio-.*\\.fbk$') -eq 2", dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 2", dir);
    cr_assert_eq(system(cmd), 0, "nothing else is left: %s", cmd);
}

Test(backup, new_identity_is_asked_for_and_said)
{
    char bundle[PATH_MAX], file[PATH_MAX], plain[PATH_MAX];
    tmp_path(bundle, sizeof(bundle), "before.bundle");
    tmp_path(file, sizeof(file), "identity.fbk");
    tmp_path(plain, sizeof(plain), "old-copy.mdb");
    signed_bundle(bundle);
    char *key = public_key(root);
    online_backup(root, file);

    /* An unencrypted copy of the database, as older versions made. */
    fresh_restored_dir();
    char *out = NULL;
    cr_assert_eq(restore(file, restored.data, &out), 0, "%s", out);
    free(out);
    char data[PATH_MAX + 16];
    snprintf(data, sizeof(data), "%s/data.mdb", restored.data);
    copy_file(data, plain, file_size(data));
    char *argv[] = {"/bin/rm", "-rf", restored.data, NULL};
    cr_assert_eq(harness_run(argv, NULL, NULL), 0);

    cr_assert_eq(restore(plain, restored.data, &out), 1, "%s", out);
    cr_assert(strstr(out, "--new-identity") != NULL, "%s", out);
    free(out);
    cr_assert(!exists(restored.data));
    cr_assert_eq(
        foliod(&out, "restore", "--from", plain, "--data", restored.data, "--new-identity", NULL),
        0, "%s", out);
    cr_assert(strstr(out, "NEW IDENTITY") != NULL, "%s", out);
    cr_assert(strstr(out, "trust") != NULL, "%s", out);
    free(out);
    snprintf(data, sizeof(data), "%s/firm.key", restored.data);
    cr_assert(!exists(data));

    harness_server_restart(&restored);
    char *log = harness_server_log(&restored);
    cr_assert(strstr(log, srv.init_fingerprint) == NULL, "a new certificate: %s", log);
    free(log);
    struct folio_connection *admin = harness_admin(&restored);
    char *new_key = public_key(admin);
    cr_assert_str_neq(new_key, key);
    char *signer = bundle_signer(admin, bundle);
    cr_assert_str_eq(signer, "", "the old key's bundle is untrusted now");
    free(signer);
    free(new_key);
    free(key);
    folio_connection_close(admin);
    harness_server_finish(&restored);
}

/* ---------------------------------------------------------------- memory */

#if defined(__SANITIZE_ADDRESS__)
#define BACKUP_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BACKUP_TEST_ASAN 1
#endif
#endif
#ifndef BACKUP_TEST_ASAN
#define BACKUP_TEST_ASAN 0
#endif

struct generated {
    uint64_t bytes;
};

static uint8_t pattern[BACKUP_DATA_CHUNK];

/* A database of the given size, made up: a byte pattern a reader checks. */
static int generate(void *ctx, int fd)
{
    const struct generated *g = ctx;
    for (uint64_t done = 0; done < g->bytes;) {
        size_t n = g->bytes - done < sizeof(pattern) ? (size_t)(g->bytes - done) : sizeof(pattern);
        ssize_t k = write(fd, pattern, n);
        if (k <= 0)
            return 5;
        done += (uint64_t)k;
    }
    return 0;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void stream_through(const char *file, uint64_t bytes)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 7);
    struct generated g = {bytes};
    struct backup_source src = {.created_at = 1, .copy_data = generate, .ctx = &g};
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    struct backup_summary sum;
    char why[256];
    cr_assert_eq(backup_write(fd, PASSPHRASE, strlen(PASSPHRASE), &src, &sum, why, sizeof(why)), 0,
                 "%s", why);
    cr_assert_eq(sum.data_bytes, bytes);
    cr_assert(!sum.firm_key && !sum.tls);
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    struct backup_reader r;
    cr_assert_eq(backup_reader_open(&r, fd, PASSPHRASE, strlen(PASSPHRASE), why, sizeof(why)), 0,
                 "%s", why);
    uint64_t seen = 0;
    enum backup_record kind;
    const uint8_t *data;
    size_t len;
    int rc;
    while ((rc = backup_reader_next(&r, &kind, &data, &len, why, sizeof(why))) == 1) {
        if (kind != BACKUP_RECORD_DATA)
            continue;
        /* Records are whole blocks of the pattern but the last. */
        cr_assert_eq(seen % sizeof(pattern), 0);
        cr_assert_leq(len, sizeof(pattern));
        cr_assert_eq(memcmp(data, pattern, len), 0);
        seen += len;
    }
    cr_assert_eq(rc, 0, "%s", why);
    cr_assert_eq(seen, bytes);
    backup_reader_close(&r);
    close(fd);
}

/* Writing and reading hold one record at a time, whatever the size: the
 * peak memory of a 16 MiB stream is that of a tiny one (argon2id's 64 MiB
 * included in both). AddressSanitizer keeps freed memory, so the peak is
 * only compared without it. */
Test(backup, memory_stays_constant)
{
    char file[PATH_MAX];
    tmp_path(file, sizeof(file), "stream.fbk");
    stream_through(file, 1000);
    long before = max_rss_kib();
    stream_through(file, 16ull * 1024 * 1024);
    long after = max_rss_kib();
    unlink(file);
    if (!BACKUP_TEST_ASAN)
        cr_assert_lt(after - before, 8 * 1024, "the peak grew by %ld KiB", after - before);
}
