/* server_options.c - the table of `foliod serve`'s options; see
 * server_options.h.
 *
 * A row says where its value goes by its offset in struct server_config;
 * server_options_store writes it there as the row's width says. */
#include "server_options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "hasher.h"
#include "host_name.h"
#include "iso_codes.h"
#include "log.h"

#define SERVER_OPTIONS_HELP_COLUMN 32
#define SERVER_OPTIONS_HELP_WIDTH  80
/* getopt_long's values for the rows: above any character it returns. */
#define SERVER_OPTIONS_FIRST_VALUE 256

enum server_option_kind {
    SERVER_OPTION_NUMBER,  /* a whole decimal number in [min, max] */
    SERVER_OPTION_TEXT,    /* kept as given (a path) */
    SERVER_OPTION_SWITCH,  /* takes nothing; sets a bool */
    SERVER_OPTION_SPECIAL, /* read by the row's parse function */
    SERVER_OPTION_HELP,
};

/* The C type of a number's field. */
enum server_option_width { SERVER_OPTION_UNSIGNED, SERVER_OPTION_U64, SERVER_OPTION_I64 };

struct server_option {
    const char *name; /* without its dashes */
    /* What it takes, as the help shows it; NULL for a switch. A number's
     * refusal takes its unit from it: BYTES are bytes, S seconds. */
    const char *arg;
    enum server_option_kind kind;
    enum server_option_width width; /* numbers */
    size_t offset;                  /* numbers, texts and switches */
    unsigned long long min, max, def;
    /* The default as the help shows it, when the field's own is not it (a
     * number whose 0 means "worked out at start"); for a special row, the
     * text its parse function is given for the default. */
    const char *def_text;
    /* Given on the command line only, not as a key or a variable. */
    bool flag_only;
    /* SIGHUP applies a change of it made in the config file; a change of
     * any other option waits for a restart (config_reload.h). Only options
     * that the loop thread alone reads may be live. */
    bool live;
    /* A special row's value, read into config; 0 or -1. A refusal says
     * "--NAME wants WANTS, not VALUE", or "unknown --NAME VALUE" without
     * wants. */
    int (*parse)(const char *text, struct server_config *config);
    /* A special row's fields: whether a and b hold the same, and (for a
     * live row) copying them from b into a. */
    bool (*same)(const struct server_config *a, const struct server_config *b);
    void (*copy)(struct server_config *a, const struct server_config *b);
    const char *wants;
    const char *help;
};

/* The rows, by kind. Each names its field, whose type _Generic checks: a
 * row for a field of another type does not compile. */
/* clang-format off */
#define SERVER_OPTION_FIELD(field) (((struct server_config *)NULL)->field)
#define SERVER_OPTION_WIDTH(field)                                            \
    _Generic(SERVER_OPTION_FIELD(field),                                      \
             unsigned: SERVER_OPTION_UNSIGNED,                                \
             uint64_t: SERVER_OPTION_U64,                                     \
             int64_t: SERVER_OPTION_I64)
#define SERVER_OPTION_OFFSET(field, type)                                     \
    _Generic(SERVER_OPTION_FIELD(field),                                      \
             type: offsetof(struct server_config, field))

#define NUMBER(flag, argument, field, lo, hi, dflt, text)                     \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_NUMBER,             \
     .width = SERVER_OPTION_WIDTH(field),                                     \
     .offset = offsetof(struct server_config, field),                         \
     .min = lo, .max = hi, .def = dflt, .help = text}
/* A number whose default is worked out at start: its field holds 0. */
#define NUMBER_COMPUTED(flag, argument, field, lo, hi, dflt_text, text)       \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_NUMBER,             \
     .width = SERVER_OPTION_WIDTH(field),                                     \
     .offset = offsetof(struct server_config, field),                         \
     .min = lo, .max = hi, .def_text = dflt_text, .help = text}
#define TEXT(flag, argument, field, text)                                     \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_TEXT,               \
     .offset = SERVER_OPTION_OFFSET(field, const char *), .help = text}
#define SWITCH(flag, field, text)                                             \
    {.name = flag, .kind = SERVER_OPTION_SWITCH,                              \
     .offset = SERVER_OPTION_OFFSET(field, bool), .help = text}
#define SPECIAL(flag, argument, parser, wanted, dflt_text, text)              \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_SPECIAL,            \
     .parse = parser, .same = parser##_same, .wants = wanted,                 \
     .def_text = dflt_text, .help = text}
/* Rows that SIGHUP applies (a special one has a parser##_copy too). */
#define LIVE_NUMBER(flag, argument, field, lo, hi, dflt, text)                \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_NUMBER,             \
     .width = SERVER_OPTION_WIDTH(field),                                     \
     .offset = offsetof(struct server_config, field),                         \
     .min = lo, .max = hi, .def = dflt, .live = true, .help = text}
#define LIVE_SPECIAL(flag, argument, parser, dflt_text, text)                 \
    {.name = flag, .arg = argument, .kind = SERVER_OPTION_SPECIAL,            \
     .parse = parser, .same = parser##_same, .copy = parser##_copy,           \
     .live = true, .def_text = dflt_text, .help = text}
/* clang-format on */

#define KIB (1024ull)
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define DAY (24ull * 3600)

static int server_options_listen(const char *text, struct server_config *config);
static int server_options_hash_cost(const char *text, struct server_config *config);
static int server_options_log_level(const char *text, struct server_config *config);
static int server_options_log_format(const char *text, struct server_config *config);
static int server_options_metrics_listen(const char *text, struct server_config *config);
static int server_options_smtp_rate(const char *text, struct server_config *config);
#define SERVER_OPTIONS_SAME(parser)                                                                \
    static bool parser##_same(const struct server_config *a, const struct server_config *b)
SERVER_OPTIONS_SAME(server_options_listen);
SERVER_OPTIONS_SAME(server_options_hash_cost);
SERVER_OPTIONS_SAME(server_options_log_level);
SERVER_OPTIONS_SAME(server_options_log_format);
SERVER_OPTIONS_SAME(server_options_metrics_listen);
SERVER_OPTIONS_SAME(server_options_smtp_rate);
static void server_options_log_level_copy(struct server_config *a, const struct server_config *b);
static void server_options_log_format_copy(struct server_config *a, const struct server_config *b);

/* In the order --help lists them. The README's "Running it safely" table
 * names the limits: keep it in step. */
static const struct server_option server_options[] = {
    {.name = "config",
     .arg = "FILE",
     .kind = SERVER_OPTION_TEXT,
     .flag_only = true,
     .offset = SERVER_OPTION_OFFSET(config_file, const char *),
     .help = "read the options from FILE's [serve] section first "
             "(default " SERVER_OPTIONS_CONFIG_DEFAULT
             " when it exists; FOLIOD_CONFIG names another); FOLIOD_* variables (FOLIOD_LISTEN for "
             "--listen) override its keys, and flags override both"},
    TEXT("data", "DIR", data_dir, "the data directory (made by foliod init); required"),
    SPECIAL("listen", "HOST:PORT", server_options_listen, "HOST:PORT", "127.0.0.1:7070",
            "address to listen on, an IP address or a host name (resolved at start, served on "
            "the first of its addresses that binds); port 0 picks a free port; [::1]:PORT for "
            "IPv6"),
    TEXT("port-file", "FILE", port_file, "write the bound port to FILE once listening"),
    NUMBER("max-connections", "N", max_connections, 1, 1000000, 1024, "connections served at once"),
    NUMBER("max-connections-per-address", "N", max_connections_per_address, 1, 1000000, 256,
           "...of them from one address"),
    NUMBER_COMPUTED("max-unauthenticated", "N", max_unauthenticated, 1, 1000000,
                    "a quarter of --max-connections",
                    "connections not logged in yet; when full, a newcomer takes the place of "
                    "the oldest of its own address, else of the busiest, if that holds many; "
                    "else it is refused"),
    NUMBER("max-unauthenticated-per-address", "N", max_unauthenticated_per_address, 1, 1000000, 32,
           "...of them from one address; a newcomer takes the place of that address's oldest"),
    NUMBER("max-connections-per-user", "N", max_connections_per_user, 1, 1000000, 32,
           "connections logged in as one user, folio watch included; a login beyond is refused"),
    LIVE_NUMBER("handshake-timeout", "S", handshake_timeout_s, 0, 3600, 10,
                "close TLS connections that do not finish the handshake within S seconds; 0 never"),
    LIVE_NUMBER("login-timeout", "S", login_timeout_s, 0, 3600, 30,
                "close connections that do not log in within S seconds; 0 never"),
    LIVE_NUMBER("frame-timeout", "S", frame_timeout_s, 0, 3600, 30,
                "close connections that leave a frame half sent for S seconds; 0 never"),
    NUMBER("max-in-flight", "N", max_in_flight, 1, 4096, 128,
           "requests read from one connection ahead of their answers"),
    NUMBER("max-output-bytes", "BYTES", max_output_bytes, 64 * KIB, GIB, 4 * MIB,
           "answers waiting for a connection to read them before the server stops reading it"),
    NUMBER("max-frame", "BYTES", max_frame, KIB, FRAME_ABSOLUTE_MAX, FRAME_DEFAULT_MAX,
           "largest request frame accepted"),
    NUMBER("max-import-bytes", "BYTES", max_import_bytes, 1, 4 * GIB, GIB,
           "largest bundle an import may send"),
    NUMBER("transfer-quota-user", "BYTES", transfer_quota_user, 1, 1024 * GIB, GIB,
           "export and import files one user may hold on the server at once"),
    NUMBER("transfer-quota-firm", "BYTES", transfer_quota_firm, 1, 1024 * GIB, 4 * GIB,
           "...all users together"),
    NUMBER("import-max-events", "N", import_max_events, 1, 10000000, 250000,
           "events in one imported bundle"),
    NUMBER("import-max-client-events", "N", import_max_client_events, 1, 10000000, 100000,
           "events of one client in an imported bundle"),
    NUMBER("import-batch-records", "N", import_batch_records, 1, 1000000, 5000,
           "records an import applies per write transaction; other writes go between batches"),
    LIVE_NUMBER("idle-timeout", "S", idle_timeout_s, 0, 7 * DAY, 600,
                "close connections idle for S seconds, 0 never; connections that watch are spared"),
    NUMBER("session-ttl", "S", session_ttl_s, 1, 366 * DAY, 7 * DAY,
           "sessions expire S seconds after login"),
    NUMBER("login-lockout-after", "N", lockout_after, 1, 1000, 5,
           "lock a user name after N failed logins in a row from addresses it never logged in "
           "from"),
    NUMBER("login-address-lockout-after", "N", address_lockout_after, 1, 100000, 20,
           "lock an address (IPv6: its /64) after N failed logins, whatever the names"),
    NUMBER("login-lockout-seconds", "S", lockout_seconds, 0, DAY, 300, "...for S seconds"),
    SPECIAL("hash-cost", "COST", server_options_hash_cost, NULL, "interactive",
            "password hashing cost for new passwords: min, interactive or moderate"),
    NUMBER_COMPUTED("max-hashes", "N", max_hashes, 1, 64,
                    "one per core but one, within a quarter of memory",
                    "password checks run at once, all within half the machine's memory: "
                    "each takes that of its cost, 64 MiB at interactive, 256 MiB at moderate"),
    NUMBER("max-queued-hashes", "N", max_queued_hashes, 1, 65536, 256,
           "password checks waiting for their turn; more are refused at once"),
    NUMBER("max-hashes-per-address", "N", max_hashes_per_address, 1, 65536, 8,
           "password checks running or waiting for one address; more are refused at once"),
    NUMBER("max-transfers", "N", max_transfers, 1, 64, 2,
           "exports, imports and backups run at once; more wait"),
    NUMBER("max-heavy-reads", "N", max_heavy_reads, 1, 64, 2,
           "agenda, segment, offer list and audit queries run at once, off the loop; more wait"),
    TEXT("tls-cert", "FILE", tls_cert_file, "TLS certificate chain (PEM) to serve, with"),
    TEXT("tls-key", "FILE", tls_key_file,
         "...its key; default the firm's own, DIR/tls-cert.pem and DIR/tls-key.pem (made when "
         "both are missing)"),
    TEXT("tls-client-ca", "FILE", tls_client_ca_file,
         "mutual TLS: clients must present a certificate signed by a CA in FILE (PEM)"),
    SWITCH("plaintext", plaintext,
           "serve without TLS; refused unless --listen is a loopback address (127.0.0.0/8 or "
           "::1)"),
    TEXT("iso-codes", "DIR", iso_codes_dir,
         "the iso-codes package's JSON lists (iso_3166-1.json, iso_4217.json) that country and "
         "currency codes are checked against; default " ISO_CODES_DEFAULT_DIR),
    LIVE_SPECIAL("log-level", "LEVEL", server_options_log_level, "info",
                 "error, warn, info or debug"),
    LIVE_SPECIAL("log-format", "FORMAT", server_options_log_format, "text",
                 "text, or json: one object per line with time, level, message and fields"),
    TEXT("log-file", "FILE", log_file,
         "append the log to FILE (made 0640) instead of standard error; SIGHUP opens it again, "
         "for logrotate"),
    SPECIAL("metrics-listen", "HOST:PORT", server_options_metrics_listen, "ADDRESS:PORT", NULL,
            "serve metrics (Prometheus text format at /metrics) and /healthz and /readyz over "
            "HTTP on this numeric address, such as 127.0.0.1:9170; off unless given; anyone who "
            "reaches it may read them, so keep it on loopback or a private network"),
    TEXT("smtp-url", "URL", smtp_url,
         "deliver e-mail (offer, coupon and campaign send) through the relay at smtp://HOST:PORT "
         "(STARTTLS required unless HOST is a loopback address) or smtps://HOST:PORT; off unless "
         "given"),
    TEXT("smtp-credentials", "FILE", smtp_credentials,
         "log in to the relay as FILE's one line USER:PASSWORD; refused unless FILE is mode 0600"),
    TEXT("smtp-from", "ADDR", smtp_from, "the From address of e-mail; required with --smtp-url"),
    TEXT("smtp-unsubscribe", "ADDR", smtp_unsubscribe,
         "the mailto address of List-Unsubscribe; default unsubscribe@ the --smtp-from domain"),
    TEXT("smtp-ca", "FILE", smtp_ca,
         "CA certificates (PEM) the relay's certificate is checked against; default the "
         "system's"),
    SPECIAL("smtp-rate", "N/s", server_options_smtp_rate, "N/s with N from 1 to 10000", "10/s",
            "e-mail handed to the relay per second, the whole firm"),
    NUMBER("smtp-retry-base-ms", "MS", smtp_retry_base_ms, 1, 3600000, 60000,
           "wait after a relay's 4xx or a failed connection before the next attempt, doubled "
           "each time up to an hour; lower only for tests"),
    NUMBER("smtp-max-attempts", "N", smtp_max_attempts, 1, 100, 8,
           "attempts before a message the relay keeps deferring is recorded failed"),
    {.name = "help", .flag_only = true, .kind = SERVER_OPTION_HELP, .help = "show this help"},
};

#define SERVER_OPTIONS_COUNT (sizeof(server_options) / sizeof(server_options[0]))

/* A whole decimal number in [min, max]: no sign, no space, no suffix. */
static int server_options_number(const char *text, unsigned long long min, unsigned long long max,
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

/* "HOST:PORT" or "[IPV6]:PORT" into host (of host_size bytes) and port. */
static int server_options_address(const char *text, char *host_out, size_t host_size, int *port_out)
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
    if (host_len == 0 || host_len >= host_size ||
        server_options_number(colon + 1, 0, 65535, &port) != 0)
        return -1;
    memcpy(host_out, host, host_len);
    host_out[host_len] = '\0';
    *port_out = (int)port;
    return 0;
}

/* An IP address or a host name (resolved when the server starts). */
static int server_options_listen(const char *text, struct server_config *config)
{
    if (server_options_address(text, config->host, sizeof(config->host), &config->port) != 0)
        return -1;
    return host_name_is_ip(config->host) || host_name_valid(config->host) ? 0 : -1;
}

/* A numeric address only: the metrics listener resolves no names. */
static int server_options_metrics_listen(const char *text, struct server_config *config)
{
    unsigned char addr[16];
    if (server_options_address(text, config->metrics_host, sizeof(config->metrics_host),
                               &config->metrics_port) != 0 ||
        (inet_pton(AF_INET, config->metrics_host, addr) != 1 &&
         inet_pton(AF_INET6, config->metrics_host, addr) != 1))
        return -1;
    config->metrics = true;
    return 0;
}

/* "N/s", or N alone. */
static int server_options_smtp_rate(const char *text, struct server_config *config)
{
    char number[16];
    size_t len = strcspn(text, "/");
    if (len == 0 || len >= sizeof(number) || (text[len] != '\0' && strcmp(text + len, "/s") != 0))
        return -1;
    memcpy(number, text, len);
    number[len] = '\0';
    unsigned long long rate;
    if (server_options_number(number, 1, 10000, &rate) != 0)
        return -1;
    config->smtp_rate = (unsigned)rate;
    return 0;
}

static int server_options_hash_cost(const char *text, struct server_config *config)
{
    return hasher_cost_parse(text, &config->hash_cost);
}

static int server_options_log_level(const char *text, struct server_config *config)
{
    return log_level_parse(text, &config->log_level);
}

static int server_options_log_format(const char *text, struct server_config *config)
{
    return log_format_parse(text, &config->log_format);
}

static bool server_options_listen_same(const struct server_config *a, const struct server_config *b)
{
    return strcmp(a->host, b->host) == 0 && a->port == b->port;
}

static bool server_options_metrics_listen_same(const struct server_config *a,
                                               const struct server_config *b)
{
    return a->metrics == b->metrics && strcmp(a->metrics_host, b->metrics_host) == 0 &&
           a->metrics_port == b->metrics_port;
}

static bool server_options_smtp_rate_same(const struct server_config *a,
                                          const struct server_config *b)
{
    return a->smtp_rate == b->smtp_rate;
}

static bool server_options_hash_cost_same(const struct server_config *a,
                                          const struct server_config *b)
{
    return a->hash_cost == b->hash_cost;
}

static bool server_options_log_level_same(const struct server_config *a,
                                          const struct server_config *b)
{
    return a->log_level == b->log_level;
}

static void server_options_log_level_copy(struct server_config *a, const struct server_config *b)
{
    a->log_level = b->log_level;
}

static bool server_options_log_format_same(const struct server_config *a,
                                           const struct server_config *b)
{
    return a->log_format == b->log_format;
}

static void server_options_log_format_copy(struct server_config *a, const struct server_config *b)
{
    a->log_format = b->log_format;
}

static void server_options_store(const struct server_option *o, struct server_config *config,
                                 unsigned long long value)
{
    char *field = (char *)config + o->offset;
    switch (o->width) {
    case SERVER_OPTION_UNSIGNED:
        *(unsigned *)(void *)field = (unsigned)value;
        break;
    case SERVER_OPTION_U64:
        *(uint64_t *)(void *)field = value;
        break;
    case SERVER_OPTION_I64:
        *(int64_t *)(void *)field = (int64_t)value;
        break;
    }
}

void server_config_defaults(struct server_config *config)
{
    memset(config, 0, sizeof(*config));
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++) {
        const struct server_option *o = &server_options[i];
        if (o->kind == SERVER_OPTION_NUMBER)
            server_options_store(o, config, o->def);
        /* A default its own parser refuses is a bug of this table. */
        else if (o->kind == SERVER_OPTION_SPECIAL && o->def_text != NULL &&
                 o->parse(o->def_text, config) != 0)
            abort();
    }
}

/* A refusal's unit, from what the help says the option takes. */
static const char *server_options_unit(const struct server_option *o)
{
    if (strcmp(o->arg, "BYTES") == 0)
        return " bytes";
    if (strcmp(o->arg, "S") == 0)
        return " seconds";
    return "";
}

/* A switch's value in a file or a variable: true or false, yes or no, 1 or
 * 0 (on the command line a switch takes nothing and means true). */
static int server_options_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Sets o from text; label is how the refusal names it (--NAME, NAME or
 * FOLIOD_NAME). text is NULL for a switch given as a flag. */
static enum server_options_result server_options_set(const struct server_option *o,
                                                     const char *text, const char *label,
                                                     struct server_config *config, char *why,
                                                     size_t why_size)
{
    char *field = (char *)config + o->offset;
    unsigned long long n;
    switch (o->kind) {
    case SERVER_OPTION_NUMBER:
        if (server_options_number(text, o->min, o->max, &n) != 0) {
            snprintf(why, why_size, "%s wants %llu to %llu%s, not %s", label, o->min, o->max,
                     server_options_unit(o), text);
            return SERVER_OPTIONS_USAGE;
        }
        server_options_store(o, config, n);
        return SERVER_OPTIONS_OK;
    case SERVER_OPTION_TEXT:
        *(const char **)(void *)field = text;
        return SERVER_OPTIONS_OK;
    case SERVER_OPTION_SWITCH:
        if (text == NULL) {
            *(bool *)field = true;
        } else if (server_options_bool(text, (bool *)field) != 0) {
            snprintf(why, why_size, "%s wants true or false, not %s", label, text);
            return SERVER_OPTIONS_USAGE;
        }
        return SERVER_OPTIONS_OK;
    case SERVER_OPTION_SPECIAL:
        if (o->parse(text, config) == 0)
            return SERVER_OPTIONS_OK;
        if (o->wants != NULL)
            snprintf(why, why_size, "%s wants %s, not %s", label, o->wants, text);
        else
            snprintf(why, why_size, "unknown %s %s", label, text);
        return SERVER_OPTIONS_USAGE;
    case SERVER_OPTION_HELP:
        return SERVER_OPTIONS_HELP;
    }
    return SERVER_OPTIONS_USAGE;
}

enum server_options_result server_options_parse(int argc, char **argv, struct server_config *config,
                                                char *why, size_t why_size)
{
    struct option longopts[SERVER_OPTIONS_COUNT + 1];
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++)
        longopts[i] = (struct option){
            .name = server_options[i].name,
            .has_arg = server_options[i].arg != NULL ? required_argument : no_argument,
            .val = SERVER_OPTIONS_FIRST_VALUE + (int)i,
        };
    longopts[SERVER_OPTIONS_COUNT] = (struct option){0};
    opterr = 0;
    optind = 0; /* glibc: start over, so that the flags may be read twice */
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        size_t row = (size_t)(opt - SERVER_OPTIONS_FIRST_VALUE);
        if (opt < SERVER_OPTIONS_FIRST_VALUE || row >= SERVER_OPTIONS_COUNT) {
            snprintf(why, why_size, "%s: unknown or incomplete option %s", argv[0],
                     argv[optind - 1]);
            return SERVER_OPTIONS_USAGE;
        }
        char label[64];
        snprintf(label, sizeof(label), "--%s", server_options[row].name);
        enum server_options_result rc =
            server_options_set(&server_options[row], optarg, label, config, why, why_size);
        if (rc != SERVER_OPTIONS_OK)
            return rc;
    }
    if (optind < argc) {
        snprintf(why, why_size, "%s: unexpected argument %s", argv[0], argv[optind]);
        return SERVER_OPTIONS_USAGE;
    }
    return SERVER_OPTIONS_OK;
}

enum server_options_result server_options_set_key(const char *key, const char *value,
                                                  struct server_config *config, char *why,
                                                  size_t why_size)
{
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++) {
        const struct server_option *o = &server_options[i];
        if (!o->flag_only && strcmp(o->name, key) == 0)
            return server_options_set(o, value, key, config, why, why_size);
    }
    snprintf(why, why_size, "unknown key %s", key);
    return SERVER_OPTIONS_USAGE;
}

void server_options_variable(const char *name, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "FOLIOD_%s", name);
    for (size_t i = 0; i < n && i < size; i++)
        out[i] = out[i] == '-' ? '_' : (char)toupper((unsigned char)out[i]);
}

enum server_options_result server_options_environment(struct server_config *config, char *why,
                                                      size_t why_size)
{
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++) {
        const struct server_option *o = &server_options[i];
        if (o->flag_only)
            continue;
        char variable[64];
        server_options_variable(o->name, variable, sizeof(variable));
        const char *value = getenv(variable);
        if (value == NULL)
            continue;
        enum server_options_result rc =
            server_options_set(o, value, variable, config, why, why_size);
        if (rc != SERVER_OPTIONS_OK)
            return rc;
    }
    return SERVER_OPTIONS_OK;
}

/* ", 4 MiB" for a byte count of whole MiB or GiB, else "". */
static void server_options_bytes(unsigned long long n, char *out, size_t size)
{
    out[0] = '\0';
    if (n >= GIB && n % GIB == 0)
        snprintf(out, size, ", %llu GiB", n / GIB);
    else if (n >= MIB && n % MIB == 0)
        snprintf(out, size, ", %llu MiB", n / MIB);
}

/* The row's help with its range and default, as one paragraph. */
static void server_options_describe(const struct server_option *o, char *out, size_t size)
{
    if (o->kind == SERVER_OPTION_NUMBER) {
        char def[64], human[32] = "";
        if (o->def_text == NULL) {
            if (strcmp(o->arg, "BYTES") == 0)
                server_options_bytes(o->def, human, sizeof(human));
            snprintf(def, sizeof(def), "%llu%s", o->def, human);
        }
        snprintf(out, size, "%s (%llu to %llu; default %s)", o->help, o->min, o->max,
                 o->def_text != NULL ? o->def_text : def);
    } else if (o->def_text != NULL) {
        snprintf(out, size, "%s (default %s)", o->help, o->def_text);
    } else {
        snprintf(out, size, "%s", o->help);
    }
    if (o->live) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "; SIGHUP applies a change");
    }
}

/* "  --flag ARG", then text in words wrapped to SERVER_OPTIONS_HELP_WIDTH
 * from SERVER_OPTIONS_HELP_COLUMN; a flag too long for the column gets a
 * line of its own. */
static void server_options_entry(FILE *out, const struct server_option *o, const char *text)
{
    int len = fprintf(out, "  --%s%s%s", o->name, o->arg != NULL ? " " : "",
                      o->arg != NULL ? o->arg : "");
    size_t col = len > 0 ? (size_t)len : 0;
    if (col + 2 > SERVER_OPTIONS_HELP_COLUMN) {
        fputc('\n', out);
        col = 0;
    }
    bool line_empty = true;
    for (const char *p = text; *p != '\0';) {
        p += strspn(p, " ");
        size_t word = strcspn(p, " ");
        if (word == 0)
            break;
        if (!line_empty && col + 1 + word > SERVER_OPTIONS_HELP_WIDTH) {
            fputc('\n', out);
            col = 0;
            line_empty = true;
        }
        if (line_empty) {
            fprintf(out, "%*s", (int)(SERVER_OPTIONS_HELP_COLUMN - col), "");
            col = SERVER_OPTIONS_HELP_COLUMN;
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, word, out);
        col += word;
        line_empty = false;
        p += word;
    }
    fputc('\n', out);
}

void server_options_help(FILE *out)
{
    char text[1024];
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++) {
        server_options_describe(&server_options[i], text, sizeof(text));
        server_options_entry(out, &server_options[i], text);
    }
}

bool server_options_row(size_t i, const char **name, const char **arg, char *text, size_t size)
{
    if (i >= SERVER_OPTIONS_COUNT)
        return false;
    *name = server_options[i].name;
    *arg = server_options[i].arg;
    server_options_describe(&server_options[i], text, size);
    return true;
}

bool server_options_flag_only(size_t i)
{
    return i < SERVER_OPTIONS_COUNT && server_options[i].flag_only;
}

/* Option o's field as a number. */
static unsigned long long server_options_get(const struct server_option *o,
                                             const struct server_config *config)
{
    const char *field = (const char *)config + o->offset;
    switch (o->width) {
    case SERVER_OPTION_UNSIGNED:
        return *(const unsigned *)(const void *)field;
    case SERVER_OPTION_U64:
        return *(const uint64_t *)(const void *)field;
    case SERVER_OPTION_I64:
        return (unsigned long long)*(const int64_t *)(const void *)field;
    }
    return 0;
}

static bool server_options_same(const struct server_option *o, const struct server_config *a,
                                const struct server_config *b)
{
    const char *fa = (const char *)a + o->offset, *fb = (const char *)b + o->offset;
    switch (o->kind) {
    case SERVER_OPTION_NUMBER:
        return server_options_get(o, a) == server_options_get(o, b);
    case SERVER_OPTION_TEXT: {
        const char *ta = *(const char *const *)(const void *)fa;
        const char *tb = *(const char *const *)(const void *)fb;
        return ta == tb || (ta != NULL && tb != NULL && strcmp(ta, tb) == 0);
    }
    case SERVER_OPTION_SWITCH:
        return *(const bool *)fa == *(const bool *)fb;
    case SERVER_OPTION_SPECIAL:
        return o->same(a, b);
    case SERVER_OPTION_HELP:
        break;
    }
    return true;
}

size_t server_options_reload(struct server_config *config, const struct server_config *fresh,
                             void (*changed)(const char *name, bool live, void *arg), void *arg)
{
    size_t applied = 0;
    for (size_t i = 0; i < SERVER_OPTIONS_COUNT; i++) {
        const struct server_option *o = &server_options[i];
        if (o->flag_only || server_options_same(o, config, fresh))
            continue;
        if (o->live) {
            if (o->kind == SERVER_OPTION_NUMBER)
                server_options_store(o, config, server_options_get(o, fresh));
            else
                o->copy(config, fresh);
            applied++;
        }
        changed(o->name, o->live, arg);
    }
    return applied;
}
