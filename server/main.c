/* main.c - the foliod command line: `foliod init`, `foliod serve` and
 * `foliod compact`; `foliod backup` and `foliod restore` are in
 * foliod_backup.c. */
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
#include "foliod_backup.h"
#include "foliod_conf.h"
#include "foliod_man.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "server_options.h"
#include "store.h"
#include "store_meta.h"
#include "time_zone.h"
#include "tls_cert.h"
#include "validate.h"

#define MAIN_EXIT_FAILURE              1
#define MAIN_EXIT_USAGE                2
#define MAIN_GENERATED_PASSWORD_LENGTH 20
/* Not an exit status: the command goes on. */
#define MAIN_GO_ON (-1)

static const char main_usage[] =
    "usage: foliod init --data DIR --firm NAME --admin USER [--password-stdin]\n"
    "       foliod serve --data DIR [--listen HOST:PORT] [options]\n"
    "       foliod backup --data DIR --out FILE\n"
    "       foliod restore --from FILE --data DIR\n"
    "       foliod compact --data DIR\n"
    "       foliod --help | --help-man | --version\n"
    "\n"
    "foliod keeps a firm's client portfolios and serves them to folio clients.\n"
    "Run `foliod init --help`, `foliod serve --help`, `foliod backup --help`,\n"
    "`foliod restore --help` or `foliod compact --help` for each command's options;\n"
    "`foliod --help-man` prints the manual page, foliod(8), in roff.\n";

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
    "  --time-zone ZONE    the firm's time zone, an IANA name such as America/Lima\n"
    "                      (default UTC): \"today\" for agents whose card names none\n"
    "  --hostname NAME     a DNS name agents reach the server by, put in the\n"
    "                      certificate beside localhost and this machine's name;\n"
    "                      repeatable, up to 16\n"
    "  --ip ADDRESS        an IPv4 or IPv6 address agents reach it by, beside\n"
    "                      127.0.0.1 and ::1; repeatable, up to 16\n"
    "  --help              show this help\n";

static const char main_serve_usage[] =
    "usage: foliod serve --data DIR [options]\n"
    "\n"
    "Serves the firm in DIR until SIGINT or SIGTERM, which finish the queued writes\n"
    "first. SIGHUP opens the --log-file again (after logrotate), reads the config\n"
    "file again and applies the options marked \"SIGHUP applies a change\" (log-level,\n"
    "log-format and the timeouts; any other change is logged as needing a restart),\n"
    "and reads the TLS certificate and key again (a renewed pair put in place) for\n"
    "the connections that follow; a pair that does not load leaves the one served.\n"
    "Numbers are whole and decimal; each comes with its range and default.\n"
    "Every option but --config and --help is also a key of the config file's [serve]\n"
    "section (max-frame = 65536; a switch takes true or false) and a variable\n"
    "(FOLIOD_MAX_FRAME=65536): flags override variables, which override the file.\n"
    "\n";

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

/* The options of init and compact; serve's are in server_options.c. */
enum main_option {
    OPT_DATA = 256,
    OPT_FIRM,
    OPT_ADMIN,
    OPT_PASSWORD_STDIN,
    OPT_HASH_COST,
    OPT_TIME_ZONE,
    OPT_HELP,
    OPT_HOSTNAME,
    OPT_IP,
};

/* The options of compact: --data DIR and --help. MAIN_GO_ON
 * with *dir (NULL when not given) and optind at the first argument left;
 * else the exit status, the help or the refusal printed. */
static int main_data_options(int argc, char **argv, const char *usage, const char **dir)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *dir = NULL;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_DATA:
            *dir = optarg;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return 0;
        default:
            return main_usage_error("%s: unknown or incomplete option %s", argv[0],
                                    argv[optind - 1]);
        }
    }
    return MAIN_GO_ON;
}

/* Names the process holding dir's lock, so ops know which one to stop. */
static void main_lock_refusal(const char *dir, const char *advice)
{
    long holder = data_lock_holder(dir);
    if (holder > 0)
        fprintf(stderr, "foliod: another foliod, process %ld, serves %s (it holds %s/%s); %s\n",
                holder, dir, dir, DATA_LOCK_FILE, advice);
    else
        fprintf(stderr, "foliod: another foliod serves %s (it holds %s/%s); %s\n", dir, dir,
                DATA_LOCK_FILE, advice);
}

static int main_compact(int argc, char **argv)
{
    const char *dir;
    int rc = main_data_options(argc, argv, main_compact_usage, &dir);
    if (rc != MAIN_GO_ON)
        return rc;
    if (dir == NULL)
        return main_usage_error("%s", "compact needs --data DIR");
    if (optind < argc)
        return main_usage_error("compact: unexpected argument %s", argv[optind]);
    int lock = data_lock_take(dir);
    if (lock < 0) {
        if (errno == EWOULDBLOCK)
            main_lock_refusal(dir, "stop it before compacting");
        else
            fprintf(stderr, "foliod: cannot lock %s/%s: %s\n", dir, DATA_LOCK_FILE,
                    strerror(errno));
        return MAIN_EXIT_FAILURE;
    }
    long long before, after;
    char why[PATH_MAX + 128];
    rc = compact_data_dir(dir, &before, &after, why, sizeof(why));
    data_lock_release(lock);
    if (rc != 0) {
        fprintf(stderr, "foliod: %s\n", why);
        return MAIN_EXIT_FAILURE;
    }
    printf("compacted %s/data.mdb: %lld bytes, was %lld\n", dir, after, before);
    return 0;
}

/* --hostname and --ip of init, into names: MAIN_GO_ON, or the usage error
 * naming the flag. */
static int main_init_name(struct tls_cert_names *names, int opt, const char *value)
{
    char why[512];
    int rc = opt == OPT_HOSTNAME ? tls_cert_names_add_host(names, value, why, sizeof(why))
                                 : tls_cert_names_add_ip(names, value, why, sizeof(why));
    if (rc != 0)
        return main_usage_error("%s: %s", opt == OPT_HOSTNAME ? "--hostname" : "--ip", why);
    return MAIN_GO_ON;
}

static int main_init(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, OPT_DATA},
        {"firm", required_argument, NULL, OPT_FIRM},
        {"admin", required_argument, NULL, OPT_ADMIN},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"hash-cost", required_argument, NULL, OPT_HASH_COST},
        {"time-zone", required_argument, NULL, OPT_TIME_ZONE},
        {"help", no_argument, NULL, OPT_HELP},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"ip", required_argument, NULL, OPT_IP},
        {NULL, 0, NULL, 0},
    };
    struct tls_cert_names names = {0};
    const char *data = NULL, *firm = NULL, *time_zone = NULL;
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
        case OPT_TIME_ZONE:
            time_zone = optarg;
            break;
        case OPT_HELP:
            fputs(main_init_usage, stdout);
            return 0;
        case OPT_HOSTNAME:
        case OPT_IP:
            if ((opt = main_init_name(&names, opt, optarg)) != MAIN_GO_ON)
                return opt;
            break;
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
    /* What the operator typed is a usage error (exit 2), named by its flag;
     * firm_init checks the same again. */
    const char *bad = validate_firm_name(firm);
    const char *flag = "--firm";
    if (bad == NULL && (bad = validate_user_name(admin)) != NULL)
        flag = "--admin";
    if (bad == NULL && (bad = validate_password(password)) != NULL)
        flag = "the password";
    if (bad == NULL && time_zone != NULL && (bad = time_zone_check(time_zone)) != NULL)
        flag = "--time-zone";
    if (bad != NULL) {
        sodium_memzero(password, sizeof(password));
        return main_usage_error("%s: %s", flag, bad);
    }
    char why[512];
    int rc = firm_init(data, firm, admin, password, time_zone, cost, why, sizeof(why));
    if (rc != 0) {
        sodium_memzero(password, sizeof(password));
        fprintf(stderr, "foliod: %s\n", why);
        return MAIN_EXIT_FAILURE;
    }
    char fingerprint[TLS_FINGERPRINT_SIZE];
    if (tls_cert_make_firm_named(data, firm, (int64_t)time(NULL), &names, fingerprint, why,
                                 sizeof(why)) != 0) {
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

/* Serves until a signal has drained the server; the exit status. */
static int main_run(const struct server_config *config)
{
    /* Big (the login throttle's tables): not on the stack. */
    struct server *s = malloc(sizeof(*s));
    if (s == NULL) {
        log_error("out of memory");
        return MAIN_EXIT_FAILURE;
    }
    int rc = server_open(s, config);
    /* Lives until server_close has closed its timer with the loop. */
    struct metrics metrics;
    bool metrics_on = false;
    if (rc == 0 && config->metrics)
        metrics_on = (rc = metrics_start(&metrics, s)) == 0;
    if (rc == 0)
        rc = server_serve(s);
    if (metrics_on)
        metrics_stop(&metrics);
    if (server_close(s) != 0)
        rc = -1;
    free(s);
    return rc == 0 ? 0 : MAIN_EXIT_FAILURE;
}

/* Serves as config says, once its options are checked; the exit status. */
static int main_serve_checked(const struct server_config *config)
{
    if (config->max_hashes > 0) {
        uint64_t need = (uint64_t)config->max_hashes * hasher_memory(config->hash_cost);
        uint64_t have = uv_get_total_memory();
        if (need > have / 2)
            return main_usage_error("--max-hashes %u needs %llu MiB for password checks; this "
                                    "machine has %llu MiB, and they may take half of it",
                                    config->max_hashes, (unsigned long long)(need >> 20),
                                    (unsigned long long)(have >> 20));
    }
    if (config->data_dir == NULL)
        return main_usage_error("%s", "serve needs --data DIR");
    int rc = main_check_tls(config);
    if (rc != 0)
        return rc;
    log_set_level(config->log_level);
    log_set_format(config->log_format);
    char why[1024];
    if (config->log_file != NULL && log_open_file(config->log_file, why, sizeof(why)) != 0) {
        fprintf(stderr, "foliod: --log-file: %s\n", why);
        return MAIN_EXIT_FAILURE;
    }
    /* Held until the process ends: `foliod compact` and a second serve of
     * the same directory are refused meanwhile. A missing directory is left
     * for server_open to refuse in its own words. */
    int lock = data_lock_take(config->data_dir);
    if (lock < 0 && errno == EWOULDBLOCK) {
        main_lock_refusal(config->data_dir, "stop it first or serve another --data");
        return MAIN_EXIT_FAILURE;
    }
    if (lock < 0 && errno != ENOENT) {
        fprintf(stderr, "foliod: cannot lock %s/%s: %s\n", config->data_dir, DATA_LOCK_FILE,
                strerror(errno));
        return MAIN_EXIT_FAILURE;
    }
    rc = main_run(config);
    data_lock_release(lock);
    return rc;
}

/* The config file to read: --config, else FOLIOD_CONFIG, else the default
 * one when it exists; NULL for none. */
static const char *main_config_path(const struct server_config *flags)
{
    if (flags->config_file != NULL)
        return flags->config_file;
    const char *variable = getenv("FOLIOD_CONFIG");
    if (variable != NULL && variable[0] != '\0')
        return variable;
    return access(SERVER_OPTIONS_CONFIG_DEFAULT, F_OK) == 0 ? SERVER_OPTIONS_CONFIG_DEFAULT : NULL;
}

/* The options, in the order they override each other: defaults, the config
 * file, FOLIOD_* variables, flags. MAIN_GO_ON, or the exit status with the
 * help or the refusal printed. conf keeps the file's texts. */
static int main_serve_options(int argc, char **argv, struct server_config *config,
                              struct foliod_conf *conf)
{
    char why[1024];
    /* A first reading of the flags, for --config and --help. */
    server_config_defaults(config);
    switch (server_options_parse(argc, argv, config, why, sizeof(why))) {
    case SERVER_OPTIONS_OK:
        break;
    case SERVER_OPTIONS_HELP:
        fputs(main_serve_usage, stdout);
        server_options_help(stdout);
        return 0;
    case SERVER_OPTIONS_USAGE:
        return main_usage_error("%s", why);
    }
    const char *path = main_config_path(config);
    server_config_defaults(config);
    if (path != NULL && foliod_conf_read(conf, path, config, why, sizeof(why)) != 0)
        return main_usage_error("%s", why);
    if (server_options_environment(config, why, sizeof(why)) != SERVER_OPTIONS_OK)
        return main_usage_error("%s", why);
    if (server_options_parse(argc, argv, config, why, sizeof(why)) != SERVER_OPTIONS_OK)
        return main_usage_error("%s", why);
    config->config_file = path;
    config->argc = argc;
    config->argv = argv;
    return MAIN_GO_ON;
}

static int main_serve(int argc, char **argv)
{
    struct server_config config;
    struct foliod_conf conf = {0};
    int rc = main_serve_options(argc, argv, &config, &conf);
    if (rc == MAIN_GO_ON)
        rc = main_serve_checked(&config);
    foliod_conf_free(&conf);
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
        return main_usage_error("%s",
                                "a command is needed: init, serve, backup, restore or compact");
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(command, "--help-man") == 0) {
        const struct foliod_man_command commands[] = {
            {"init", main_init_usage, false},       {"serve", main_serve_usage, true},
            {"backup", foliod_backup_usage, false}, {"restore", foliod_restore_usage, false},
            {"compact", main_compact_usage, false},
        };
        foliod_man(stdout, main_usage, commands, sizeof(commands) / sizeof(commands[0]));
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
    if (strcmp(command, "backup") == 0)
        return foliod_backup(argc - 1, argv + 1);
    if (strcmp(command, "restore") == 0)
        return foliod_restore(argc - 1, argv + 1);
    if (strcmp(command, "compact") == 0)
        return main_compact(argc - 1, argv + 1);
    return main_usage_error("unknown command %s", command);
}
