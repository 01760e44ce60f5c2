/* folio_seed.c - folio-seed, fills a firm with synthetic portfolios.
 *
 * As the firm-admin: adds the office when missing and the agents P0001..PA
 * (and one more with --extra-agent-clients), their UserAdds pipelined. Then
 * the clients, through the real protocol: every agent's clients are cut
 * into jobs of at most SEED_JOB_CLIENTS, --connections jobs run at once on
 * one libuv loop, each on its own connection logged in as the agent (the
 * first with the password, the rest with that login's session, so an agent
 * costs one password hash), keeping --window requests in flight. A client's
 * follow-up events (income change, purchases) and holdings go out as soon
 * as its ClientAdd answers with the id, ahead of further adds, so the queue
 * of them stays short. The data come from bench_data: client i of agent a
 * under one --seed is the same record in every run, whatever the order. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "bench_cli.h"
#include "bench_conn.h"
#include "bench_data.h"
#include "envelope.h"
#include "status.h"

#define SEED_AGENTS_MAX      100000
#define SEED_CLIENTS_MAX     10000000
#define SEED_CONNECTIONS_MAX 256
#define SEED_JOB_CLIENTS     5000 /* clients per job: spreads a big agent over connections */
#define SEED_ADMIN_WINDOW    16   /* UserAdds in flight: each hashes a password */
#define SEED_FOLLOW_UPS      (BENCH_DATA_MAX_EVENTS + BENCH_DATA_MAX_HOLDINGS)
#define SEED_QUEUE           (BENCH_CONN_MAX_IN_FLIGHT * SEED_FOLLOW_UPS)
#define SEED_PROGRESS_MS     5000
#define SEED_CALL_MS         60000
#define SEED_ID_LEN          36
#define SEED_NAME_LEN        64

struct seed_options {
    const char *server;
    struct bench_target *target; /* --server, --ca, --plaintext */
    const char *user;
    char password[1024];
    char agent_password[1024];
    unsigned agents;
    unsigned clients_per_agent;
    unsigned extra_agent_clients;
    uint64_t seed;
    const char *office;
    const char *prefix;
    unsigned connections;
    unsigned window;
    unsigned max_seconds;
};

struct seed_agent {
    char name[SEED_NAME_LEN];
    unsigned clients;
    char token[128]; /* the first job's session, for the agent's other jobs */
    bool logging_in; /* its first job is logging in with the password */
};

/* A follow-up waiting for room in the window: the client's event number
 * `follow_up`, or past its events, holding number follow_up - events. */
struct seed_pending {
    char id[SEED_ID_LEN + 1];
    uint32_t index;
    uint8_t follow_up;
};

struct seed_job {
    unsigned agent; /* index into S.agents */
    uint32_t lo, next, hi;
    struct bench_conn *conn;
    bool ready;
    struct seed_pending queue[SEED_QUEUE];
    unsigned q_head, q_len;
};

enum { TAG_ADD = 0, TAG_EVENT = 1, TAG_ADMIN = 2, TAG_HOLDING = 3 };

static struct {
    struct seed_options opt;
    uv_loop_t *loop;
    struct seed_agent *agents;
    unsigned n_agents;
    struct seed_job *jobs;
    unsigned n_jobs, next_job, running;
    uint64_t total_clients;
    uint64_t clients, events, holdings, users_added, users_existing;
    unsigned admin_in_flight;
    uint64_t start_ns, last_progress_clients;
    uv_timer_t progress, deadline;
} S;

/* ---------------------------------------------------------------- usage */

static void seed_usage(FILE *to)
{
    fputs("usage: folio-seed --server HOST:PORT (--ca FILE | --plaintext) --user ADMIN\n"
          "                  --password-stdin --agents A --clients-per-agent C [--seed S]\n"
          "                  [--office NAME] [--agent-prefix P] [--extra-agent-clients N]\n"
          "                  [--connections K] [--window W] [--max-seconds T]\n"
          "\n"
          "Fills a firm with synthetic, deterministic portfolios through the protocol: the\n"
          "office, agents P0001..PA each with C clients, and with --extra-agent-clients one\n"
          "more agent with N clients. Client i of agent a is the same record for one seed\n"
          "in every run: names, birth dates over the whole year, cities and regions,\n"
          "incomes (a third with a later change), purchases, tags, consent.\n"
          "\n"
          "  --server HOST:PORT        the server ([IPv6]:PORT for an IPv6 literal)\n"
          "  --ca FILE                 TLS (foliod's default): trust the server whose\n"
          "                            certificate chains to one in FILE (PEM) and names\n"
          "                            HOST, the IP address when HOST is one; a firm's own\n"
          "                            is DATA/tls-cert.pem\n"
          "  --plaintext               no TLS, for a foliod run with --plaintext (loopback\n"
          "                            only); exactly one of --ca and --plaintext is required\n"
          "  --user ADMIN              a firm-admin\n"
          "  --password-stdin          (required) line 1 of stdin: ADMIN's password; line 2,\n"
          "                            if any: the agents' password (default: ADMIN's)\n"
          "  --agents A                agents, 0 to 100000\n"
          "  --clients-per-agent C     clients each, 0 to 10000000\n"
          "  --seed S                  the data's seed (default 1)\n"
          "  --office NAME             the agents' office, added if missing (default Bench)\n"
          "  --agent-prefix P          agent names are P0001, P0002, ... (default agent)\n"
          "  --extra-agent-clients N   one more agent, P then A+1, with N clients\n"
          "  --connections K           jobs at once, each on its own connection, 1 to 256\n"
          "                            (default 8)\n"
          "  --window W                requests in flight per connection, 1 to 128\n"
          "                            (default 64)\n"
          "  --max-seconds T           give up (exit 1) after T seconds (default 3600)\n"
          "  --help                    print this and exit\n"
          "\n"
          "Agents that exist already are kept and get the clients added. Prints progress\n"
          "on stderr and one summary line on stdout; any refused request ends the run\n"
          "with exit status 1.\n",
          to);
}

/* Reads one line into buf; false at end of input. */
static void seed_parse_args(int argc, char **argv, struct seed_options *o)
{
    enum {
        OPT_SERVER = 256,
        OPT_USER,
        OPT_PASSWORD_STDIN,
        OPT_AGENTS,
        OPT_CLIENTS,
        OPT_SEED,
        OPT_OFFICE,
        OPT_PREFIX,
        OPT_EXTRA,
        OPT_CONNECTIONS,
        OPT_WINDOW,
        OPT_MAX_SECONDS,
        OPT_CA,
        OPT_PLAINTEXT,
        OPT_HELP
    };
    static const struct option longopts[] = {
        {"server", required_argument, NULL, OPT_SERVER},
        {"user", required_argument, NULL, OPT_USER},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"agents", required_argument, NULL, OPT_AGENTS},
        {"clients-per-agent", required_argument, NULL, OPT_CLIENTS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"office", required_argument, NULL, OPT_OFFICE},
        {"agent-prefix", required_argument, NULL, OPT_PREFIX},
        {"extra-agent-clients", required_argument, NULL, OPT_EXTRA},
        {"connections", required_argument, NULL, OPT_CONNECTIONS},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
        {"ca", required_argument, NULL, OPT_CA},
        {"plaintext", no_argument, NULL, OPT_PLAINTEXT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool password_stdin = false, have_agents = false, have_clients = false, plaintext = false;
    const char *ca_file = NULL;
    *o = (struct seed_options){.seed = 1,
                               .office = "Bench",
                               .prefix = "agent",
                               .connections = 8,
                               .window = 64,
                               .max_seconds = 3600};
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
        case OPT_AGENTS:
            o->agents = (unsigned)bench_cli_parse_uint("agents", optarg, 0, SEED_AGENTS_MAX);
            have_agents = true;
            break;
        case OPT_CLIENTS:
            o->clients_per_agent =
                (unsigned)bench_cli_parse_uint("clients-per-agent", optarg, 0, SEED_CLIENTS_MAX);
            have_clients = true;
            break;
        case OPT_SEED:
            o->seed = bench_cli_parse_uint("seed", optarg, 0, UINT64_MAX);
            break;
        case OPT_OFFICE:
            o->office = optarg;
            break;
        case OPT_PREFIX:
            o->prefix = optarg;
            break;
        case OPT_EXTRA:
            o->extra_agent_clients =
                (unsigned)bench_cli_parse_uint("extra-agent-clients", optarg, 0, SEED_CLIENTS_MAX);
            break;
        case OPT_CONNECTIONS:
            o->connections =
                (unsigned)bench_cli_parse_uint("connections", optarg, 1, SEED_CONNECTIONS_MAX);
            break;
        case OPT_WINDOW:
            o->window =
                (unsigned)bench_cli_parse_uint("window", optarg, 1, BENCH_CONN_MAX_IN_FLIGHT);
            break;
        case OPT_MAX_SECONDS:
            o->max_seconds = (unsigned)bench_cli_parse_uint("max-seconds", optarg, 1, 86400);
            break;
        case OPT_CA:
            ca_file = optarg;
            break;
        case OPT_PLAINTEXT:
            plaintext = true;
            break;
        case OPT_HELP:
            seed_usage(stdout);
            exit(0);
        default:
            bench_cli_usage_error("unknown or incomplete option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        bench_cli_usage_error("unexpected argument %s", argv[optind]);
    if (o->server == NULL || o->user == NULL || !password_stdin || !have_agents || !have_clients)
        bench_cli_usage_error(
            "--server, --user, --password-stdin, --agents and --clients-per-agent "
            "are required");
    if (o->office[0] == '\0' || o->prefix[0] == '\0' || strlen(o->prefix) > SEED_NAME_LEN - 8)
        bench_cli_usage_error(
            "--office and --agent-prefix must not be empty, the prefix at most %d "
            "bytes",
            SEED_NAME_LEN - 8);
    o->target = bench_cli_target(o->server, ca_file, plaintext);
    if (!bench_cli_read_line(o->password, sizeof(o->password)) || o->password[0] == '\0')
        bench_cli_usage_error("--password-stdin: no password on standard input");
    if (!bench_cli_read_line(o->agent_password, sizeof(o->agent_password)) ||
        o->agent_password[0] == '\0')
        snprintf(o->agent_password, sizeof(o->agent_password), "%s", o->password);
}

/* ---------------------------------------------------------------- plan */

static void seed_plan(void)
{
    const struct seed_options *o = &S.opt;
    S.n_agents = o->agents + (o->extra_agent_clients > 0 ? 1 : 0);
    S.agents = calloc(S.n_agents > 0 ? S.n_agents : 1, sizeof(*S.agents));
    if (S.agents == NULL)
        bench_cli_fatal("out of memory");
    size_t n_jobs = 0;
    for (unsigned a = 0; a < S.n_agents; a++) {
        struct seed_agent *ag = &S.agents[a];
        snprintf(ag->name, sizeof(ag->name), "%s%04u", o->prefix, a + 1);
        ag->clients = a < o->agents ? o->clients_per_agent : o->extra_agent_clients;
        S.total_clients += ag->clients;
        n_jobs += (ag->clients + SEED_JOB_CLIENTS - 1) / SEED_JOB_CLIENTS;
    }
    S.jobs = calloc(n_jobs > 0 ? n_jobs : 1, sizeof(*S.jobs));
    if (S.jobs == NULL)
        bench_cli_fatal("out of memory");
    for (unsigned a = 0; a < S.n_agents; a++)
        for (uint32_t lo = 0; lo < S.agents[a].clients; lo += SEED_JOB_CLIENTS) {
            struct seed_job *j = &S.jobs[S.n_jobs++];
            j->agent = a;
            j->lo = j->next = lo;
            j->hi = S.agents[a].clients - lo > SEED_JOB_CLIENTS ? lo + SEED_JOB_CLIENTS
                                                                : S.agents[a].clients;
        }
}

/* ---------------------------------------------------------------- requests */

static void seed_send(struct bench_conn *c, Folio__Request *req, uint64_t tag)
{
    if (bench_conn_send(c, req, tag) != 0)
        bench_cli_fatal("cannot send: %s",
                        bench_conn_error(c)[0] != '\0' ? bench_conn_error(c) : "out of memory");
}

static void seed_check(const Folio__Response *resp, const char *what, const char *who)
{
    if (resp->status != NULL && resp->status->code != FOLIO__CODE__OK)
        bench_cli_fatal("%s for %s: %s: %s", what, who, status_name(resp->status->code),
                        resp->status->message);
}

/* Fills the job's window: queued events first, then new clients. */
static void seed_pump(struct seed_job *j)
{
    unsigned agent_no = j->agent + 1;
    while (bench_conn_in_flight(j->conn) < S.opt.window) {
        Folio__Request req = FOLIO__REQUEST__INIT;
        if (j->q_len > 0) {
            struct seed_pending *p = &j->queue[j->q_head];
            struct bench_data_events evs;
            bench_data_events(&evs, S.opt.seed, agent_no, p->index);
            if (p->follow_up < evs.n) {
                Folio__EventAdd *ev = &evs.events[p->follow_up];
                ev->client_id = p->id;
                envelope_init(&req, &ev->base);
                seed_send(j->conn, &req, TAG_EVENT);
            } else {
                struct bench_data_holdings hs;
                bench_data_holdings(&hs, S.opt.seed, agent_no, p->index);
                Folio__Holding *h = &hs.holdings[p->follow_up - evs.n];
                h->client_id = p->id;
                Folio__HoldingAdd add = FOLIO__HOLDING_ADD__INIT;
                add.holding = h;
                envelope_init(&req, &add.base);
                seed_send(j->conn, &req, TAG_HOLDING);
            }
            j->q_head = (j->q_head + 1) % SEED_QUEUE;
            j->q_len--;
        } else if (j->next < j->hi) {
            struct bench_data_client d;
            bench_data_client(&d, S.opt.seed, agent_no, j->next);
            Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
            add.client = &d.client;
            /* Synthetic people share a phone or an e-mail by chance. */
            add.allow_duplicate = true;
            envelope_init(&req, &add.base);
            seed_send(j->conn, &req, (uint64_t)j->next << 2 | TAG_ADD);
            j->next++;
        } else {
            break;
        }
    }
}

static void seed_start_jobs(void);

static void seed_job_response(struct seed_job *j, const Folio__Response *resp, uint64_t tag)
{
    const char *who = S.agents[j->agent].name;
    if ((tag & 3) == TAG_EVENT) {
        seed_check(resp, "adding an event", who);
        S.events++;
    } else if ((tag & 3) == TAG_HOLDING) {
        seed_check(resp, "adding a holding", who);
        S.holdings++;
    } else {
        seed_check(resp, "adding a client", who);
        if (resp->result_case != FOLIO__RESPONSE__RESULT_CLIENT)
            bench_cli_fatal("the answer to ClientAdd carries no client");
        S.clients++;
        uint32_t index = (uint32_t)(tag >> 2);
        struct bench_data_events evs;
        struct bench_data_holdings hs;
        bench_data_events(&evs, S.opt.seed, j->agent + 1, index);
        bench_data_holdings(&hs, S.opt.seed, j->agent + 1, index);
        for (size_t k = 0; k < evs.n + hs.n; k++) {
            if (j->q_len == SEED_QUEUE)
                bench_cli_fatal("internal: event queue full");
            struct seed_pending *p = &j->queue[(j->q_head + j->q_len) % SEED_QUEUE];
            snprintf(p->id, sizeof(p->id), "%s", resp->client->id);
            p->index = index;
            p->follow_up = (uint8_t)k;
            j->q_len++;
        }
    }
    seed_pump(j);
    if (j->next == j->hi && j->q_len == 0 && bench_conn_in_flight(j->conn) == 0) {
        bench_conn_close(j->conn);
        j->conn = NULL;
        S.running--;
        seed_start_jobs();
    }
}

static void seed_admin_response(const Folio__Response *resp)
{
    S.admin_in_flight--;
    if (resp->status != NULL && resp->status->code == FOLIO__CODE__ALREADY_EXISTS) {
        S.users_existing++;
        return;
    }
    seed_check(resp, "adding an agent", S.opt.user);
    S.users_added++;
}

static void seed_on_response(struct bench_conn *c, const Folio__Response *resp, uint64_t tag)
{
    struct seed_job *j = bench_conn_data(c);
    if (j == NULL)
        seed_admin_response(resp);
    else
        seed_job_response(j, resp, tag);
}

static void seed_on_ready(struct bench_conn *c)
{
    struct seed_job *j = bench_conn_data(c);
    if (j == NULL)
        return;
    struct seed_agent *ag = &S.agents[j->agent];
    if (ag->token[0] == '\0')
        snprintf(ag->token, sizeof(ag->token), "%s", bench_conn_token(c));
    j->ready = true;
    seed_pump(j);
    seed_start_jobs();
}

static void seed_on_failed(struct bench_conn *c, const char *why)
{
    struct seed_job *j = bench_conn_data(c);
    bench_cli_fatal("connection as %s failed: %s", j != NULL ? S.agents[j->agent].name : S.opt.user,
                    why);
}

static const struct bench_conn_callbacks seed_callbacks = {
    .ready = seed_on_ready,
    .response = seed_on_response,
    .failed = seed_on_failed,
};

/* ---------------------------------------------------------------- phases */

/* The office and the agents, as the firm-admin. */
static void seed_admin(void)
{
    struct bench_conn_auth auth = {
        .user = S.opt.user, .password = S.opt.password, .client_name = "folio-seed"};
    struct bench_conn *c = bench_conn_open(S.loop, S.opt.target, &auth, &seed_callbacks, NULL);
    if (c == NULL)
        bench_cli_fatal("out of memory");
    if (bench_conn_wait_ready(c) != 0)
        bench_cli_fatal("cannot log in to %s as %s: %s", S.opt.server, S.opt.user,
                        bench_conn_error(c));

    Folio__OfficeAdd office = FOLIO__OFFICE_ADD__INIT;
    office.name = (char *)S.opt.office;
    Folio__Request req;
    envelope_init(&req, &office.base);
    Folio__Response *resp;
    if (bench_conn_call(c, &req, &resp, SEED_CALL_MS) != 0)
        bench_cli_fatal("adding the office: %s", bench_conn_error(c));
    if (resp->status == NULL || resp->status->code != FOLIO__CODE__ALREADY_EXISTS)
        seed_check(resp, "adding the office", S.opt.office);
    folio__response__free_unpacked(resp, NULL);

    for (unsigned a = 0; a < S.n_agents || S.admin_in_flight > 0;) {
        while (a < S.n_agents && S.admin_in_flight < SEED_ADMIN_WINDOW) {
            Folio__UserAdd user = FOLIO__USER_ADD__INIT;
            user.name = S.agents[a].name;
            user.role = FOLIO__ROLE__ROLE_AGENT;
            user.office = (char *)S.opt.office;
            user.password = S.opt.agent_password;
            Folio__Request ureq;
            envelope_init(&ureq, &user.base);
            seed_send(c, &ureq, TAG_ADMIN);
            S.admin_in_flight++;
            a++;
        }
        uv_run(S.loop, UV_RUN_ONCE);
    }
    bench_conn_close(c);
    fprintf(stderr, "folio-seed: office %s; %" PRIu64 " agents added, %" PRIu64 " existed\n",
            S.opt.office, S.users_added, S.users_existing);
}

static void seed_start_jobs(void)
{
    while (S.running < S.opt.connections && S.next_job < S.n_jobs) {
        struct seed_job *j = &S.jobs[S.next_job];
        struct seed_agent *ag = &S.agents[j->agent];
        /* One password login per agent: the server counts logins sent in
         * parallel like guesses in a row, so the agent's other jobs wait
         * for the session of its first (seed_on_ready starts them). */
        if (ag->token[0] == '\0' && ag->logging_in)
            break;
        ag->logging_in = ag->token[0] == '\0';
        S.next_job++;
        /* The strings must outlive the handshake: they live in S. */
        struct bench_conn_auth auth = {.user = ag->name,
                                       .password = S.opt.agent_password,
                                       .token = ag->token[0] != '\0' ? ag->token : NULL,
                                       .client_name = "folio-seed"};
        j->conn = bench_conn_open(S.loop, S.opt.target, &auth, &seed_callbacks, j);
        if (j->conn == NULL)
            bench_cli_fatal("out of memory");
        S.running++;
    }
    if (S.running == 0 && S.next_job == S.n_jobs) {
        uv_timer_stop(&S.progress);
        uv_timer_stop(&S.deadline);
    }
}

static double seed_elapsed(void)
{
    return (double)(uv_hrtime() - S.start_ns) / 1e9;
}

static void seed_on_progress(uv_timer_t *t)
{
    (void)t;
    double s = seed_elapsed();
    fprintf(stderr,
            "folio-seed: %" PRIu64 "/%" PRIu64 " clients, %" PRIu64 " events, %.0f s, "
            "%.0f clients/s lately\n",
            S.clients, S.total_clients, S.events, s,
            (double)(S.clients - S.last_progress_clients) * 1000.0 / SEED_PROGRESS_MS);
    S.last_progress_clients = S.clients;
}

static void seed_on_deadline(uv_timer_t *t)
{
    (void)t;
    bench_cli_fatal("gave up after %u s (--max-seconds) with %" PRIu64 " of %" PRIu64
                    " clients added",
                    S.opt.max_seconds, S.clients, S.total_clients);
}

int main(int argc, char **argv)
{
    bench_cli_name("folio-seed");
    seed_parse_args(argc, argv, &S.opt);
    S.loop = uv_default_loop();
    seed_plan();
    S.start_ns = uv_hrtime();
    uv_timer_init(S.loop, &S.deadline);
    uv_timer_start(&S.deadline, seed_on_deadline, (uint64_t)S.opt.max_seconds * 1000, 0);
    uv_unref((uv_handle_t *)&S.deadline);
    seed_admin();

    uint64_t clients_start_ns = uv_hrtime();
    uv_timer_init(S.loop, &S.progress);
    uv_timer_start(&S.progress, seed_on_progress, SEED_PROGRESS_MS, SEED_PROGRESS_MS);
    uv_unref((uv_handle_t *)&S.progress);
    seed_start_jobs();
    uv_run(S.loop, UV_RUN_DEFAULT);
    if (S.clients != S.total_clients)
        bench_cli_fatal("internal: %" PRIu64 " of %" PRIu64 " clients added", S.clients,
                        S.total_clients);

    double secs = (double)(uv_hrtime() - clients_start_ns) / 1e9;
    printf("folio-seed: %u agents, %" PRIu64 " clients, %" PRIu64 " events, %" PRIu64
           " holdings in %.2f s (%.0f clients/s, %.0f requests/s; %.2f s in all)\n",
           S.n_agents, S.clients, S.events, S.holdings, secs,
           secs > 0 ? (double)S.clients / secs : 0,
           secs > 0 ? (double)(S.clients + S.events + S.holdings) / secs : 0, seed_elapsed());

    uv_close((uv_handle_t *)&S.progress, NULL);
    uv_close((uv_handle_t *)&S.deadline, NULL);
    uv_run(S.loop, UV_RUN_DEFAULT);
    uv_loop_close(S.loop);
    bench_target_free(S.opt.target);
    free(S.jobs);
    free(S.agents);
    return 0;
}
