/* harness.c - see harness.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "envelope.h"
#include "frame.h"
#include "status.h"
#include "tls_cert.h"

bool harness_valgrind(void)
{
    const char *v = getenv("FOLIO_VALGRIND");
    return v != NULL && strcmp(v, "1") == 0;
}

/* Set in the runner once a suite shares a server; its tests inherit it. */
#define HARNESS_SHARES_VARIABLE "FOLIO_TEST_SHARES_A_SERVER"

/* Whether the server about to start goes under valgrind (harness.h). */
static bool server_under_valgrind(bool shared)
{
    if (!harness_valgrind())
        return false;
    const char *all = getenv("FOLIO_VALGRIND_ALL");
    return shared || (all != NULL && all[0] != '\0') || getenv(HARNESS_SHARES_VARIABLE) == NULL;
}

int harness_timeout_ms(void)
{
    return harness_valgrind() ? 180000 : 15000;
}

int64_t harness_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void harness_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Child side of every spawn: the process dies with the test that started it,
 * so a crashed test leaves no server behind. */
static void child_exec(char *const argv[], pid_t parent, int in_fd, int out_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(126);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(126);
    signal(SIGPIPE, SIG_DFL);
    execv(argv[0], argv);
    _exit(127);
}

static char *read_file_all(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    size_t want = 0;
    /* /proc files report size 0: read them up to max. */
    if (f != NULL && fstat(fileno(f), &st) == 0)
        want = st.st_size > 0 && (size_t)st.st_size < max ? (size_t)st.st_size : max;
    char *buf = malloc(want + 1);
    cr_assert_not_null(buf);
    size_t n = 0;
    if (f != NULL) {
        n = fread(buf, 1, want, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static void dump_log(const struct harness_server *s)
{
    char *log = harness_server_log(s);
    size_t len = strlen(log);
    const size_t tail = 6000;
    fprintf(stderr, "---- foliod log (%s)%s ----\n%s\n---- end of foliod log ----\n", s->log_file,
            len > tail ? ", last part" : "", len > tail ? log + len - tail : log);
    free(log);
}

char *harness_server_log(const struct harness_server *s)
{
    return read_file_all(s->log_file, 64u * 1024u * 1024u);
}

long harness_server_rss_kib(const struct harness_server *s)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)s->pid);
    char *status = read_file_all(path, 16384);
    const char *p = strstr(status, "VmRSS:");
    long kib = p != NULL ? strtol(p + 6, NULL, 10) : -1;
    free(status);
    cr_assert_geq(kib, 0, "cannot read the resident size of foliod from %s", path);
    return kib;
}

int harness_run(char *const argv[], const char *stdin_text, char **out)
{
    int in[2], outp[2];
    cr_assert_eq(pipe(in), 0);
    cr_assert_eq(pipe(outp), 0);
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(in[1]);
        close(outp[0]);
        child_exec(argv, parent, in[0], outp[1]);
    }
    close(in[0]);
    close(outp[1]);
    if (stdin_text != NULL) {
        size_t len = strlen(stdin_text), off = 0;
        while (off < len) {
            ssize_t n = write(in[1], stdin_text + off, len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            off += (size_t)n;
        }
    }
    close(in[1]);

    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    int64_t deadline = harness_now_ms() + harness_timeout_ms() * 4;
    for (;;) {
        int left = (int)(deadline - harness_now_ms());
        struct pollfd p = {.fd = outp[0], .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            close(outp[0]);
            free(buf);
            cr_assert_fail("%s did not finish in time", argv[0]);
        }
        if (len + 1024 > cap) {
            cr_assert_lt(cap, 16u * 1024u * 1024u, "%s wrote too much", argv[0]);
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        ssize_t n = read(outp[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(outp[0]);
    buf[len] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What the flags say about how to reach the server: read at every start,
 * since a test may change them before a restart. */
static void server_read_flags(struct harness_server *s)
{
    s->plaintext = false;
    snprintf(s->cert_file, sizeof(s->cert_file), "%s/%s", s->data, TLS_CERT_FILE);
    for (size_t i = 0; s->flags != NULL && s->flags[i] != NULL; i++) {
        const char *flag = s->flags[i];
        const char *cert = NULL;
        if (strcmp(flag, "--plaintext") == 0)
            s->plaintext = true;
        else if (strcmp(flag, "--tls-cert") == 0 && s->flags[i + 1] != NULL)
            cert = s->flags[++i];
        else if (strncmp(flag, "--tls-cert=", 11) == 0)
            cert = flag + 11;
        if (cert != NULL) {
            int n = snprintf(s->cert_file, sizeof(s->cert_file), "%s", cert);
            cr_assert(n > 0 && (size_t)n < sizeof(s->cert_file), "--tls-cert is too long");
        }
    }
}

void harness_server_clock(struct harness_server *s, const char *when)
{
    int n = snprintf(s->clock, sizeof(s->clock), "%s", when != NULL ? when : "");
    cr_assert(n >= 0 && (size_t)n < sizeof(s->clock), "clock %s is too long", when);
}

/* libfaketime reads where foliod's clock starts from ROOT/faketime (not from
 * FAKETIME, which would take precedence over the file), so that a running
 * foliod's clock can be moved. Written whole under a temporary name and
 * renamed: foliod never reads half of it. */
static void server_clock_write(const struct harness_server *s)
{
    char path[PATH_MAX + 16], tmp[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/faketime", s->root);
    snprintf(tmp, sizeof(tmp), "%s/faketime.new", s->root);
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f, "cannot write %s: %s", tmp, strerror(errno));
    bool written = fprintf(f, "@%s\n", s->clock) > 0;
    cr_assert(fclose(f) == 0 && written, "cannot write %s", tmp);
    cr_assert_eq(rename(tmp, path), 0, "rename to %s: %s", path, strerror(errno));
}

void harness_server_clock_move(struct harness_server *s, const char *when)
{
    cr_assert(!s->shared,
              "the suite shares this foliod: a test that moves its clock starts its own");
    cr_assert_neq(s->pid, 0, "foliod is not running");
    cr_assert_neq(s->clock[0], '\0', "foliod was started on the real clock");
    cr_assert_not_null(when);
    harness_server_clock(s, when);
    server_clock_write(s);
}

/* In the child about to run foliod: libfaketime starts its clock at
 * s->clock, read from the file server_clock_write wrote, and reads the file
 * again at most once a second (harness_server_clock_move). Monotonic time
 * stays real, so timeouts and timers behave. ASan wants its runtime first
 * among the libraries loaded, which a preload is not; it is told not to
 * mind. */
static void server_clock_env(const struct harness_server *s)
{
    if (s->clock[0] == '\0')
        return;
    if (FAKETIME_LIBRARY[0] == '\0' || access(FAKETIME_LIBRARY, R_OK) != 0) {
        fprintf(stderr, "harness: libfaketime is missing (tools/setup installs faketime)\n");
        _exit(126);
    }
    char value[PATH_MAX + 256];
    snprintf(value, sizeof(value), "%s/faketime", s->root);
    unsetenv("FAKETIME");
    setenv("FAKETIME_TIMESTAMP_FILE", value, 1);
    setenv("FAKETIME_CACHE_DURATION", "1", 1);
    setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
    setenv("TZ", "UTC", 1);
    const char *preload = getenv("LD_PRELOAD");
    snprintf(value, sizeof(value), "%s%s%s", FAKETIME_LIBRARY, preload ? ":" : "",
             preload ? preload : "");
    setenv("LD_PRELOAD", value, 1);
    const char *asan = getenv("ASAN_OPTIONS");
    snprintf(value, sizeof(value), "%s%sverify_asan_link_order=0", asan ? asan : "",
             asan && asan[0] ? ":" : "");
    setenv("ASAN_OPTIONS", value, 1);
}

/* With FOLIO_TEST_START_LOG set, every foliod start appends a line naming
 * the suite to that file: how the cost of a test run is counted. */
static void server_count_start(const struct harness_server *s)
{
    const char *path = getenv("FOLIO_TEST_START_LOG");
    if (path == NULL || *path == '\0')
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    /* Criterion's workers are renamed: the executable names the suite. */
    char exe[PATH_MAX] = "?";
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0)
        exe[len] = '\0';
    const char *slash = strrchr(exe, '/');
    char line[PATH_MAX + 512];
    int n = snprintf(line, sizeof(line), "%s %s\n", slash != NULL ? slash + 1 : exe, s->root);
    if (n > 0 && write(fd, line, (size_t)n) < 0)
        fprintf(stderr, "harness: cannot count a start in %s\n", path);
    close(fd);
}

/* libfaketime names shared memory and a semaphore after the process it is
 * preloaded in, and removes them at exit, but not when the process is killed
 * nor when it runs under valgrind: they are removed here, once the server is
 * reaped, so that runs do not pile them up in /dev/shm. */
static void server_reaped(struct harness_server *s)
{
    char path[64];
    snprintf(path, sizeof(path), "/dev/shm/faketime_shm_%d", (int)s->pid);
    unlink(path);
    snprintf(path, sizeof(path), "/dev/shm/sem.faketime_sem_%d", (int)s->pid);
    unlink(path);
    s->pid = 0;
}

static void server_spawn(struct harness_server *s)
{
    server_read_flags(s);
    char *argv[64];
    size_t n = 0;
    if (s->valgrind) {
        argv[n++] = "/usr/bin/valgrind";
        argv[n++] = "--quiet";
        argv[n++] = "--error-exitcode=99";
        argv[n++] = "--leak-check=full";
        argv[n++] = "--errors-for-leak-kinds=definite,indirect";
        argv[n++] = "--show-leak-kinds=definite,indirect";
    }
    argv[n++] = FOLIOD_PATH;
    argv[n++] = "serve";
    argv[n++] = "--data";
    argv[n++] = s->data;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--port-file";
    argv[n++] = s->port_file;
    /* Hashing cost is a parameter, not what these suites test; the cheapest
     * one keeps them fast, under valgrind too. cli_test.sh and wire_test.py
     * run the default cost. */
    argv[n++] = "--hash-cost";
    argv[n++] = "min";
    for (size_t i = 0; s->flags != NULL && s->flags[i] != NULL; i++) {
        cr_assert_lt(n, sizeof(argv) / sizeof(argv[0]) - 1, "too many server flags");
        argv[n++] = (char *)s->flags[i];
    }
    argv[n] = NULL;
    server_count_start(s);

    unlink(s->port_file);
    if (s->clock[0] != '\0')
        server_clock_write(s);
    int log = open(s->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    cr_assert(log >= 0 && null >= 0, "cannot open %s: %s", s->log_file, strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        server_clock_env(s);
        child_exec(argv, parent, null, log);
    }
    close(log);
    close(null);
    s->pid = pid;

    /* The port file appears (atomically) once foliod listens. */
    int64_t deadline = harness_now_ms() + (s->valgrind ? 120000 : 20000);
    for (;;) {
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            server_reaped(s);
            dump_log(s);
            cr_assert_fail("foliod exited before listening (status %d)",
                           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
        char *text = read_file_all(s->port_file, 32);
        char *end = NULL;
        long port = strtol(text, &end, 10);
        bool whole = end != text && *end == '\n';
        free(text);
        if (whole) {
            cr_assert(port > 0 && port < 65536, "bad port %ld in %s", port, s->port_file);
            s->port = (int)port;
            snprintf(s->addr, sizeof(s->addr), "127.0.0.1:%d", s->port);
            return;
        }
        if (harness_now_ms() > deadline) {
            dump_log(s);
            cr_assert_fail("foliod did not write %s in time", s->port_file);
        }
        harness_sleep_ms(20);
    }
}

static void server_start(struct harness_server *s, const char *const *extra_flags, bool shared)
{
    /* A test writing to a socket the server has closed must see EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    char clock[sizeof(s->clock)];
    memcpy(clock, s->clock, sizeof(clock));
    memset(s, 0, sizeof(*s));
    memcpy(s->clock, clock, sizeof(clock));
    s->flags = extra_flags;
    s->valgrind = server_under_valgrind(shared);
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(s->root, sizeof(s->root), "%s/folio-test-XXXXXX",
                     tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    cr_assert(n > 0 && (size_t)n < sizeof(s->root), "TMPDIR is too long");
    cr_assert_not_null(mkdtemp(s->root), "mkdtemp: %s", strerror(errno));
    snprintf(s->data, sizeof(s->data), "%s/data", s->root);
    snprintf(s->port_file, sizeof(s->port_file), "%s/port", s->root);
    snprintf(s->log_file, sizeof(s->log_file), "%s/foliod.log", s->root);

    char *argv[] = {FOLIOD_PATH,        "init",        "--data",  s->data,
                    "--firm",           HARNESS_FIRM,  "--admin", HARNESS_ADMIN,
                    "--password-stdin", "--hash-cost", "min",     NULL};
    char *out = NULL;
    int rc = harness_run(argv, HARNESS_ADMIN_PASSWORD "\n", &out);
    cr_assert_eq(rc, 0, "foliod init exited %d:\n%s", rc, out);
    static const char said[] = "TLS certificate fingerprint (SHA-256): ";
    const char *fp = strstr(out, said);
    char typed[TLS_FINGERPRINT_SIZE] = "";
    if (fp != NULL)
        snprintf(typed, sizeof(typed), "%s", fp + strlen(said));
    cr_assert_eq(tls_fingerprint_parse(typed, s->init_fingerprint), 0,
                 "foliod init printed no certificate fingerprint:\n%s", out);
    free(out);
    server_spawn(s);
}

void harness_server_start(struct harness_server *s, const char *const *extra_flags)
{
    server_start(s, extra_flags, false);
}

void harness_server_signal(const struct harness_server *s, int sig)
{
    cr_assert(!s->shared, "the suite shares this foliod: a test that signals it starts its own");
    cr_assert_neq(s->pid, 0, "foliod is not running");
    cr_assert_eq(kill(s->pid, sig), 0, "kill: %s", strerror(errno));
}

int harness_server_wait(struct harness_server *s)
{
    cr_assert(!s->shared, "the suite shares this foliod: a test that stops it starts its own");
    cr_assert_neq(s->pid, 0, "foliod is not running");
    int64_t deadline = harness_now_ms() + (s->valgrind ? 180000 : 30000);
    int status;
    for (;;) {
        pid_t r = waitpid(s->pid, &status, WNOHANG);
        if (r == s->pid)
            break;
        cr_assert(r == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
        if (harness_now_ms() > deadline) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            server_reaped(s);
            dump_log(s);
            cr_assert_fail("foliod did not exit in time");
        }
        harness_sleep_ms(10);
    }
    server_reaped(s);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0)
        dump_log(s);
    cr_assert(!(s->valgrind && code == 99), "valgrind reported errors in foliod (see log above)");
    return code;
}

int harness_server_stop(struct harness_server *s)
{
    harness_server_signal(s, SIGTERM);
    return harness_server_wait(s);
}

void harness_server_restart(struct harness_server *s)
{
    cr_assert(!s->shared, "the suite shares this foliod: a test that restarts it starts its own");
    if (s->pid != 0) {
        int code = harness_server_stop(s);
        cr_assert_eq(code, 0, "foliod exited %d on SIGTERM", code);
    }
    server_spawn(s);
}

/* True while pid runs (a process that has exited but not been waited for
 * does not). */
static bool process_runs(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    char *stat = read_file_all(path, 1024);
    const char *paren = strrchr(stat, ')');
    bool runs = paren != NULL && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
    free(stat);
    return runs;
}

void harness_server_finish(struct harness_server *s)
{
    if (s->shared) {
        bool runs = process_runs(s->pid);
        if (!runs)
            dump_log(s);
        cr_assert(runs, "foliod, shared by the suite, no longer runs");
        memset(s, 0, sizeof(*s));
        return;
    }
    if (s->pid != 0) {
        int code = harness_server_stop(s);
        cr_assert_eq(code, 0, "foliod exited %d on SIGTERM, not 0", code);
    }
    harness_server_cleanup(s);
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

void harness_server_cleanup(struct harness_server *s)
{
    if (s->shared) {
        memset(s, 0, sizeof(*s));
        return;
    }
    if (s->pid != 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        server_reaped(s);
    }
    if (s->root[0] != '\0' && getenv("FOLIO_KEEP_TEST_DIRS") == NULL)
        nftw(s->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    s->root[0] = '\0';
}

/* ---------------------------------------------------------------- shared servers */

/* A shared foliod is not a child of the runner: Criterion's runner spins for
 * ever once a child it did not start exits while it waits for a test. The
 * runner forks a keeper, which starts foliod as its own child and holds it,
 * dead or alive, until the runner asks for the stop on the control pipe;
 * the keeper exits only then, in the runner's POST_ALL hook, which reaps
 * it. The keeper dies with the runner, and foliod with the keeper. */
struct shared {
    char name[64];
    struct harness_server server; /* as the keeper started it */
    pid_t keeper;
    int control; /* to the keeper: one byte asks for the stop */
    int report;  /* from the keeper: the server, then its exit code */
};

#define SHARED_MAX 8
static struct shared shared_servers[SHARED_MAX];

/* The environment variable that tells a suite's tests where its server's
 * state is: FOLIO_TEST_SHARED_NAME. */
static void shared_variable(const char *name, char *out, size_t size)
{
    int n = snprintf(out, size, "FOLIO_TEST_SHARED_%s", name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "harness: shared server name %s is too long\n", name);
        exit(1);
    }
    for (char *p = out; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            *p = '_';
}

static struct shared *shared_find(const char *name)
{
    for (size_t i = 0; i < SHARED_MAX; i++)
        if (strcmp(shared_servers[i].name, name) == 0)
            return &shared_servers[i];
    return NULL;
}

static bool read_whole(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void write_whole(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* The keeper: starts the server (an assertion that fails there ends the
 * keeper, and the runner reads the end of the report pipe), reports it, and
 * stops it when asked. */
static void shared_keeper(struct shared *sh, const char *when, const char *const *flags,
                          int control, int report)
{
    struct harness_server *s = &sh->server;
    harness_server_clock(s, when);
    server_start(s, flags, true);
    write_whole(report, s, sizeof(*s));
    char byte;
    bool asked = read_whole(control, &byte, 1);
    int code = -1;
    if (asked && kill(s->pid, SIGTERM) == 0) {
        int64_t deadline = harness_now_ms() + (s->valgrind ? 180000 : 30000);
        int status;
        pid_t r;
        while ((r = waitpid(s->pid, &status, WNOHANG)) == 0 && harness_now_ms() < deadline)
            harness_sleep_ms(10);
        if (r == s->pid)
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (code < 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    server_reaped(s);
    write_whole(report, &code, sizeof(code));
    _exit(0);
}

void harness_shared_start(const char *name, const char *when, const char *const *flags)
{
    struct shared *sh = shared_find("");
    if (name[0] == '\0' || shared_find(name) != NULL || sh == NULL) {
        fprintf(stderr, "harness: cannot share a server as \"%s\"\n", name);
        exit(1);
    }
    int control[2], report[2];
    if (pipe(control) != 0 || pipe(report) != 0) {
        fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
        exit(1);
    }
    /* Not for the tests' processes, nor for foliod. */
    for (int i = 0; i < 2; i++) {
        fcntl(control[i], F_SETFD, FD_CLOEXEC);
        fcntl(report[i], F_SETFD, FD_CLOEXEC);
    }
    fflush(NULL);
    pid_t runner = getpid();
    pid_t keeper = fork();
    if (keeper == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != runner)
            _exit(1);
        /* Only its pipes and standard streams: the runner's own (to its
         * tests' processes) must end when the runner ends them. */
        for (int fd = 3; fd < 1024; fd++)
            if (fd != control[0] && fd != report[1])
                close(fd);
        shared_keeper(sh, when, flags, control[0], report[1]);
    }
    close(control[0]);
    close(report[1]);
    snprintf(sh->name, sizeof(sh->name), "%s", name);
    sh->keeper = keeper;
    sh->control = control[1];
    sh->report = report[0];
    if (keeper < 0 || !read_whole(sh->report, &sh->server, sizeof(sh->server))) {
        if (keeper > 0)
            waitpid(keeper, NULL, 0);
        fprintf(stderr, "harness: the foliod %s shares did not start (see above)\n", name);
        exit(1);
    }
    /* The tests read the server from a file: they are new processes of
     * this program, so the layout is the same. */
    char path[PATH_MAX + 16], variable[128];
    snprintf(path, sizeof(path), "%s/shared", sh->server.root);
    FILE *f = fopen(path, "wb");
    bool written = f != NULL && fwrite(&sh->server, sizeof(sh->server), 1, f) == 1;
    if (f == NULL || fclose(f) != 0 || !written) {
        fprintf(stderr, "harness: cannot write %s\n", path);
        exit(1);
    }
    shared_variable(name, variable, sizeof(variable));
    setenv(variable, path, 1);
    setenv(HARNESS_SHARES_VARIABLE, "1", 1);
}

void harness_shared_attach(struct harness_server *s, const char *name)
{
    char variable[128];
    shared_variable(name, variable, sizeof(variable));
    const char *path = getenv(variable);
    cr_assert_not_null(path, "no shared server %s: its suite starts it in a PRE_SUITE hook", name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s: %s", path, strerror(errno));
    bool read = fread(s, sizeof(*s), 1, f) == 1;
    fclose(f);
    cr_assert(read, "cannot read %s", path);
    s->flags = NULL;
    s->shared = true;
    signal(SIGPIPE, SIG_IGN);
    bool runs = process_runs(s->pid);
    if (!runs)
        dump_log(s);
    cr_assert(runs, "foliod, shared by the suite, no longer runs");
}

void harness_shared_stop(const char *name)
{
    struct shared *sh = shared_find(name);
    if (sh == NULL)
        return;
    char variable[128];
    shared_variable(name, variable, sizeof(variable));
    unsetenv(variable);
    struct harness_server *s = &sh->server;
    int code = -1;
    write_whole(sh->control, "S", 1);
    if (!read_whole(sh->report, &code, sizeof(code)))
        code = -1;
    close(sh->control);
    close(sh->report);
    waitpid(sh->keeper, NULL, 0);
    if (code != 0) {
        dump_log(s);
        fprintf(stderr, "harness: foliod shared by %s %s\n", name,
                code == 99 && s->valgrind ? "exited with valgrind's errors (see log above)"
                : code < 0                ? "did not exit on SIGTERM in time, or crashed"
                                          : "did not exit 0 on SIGTERM (see log above)");
        if (code > 0)
            fprintf(stderr, "harness: exit status %d\n", code);
        fflush(stderr);
        exit(1);
    }
    s->pid = 0;
    harness_server_cleanup(s);
    memset(sh, 0, sizeof(*sh));
}

/* ---------------------------------------------------------------- client helpers */

Folio__Response *harness_ok_at(Folio__Response *resp, const struct folio_error *err,
                               const char *what, const char *file, int line)
{
    cr_assert_not_null(resp, "%s:%d: %s failed: %s%s: %s", file, line, what,
                       err->transport ? "transport " : "", status_name(err->code), err->message);
    return resp;
}

void harness_refused_at(Folio__Response *resp, const struct folio_error *err, Folio__Code code,
                        const char *what, const char *file, int line)
{
    if (resp != NULL) {
        folio_response_free(resp);
        cr_assert_fail("%s:%d: %s succeeded; expected %s", file, line, what, status_name(code));
    }
    cr_assert(!err->transport, "%s:%d: %s: connection failed (%s); expected %s", file, line, what,
              err->message, status_name(code));
    cr_assert_eq(err->code, code, "%s:%d: %s answered %s (%s); expected %s", file, line, what,
                 status_name(err->code), err->message, status_name(code));
}

struct folio_tls harness_tls(const struct harness_server *s)
{
    if (s->plaintext)
        return (struct folio_tls){.plaintext = true};
    return (struct folio_tls){.ca_file = s->cert_file};
}

struct folio_connection *harness_connect_with(const struct harness_server *s,
                                              const struct folio_tls *tls, struct folio_error *err)
{
    return folio_connection_connect(s->addr, "folio-tests", tls, harness_timeout_ms(), err);
}

struct folio_connection *harness_connect(const struct harness_server *s)
{
    struct folio_error err = {0};
    struct folio_tls tls = harness_tls(s);
    struct folio_connection *c = harness_connect_with(s, &tls, &err);
    cr_assert_not_null(c, "cannot connect to foliod at %s%s: %s: %s", s->addr,
                       s->plaintext ? " (plaintext)" : "", status_name(err.code), err.message);
    return c;
}

void harness_login_token(struct folio_connection *c, const char *user, const char *password,
                         char token[65])
{
    struct folio_error err = {0};
    Folio__Response *r = folio_login(c, user, password, &err);
    cr_assert_not_null(r, "login as %s failed: %s: %s", user, status_name(err.code), err.message);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_SESSION, "login answered no SessionInfo");
    if (token != NULL) {
        cr_assert_eq(strlen(r->session->token), 64, "token \"%s\" is not 64 characters",
                     r->session->token);
        memcpy(token, r->session->token, 65);
    }
    folio_response_free(r);
}

void harness_login(struct folio_connection *c, const char *user, const char *password)
{
    harness_login_token(c, user, password, NULL);
}

struct folio_connection *harness_user(const struct harness_server *s, const char *user,
                                      const char *password)
{
    struct folio_connection *c = harness_connect(s);
    harness_login(c, user, password);
    return c;
}

struct folio_connection *harness_admin(const struct harness_server *s)
{
    return harness_user(s, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
}

void harness_assert_serves(const struct harness_server *s)
{
    struct folio_connection *c = harness_admin(s);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(c, &err), &err));
    folio_connection_close(c);
}

uint64_t harness_add_user(struct folio_connection *admin, const char *name, Folio__Role role,
                          const char *office, const char *password)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_user_add(admin, name, role, office, password, &err);
    cr_assert_not_null(r, "adding user %s failed: %s: %s", name, status_name(err.code),
                       err.message);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USER, "UserAdd answered no User");
    uint64_t id = r->user->id;
    folio_response_free(r);
    return id;
}

uint64_t harness_add_office(struct folio_connection *admin, const char *name)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_office_add(admin, name, &err);
    cr_assert_not_null(r, "adding office %s failed: %s: %s", name, status_name(err.code),
                       err.message);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICE, "OfficeAdd answered no Office");
    uint64_t id = r->office->id;
    folio_response_free(r);
    return id;
}

/* ---------------------------------------------------------------- raw wire */

struct harness_raw {
    int fd;
    SSL_CTX *ctx;    /* NULL on a plain connection */
    SSL *ssl;        /* NULL on a plain connection */
    bool tls_failed; /* TLS ended in an error: only the socket is left to read */
};

/* What one read or write on a raw connection came to. */
enum raw_io {
    RAW_IO_DONE,   /* *n > 0 bytes went */
    RAW_IO_WAIT,   /* none: the socket's timeout passed, or a non-blocking one is full or dry */
    RAW_IO_CLOSED, /* the server ended the connection: close_notify, EOF, reset */
    RAW_IO_FAILED, /* anything else; why says what */
};

static enum raw_io raw_errno(int e, char *why, size_t why_size)
{
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
        return RAW_IO_WAIT;
    if (e == ECONNRESET || e == EPIPE)
        return RAW_IO_CLOSED;
    snprintf(why, why_size, "%s", strerror(e));
    return RAW_IO_FAILED;
}

/* After an SSL_*_ex call failed; e is errno right after it. */
static enum raw_io raw_tls_outcome(struct harness_raw *raw, int e, char *why, size_t why_size)
{
    switch (SSL_get_error(raw->ssl, 0)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return RAW_IO_WAIT;
    case SSL_ERROR_ZERO_RETURN:
        return RAW_IO_CLOSED;
    case SSL_ERROR_SYSCALL: {
        /* e == 0: EOF where a record should be. */
        enum raw_io r = e == 0 ? RAW_IO_CLOSED : raw_errno(e, why, why_size);
        if (r != RAW_IO_WAIT)
            raw->tls_failed = true;
        return r;
    }
    default: {
        raw->tls_failed = true;
        unsigned long err = ERR_peek_last_error();
        if (err != 0)
            ERR_error_string_n(err, why, why_size);
        else
            snprintf(why, why_size, "TLS failed");
        ERR_clear_error();
        return RAW_IO_FAILED;
    }
    }
}

static enum raw_io raw_read(struct harness_raw *raw, void *buf, size_t cap, size_t *n, char *why,
                            size_t why_size)
{
    for (;;) {
        enum raw_io r;
        int e;
        *n = 0;
        errno = 0;
        if (raw->ssl == NULL || raw->tls_failed) {
            ssize_t got = recv(raw->fd, buf, cap, 0);
            e = errno;
            if (got > 0) {
                *n = (size_t)got;
                return RAW_IO_DONE;
            }
            r = got == 0 ? RAW_IO_CLOSED : raw_errno(e, why, why_size);
        } else {
            ERR_clear_error();
            if (SSL_read_ex(raw->ssl, buf, cap, n) == 1)
                return RAW_IO_DONE;
            e = errno;
            r = raw_tls_outcome(raw, e, why, why_size);
        }
        if (r != RAW_IO_WAIT || e != EINTR)
            return r;
    }
}

static enum raw_io raw_write(struct harness_raw *raw, const void *buf, size_t len, size_t *n,
                             char *why, size_t why_size)
{
    for (;;) {
        enum raw_io r;
        int e;
        *n = 0;
        errno = 0;
        if (raw->tls_failed) {
            snprintf(why, why_size, "TLS already failed on this connection");
            return RAW_IO_FAILED;
        }
        if (raw->ssl == NULL) {
            ssize_t put = send(raw->fd, buf, len, MSG_NOSIGNAL);
            e = errno;
            if (put > 0) {
                *n = (size_t)put;
                return RAW_IO_DONE;
            }
            r = raw_errno(put == 0 ? EAGAIN : e, why, why_size);
        } else {
            ERR_clear_error();
            if (SSL_write_ex(raw->ssl, buf, len, n) == 1)
                return RAW_IO_DONE;
            e = errno;
            r = raw_tls_outcome(raw, e, why, why_size);
        }
        if (r != RAW_IO_WAIT || e != EINTR)
            return r;
    }
}

static void raw_set_blocking(struct harness_raw *raw, bool blocking)
{
    int flags = fcntl(raw->fd, F_GETFL);
    cr_assert_geq(flags, 0, "fcntl: %s", strerror(errno));
    flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    cr_assert_eq(fcntl(raw->fd, F_SETFL, flags), 0, "fcntl: %s", strerror(errno));
}

/* A TCP connection to s, with tls a TLS client that trusts exactly the
 * certificate s serves, for its IP address. NULL, with why, when the
 * handshake fails. */
static struct harness_raw *raw_open(const struct harness_server *s, const char *source, bool tls,
                                    char *why, size_t why_size)
{
    signal(SIGPIPE, SIG_IGN); /* OpenSSL writes with write(2), not send(MSG_NOSIGNAL) */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
    int ms = harness_timeout_ms();
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (source != NULL) {
        struct sockaddr_in from = {.sin_family = AF_INET};
        cr_assert_eq(inet_pton(AF_INET, source, &from.sin_addr), 1, "not an IPv4 address: %s",
                     source);
        cr_assert_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0, "bind to %s: %s", source,
                     strerror(errno));
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "connect to %s: %s", s->addr,
                 strerror(errno));
    struct harness_raw *raw = calloc(1, sizeof(*raw));
    cr_assert_not_null(raw);
    raw->fd = fd;
    if (!tls)
        return raw;

    raw->ctx = SSL_CTX_new(TLS_client_method());
    cr_assert_not_null(raw->ctx, "SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(raw->ctx, TLS1_2_VERSION);
    /* A server that closes without close_notify has closed all the same. */
    SSL_CTX_set_options(raw->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* harness_raw_flood writes on a non-blocking socket and retries with
     * whatever is left. */
    SSL_CTX_set_mode(raw->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    cr_assert_eq(SSL_CTX_load_verify_locations(raw->ctx, s->cert_file, NULL), 1,
                 "cannot load %s as a CA file", s->cert_file);
    SSL_CTX_set_verify(raw->ctx, SSL_VERIFY_PEER, NULL);
    raw->ssl = SSL_new(raw->ctx);
    cr_assert_not_null(raw->ssl, "SSL_new failed");
    cr_assert_eq(SSL_set_fd(raw->ssl, fd), 1);
    cr_assert_eq(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(raw->ssl), "127.0.0.1"), 1);
    ERR_clear_error();
    errno = 0;
    if (SSL_connect(raw->ssl) != 1) {
        int e = errno;
        long verify = SSL_get_verify_result(raw->ssl);
        enum raw_io r = raw_tls_outcome(raw, e, why, why_size);
        if (verify != X509_V_OK)
            snprintf(why, why_size, "certificate not trusted: %s",
                     X509_verify_cert_error_string(verify));
        else if (r == RAW_IO_CLOSED)
            snprintf(why, why_size, "the server closed the connection during the handshake");
        else if (r == RAW_IO_WAIT)
            snprintf(why, why_size, "no handshake within %d ms", harness_timeout_ms());
        raw->tls_failed = true;
        harness_raw_close(raw);
        return NULL;
    }
    return raw;
}

struct harness_raw *harness_raw_connect(const struct harness_server *s)
{
    char why[256] = "";
    struct harness_raw *raw = raw_open(s, NULL, !s->plaintext, why, sizeof(why));
    cr_assert_not_null(raw, "TLS handshake with foliod at %s (trusting %s) failed: %s", s->addr,
                       s->cert_file, why);
    return raw;
}

struct harness_raw *harness_raw_connect_plain(const struct harness_server *s)
{
    return raw_open(s, NULL, false, NULL, 0);
}

struct harness_raw *harness_raw_connect_from(const struct harness_server *s, const char *source)
{
    char why[256] = "";
    struct harness_raw *raw = raw_open(s, source, !s->plaintext, why, sizeof(why));
    cr_assert_not_null(raw, "TLS handshake with foliod at %s from %s failed: %s", s->addr, source,
                       why);
    return raw;
}

void harness_raw_close(struct harness_raw *raw)
{
    if (raw == NULL)
        return;
    if (raw->ssl != NULL) {
        /* A close_notify, if the socket takes it at once: a test closing a
         * connection the server no longer reads must not wait for the send
         * timeout. After an error or before the handshake there is none. */
        if (!raw->tls_failed && SSL_is_init_finished(raw->ssl)) {
            raw_set_blocking(raw, false);
            SSL_shutdown(raw->ssl);
        }
        ERR_clear_error();
        SSL_free(raw->ssl);
        SSL_CTX_free(raw->ctx);
    }
    close(raw->fd);
    free(raw);
}

int harness_raw_fd(const struct harness_raw *raw)
{
    return raw->fd;
}

void harness_raw_write(struct harness_raw *raw, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        size_t n = 0;
        char why[256] = "";
        enum raw_io r = raw_write(raw, p, len, &n, why, sizeof(why));
        cr_assert_neq(r, RAW_IO_WAIT, "foliod took nothing for %d ms", harness_timeout_ms());
        cr_assert_neq(r, RAW_IO_CLOSED, "write to foliod failed: the connection is closed");
        cr_assert_eq(r, RAW_IO_DONE, "write to foliod failed: %s", why);
        p += n;
        len -= n;
    }
}

size_t harness_raw_flood(struct harness_raw *raw, const uint8_t *chunk, size_t chunk_len,
                         size_t max, int max_ms, int stall_ms, bool *ended)
{
    raw_set_blocking(raw, false);
    size_t sent = 0, off = 0;
    int64_t start = harness_now_ms(), last_progress = start;
    *ended = false;
    while (sent < max && harness_now_ms() - start < max_ms &&
           harness_now_ms() - last_progress < stall_ms) {
        size_t n = 0;
        char why[256] = "";
        /* After a WAIT, TLS wants the same bytes again: off moves only on
         * success. */
        enum raw_io r = raw_write(raw, chunk + off, chunk_len - off, &n, why, sizeof(why));
        if (r == RAW_IO_DONE) {
            sent += n;
            off = (off + n) % chunk_len;
            last_progress = harness_now_ms();
        } else if (r == RAW_IO_WAIT) {
            struct pollfd p = {.fd = raw->fd, .events = POLLOUT};
            poll(&p, 1, 100);
        } else {
            *ended = true;
            break;
        }
    }
    raw_set_blocking(raw, true);
    return sent;
}

void harness_raw_append(uint8_t **buf, size_t *len, const Folio__Request *req)
{
    uint8_t *frame;
    size_t frame_len;
    cr_assert_eq(frame_encode(&req->base, FRAME_ABSOLUTE_MAX, &frame, &frame_len), 0);
    uint8_t *grown = realloc(*buf, *len + frame_len);
    cr_assert_not_null(grown);
    memcpy(grown + *len, frame, frame_len);
    *buf = grown;
    *len += frame_len;
    free(frame);
}

void harness_raw_send(struct harness_raw *raw, const Folio__Request *req)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    harness_raw_append(&buf, &len, req);
    harness_raw_write(raw, buf, len);
    free(buf);
}

/* Reads exactly len bytes: 1, or 0 when the connection ends before any. */
static int read_exact(struct harness_raw *raw, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t n = 0;
        char why[256] = "";
        enum raw_io r = raw_read(raw, buf + got, len - got, &n, why, sizeof(why));
        if (r == RAW_IO_CLOSED) {
            cr_assert_eq(got, 0, "foliod closed the connection in the middle of a frame");
            return 0;
        }
        cr_assert_neq(r, RAW_IO_WAIT, "no answer from foliod within %d ms", harness_timeout_ms());
        cr_assert_eq(r, RAW_IO_DONE, "read from foliod failed: %s", why);
        got += n;
    }
    return 1;
}

Folio__Response *harness_raw_receive(struct harness_raw *raw)
{
    uint8_t header[FRAME_HEADER_SIZE];
    if (read_exact(raw, header, sizeof(header)) == 0)
        return NULL;
    uint32_t len = frame_length_get(header);
    cr_assert(len > 0 && len <= FRAME_ABSOLUTE_MAX, "foliod sent a frame of %u bytes", len);
    uint8_t *payload = malloc(len);
    cr_assert_not_null(payload);
    if (read_exact(raw, payload, len) == 0)
        cr_assert_fail("foliod closed the connection in the middle of a frame");
    Folio__Response *r = folio__response__unpack(NULL, len, payload);
    free(payload);
    cr_assert_not_null(r, "foliod sent an undecodable Response of %u bytes", len);
    return r;
}

Folio__Response *harness_raw_answer(struct harness_raw *raw, uint64_t id, Folio__Code code,
                                    const char *words)
{
    Folio__Response *r = harness_raw_receive(raw);
    cr_assert_not_null(r, "connection closed; expected the answer to request %llu",
                       (unsigned long long)id);
    cr_assert_eq(r->id, id, "answer carries id %llu; expected %llu", (unsigned long long)r->id,
                 (unsigned long long)id);
    cr_assert_eq(harness_code(r), code, "request %llu answered %s (%s); expected %s",
                 (unsigned long long)id, status_name(harness_code(r)), harness_message(r),
                 status_name(code));
    if (words != NULL)
        cr_assert(strstr(harness_message(r), words) != NULL, "\"%s\" does not say \"%s\"",
                  harness_message(r), words);
    return r;
}

void harness_raw_expect(struct harness_raw *raw, uint64_t id, Folio__Code code, const char *words)
{
    folio__response__free_unpacked(harness_raw_answer(raw, id, code, words), NULL);
}

void harness_raw_refused_and_closed(struct harness_raw *raw, Folio__Code code, const char *words)
{
    harness_raw_expect(raw, 0, code, words);
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()),
              "the connection is still open after its refusal");
}

bool harness_raw_closed(struct harness_raw *raw, int timeout_ms)
{
    int64_t deadline = harness_now_ms() + timeout_ms;
    uint8_t scratch[16384];
    bool closed = false;
    /* Non-blocking, so that half a record read does not hold past the
     * deadline. */
    raw_set_blocking(raw, false);
    for (;;) {
        size_t n = 0;
        char why[256] = "";
        bool through_tls = raw->ssl != NULL && !raw->tls_failed;
        enum raw_io r = raw_read(raw, scratch, sizeof(scratch), &n, why, sizeof(why));
        if (r == RAW_IO_DONE)
            continue;
        if (r == RAW_IO_FAILED && through_tls)
            continue; /* an alert or a bad record: the socket says whether it closed */
        if (r != RAW_IO_WAIT) {
            closed = true; /* closed, or failed for good */
            break;
        }
        int left = (int)(deadline - harness_now_ms());
        if (left <= 0)
            break;
        struct pollfd p = {.fd = raw->fd, .events = POLLIN};
        int pr = poll(&p, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
    }
    raw_set_blocking(raw, true);
    return closed;
}

/* A Hello request; hello is filled and must outlive the request. */
static Folio__Request hello_request(uint64_t id, Folio__Hello *hello)
{
    folio__hello__init(hello);
    hello->protocol_version = FOLIO_PROTOCOL_VERSION;
    hello->client_name = "folio-tests-raw";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &hello->base);
    return req;
}

void harness_raw_hello(struct harness_raw *raw, uint64_t id)
{
    Folio__Hello hello;
    Folio__Request req = hello_request(id, &hello);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_answer(raw, id, FOLIO__CODE__OK, NULL);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_WELCOME);
    folio__response__free_unpacked(r, NULL);
}

void harness_raw_login(struct harness_raw *raw, uint64_t id, const char *user, const char *password)
{
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)user;
    login.password = (char *)password;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &login.base);
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, id, FOLIO__CODE__OK, NULL);
}

/* Hello on a connection that may be refused: true when it is welcomed. */
static bool raw_try_hello(struct harness_raw *raw)
{
    Folio__Hello hello;
    Folio__Request req = hello_request(1, &hello);
    uint8_t *buf = NULL;
    size_t len = 0, off = 0;
    harness_raw_append(&buf, &len, &req);
    while (off < len) {
        size_t n = 0;
        char why[256] = "";
        if (raw_write(raw, buf + off, len - off, &n, why, sizeof(why)) != RAW_IO_DONE)
            break;
        off += n;
    }
    free(buf);
    if (off < len)
        return false;
    Folio__Response *r = harness_raw_receive(raw);
    bool welcomed = r != NULL && r->id == 1 && harness_code(r) == FOLIO__CODE__OK;
    if (r != NULL)
        folio__response__free_unpacked(r, NULL);
    return welcomed;
}

bool harness_raw_served_again(const struct harness_server *s)
{
    int64_t deadline = harness_now_ms() + harness_timeout_ms();
    while (harness_now_ms() < deadline) {
        char why[256] = "";
        struct harness_raw *raw = raw_open(s, NULL, !s->plaintext, why, sizeof(why));
        bool served = raw != NULL && raw_try_hello(raw);
        harness_raw_close(raw);
        if (served)
            return true;
        harness_sleep_ms(50);
    }
    return false;
}

Folio__Request harness_whoami_request(uint64_t id)
{
    static Folio__WhoAmI whoami = FOLIO__WHO_AM_I__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &whoami.base);
    return req;
}

Folio__Code harness_code(const Folio__Response *r)
{
    return r->status != NULL ? r->status->code : FOLIO__CODE__OK;
}

const char *harness_message(const Folio__Response *r)
{
    return r->status != NULL ? r->status->message : "";
}
