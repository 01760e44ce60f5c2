/* folio_bench.c - folio-bench, the load generator.
 *
 * One libuv loop thread drives every connection. Setup first: log in once,
 * find or create the working set of clients, then log the other connections
 * in with the session token (Authenticate), so that setup does not hash a
 * password per connection. Then the measured run: a closed loop keeping
 * --pipeline requests in flight on every connection, or with --rate an open
 * loop whose latency counts from each request's intended send time, so a
 * server that stalls cannot hide its stall by slowing the generator down
 * (no coordinated omission). A second thread does nothing but sleep until
 * the next request is due and wake the loop (uv_async), because the loop's
 * own timers have millisecond resolution and would add up to a millisecond
 * to every open-loop latency. After --duration no request is sent; the
 * answers still in flight are awaited and counted. --op connect measures
 * the connections themselves: each of --connections dials, is timed to
 * ready, is closed, and dials again. */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <uv.h>

#include "bench_cli.h"
#include "bench_conn.h"
#include "bench_data.h"
#include "envelope.h"
#include "bench_histogram.h"
#include "status.h"
#include "wire_limits.h"

#define BENCH_DURATION_MAX    3600
#define BENCH_CONNECTIONS_MAX 20000
#define BENCH_PIPELINE_MAX    BENCH_CONN_MAX_IN_FLIGHT
#define BENCH_RECORDS_MAX     1000000
#define BENCH_RATE_MAX        10000000.0
#define BENCH_SPARE_FILES     64       /* descriptors besides the connections */
#define BENCH_SETUP_WINDOW    64       /* ClientAdds in flight while creating the working set */
#define BENCH_SETUP_DIALS     64       /* connections being set up at once */
#define BENCH_CALL_MS         60000    /* one setup request */
#define BENCH_DRAIN_MS        30000    /* answers still awaited after the run */
#define BENCH_PACE_MIN_NS     10000    /* the pacing thread wakes the loop at most this often */
#define BENCH_PACE_NAP_NS     50000000 /* ...and looks at least this often for the end */
#define BENCH_ID_LEN          36

enum bench_op {
    OP_READ,
    OP_UPDATE,
    OP_ADD,
    OP_AGENDA,
    OP_SEGMENT,
    OP_LOGIN,
    OP_MIXED,
    OP_LIST,
    OP_CONNECT,
    OP_FIND,
    OP_BOOK,
    OP_REPORT,
};

static const char *const bench_op_names[] = {"read",    "update", "add",   "agenda",
                                             "segment", "login",  "mixed", "list",
                                             "connect", "find",   "book",  "report"};

struct bench_options {
    const char *server;
    struct bench_target *target; /* --server, --ca, --plaintext */
    const char *user;
    char password[1024];
    enum bench_op op;
    unsigned connections;
    unsigned pipeline;
    double duration_s;
    unsigned records;
    double rate;
    bool json;
    char date[16];
    unsigned days; /* --op agenda: the horizon */
    bool firm;     /* --op book, report: the whole firm's (a firm-admin's --user) */
};

enum bench_phase {
    PHASE_SETUP,
    PHASE_RUNNING,
    PHASE_DRAINING,
    PHASE_DONE,
};

struct bench {
    struct bench_options opt;
    uv_loop_t *loop;
    struct bench_conn **conns;
    char token[128];   /* the setup Login's session: the others authenticate with it */
    uint64_t *dial_ns; /* --op connect: when each connection's dial began */
    struct bench_conn_auth dial_auth;
    unsigned ready;
    enum bench_phase phase;
    uint64_t rng;
    uint64_t rng_seed;   /* synthetic clients of this run (bench_data.h) */
    uint32_t synth_next; /* the next synthetic client's number */

    /* working set */
    char (*ids)[BENCH_ID_LEN + 1];
    unsigned n_ids;
    unsigned setup_sent;
    size_t record_bytes;
    uint64_t updates;

    /* the run */
    uv_timer_t stop_timer;
    uv_async_t pace_async;
    uv_check_t pace_check;
    uv_thread_t pace_thread;
    atomic_bool pace_stop;
    bool pace_running;
    uint64_t start_ns;
    uint64_t last_ns;
    uint64_t in_flight;
    uint64_t ops;
    uint64_t errors;
    char first_error[256];
    struct bench_histogram hist;

    /* open loop */
    uint64_t issued;  /* requests sent so far; request i is due at start + i / rate */
    uint64_t backlog; /* due by the end but never sent: every pipeline was full */
    uint64_t free_slots;
    unsigned cursor;
};

static struct bench B;

/* ---------------------------------------------------------------- usage */

static void bench_usage(FILE *to)
{
    fputs("usage: folio-bench --server HOST:PORT (--ca FILE | --plaintext) --user U\n"
          "                   --password-stdin --op OP [--connections N] [--pipeline K]\n"
          "                   [--duration S] [--records N] [--rate R] [--date YYYY-MM-DD]\n"
          "                   [--json]\n"
          "\n"
          "Loads a folio server and reports operations per second, errors, and latency\n"
          "percentiles in microseconds. U must be an agent: the working set is U's clients.\n"
          "\n"
          "  --server HOST:PORT  the server ([IPv6]:PORT for an IPv6 literal)\n"
          "  --ca FILE           TLS (foliod's default): trust the server whose certificate\n"
          "                      chains to one in FILE (PEM) and names HOST, the IP address\n"
          "                      when HOST is one; a firm's own is DATA/tls-cert.pem\n"
          "  --plaintext         no TLS, for a foliod run with --plaintext (loopback only);\n"
          "                      exactly one of --ca and --plaintext is required\n"
          "  --user U            log in as U, with the password read from standard input\n"
          "  --password-stdin    (required) the password is the first line of stdin\n"
          "  --op OP             what each request does:\n"
          "      read     ClientGet of a random working-set client\n"
          "      update   ClientUpdate of its notes: a durable write\n"
          "      add      ClientAdd of a new synthetic client (the portfolio grows)\n"
          "      agenda   AgendaQuery from --date over --days days: its first page (100)\n"
          "      segment  Segment of the clients in a random city, count only\n"
          "      login    Login as U again on an already open connection: times the\n"
          "               password check and the new session, not the TCP handshake\n"
          "      mixed    80 % read, 15 % update, 5 % agenda\n"
          "      list     ClientList: the first page of 100 clients by name\n"
          "      connect  a new connection: TCP connect, TLS handshake (unless\n"
          "               --plaintext), Hello and Authenticate with U's session (not\n"
          "               Login: the password hash would hide the rest), timed to the\n"
          "               answer and closed; each of --connections makes one at a time\n"
          "               (--pipeline 1, no --rate)\n"
          "      find     ClientFind of a synthetic given name and the first three\n"
          "               letters of a family name (\"María Qui\"), a page of 100;\n"
          "               its cost is what it finds, so measure it on the portfolio\n"
          "               size of interest (tools/bench: a 10,000-client agent in a\n"
          "               million-client firm)\n"
          "      book     BookQuery: U's book of business (--firm: the whole firm's)\n"
          "      report   ReportQuery: the book and the portfolio in numbers, as\n"
          "               folio report asks for them (--firm: the whole firm's)\n"
          "  --connections N     connections, 1 to 20000 (default 1); the open-file soft\n"
          "                      limit is raised to the hard limit when N needs it;\n"
          "                      foliod serves 1024 unless given --max-connections\n"
          "  --pipeline K        requests in flight per connection, 1 to 128 (default 1)\n"
          "  --duration S        seconds of load, up to 3600 (default 10)\n"
          "  --records N         working set: U's first N clients, created first when U has\n"
          "                      fewer (default 1000; may be 0 for add, agenda, segment,\n"
          "                      login, connect)\n"
          "  --rate R            open loop: R requests/s in all, latency measured from each\n"
          "                      request's intended send time; requests wait when every\n"
          "                      pipeline is full (default: closed loop)\n"
          "  --date YYYY-MM-DD   the agenda's first day (default: today, UTC)\n"
          "  --days N            the agenda's horizon, 1-366 days (default 7)\n"
          "  --firm              book, report: the whole firm (U must be a firm-admin)\n"
          "  --json              print one JSON object instead of lines of text\n"
          "  --help              print this and exit\n"
          "\n"
          "Latency covers every answer, errors included. Errors (answers that are not OK)\n"
          "are counted; a failed connection ends the run with exit status 1.\n",
          to);
}

static double bench_parse_real(const char *opt, const char *text, double max)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || !(v > 0.0) || v > max)
        bench_cli_usage_error("--%s wants a number above 0 and at most %.0f, not %s", opt, max,
                              text);
    return v;
}

static bool bench_date_ok(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    return true;
}

static void bench_read_password(struct bench_options *o)
{
    if (!bench_cli_read_line(o->password, sizeof(o->password)))
        bench_cli_usage_error("--password-stdin: no password on standard input");
    if (o->password[0] == '\0')
        bench_cli_usage_error("--password-stdin: the password is empty");
}

static void bench_parse_args(int argc, char **argv, struct bench_options *o)
{
    enum {
        OPT_SERVER = 256,
        OPT_USER,
        OPT_PASSWORD_STDIN,
        OPT_OP,
        OPT_CONNECTIONS,
        OPT_PIPELINE,
        OPT_DURATION,
        OPT_RECORDS,
        OPT_RATE,
        OPT_JSON,
        OPT_DATE,
        OPT_DAYS,
        OPT_FIRM,
        OPT_CA,
        OPT_PLAINTEXT,
        OPT_HELP
    };
    static const struct option longopts[] = {
        {"server", required_argument, NULL, OPT_SERVER},
        {"user", required_argument, NULL, OPT_USER},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"op", required_argument, NULL, OPT_OP},
        {"connections", required_argument, NULL, OPT_CONNECTIONS},
        {"pipeline", required_argument, NULL, OPT_PIPELINE},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"records", required_argument, NULL, OPT_RECORDS},
        {"rate", required_argument, NULL, OPT_RATE},
        {"json", no_argument, NULL, OPT_JSON},
        {"date", required_argument, NULL, OPT_DATE},
        {"days", required_argument, NULL, OPT_DAYS},
        {"firm", no_argument, NULL, OPT_FIRM},
        {"ca", required_argument, NULL, OPT_CA},
        {"plaintext", no_argument, NULL, OPT_PLAINTEXT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool password_stdin = false, have_op = false, have_records = false, plaintext = false;
    const char *ca_file = NULL;
    *o = (struct bench_options){
        .connections = 1, .pipeline = 1, .duration_s = 10, .records = 1000, .days = 7};
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_SERVER:
            o->server = optarg;
            break;
        case OPT_USER:
            o->user = optarg;
            break;
        case OPT_PASSWORD_STDIN:
            password_stdin = true;
            break;
        case OPT_OP:
            have_op = false;
            for (size_t i = 0; i < sizeof(bench_op_names) / sizeof(bench_op_names[0]); i++)
                if (strcmp(optarg, bench_op_names[i]) == 0) {
                    o->op = (enum bench_op)i;
                    have_op = true;
                }
            if (!have_op)
                bench_cli_usage_error("--op is one of read, update, add, agenda, segment, login, "
                                      "mixed, list, connect, find, book, report; not %s",
                                      optarg);
            break;
        case OPT_FIRM:
            o->firm = true;
            break;
        case OPT_CONNECTIONS:
            o->connections =
                (unsigned)bench_cli_parse_uint("connections", optarg, 1, BENCH_CONNECTIONS_MAX);
            break;
        case OPT_PIPELINE:
            o->pipeline = (unsigned)bench_cli_parse_uint("pipeline", optarg, 1, BENCH_PIPELINE_MAX);
            break;
        case OPT_DURATION:
            o->duration_s = bench_parse_real("duration", optarg, BENCH_DURATION_MAX);
            break;
        case OPT_RECORDS:
            o->records = (unsigned)bench_cli_parse_uint("records", optarg, 0, BENCH_RECORDS_MAX);
            have_records = true;
            break;
        case OPT_RATE:
            o->rate = bench_parse_real("rate", optarg, BENCH_RATE_MAX);
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_DATE:
            if (!bench_date_ok(optarg))
                bench_cli_usage_error("--date wants YYYY-MM-DD, not %s", optarg);
            snprintf(o->date, sizeof(o->date), "%s", optarg);
            break;
        case OPT_DAYS:
            o->days = (unsigned)bench_cli_parse_uint("days", optarg, 1, FOLIO_AGENDA_DAYS_MAX);
            break;
        case OPT_CA:
            ca_file = optarg;
            break;
        case OPT_PLAINTEXT:
            plaintext = true;
            break;
        case OPT_HELP:
            bench_usage(stdout);
            exit(0);
        default:
            bench_cli_usage_error("unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        bench_cli_usage_error("unexpected argument %s", argv[optind]);
    if (o->server == NULL || o->user == NULL || !password_stdin || !have_op)
        bench_cli_usage_error("--server, --user, --password-stdin and --op are required");
    bool needs_records =
        o->op == OP_READ || o->op == OP_UPDATE || o->op == OP_MIXED || o->op == OP_LIST;
    if (needs_records && have_records && o->records == 0)
        bench_cli_usage_error("--op %s needs --records of at least 1", bench_op_names[o->op]);
    if (o->op == OP_CONNECT && (o->pipeline > 1 || o->rate > 0))
        bench_cli_usage_error("--op connect keeps one connection being made per --connections: "
                              "no --pipeline above 1, no --rate");
    o->target = bench_cli_target(o->server, ca_file, plaintext);
    if (o->date[0] == '\0') {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(o->date, sizeof(o->date), "%Y-%m-%d", &tm);
    }
    bench_read_password(o);
}

/* ---------------------------------------------------------------- synthetic clients */

static uint64_t bench_rand(void)
{
    /* splitmix64: fast, and enough to spread requests and synthetic data. */
    uint64_t z = (B.rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned bench_pick(unsigned n)
{
    return (unsigned)(bench_rand() % n);
}

/* A new synthetic client, numbered in this run's own sequence so that no two
 * adds repeat one another (bench_data.h). */
static void bench_synth_client(struct bench_data_client *s)
{
    bench_data_client(s, B.rng_seed, 0, B.synth_next++);
}

/* Update texts: the size of a real note, and never twice the same. */
static void bench_update_notes(char *out, size_t cap)
{
    snprintf(out, cap,
             "Called about the renewal; prefers calls after six in the evening and wants the "
             "policy numbers by email. Asked about a savings plan for the children's university "
             "fees and cover for the second car. Reviewed %" PRIu64 ".",
             ++B.updates);
}

/* A given name and the first three letters (not bytes: UTF-8 stays whole)
 * of a family name, as someone looking a client up types them. */
static void bench_find_text(char *out, size_t cap)
{
    const char *first = bench_data_first_names[bench_pick((unsigned)bench_data_n_first_names)];
    const char *last = bench_data_last_names[bench_pick((unsigned)bench_data_n_last_names)];
    size_t n = 0;
    for (int letters = 0; last[n] != '\0' && letters < 3; letters++)
        for (n++; ((unsigned char)last[n] & 0xC0) == 0x80; n++)
            ;
    snprintf(out, cap, "%s %.*s", first, (int)n, last);
}

/* ---------------------------------------------------------------- requests */

/* Builds and queues one request of the op on c; tag is its intended send
 * time. The messages live on the stack: bench_conn_send packs at once. */
static void bench_send(struct bench_conn *c, uint64_t tag)
{
    enum bench_op op = B.opt.op;
    if (op == OP_MIXED) {
        unsigned r = bench_pick(100);
        op = r < 80 ? OP_READ : r < 95 ? OP_UPDATE : OP_AGENDA;
    }
    Folio__Request req = FOLIO__REQUEST__INIT;
    Folio__ClientGet get = FOLIO__CLIENT_GET__INIT;
    Folio__ClientUpdate update = FOLIO__CLIENT_UPDATE__INIT;
    Folio__Client changes = FOLIO__CLIENT__INIT;
    Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
    Folio__AgendaQuery agenda = FOLIO__AGENDA_QUERY__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__Login login = FOLIO__LOGIN__INIT;
    Folio__ClientList list = FOLIO__CLIENT_LIST__INIT;
    Folio__ClientFind find = FOLIO__CLIENT_FIND__INIT;
    Folio__BookQuery book = FOLIO__BOOK_QUERY__INIT;
    Folio__ReportQuery report = FOLIO__REPORT_QUERY__INIT;
    char text[64];
    struct bench_data_client synth;
    char notes[512];
    char *fields[] = {(char *)"notes"};
    switch (op) {
    case OP_READ:
        get.id = B.ids[bench_pick(B.n_ids)];
        envelope_init(&req, &get.base);
        break;
    case OP_UPDATE: {
        bench_update_notes(notes, sizeof(notes));
        changes.notes = notes;
        update.id = B.ids[bench_pick(B.n_ids)];
        update.client = &changes;
        update.n_fields = 1;
        update.fields = fields;
        envelope_init(&req, &update.base);
        break;
    }
    case OP_ADD:
        bench_synth_client(&synth);
        add.client = &synth.client;
        add.allow_duplicate = true;
        envelope_init(&req, &add.base);
        break;
    case OP_AGENDA:
        agenda.date = B.opt.date;
        agenda.days = B.opt.days;
        envelope_init(&req, &agenda.base);
        break;
    case OP_SEGMENT:
        segment.city = (char *)bench_data_places[bench_pick((unsigned)bench_data_n_places)].city;
        segment.count_only = true;
        envelope_init(&req, &segment.base);
        break;
    case OP_LOGIN:
        login.username = (char *)B.opt.user;
        login.password = B.opt.password;
        envelope_init(&req, &login.base);
        break;
    case OP_LIST:
        /* Every page walks the whole portfolio to sort it (op_client_list.c),
         * so the first page costs what any other does. */
        list.limit = 100;
        envelope_init(&req, &list.base);
        break;
    case OP_FIND:
        bench_find_text(text, sizeof(text));
        find.text = text;
        find.limit = 100;
        envelope_init(&req, &find.base);
        break;
    case OP_BOOK:
        book.firm = B.opt.firm;
        book.date = B.opt.date;
        envelope_init(&req, &book.base);
        break;
    case OP_REPORT:
        report.firm = B.opt.firm;
        report.date = B.opt.date;
        envelope_init(&req, &report.base);
        break;
    case OP_MIXED:
    case OP_CONNECT: /* bench_dial's: nothing is sent */
        break;
    }
    if (bench_conn_send(c, &req, tag) != 0)
        bench_cli_fatal("cannot send on a connection: %s",
                        bench_conn_error(c)[0] != '\0' ? bench_conn_error(c) : "out of memory");
    B.in_flight++;
}

/* ---------------------------------------------------------------- the run */

/* Request i of the open loop is due at start + i / rate. */
static uint64_t bench_due_time(uint64_t i)
{
    return B.start_ns + (uint64_t)((double)i * 1e9 / B.opt.rate);
}

/* How many requests are due by now. */
static uint64_t bench_due_count(uint64_t now)
{
    return (uint64_t)((double)(now - B.start_ns) * B.opt.rate / 1e9) + 1;
}

/* Open loop: sends what is due, on any connection with room. */
static void bench_pace(void)
{
    if (B.phase != PHASE_RUNNING)
        return;
    uint64_t due = bench_due_count(uv_hrtime());
    while (B.issued < due && B.free_slots > 0) {
        struct bench_conn *c = B.conns[B.cursor];
        B.cursor = (B.cursor + 1) % B.opt.connections;
        if (bench_conn_in_flight(c) >= B.opt.pipeline)
            continue;
        bench_send(c, bench_due_time(B.issued++));
        B.free_slots--;
    }
}

static void bench_pace_async(uv_async_t *a)
{
    (void)a;
    bench_pace();
}

static void bench_sleep_until(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* The pacing thread: wakes the loop when the next request is due. It only
 * reads what the loop thread set before starting it. uv_hrtime counts on
 * CLOCK_MONOTONIC too. */
static void bench_pace_thread(void *arg)
{
    (void)arg;
    uint64_t next = 0; /* index of the next request not yet due */
    while (!atomic_load(&B.pace_stop)) {
        uint64_t now = uv_hrtime();
        uint64_t wake = bench_due_time(next);
        if (wake < now + BENCH_PACE_MIN_NS)
            wake = now + BENCH_PACE_MIN_NS;
        if (wake > now + BENCH_PACE_NAP_NS)
            wake = now + BENCH_PACE_NAP_NS;
        bench_sleep_until(wake);
        now = uv_hrtime();
        uint64_t due = bench_due_count(now);
        if (due > next) {
            next = due;
            uv_async_send(&B.pace_async);
        }
    }
}

static void bench_pace_end(void)
{
    if (!B.pace_running)
        return;
    atomic_store(&B.pace_stop, true);
    uv_thread_join(&B.pace_thread);
    B.pace_running = false;
    uv_check_stop(&B.pace_check);
}

static void bench_pace_check(uv_check_t *h)
{
    (void)h;
    bench_pace();
}

static void bench_finish(void)
{
    B.phase = PHASE_DONE;
    uv_timer_stop(&B.stop_timer);
    bench_pace_end();
    uv_stop(B.loop);
}

static void bench_stop(uv_timer_t *t)
{
    (void)t;
    if (B.phase == PHASE_RUNNING) {
        if (B.opt.rate > 0) {
            uint64_t due = bench_due_count(uv_hrtime());
            B.backlog = due > B.issued ? due - B.issued : 0;
        }
        B.phase = PHASE_DRAINING;
        bench_pace_end();
        if (B.in_flight == 0) {
            bench_finish();
            return;
        }
        uv_timer_start(&B.stop_timer, bench_stop, BENCH_DRAIN_MS, 0);
        return;
    }
    fprintf(stderr, "folio-bench: %" PRIu64 " requests still unanswered %d s after the run\n",
            B.in_flight, BENCH_DRAIN_MS / 1000);
    bench_finish();
}

/* Counts one answer, resp (NULL for a connection made), that came at now
 * for a request due at tag. */
static void bench_count(uint64_t now, uint64_t tag, const Folio__Response *resp)
{
    B.ops++;
    B.last_ns = now;
    bench_histogram_record(&B.hist, now > tag ? (now - tag) / 1000 : 0);
    if (resp != NULL && resp->status != NULL && resp->status->code != FOLIO__CODE__OK) {
        if (B.errors++ == 0)
            snprintf(B.first_error, sizeof(B.first_error), "%s: %s",
                     status_name(resp->status->code), resp->status->message);
    }
}

static void bench_response(struct bench_conn *c, const Folio__Response *resp, uint64_t tag)
{
    uint64_t now = uv_hrtime();
    B.in_flight--;
    if (B.phase == PHASE_SETUP) {
        if (resp->status != NULL && resp->status->code != FOLIO__CODE__OK)
            bench_cli_fatal("setup: adding a client: %s: %s", status_name(resp->status->code),
                            resp->status->message);
        if (resp->result_case != FOLIO__RESPONSE__RESULT_CLIENT)
            bench_cli_fatal("setup: the answer to ClientAdd carries no client");
        snprintf(B.ids[B.n_ids++], BENCH_ID_LEN + 1, "%s", resp->client->id);
        return;
    }
    bench_count(now, tag, resp);
    if (B.phase != PHASE_RUNNING) {
        if (B.phase == PHASE_DRAINING && B.in_flight == 0)
            bench_finish();
        return;
    }
    if (B.opt.rate <= 0) {
        bench_send(c, now);
    } else if (B.issued < bench_due_count(now)) {
        bench_send(c, bench_due_time(B.issued++));
    } else {
        B.free_slots++;
    }
}

static void bench_ready(struct bench_conn *c)
{
    (void)c;
    B.ready++;
}

static void bench_failed(struct bench_conn *c, const char *why)
{
    (void)c;
    bench_cli_fatal("connection to %s failed: %s", B.opt.server, why);
}

static const struct bench_conn_callbacks bench_callbacks = {
    .ready = bench_ready,
    .response = bench_response,
    .failed = bench_failed,
};

/* --op connect: the connection in slot is ready, timed from its dial; it
 * is closed and, while the run lasts, the slot dials again. */
static void bench_dial(unsigned slot);

static void bench_dialled(struct bench_conn *c)
{
    uint64_t now = uv_hrtime();
    unsigned slot = (unsigned)(uintptr_t)bench_conn_data(c);
    B.in_flight--;
    bench_count(now, B.dial_ns[slot], NULL);
    bench_conn_close(c);
    B.conns[slot] = NULL;
    if (B.phase == PHASE_RUNNING)
        bench_dial(slot);
    else if (B.phase == PHASE_DRAINING && B.in_flight == 0)
        bench_finish();
}

static const struct bench_conn_callbacks bench_dial_callbacks = {
    .ready = bench_dialled,
    .failed = bench_failed,
};

static void bench_dial(unsigned slot)
{
    B.dial_ns[slot] = uv_hrtime();
    B.conns[slot] = bench_conn_open(B.loop, B.opt.target, &B.dial_auth, &bench_dial_callbacks,
                                    (void *)(uintptr_t)slot);
    if (B.conns[slot] == NULL)
        bench_cli_fatal("out of memory");
    B.in_flight++;
}

/* ---------------------------------------------------------------- setup */

/* Room for the measured connections, the setup one and the spares. */
static void bench_raise_file_limit(unsigned connections)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)connections + 1 + BENCH_SPARE_FILES;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
        bench_cli_fatal("--connections %u needs %llu open files, but the hard limit is %llu "
                        "(raise it with ulimit -Hn, as root)",
                        connections, (unsigned long long)need, (unsigned long long)rl.rlim_max);
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY ? rl.rlim_max : need;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        bench_cli_fatal("cannot raise the open-file limit to %llu: %s", (unsigned long long)need,
                        strerror(errno));
}

static Folio__Response *bench_call(struct bench_conn *c, Folio__Request *req, const char *what)
{
    Folio__Response *resp;
    if (bench_conn_call(c, req, &resp, BENCH_CALL_MS) != 0)
        bench_cli_fatal("setup: %s: %s", what, bench_conn_error(c));
    if (resp->status != NULL && resp->status->code != FOLIO__CODE__OK)
        bench_cli_fatal("setup: %s: %s: %s", what, status_name(resp->status->code),
                        resp->status->message);
    return resp;
}

/* Collects up to --records ids of the user's clients, in name order. A
 * page's cursor is the server's (its sort key and an id), not an id. */
static void bench_list_working_set(struct bench_conn *c)
{
    char after[1024] = "";
    while (B.n_ids < B.opt.records) {
        Folio__ClientList list = FOLIO__CLIENT_LIST__INIT;
        list.limit = 1000;
        list.after = after;
        Folio__Request req;
        envelope_init(&req, &list.base);
        Folio__Response *resp = bench_call(c, &req, "listing the clients");
        if (resp->result_case != FOLIO__RESPONSE__RESULT_CLIENTS)
            bench_cli_fatal("setup: the answer to ClientList carries no clients");
        Folio__Clients *got = resp->clients;
        for (size_t i = 0; i < got->n_clients && B.n_ids < B.opt.records; i++)
            snprintf(B.ids[B.n_ids++], BENCH_ID_LEN + 1, "%s", got->clients[i]->id);
        bool more = got->next[0] != '\0' && got->n_clients > 0;
        if (more && (size_t)snprintf(after, sizeof(after), "%s", got->next) >= sizeof(after))
            bench_cli_fatal("setup: a ClientList cursor longer than %zu bytes", sizeof(after) - 1);
        folio__response__free_unpacked(resp, NULL);
        if (!more)
            break;
    }
}

/* Adds clients, BENCH_SETUP_WINDOW at a time, until the working set is full. */
static void bench_fill_working_set(struct bench_conn *c)
{
    unsigned need = B.opt.records - B.n_ids;
    if (need == 0)
        return;
    fprintf(stderr, "folio-bench: %s has %u clients; adding %u\n", B.opt.user, B.n_ids, need);
    Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
    add.allow_duplicate = true; /* synthetic people may look alike */
    Folio__Request req;
    envelope_init(&req, &add.base);
    unsigned sent = 0;
    while (B.n_ids < B.opt.records) {
        while (sent < need && bench_conn_in_flight(c) < BENCH_SETUP_WINDOW) {
            struct bench_data_client synth;
            bench_synth_client(&synth);
            add.client = &synth.client;
            if (bench_conn_send(c, &req, 0) != 0)
                bench_cli_fatal("setup: cannot send: %s", bench_conn_error(c));
            B.in_flight++;
            sent++;
        }
        uv_run(B.loop, UV_RUN_ONCE);
    }
}

static void bench_measure_record(struct bench_conn *c)
{
    if (B.n_ids == 0)
        return;
    Folio__ClientGet get = FOLIO__CLIENT_GET__INIT;
    get.id = B.ids[0];
    Folio__Request req;
    envelope_init(&req, &get.base);
    Folio__Response *resp = bench_call(c, &req, "reading a client");
    if (resp->result_case == FOLIO__RESPONSE__RESULT_CLIENT)
        B.record_bytes = folio__client__get_packed_size(resp->client);
    folio__response__free_unpacked(resp, NULL);
}

static void bench_setup(void)
{
    bench_raise_file_limit(B.opt.connections);
    B.ids = calloc(B.opt.records > 0 ? B.opt.records : 1, sizeof(*B.ids));
    B.conns = calloc(B.opt.connections, sizeof(*B.conns));
    B.dial_ns = calloc(B.opt.connections, sizeof(*B.dial_ns));
    if (B.ids == NULL || B.conns == NULL || B.dial_ns == NULL)
        bench_cli_fatal("out of memory");

    struct bench_conn_auth auth = {
        .user = B.opt.user, .password = B.opt.password, .client_name = "folio-bench"};
    struct bench_conn *first = bench_conn_open(B.loop, B.opt.target, &auth, &bench_callbacks, NULL);
    if (first == NULL)
        bench_cli_fatal("out of memory");
    if (bench_conn_wait_ready(first) != 0)
        bench_cli_fatal("cannot log in to %s as %s: %s", B.opt.server, B.opt.user,
                        bench_conn_error(first));
    B.ready = 0; /* counts the measured connections only */
    bench_list_working_set(first);
    bench_fill_working_set(first);
    bench_measure_record(first);

    /* The others log in with the session, so setup costs no password hashing. */
    snprintf(B.token, sizeof(B.token), "%s", bench_conn_token(first));
    auth.token = B.token;
    B.dial_auth = auth;
    if (B.opt.op != OP_CONNECT) { /* which makes its own during the run */
        /* A few at a time: thousands of TLS handshakes at once would each
         * wait for all the others, and leave the server's heap grown by
         * their transient memory - the cost of a burst of handshakes, not
         * of the connections once open. */
        unsigned opened = 0;
        while (B.ready < B.opt.connections) {
            while (opened < B.opt.connections && opened - B.ready < BENCH_SETUP_DIALS) {
                B.conns[opened] =
                    bench_conn_open(B.loop, B.opt.target, &auth, &bench_callbacks, NULL);
                if (B.conns[opened++] == NULL)
                    bench_cli_fatal("out of memory");
            }
            uv_run(B.loop, UV_RUN_ONCE);
        }
        /* Scripts that watch the server's memory wait for this line. */
        fprintf(stderr, "folio-bench: %u connections logged in over %s\n", B.opt.connections,
                bench_target_tls(B.opt.target) ? "TLS" : "plaintext");
    }
    bench_conn_close(first);
}

/* ---------------------------------------------------------------- report */

static void bench_report(void)
{
    double elapsed =
        (double)((B.last_ns > B.start_ns ? B.last_ns : uv_hrtime()) - B.start_ns) / 1e9;
    double per_sec = elapsed > 0 ? (double)B.ops / elapsed : 0;
    uint64_t p50 = bench_histogram_percentile(&B.hist, 50),
             p90 = bench_histogram_percentile(&B.hist, 90),
             p99 = bench_histogram_percentile(&B.hist, 99),
             p999 = bench_histogram_percentile(&B.hist, 99.9), max = B.hist.max;
    const char *op = bench_op_names[B.opt.op];
    const char *transport = bench_target_tls(B.opt.target) ? "tls" : "plaintext";
    if (B.opt.json) {
        printf("{\"op\": \"%s\", \"transport\": \"%s\", \"connections\": %u, \"pipeline\": %u, "
               "\"rate\": %.0f, "
               "\"duration_s\": %.3f, \"records\": %u, \"record_bytes\": %zu, \"ops\": %" PRIu64
               ", \"ops_per_sec\": %.1f, \"errors\": %" PRIu64 ", \"backlog\": %" PRIu64
               ", \"p50_us\": %" PRIu64 ", \"p90_us\": %" PRIu64 ", \"p99_us\": %" PRIu64
               ", \"p999_us\": %" PRIu64 ", \"max_us\": %" PRIu64 ", \"first_error\": \"",
               op, transport, B.opt.connections, B.opt.pipeline, B.opt.rate, elapsed, B.n_ids,
               B.record_bytes, B.ops, per_sec, B.errors, B.backlog, p50, p90, p99, p999, max);
        for (const char *p = B.first_error; *p != '\0'; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch == '"' || ch == '\\')
                printf("\\%c", ch);
            else if (ch < 0x20)
                printf("\\u%04x", ch);
            else
                putchar(ch);
        }
        printf("\"}\n");
        return;
    }
    printf("op %s, %s, %u connections, pipeline %u, ", op,
           bench_target_tls(B.opt.target) ? "TLS" : "plaintext", B.opt.connections, B.opt.pipeline);
    if (B.opt.rate > 0)
        printf("open loop at %.0f/s, ", B.opt.rate);
    else
        printf("closed loop, ");
    printf("%.2f s, %u records of about %zu bytes\n", elapsed, B.n_ids, B.record_bytes);
    printf("ops          %" PRIu64 " (%.1f/s)\n", B.ops, per_sec);
    printf("errors       %" PRIu64 "%s%s\n", B.errors, B.errors > 0 ? ", first: " : "",
           B.first_error);
    if (B.opt.rate > 0)
        printf("not sent     %" PRIu64 " (due, but every pipeline was full)\n", B.backlog);
    printf("latency us   p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64 "  p99.9 %" PRIu64
           "  max %" PRIu64 "\n",
           p50, p90, p99, p999, max);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    bench_cli_name("folio-bench");
    bench_parse_args(argc, argv, &B.opt);
    B.loop = uv_default_loop();
    B.rng = (uint64_t)time(NULL) ^ uv_hrtime();
    B.rng_seed = B.rng;
    bench_histogram_init(&B.hist);
    B.phase = PHASE_SETUP;
    bench_setup();

    uv_timer_init(B.loop, &B.stop_timer);
    uv_async_init(B.loop, &B.pace_async, bench_pace_async);
    uv_check_init(B.loop, &B.pace_check);
    B.phase = PHASE_RUNNING;
    B.start_ns = uv_hrtime();
    uv_update_time(B.loop);
    uv_timer_start(&B.stop_timer, bench_stop, (uint64_t)(B.opt.duration_s * 1000.0 + 0.5), 0);
    if (B.opt.rate > 0) {
        B.free_slots = (uint64_t)B.opt.connections * B.opt.pipeline;
        uv_check_start(&B.pace_check, bench_pace_check);
        if (uv_thread_create(&B.pace_thread, bench_pace_thread, NULL) != 0)
            bench_cli_fatal("cannot start the pacing thread");
        B.pace_running = true;
        bench_pace();
    } else if (B.opt.op == OP_CONNECT) {
        for (unsigned i = 0; i < B.opt.connections; i++)
            bench_dial(i);
    } else {
        for (unsigned i = 0; i < B.opt.connections; i++)
            for (unsigned k = 0; k < B.opt.pipeline; k++)
                bench_send(B.conns[i], B.start_ns);
    }
    uv_run(B.loop, UV_RUN_DEFAULT);
    bench_report();

    for (unsigned i = 0; i < B.opt.connections; i++)
        bench_conn_close(B.conns[i]);
    uv_close((uv_handle_t *)&B.stop_timer, NULL);
    uv_close((uv_handle_t *)&B.pace_async, NULL);
    uv_close((uv_handle_t *)&B.pace_check, NULL);
    uv_run(B.loop, UV_RUN_DEFAULT);
    uv_loop_close(B.loop);
    bench_target_free(B.opt.target);
    free(B.conns);
    free(B.dial_ns);
    free(B.ids);
    return 0;
}
