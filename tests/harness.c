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

#include "frame.h"
#include "status.h"

bool harness_valgrind(void)
{
    const char *v = getenv("FOLIO_VALGRIND");
    return v != NULL && strcmp(v, "1") == 0;
}

int harness_timeout_ms(void)
{
    return harness_valgrind() ? 180000 : 15000;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
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
    int64_t deadline = now_ms() + harness_timeout_ms() * 4;
    for (;;) {
        int left = (int)(deadline - now_ms());
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

static void server_spawn(struct harness_server *s)
{
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

    unlink(s->port_file);
    int log = open(s->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    cr_assert(log >= 0 && null >= 0, "cannot open %s: %s", s->log_file, strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0)
        child_exec(argv, parent, null, log);
    close(log);
    close(null);
    s->pid = pid;

    /* The port file appears (atomically) once foliod listens. */
    int64_t deadline = now_ms() + (s->valgrind ? 120000 : 20000);
    for (;;) {
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
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
        if (now_ms() > deadline) {
            dump_log(s);
            cr_assert_fail("foliod did not write %s in time", s->port_file);
        }
        sleep_ms(20);
    }
}

void harness_server_start(struct harness_server *s, const char *const *extra_flags)
{
    /* A test writing to a socket the server has closed must see EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    memset(s, 0, sizeof(*s));
    s->flags = extra_flags;
    s->valgrind = harness_valgrind();
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
    free(out);
    server_spawn(s);
}

void harness_server_signal(const struct harness_server *s, int sig)
{
    cr_assert_neq(s->pid, 0, "foliod is not running");
    cr_assert_eq(kill(s->pid, sig), 0, "kill: %s", strerror(errno));
}

int harness_server_wait(struct harness_server *s)
{
    cr_assert_neq(s->pid, 0, "foliod is not running");
    int64_t deadline = now_ms() + (s->valgrind ? 180000 : 30000);
    int status;
    for (;;) {
        pid_t r = waitpid(s->pid, &status, WNOHANG);
        if (r == s->pid)
            break;
        cr_assert(r == 0 || errno == EINTR, "waitpid: %s", strerror(errno));
        if (now_ms() > deadline) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            s->pid = 0;
            dump_log(s);
            cr_assert_fail("foliod did not exit in time");
        }
        sleep_ms(10);
    }
    s->pid = 0;
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
    if (s->pid != 0) {
        int code = harness_server_stop(s);
        cr_assert_eq(code, 0, "foliod exited %d on SIGTERM", code);
    }
    server_spawn(s);
}

void harness_server_finish(struct harness_server *s)
{
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
    if (s->pid != 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    if (s->root[0] != '\0' && getenv("FOLIO_KEEP_TEST_DIRS") == NULL)
        nftw(s->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    s->root[0] = '\0';
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

struct folio_client *harness_connect(const struct harness_server *s)
{
    struct folio_error err = {0};
    struct folio_client *c =
        folio_client_connect(s->addr, "folio-tests", harness_timeout_ms(), &err);
    cr_assert_not_null(c, "cannot connect to foliod at %s: %s: %s", s->addr, status_name(err.code),
                       err.message);
    return c;
}

void harness_login_token(struct folio_client *c, const char *user, const char *password,
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

void harness_login(struct folio_client *c, const char *user, const char *password)
{
    harness_login_token(c, user, password, NULL);
}

struct folio_client *harness_user(const struct harness_server *s, const char *user,
                                  const char *password)
{
    struct folio_client *c = harness_connect(s);
    harness_login(c, user, password);
    return c;
}

struct folio_client *harness_admin(const struct harness_server *s)
{
    return harness_user(s, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
}

uint64_t harness_add_user(struct folio_client *admin, const char *name, Folio__Role role,
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

uint64_t harness_add_office(struct folio_client *admin, const char *name)
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

int harness_raw_connect(const struct harness_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
    int ms = harness_timeout_ms();
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "connect to %s: %s", s->addr,
                 strerror(errno));
    return fd;
}

void harness_raw_write(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        cr_assert_gt(n, 0, "write to foliod failed: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
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

void harness_raw_send(int fd, const Folio__Request *req)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    harness_raw_append(&buf, &len, req);
    harness_raw_write(fd, buf, len);
    free(buf);
}

/* Reads exactly len bytes: 1, or 0 on end of stream (or reset) before any. */
static int read_exact(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            cr_assert_fail("no answer from foliod within %d ms", harness_timeout_ms());
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            cr_assert_eq(got, 0, "foliod closed the connection in the middle of a frame");
            return 0;
        }
        cr_assert_gt(n, 0, "read from foliod failed: %s", strerror(errno));
        got += (size_t)n;
    }
    return 1;
}

Folio__Response *harness_raw_receive(int fd)
{
    uint8_t header[FRAME_HEADER_SIZE];
    if (read_exact(fd, header, sizeof(header)) == 0)
        return NULL;
    uint32_t len = frame_length_get(header);
    cr_assert(len > 0 && len <= FRAME_ABSOLUTE_MAX, "foliod sent a frame of %u bytes", len);
    uint8_t *payload = malloc(len);
    cr_assert_not_null(payload);
    if (read_exact(fd, payload, len) == 0)
        cr_assert_fail("foliod closed the connection in the middle of a frame");
    Folio__Response *r = folio__response__unpack(NULL, len, payload);
    free(payload);
    cr_assert_not_null(r, "foliod sent an undecodable Response of %u bytes", len);
    return r;
}

bool harness_raw_closed(int fd, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    uint8_t scratch[65536];
    for (;;) {
        int left = (int)(deadline - now_ms());
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int pr = poll(&p, 1, left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return false;
        ssize_t n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return true;
    }
}

void harness_raw_hello(int fd, uint64_t id)
{
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = FOLIO_PROTOCOL_VERSION;
    hello.client_name = "folio-tests-raw";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    req.op_case = FOLIO__REQUEST__OP_HELLO;
    req.hello = &hello;
    harness_raw_send(fd, &req);
    Folio__Response *r = harness_raw_receive(fd);
    cr_assert_not_null(r, "foliod closed the connection instead of answering Hello");
    cr_assert_eq(r->id, id);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "Hello refused: %s", harness_message(r));
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_WELCOME);
    folio__response__free_unpacked(r, NULL);
}

void harness_raw_login(int fd, uint64_t id, const char *user, const char *password)
{
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)user;
    login.password = (char *)password;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    req.op_case = FOLIO__REQUEST__OP_LOGIN;
    req.login = &login;
    harness_raw_send(fd, &req);
    Folio__Response *r = harness_raw_receive(fd);
    cr_assert_not_null(r, "foliod closed the connection instead of answering Login");
    cr_assert_eq(r->id, id);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "Login refused: %s", harness_message(r));
    folio__response__free_unpacked(r, NULL);
}

Folio__Code harness_code(const Folio__Response *r)
{
    return r->status != NULL ? r->status->code : FOLIO__CODE__OK;
}

const char *harness_message(const Folio__Response *r)
{
    return r->status != NULL ? r->status->message : "";
}
