/* main.c - the foliod command line: `foliod init`, `foliod serve`,
 * `foliod restore` and `foliod compact`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <sodium.h>

#include "compact.h"
#include "data_lock.h"
#include "firm.h"
#include "firm_key.h"
#include "frame.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "store_meta.h"
#include "store_rule.h"
#include "tls_cert.h"
#include "validate.h"

#define MAIN_EXIT_FAILURE              1
#define MAIN_EXIT_USAGE                2
#define MAIN_GENERATED_PASSWORD_LENGTH 20

static const char main_usage[] =
    "usage: foliod init --data DIR --firm NAME --admin USER [--password-stdin]\n"
    "       foliod serve --data DIR [--listen HOST:PORT] [options]\n"
    "       foliod restore --data DIR FILE\n"
    "       foliod compact --data DIR\n"
    "       foliod --help | --version\n"
    "\n"
    "foliod keeps a firm's client portfolios and serves them to folio clients.\n"
    "Run `foliod init --help`, `foliod serve --help`, `foliod restore --help` or\n"
    "`foliod compact --help` for each command's options.\n";

static const char main_compact_usage[] =
    "usage: foliod compact --data DIR\n"
    "\n"
    "Rewrites DIR/data.mdb without its free pages, where the bytes of deleted and\n"
    "erased records stay until they are written over: the live pages are copied into\n"
    "a new file that then replaces data.mdb. Offline: refused while a foliod serves\n"
    "DIR (both take DIR/foliod.lock). Needs room for the copy beside the database.\n"
    "\n"
    "  --data DIR          the data directory\n"
    "  --help              show this help\n";

static const char main_restore_usage[] =
    "usage: foliod restore --data DIR FILE\n"
    "\n"
    "Turns FILE, a backup made by `folio admin backup` (DATA/backups/folio-*.mdb), into\n"
    "the data directory DIR, which must not exist or be empty; it is made with mode 0700.\n"
    "The firm key (firm.key) is not in a backup: copy it from the source data directory\n"
    "to keep signing bundles with the same key; without it serve makes a new key pair.\n"
    "\n"
    "  --data DIR          the data directory to create\n"
    "  --help              show this help\n";

static const char main_init_usage[] =
    "usage: foliod init --data DIR --firm NAME --admin USER [options]\n"
    "\n"
    "Creates a firm in DIR (made with mode 0700 if missing) with its first firm-admin,\n"
    "and the firm's self-signed TLS certificate (DIR/tls-cert.pem, its key in\n"
    "DIR/tls-key.pem, both 0600); prints the certificate's fingerprint for agents to\n"
    "check when folio login first shows it. Refuses a DIR that already holds a firm.\n"
    "\n"
    "  --data DIR          the data directory\n"
    "  --firm NAME         the firm's name\n"
    "  --admin USER        the first firm-admin's user name\n"
    "  --password-stdin    read the admin's password from the first line of standard\n"
    "                      input; without it a password is generated and printed once\n"
    "  --hash-cost COST    password hashing cost: min, interactive (default), moderate\n"
    "  --help              show this help\n";

static const char main_serve_usage[] =
    "usage: foliod serve --data DIR [options]\n"
    "\n"
    "Serves the firm in DIR until SIGINT or SIGTERM, which finish queued writes first.\n"
    "\n"
    "  --data DIR                    the data directory (made by foliod init)\n"
    "  --listen HOST:PORT            address to listen on (default 127.0.0.1:7070);\n"
    "                                port 0 picks a free port; [::1]:PORT for IPv6\n"
    "  --port-file FILE              write the bound port to FILE once listening\n"
    "  --max-connections N           connections served at once (default 1024)\n"
    "  --max-connections-per-address N\n"
    "                                ...of them from one address (default 256)\n"
    "  --max-unauthenticated N       connections not logged in yet (default a quarter\n"
    "                                of --max-connections); when full, a newcomer takes\n"
    "                                the place of the oldest of its own address, else of\n"
    "                                the busiest, if that holds many; else it is refused\n"
    "  --max-unauthenticated-per-address N\n"
    "                                ...of them from one address (default 32); a newcomer\n"
    "                                takes the place of that address's oldest\n"
    "  --max-connections-per-user N  connections logged in as one user, folio watch\n"
    "                                included (default 32); a login beyond is refused\n"
    "  --handshake-timeout S         close TLS connections that do not finish the\n"
    "                                handshake within S seconds (default 10; 0 never)\n"
    "  --login-timeout S             close connections that do not log in within S\n"
    "                                seconds (default 30; 0 never)\n"
    "  --frame-timeout S             close connections that leave a frame half sent for\n"
    "                                S seconds (default 30; 0 never)\n"
    "  --max-in-flight N             requests read from one connection ahead of their\n"
    "                                answers (default 128)\n"
    "  --max-output-bytes BYTES      answers waiting for a connection to read them before\n"
    "                                the server stops reading it (default 4194304)\n"
    "  --max-frame BYTES             largest request frame accepted (default 1048576)\n"
    "  --max-import-bytes BYTES      largest bundle an import may send (default 1073741824)\n"
    "  --transfer-quota-user BYTES   export and import files one user may hold on the\n"
    "                                server at once (default 1073741824)\n"
    "  --transfer-quota-firm BYTES   ...all users together (default 4294967296)\n"
    "  --import-max-events N         events in one imported bundle (default 250000)\n"
    "  --import-max-client-events N  events of one client in an imported bundle\n"
    "                                (default 100000)\n"
    "  --import-batch-records N      records an import applies per write transaction;\n"
    "                                other writes go between batches (default 5000)\n"
    "  --idle-timeout S              close connections idle for S seconds (default 600;\n"
    "                                0 never); connections that watch are spared\n"
    "  --session-ttl S               sessions expire S seconds after login (default 604800)\n"
    "  --login-lockout-after N       lock a user name after N failed logins in a row\n"
    "                                from addresses it never logged in from (default 5)\n"
    "  --login-address-lockout-after N\n"
    "                                lock an address (IPv6: its /64) after N failed\n"
    "                                logins, whatever the names (default 20)\n"
    "  --login-lockout-seconds S     ...for S seconds (default 300)\n"
    "  --hash-cost COST              password hashing cost for new passwords: min,\n"
    "                                interactive (default), moderate\n"
    "  --max-hashes N                password checks run at once (default: one per core\n"
    "                                but one, within a quarter of memory); each takes\n"
    "                                the cost's memory (interactive 64 MiB, moderate\n"
    "                                256 MiB), so N of them must fit in half of it\n"
    "  --max-queued-hashes N         password checks waiting for their turn; more are\n"
    "                                refused at once (default 256)\n"
    "  --max-hashes-per-address N    password checks running or waiting for one address;\n"
    "                                more are refused at once (default 8)\n"
    "  --max-transfers N             exports, imports and backups run at once; more wait\n"
    "                                (default 2)\n"
    "  --max-heavy-reads N           agenda, segment, offer list and audit queries run\n"
    "                                at once, off the loop; more wait (default 2)\n"
    "  --tls-cert FILE               TLS certificate chain (PEM) to serve, with\n"
    "  --tls-key FILE                ...its key; default the firm's own, DIR/tls-cert.pem\n"
    "                                and DIR/tls-key.pem (made when both are missing)\n"
    "  --tls-client-ca FILE          mutual TLS: clients must present a certificate\n"
    "                                signed by a CA in FILE (PEM)\n"
    "  --plaintext                   serve without TLS; refused unless --listen is a\n"
    "                                loopback address (127.0.0.0/8 or ::1)\n"
    "  --log-level LEVEL             error, warn, info (default) or debug\n"
    "  --help                        show this help\n";

__attribute__((format(printf, 1, 2))) static int main_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "foliod: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nrun `foliod --help` for usage\n");
    va_end(ap);
    return MAIN_EXIT_USAGE;
}

/* Parses a whole decimal number in [min, max]. */
static int main_parse_number(const char *text, unsigned long long min, unsigned long long max,
                             unsigned long long *out)
{
    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "HOST:PORT" or "[IPV6]:PORT". */
static int main_parse_listen(const char *text, struct server_config *config)
{
    const char *colon;
    size_t host_len;
    const char *host = text;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        host = text + 1;
        host_len = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL)
            return -1;
        host_len = (size_t)(colon - text);
    }
    unsigned long long port;
    if (host_len == 0 || host_len >= sizeof(config->host) ||
        main_parse_number(colon + 1, 0, 65535, &port) != 0)
        return -1;
    memcpy(config->host, host, host_len);
    config->host[host_len] = '\0';
    config->port = (int)port;
    return 0;
}

static int main_read_password(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return -1;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    else if (!feof(stdin))
        return -1; /* longer than any password we accept */
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return 0;
}

static void main_generate_password(char *out, size_t len)
{
    /* No look-alike characters: the password is read off a screen. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[len] = '\0';
}

enum main_option {
    OPT_DATA = 256,
    OPT_FIRM,
    OPT_ADMIN,
    OPT_PASSWORD_STDIN,
    OPT_HASH_COST,
    OPT_MAX_HASHES,
    OPT_MAX_PER_ADDRESS,
    OPT_LOGIN_TIMEOUT,
    OPT_HANDSHAKE_TIMEOUT,
    OPT_MAX_UNAUTHENTICATED,
    OPT_MAX_UNAUTHENTICATED_PER_ADDRESS,
    OPT_MAX_PER_USER,
    OPT_FRAME_TIMEOUT,
    OPT_MAX_IN_FLIGHT,
    OPT_MAX_OUTPUT_BYTES,
    OPT_MAX_QUEUED_HASHES,
    OPT_MAX_HASHES_PER_ADDRESS,
    OPT_MAX_TRANSFERS,
    OPT_MAX_HEAVY_READS,
    OPT_LISTEN,
    OPT_PORT_FILE,
    OPT_MAX_CONNECTIONS,
    OPT_MAX_FRAME,
    OPT_MAX_IMPORT_BYTES,
    OPT_TRANSFER_QUOTA_USER,
    OPT_TRANSFER_QUOTA_FIRM,
    OPT_IMPORT_MAX_EVENTS,
    OPT_IMPORT_MAX_CLIENT_EVENTS,
    OPT_IMPORT_BATCH_RECORDS,
    OPT_IDLE_TIMEOUT,
    OPT_SESSION_TTL,
    OPT_LOCKOUT_AFTER,
    OPT_LOCKOUT_SECONDS,
    OPT_ADDRESS_LOCKOUT_AFTER,
    OPT_LOG_LEVEL,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_TLS_CLIENT_CA,
    OPT_PLAINTEXT,
    OPT_HELP,
};

#define MAIN_COPY_CHUNK (256u * 1024u)

/* 0 when dir can be restored into (created when missing, mode 0700), or -1
 * with the reason printed. *made tells whether it was created here. */
static int main_restore_dir(const char *dir, int *made)
{
    *made = 0;
    if (mkdir(dir, 0700) == 0) {
        *made = 1;
        return 0;
    }
    if (errno != EEXIST) {
        fprintf(stderr, "foliod: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "foliod: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty) {
        fprintf(stderr, "foliod: %s is not empty; restore into a new or empty directory\n", dir);
        return -1;
    }
    if (chmod(dir, 0700) != 0) {
        fprintf(stderr, "foliod: cannot make %s private: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Copies the backup to DIR/data.mdb; the size copied, or -1 (printed). */
static long long main_restore_copy(const char *file, const char *target)
{
    int in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        fprintf(stderr, "foliod: cannot open %s: %s\n", file, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "foliod: %s is not a regular file\n", file);
        close(in);
        return -1;
    }
    int out = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        fprintf(stderr, "foliod: cannot create %s: %s\n", target, strerror(errno));
        close(in);
        return -1;
    }
    char *buf = malloc(MAIN_COPY_CHUNK);
    long long total = buf == NULL ? -1 : 0;
    int err = buf == NULL ? ENOMEM : 0;
    while (err == 0) {
        ssize_t n = read(in, buf, MAIN_COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            break;
        }
        if (n == 0)
            break;
        for (ssize_t done = 0; done < n && err == 0;) {
            ssize_t k = write(out, buf + done, (size_t)(n - done));
            if (k < 0 && errno != EINTR)
                err = errno;
            else if (k > 0)
                done += k;
        }
        total += n;
    }
    free(buf);
    if (err == 0 && fsync(out) != 0)
        err = errno;
    if (close(out) != 0 && err == 0)
        err = errno;
    close(in);
    if (err != 0) {
        fprintf(stderr, "foliod: cannot copy %s to %s: %s\n", file, target, strerror(err));
        return -1;
    }
    return total;
}

/* Opens the copy as a store and reads its firm: the proof it is a folio
 * backup. The firm's name, or NULL (printed). */
static char *main_restore_check(const char *dir, const char *file)
{
    struct store store;
    int rc = store_open(&store, dir, 0);
    if (rc != 0) {
        fprintf(stderr, "foliod: %s is not a folio backup: %s\n", file, store_strerror(rc));
        return NULL;
    }
    char *name = NULL;
    MDB_txn *txn;
    rc = store_read_begin(&store, &txn);
    if (rc == 0) {
        struct arena arena;
        arena_init(&arena, 0);
        Folio__Firm *firm;
        rc = store_meta_firm_get(&store, txn, &arena, &firm);
        if (rc == 0 && (name = strdup(firm->name)) == NULL)
            rc = ENOMEM;
        arena_free(&arena);
        store_read_end(&store, txn);
    }
    store_close(&store);
    if (rc == MDB_NOTFOUND)
        fprintf(stderr, "foliod: %s is not a folio backup: it holds no firm\n", file);
    else if (rc != 0)
        fprintf(stderr, "foliod: cannot read %s: %s\n", file, store_strerror(rc));
    return name;
}

/* Leaves dir as it was found: what the restore wrote goes. */
static void main_restore_undo(const char *dir, int made)
{
    static const char *const files[] = {"data.mdb", "lock.mdb"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, files[i]) < sizeof(path))
            unlink(path);
    if (made)
        rmdir(dir);
}

static int main_restore(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            dir = optarg;
            break;
        case OPT_HELP:
            fputs(main_restore_usage, stdout);
            return 0;
        default:
            return main_usage_error("restore: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (dir == NULL || optind >= argc)
        return main_usage_error("%s", "restore needs --data DIR and a backup FILE");
    if (optind + 1 < argc)
        return main_usage_error("restore: unexpected argument %s", argv[optind + 1]);
    const char *file = argv[optind];
    char target[PATH_MAX];
    if ((size_t)snprintf(target, sizeof(target), "%s/data.mdb", dir) >= sizeof(target))
        return main_usage_error("%s", "restore: the --data path is too long");

    int made;
    if (main_restore_dir(dir, &made) != 0)
        return MAIN_EXIT_FAILURE;
    long long size = main_restore_copy(file, target);
    char *firm = size < 0 ? NULL : main_restore_check(dir, file);
    if (firm == NULL) {
        main_restore_undo(dir, made);
        return MAIN_EXIT_FAILURE;
    }
    printf("restored firm \"%s\" from %s into %s (%lld bytes)\n", firm, file, dir, size);
    printf("%s/%s is not in the backup: copy it from the source data directory (mode 0600)\n"
           "to keep signing bundles with the same key; without it serve makes a new key pair\n",
           dir, FIRM_KEY_FILE);
    printf("serve it with: foliod serve --data %s\n", dir);
    free(firm);
    return 0;
}

static int main_compact(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            dir = optarg;
            break;
        case OPT_HELP:
            fputs(main_compact_usage, stdout);
            return 0;
        default:
            return main_usage_error("compact: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (dir == NULL)
        return main_usage_error("%s", "compact needs --data DIR");
    if (optind < argc)
        return main_usage_error("compact: unexpected argument %s", argv[optind]);
    int lock = data_lock_take(dir);
    if (lock < 0) {
        if (errno == EWOULDBLOCK)
            fprintf(stderr, "foliod: a foliod serves %s; stop it before compacting\n", dir);
        else
            fprintf(stderr, "foliod: cannot lock %s/%s: %s\n", dir, DATA_LOCK_FILE,
                    strerror(errno));
        return MAIN_EXIT_FAILURE;
    }
    long long before, after;
    char why[PATH_MAX + 128];
    int rc = compact_data_dir(dir, &before, &after, why, sizeof(why));
    data_lock_release(lock);
    if (rc != 0) {
        fprintf(stderr, "foliod: %s\n", why);
        return MAIN_EXIT_FAILURE;
    }
    printf("compacted %s/data.mdb: %lld bytes, was %lld\n", dir, after, before);
    return 0;
}

static int main_init(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"firm", required_argument, NULL, OPT_FIRM},
        {"admin", required_argument, NULL, OPT_ADMIN},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"hash-cost", required_argument, NULL, OPT_HASH_COST},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *firm = NULL;
    char *admin = NULL;
    int password_stdin = 0;
    enum hasher_cost cost = HASHER_COST_INTERACTIVE;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            data = optarg;
            break;
        case OPT_FIRM:
            firm = optarg;
            break;
        case OPT_ADMIN:
            admin = optarg;
            break;
        case OPT_PASSWORD_STDIN:
            password_stdin = 1;
            break;
        case OPT_HASH_COST:
            if (hasher_cost_parse(optarg, &cost) != 0)
                return main_usage_error("unknown --hash-cost %s", optarg);
            break;
        case OPT_HELP:
            fputs(main_init_usage, stdout);
            return 0;
        default:
            return main_usage_error("init: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return main_usage_error("init: unexpected argument %s", argv[optind]);
    if (data == NULL || firm == NULL || admin == NULL)
        return main_usage_error("%s", "init needs --data, --firm and --admin");

    char password[VALIDATE_PASSWORD_MAX + 2];
    if (password_stdin) {
        if (main_read_password(password, sizeof(password)) != 0) {
            fprintf(stderr, "foliod: cannot read a password from standard input\n");
            return MAIN_EXIT_FAILURE;
        }
    } else {
        main_generate_password(password, MAIN_GENERATED_PASSWORD_LENGTH);
    }
    char why[512];
    int rc = firm_init(data, firm, admin, password, cost, why, sizeof(why));
    if (rc != 0) {
        sodium_memzero(password, sizeof(password));
        fprintf(stderr, "foliod: %s\n", why);
        return MAIN_EXIT_FAILURE;
    }
    char fingerprint[TLS_FINGERPRINT_SIZE];
    if (tls_cert_make_firm(data, firm, (int64_t)time(NULL), fingerprint, why, sizeof(why)) != 0) {
        sodium_memzero(password, sizeof(password));
        fprintf(stderr,
                "foliod: the firm is initialised in %s, but its TLS certificate is not: "
                "%s\n(foliod serve makes one when it starts)\n",
                data, why);
        return MAIN_EXIT_FAILURE;
    }
    printf("firm \"%s\" initialised in %s\n", firm, data);
    printf("firm-admin: %s\n", admin);
    if (!password_stdin)
        printf("password: %s\n", password);
    printf("TLS certificate: %s/%s\n", data, TLS_CERT_FILE);
    printf("TLS certificate fingerprint (SHA-256): %s\n", fingerprint);
    printf("log in with: folio login %s (check that it shows this fingerprint)\n", admin);
    sodium_memzero(password, sizeof(password));
    return 0;
}

/* Data directories made before rules existed get the default rules and
 * calendar, once, before anyone is served. A directory without a firm is
 * left alone for server_run to refuse. */
static int main_seed(const char *dir)
{
    struct store store;
    if (store_open(&store, dir, 0) != 0)
        return 0;
    MDB_txn *txn;
    int rc = mdb_txn_begin(store.env, NULL, 0, &txn);
    if (rc == 0) {
        struct arena arena;
        arena_init(&arena, 0);
        Folio__Firm *firm;
        rc = store_meta_firm_get(&store, txn, &arena, &firm);
        arena_free(&arena);
        if (rc == 0)
            rc = store_rule_seed(&store, txn, (int64_t)time(NULL));
        if (rc == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
        if (rc == MDB_NOTFOUND)
            rc = 0;
    }
    store_close(&store);
    if (rc != 0)
        log_error("cannot store the default rules in %s: %s", dir, store_strerror(rc));
    return rc;
}

static bool main_is_loopback(const char *host)
{
    unsigned char addr[16];
    if (inet_pton(AF_INET, host, addr) == 1)
        return addr[0] == 127;
    static const unsigned char loopback6[16] = {[15] = 1};
    return inet_pton(AF_INET6, host, addr) == 1 && memcmp(addr, loopback6, 16) == 0;
}

/* Protected mode: client records never cross a network in the clear. */
static int main_check_tls(const struct server_config *config)
{
    if ((config->tls_cert_file == NULL) != (config->tls_key_file == NULL))
        return main_usage_error("%s", "--tls-cert and --tls-key go together");
    if (config->plaintext && (config->tls_cert_file != NULL || config->tls_client_ca_file != NULL))
        return main_usage_error("%s", "--plaintext cannot go with --tls-cert or --tls-client-ca");
    if (config->plaintext && !main_is_loopback(config->host))
        return main_usage_error(
            "refusing --plaintext on %s: client records must not cross a network in the clear, "
            "so serving without TLS is allowed on a loopback address only (127.0.0.1, ::1); "
            "leave out --plaintext to serve TLS",
            config->host);
    return 0;
}

static int main_serve(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"port-file", required_argument, NULL, OPT_PORT_FILE},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"max-frame", required_argument, NULL, OPT_MAX_FRAME},
        {"max-import-bytes", required_argument, NULL, OPT_MAX_IMPORT_BYTES},
        {"transfer-quota-user", required_argument, NULL, OPT_TRANSFER_QUOTA_USER},
        {"transfer-quota-firm", required_argument, NULL, OPT_TRANSFER_QUOTA_FIRM},
        {"import-max-events", required_argument, NULL, OPT_IMPORT_MAX_EVENTS},
        {"import-max-client-events", required_argument, NULL, OPT_IMPORT_MAX_CLIENT_EVENTS},
        {"import-batch-records", required_argument, NULL, OPT_IMPORT_BATCH_RECORDS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
        {"session-ttl", required_argument, NULL, OPT_SESSION_TTL},
        {"login-lockout-after", required_argument, NULL, OPT_LOCKOUT_AFTER},
        {"login-lockout-seconds", required_argument, NULL, OPT_LOCKOUT_SECONDS},
        {"login-address-lockout-after", required_argument, NULL, OPT_ADDRESS_LOCKOUT_AFTER},
        {"hash-cost", required_argument, NULL, OPT_HASH_COST},
        {"max-hashes", required_argument, NULL, OPT_MAX_HASHES},
        {"max-connections-per-address", required_argument, NULL, OPT_MAX_PER_ADDRESS},
        {"login-timeout", required_argument, NULL, OPT_LOGIN_TIMEOUT},
        {"handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT},
        {"max-unauthenticated", required_argument, NULL, OPT_MAX_UNAUTHENTICATED},
        {"max-unauthenticated-per-address", required_argument, NULL,
         OPT_MAX_UNAUTHENTICATED_PER_ADDRESS},
        {"max-connections-per-user", required_argument, NULL, OPT_MAX_PER_USER},
        {"frame-timeout", required_argument, NULL, OPT_FRAME_TIMEOUT},
        {"max-in-flight", required_argument, NULL, OPT_MAX_IN_FLIGHT},
        {"max-output-bytes", required_argument, NULL, OPT_MAX_OUTPUT_BYTES},
        {"max-queued-hashes", required_argument, NULL, OPT_MAX_QUEUED_HASHES},
        {"max-hashes-per-address", required_argument, NULL, OPT_MAX_HASHES_PER_ADDRESS},
        {"max-transfers", required_argument, NULL, OPT_MAX_TRANSFERS},
        {"max-heavy-reads", required_argument, NULL, OPT_MAX_HEAVY_READS},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
        {"tls-key", required_argument, NULL, OPT_TLS_KEY},
        {"tls-client-ca", required_argument, NULL, OPT_TLS_CLIENT_CA},
        {"plaintext", no_argument, NULL, OPT_PLAINTEXT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct server_config config;
    server_config_defaults(&config);
    enum log_level level = LOG_INFO;
    unsigned long long n;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            config.data_dir = optarg;
            break;
        case OPT_LISTEN:
            if (main_parse_listen(optarg, &config) != 0)
                return main_usage_error("--listen wants HOST:PORT, not %s", optarg);
            break;
        case OPT_PORT_FILE:
            config.port_file = optarg;
            break;
        case OPT_MAX_CONNECTIONS:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error("--max-connections wants 1 to 1000000, not %s", optarg);
            config.max_connections = (unsigned)n;
            break;
        case OPT_MAX_FRAME:
            if (main_parse_number(optarg, 1024, FRAME_ABSOLUTE_MAX, &n) != 0)
                return main_usage_error("--max-frame wants 1024 to 67108864 bytes, not %s", optarg);
            config.max_frame = (size_t)n;
            break;
        case OPT_MAX_IMPORT_BYTES:
            if (main_parse_number(optarg, 1, 4ull << 30, &n) != 0)
                return main_usage_error("--max-import-bytes wants 1 to 4294967296 bytes, not %s",
                                        optarg);
            config.max_import_bytes = n;
            break;
        case OPT_TRANSFER_QUOTA_USER:
            if (main_parse_number(optarg, 1, 1ull << 40, &n) != 0)
                return main_usage_error(
                    "--transfer-quota-user wants 1 to 1099511627776 bytes, not %s", optarg);
            config.transfer_quota_user = n;
            break;
        case OPT_TRANSFER_QUOTA_FIRM:
            if (main_parse_number(optarg, 1, 1ull << 40, &n) != 0)
                return main_usage_error(
                    "--transfer-quota-firm wants 1 to 1099511627776 bytes, not %s", optarg);
            config.transfer_quota_firm = n;
            break;
        case OPT_IMPORT_MAX_EVENTS:
            if (main_parse_number(optarg, 1, 10000000, &n) != 0)
                return main_usage_error("--import-max-events wants 1 to 10000000, not %s", optarg);
            config.import_max_events = n;
            break;
        case OPT_IMPORT_MAX_CLIENT_EVENTS:
            if (main_parse_number(optarg, 1, 10000000, &n) != 0)
                return main_usage_error("--import-max-client-events wants 1 to 10000000, not %s",
                                        optarg);
            config.import_max_client_events = n;
            break;
        case OPT_IMPORT_BATCH_RECORDS:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error("--import-batch-records wants 1 to 1000000, not %s",
                                        optarg);
            config.import_batch_records = n;
            break;
        case OPT_IDLE_TIMEOUT:
            if (main_parse_number(optarg, 0, 7 * 24 * 3600, &n) != 0)
                return main_usage_error("--idle-timeout wants 0 to 604800 seconds, not %s", optarg);
            config.idle_timeout_s = (unsigned)n;
            break;
        case OPT_SESSION_TTL:
            if (main_parse_number(optarg, 1, 366ULL * 24 * 3600, &n) != 0)
                return main_usage_error("--session-ttl wants 1 to 31622400 seconds, not %s",
                                        optarg);
            config.session_ttl_s = (int64_t)n;
            break;
        case OPT_LOCKOUT_AFTER:
            if (main_parse_number(optarg, 1, 1000, &n) != 0)
                return main_usage_error("--login-lockout-after wants 1 to 1000, not %s", optarg);
            config.lockout_after = (unsigned)n;
            break;
        case OPT_ADDRESS_LOCKOUT_AFTER:
            if (main_parse_number(optarg, 1, 100000, &n) != 0)
                return main_usage_error("--login-address-lockout-after wants 1 to 100000, not %s",
                                        optarg);
            config.address_lockout_after = (unsigned)n;
            break;
        case OPT_LOCKOUT_SECONDS:
            if (main_parse_number(optarg, 0, 24 * 3600, &n) != 0)
                return main_usage_error("--login-lockout-seconds wants 0 to 86400, not %s", optarg);
            config.lockout_seconds = (unsigned)n;
            break;
        case OPT_HASH_COST:
            if (hasher_cost_parse(optarg, &config.hash_cost) != 0)
                return main_usage_error("unknown --hash-cost %s", optarg);
            break;
        case OPT_MAX_PER_ADDRESS:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error("--max-connections-per-address wants 1 to 1000000, not %s",
                                        optarg);
            config.max_connections_per_address = (unsigned)n;
            break;
        case OPT_LOGIN_TIMEOUT:
            if (main_parse_number(optarg, 0, 3600, &n) != 0)
                return main_usage_error("--login-timeout wants 0 to 3600 seconds, not %s", optarg);
            config.login_timeout_s = (unsigned)n;
            break;
        case OPT_HANDSHAKE_TIMEOUT:
            if (main_parse_number(optarg, 0, 3600, &n) != 0)
                return main_usage_error("--handshake-timeout wants 0 to 3600 seconds, not %s",
                                        optarg);
            config.handshake_timeout_s = (unsigned)n;
            break;
        case OPT_MAX_UNAUTHENTICATED:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error("--max-unauthenticated wants 1 to 1000000, not %s", optarg);
            config.max_unauthenticated = (unsigned)n;
            break;
        case OPT_MAX_UNAUTHENTICATED_PER_ADDRESS:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error(
                    "--max-unauthenticated-per-address wants 1 to 1000000, not %s", optarg);
            config.max_unauthenticated_per_address = (unsigned)n;
            break;
        case OPT_MAX_PER_USER:
            if (main_parse_number(optarg, 1, 1000000, &n) != 0)
                return main_usage_error("--max-connections-per-user wants 1 to 1000000, not %s",
                                        optarg);
            config.max_connections_per_user = (unsigned)n;
            break;
        case OPT_FRAME_TIMEOUT:
            if (main_parse_number(optarg, 0, 3600, &n) != 0)
                return main_usage_error("--frame-timeout wants 0 to 3600 seconds, not %s", optarg);
            config.frame_timeout_s = (unsigned)n;
            break;
        case OPT_MAX_IN_FLIGHT:
            if (main_parse_number(optarg, 1, 4096, &n) != 0)
                return main_usage_error("--max-in-flight wants 1 to 4096, not %s", optarg);
            config.max_in_flight = (unsigned)n;
            break;
        case OPT_MAX_OUTPUT_BYTES:
            if (main_parse_number(optarg, 65536, 1ull << 30, &n) != 0)
                return main_usage_error("--max-output-bytes wants 65536 to 1073741824, not %s",
                                        optarg);
            config.max_output_bytes = (size_t)n;
            break;
        case OPT_MAX_QUEUED_HASHES:
            if (main_parse_number(optarg, 1, 65536, &n) != 0)
                return main_usage_error("--max-queued-hashes wants 1 to 65536, not %s", optarg);
            config.max_queued_hashes = (unsigned)n;
            break;
        case OPT_MAX_HASHES_PER_ADDRESS:
            if (main_parse_number(optarg, 1, 65536, &n) != 0)
                return main_usage_error("--max-hashes-per-address wants 1 to 65536, not %s",
                                        optarg);
            config.max_hashes_per_address = (unsigned)n;
            break;
        case OPT_MAX_TRANSFERS:
            if (main_parse_number(optarg, 1, 64, &n) != 0)
                return main_usage_error("--max-transfers wants 1 to 64, not %s", optarg);
            config.max_transfers = (unsigned)n;
            break;
        case OPT_MAX_HEAVY_READS:
            if (main_parse_number(optarg, 1, 64, &n) != 0)
                return main_usage_error("--max-heavy-reads wants 1 to 64, not %s", optarg);
            config.max_heavy_reads = (unsigned)n;
            break;
        case OPT_MAX_HASHES:
            if (main_parse_number(optarg, 1, 64, &n) != 0)
                return main_usage_error("--max-hashes wants 1 to 64, not %s", optarg);
            config.max_hashes = (unsigned)n;
            break;
        case OPT_LOG_LEVEL:
            if (log_level_parse(optarg, &level) != 0)
                return main_usage_error("unknown --log-level %s", optarg);
            break;
        case OPT_TLS_CERT:
            config.tls_cert_file = optarg;
            break;
        case OPT_TLS_KEY:
            config.tls_key_file = optarg;
            break;
        case OPT_TLS_CLIENT_CA:
            config.tls_client_ca_file = optarg;
            break;
        case OPT_PLAINTEXT:
            config.plaintext = true;
            break;
        case OPT_HELP:
            fputs(main_serve_usage, stdout);
            return 0;
        default:
            return main_usage_error("serve: unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return main_usage_error("serve: unexpected argument %s", argv[optind]);
    if (config.max_hashes > 0) {
        uint64_t need = (uint64_t)config.max_hashes * hasher_memory(config.hash_cost);
        uint64_t have = uv_get_total_memory();
        if (need > have / 2)
            return main_usage_error("--max-hashes %u needs %llu MiB for password checks; this "
                                    "machine has %llu MiB, and they may take half of it",
                                    config.max_hashes, (unsigned long long)(need >> 20),
                                    (unsigned long long)(have >> 20));
    }
    if (config.data_dir == NULL)
        return main_usage_error("%s", "serve needs --data DIR");
    int rc = main_check_tls(&config);
    if (rc != 0)
        return rc;
    log_set_level(level);
    /* Held until the process ends: `foliod compact` and a second serve of
     * the same directory are refused meanwhile. A missing directory is left
     * for server_run to refuse in its own words. */
    int lock = data_lock_take(config.data_dir);
    if (lock < 0 && errno == EWOULDBLOCK) {
        fprintf(stderr, "foliod: another foliod serves %s (it holds %s/%s)\n", config.data_dir,
                config.data_dir, DATA_LOCK_FILE);
        return MAIN_EXIT_FAILURE;
    }
    if (lock < 0 && errno != ENOENT) {
        fprintf(stderr, "foliod: cannot lock %s/%s: %s\n", config.data_dir, DATA_LOCK_FILE,
                strerror(errno));
        return MAIN_EXIT_FAILURE;
    }
    rc = main_seed(config.data_dir) != 0 ? MAIN_EXIT_FAILURE : server_run(&config);
    data_lock_release(lock);
    return rc;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "foliod: cannot initialise libsodium\n");
        return MAIN_EXIT_FAILURE;
    }
    /* A peer that vanishes mid-write must cost an error code, not the process. */
    signal(SIGPIPE, SIG_IGN);
    /* A write past a file-size limit must fail with EFBIG, which the writer
     * reports as a full disk, rather than kill the process. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2)
        return main_usage_error("%s", "a command is needed: init, serve, restore or compact");
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(command, "--version") == 0) {
        printf("foliod %s\n", FOLIO_VERSION);
        return 0;
    }
    if (strcmp(command, "init") == 0)
        return main_init(argc - 1, argv + 1);
    if (strcmp(command, "serve") == 0)
        return main_serve(argc - 1, argv + 1);
    if (strcmp(command, "restore") == 0)
        return main_restore(argc - 1, argv + 1);
    if (strcmp(command, "compact") == 0)
        return main_compact(argc - 1, argv + 1);
    return main_usage_error("unknown command %s", command);
}
