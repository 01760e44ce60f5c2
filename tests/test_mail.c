/* test_mail.c - e-mail that goes out, against a real foliod and a real SMTP
 * relay: tests/smtp_relay.py (aiosmtpd) on a loopback port, with STARTTLS
 * on a certificate made here, writing what it accepts to a directory the
 * tests read. The relay refuses (550) recipients whose local part starts
 * "reject", defers (451) the first two attempts for "defer", and defers
 * "hold" for ever (--defer large).
 *
 * The tests of suite mail share one foliod whose clock is CLOCK; each has
 * an agent and clients of its own, with addresses named after its process.
 * Suite mail_restart starts a foliod of its own, which it restarts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <sodium.h>

#include "folioclient_loyalty.h"
#include "folioclient_mail.h"
#include "folioclient_portfolio.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "mail-password-1"
#define FROM  "offers@acme.test"

/* ---------------------------------------------------------------- the relay (runner) */

static pid_t relay_pid;
static char relay_root[64];
static char url_flag[64], ca_flag[160];
static const char *serve_flags[16];

static void relay_start(void)
{
    if (relay_pid != 0)
        return;
    snprintf(relay_root, sizeof(relay_root), "/tmp/folio-mail-XXXXXX");
    if (mkdtemp(relay_root) == NULL) {
        fprintf(stderr, "test_mail: mkdtemp: %s\n", strerror(errno));
        exit(1);
    }
    char cert[128], key[128], box[128], port_file[128],
        subject_alt[] = "subjectAltName=IP:127.0.0.1";
    snprintf(cert, sizeof(cert), "%s/cert.pem", relay_root);
    snprintf(key, sizeof(key), "%s/key.pem", relay_root);
    snprintf(box, sizeof(box), "%s/box", relay_root);
    snprintf(port_file, sizeof(port_file), "%s/port", relay_root);
    mkdir(box, 0700);
    char *openssl[] = {"openssl",
                       "req",
                       "-x509",
                       "-newkey",
                       "ec",
                       "-pkeyopt",
                       "ec_paramgen_curve:P-256",
                       "-nodes",
                       "-keyout",
                       key,
                       "-out",
                       cert,
                       "-days",
                       "36500",
                       "-subj",
                       "/CN=127.0.0.1",
                       "-addext",
                       subject_alt,
                       NULL};
    pid_t p = fork();
    if (p == 0) {
        /* Valid from long before the servers' clocks (CLOCK) to long after
         * the real one. */
        setenv("LD_PRELOAD", FAKETIME_LIBRARY, 1);
        setenv("FAKETIME", "@2020-01-01 00:00:00", 1);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execvp("openssl", openssl);
        _exit(127);
    }
    int status;
    if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "test_mail: openssl could not make the relay's certificate\n");
        exit(1);
    }
    char script[512];
    snprintf(script, sizeof(script), "%s/tests/smtp_relay.py", FOLIO_SOURCE_DIR);
    pid_t runner = getpid();
    relay_pid = fork();
    if (relay_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != runner)
            _exit(1);
        char log[160];
        snprintf(log, sizeof(log), "%s/relay.log", relay_root);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl("/usr/bin/python3", "python3", script, "--dir", box, "--port-file", port_file,
              "--cert", cert, "--key", key, "--defer", "2", "--login", "relay-user:relay-pass",
              (char *)NULL);
        _exit(127);
    }
    int port = 0;
    for (int i = 0; i < 300 && port == 0; i++) {
        FILE *f = fopen(port_file, "r");
        if (f != NULL) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (port == 0)
            usleep(50 * 1000);
    }
    if (port == 0) {
        fprintf(stderr, "test_mail: the relay did not start (python3-aiosmtpd; see %s/relay.log)\n",
                relay_root);
        exit(1);
    }
    snprintf(url_flag, sizeof(url_flag), "--smtp-url=smtp://127.0.0.1:%d", port);
    snprintf(ca_flag, sizeof(ca_flag), "--smtp-ca=%s", cert);
    setenv("FOLIO_TEST_RELAY_BOX", box, 1);
    setenv("FOLIO_TEST_RELAY_URL", url_flag, 1);
    setenv("FOLIO_TEST_RELAY_CA", ca_flag, 1);
    size_t n = 0;
    serve_flags[n++] = url_flag;
    serve_flags[n++] = ca_flag;
    serve_flags[n++] = "--smtp-from=" FROM;
    serve_flags[n++] = "--smtp-retry-base-ms=100";
    serve_flags[n++] = "--smtp-max-attempts=4";
    serve_flags[n++] = "--smtp-rate=100/s";
    serve_flags[n] = NULL;
}

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "mail") == 0 || strcmp(set->suite.name, "mail_restart") == 0)
        relay_start();
    if (strcmp(set->suite.name, "mail") == 0)
        harness_shared_start("mail", CLOCK, serve_flags);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("mail");
    if (relay_pid > 0) {
        kill(relay_pid, SIGTERM);
        waitpid(relay_pid, NULL, 0);
        char *rm[] = {"rm", "-rf", relay_root, NULL};
        harness_run(rm, NULL, NULL);
    }
}

/* ---------------------------------------------------------------- per test */

static struct harness_server srv;
static struct folio_connection *root, *agent;
static char agent_name[32];
static int pid;

static void login_agent(void)
{
    pid = (int)getpid();
    char office[32];
    snprintf(office, sizeof(office), "Mail-%d", pid);
    snprintf(agent_name, sizeof(agent_name), "ann-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, agent_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    agent = harness_user(&srv, agent_name, PW);
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    card.display_name = (char *)"Ann Agent";
    card.phone = (char *)"+51 1 555 0101";
    card.email = (char *)"ann@acme.test";
    card.hours = (char *)"Mon-Fri 9-18";
    const char *fields[] = {"display_name", "phone", "email", "hours"};
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_profile_set(agent, &card, fields, 4, &err), &err));
}

static void setup(void)
{
    harness_shared_attach(&srv, "mail");
    login_agent();
}

static void teardown(void)
{
    folio_connection_close(agent);
    folio_connection_close(root);
    agent = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(mail, .init = setup, .fini = teardown, .timeout = 60);

/* ---------------------------------------------------------------- helpers */

/* "LOCAL-PID@example.test" */
static void address(const char *local, char *out, size_t size)
{
    snprintf(out, size, "%s-%d@example.test", local, pid);
}

static void add_client(const char *name, const char *email, bool consent, char id[37])
{
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent c = FOLIO__CONSENT__INIT;
    char *emails[] = {(char *)email};
    c.email = consent;
    c.phone = true;
    client.name = (char *)name;
    client.city = (char *)"Lima";
    client.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    client.emails = emails;
    client.n_emails = 1;
    client.consent = &c;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(agent, &client, true, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static uint64_t add_offer(const char *client_id, const char *title)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)client_id;
    offer.title = (char *)title;
    offer.product = (char *)"home-loan";
    offer.rate_bp = 200;
    offer.valid_from = (char *)"2026-06-01";
    offer.valid_until = (char *)"2026-06-30";
    offer.channel = (char *)"email";
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = &offer;
    op.date = (char *)TODAY;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_offer_add_op(agent, &op, &err), &err);
    uint64_t id = r->offer->id;
    folio_response_free(r);
    return id;
}

static void withdraw_email_consent(const char *client_id)
{
    Folio__Client changes = FOLIO__CLIENT__INIT;
    Folio__Consent c = FOLIO__CONSENT__INIT;
    c.phone = true;
    changes.consent = &c;
    const char *fields[] = {"consent"};
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_client_update(agent, client_id, &changes, fields, 1, 0, &err), &err));
}

/* The messages the relay accepted for to: how many, and the text of the
 * last (malloc'd, or NULL). */
static int relay_received(const char *to, char **last)
{
    const char *box = getenv("FOLIO_TEST_RELAY_BOX");
    cr_assert_not_null(box);
    DIR *d = opendir(box);
    cr_assert_not_null(d);
    char want[160];
    snprintf(want, sizeof(want), "X-Relay-To: %s\r\n", to);
    int count = 0;
    if (last != NULL)
        *last = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".eml") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", box, e->d_name);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            continue;
        char *text = calloc(1, 256 * 1024);
        size_t n = fread(text, 1, 256 * 1024 - 1, f);
        fclose(f);
        text[n] = '\0';
        if (strncmp(text, want, strlen(want)) == 0) {
            count++;
            if (last != NULL) {
                free(*last);
                *last = text;
                continue;
            }
        }
        free(text);
    }
    closedir(d);
    return count;
}

/* The outbox message of offer (or of coupon code), as it is now. */
static Folio__OutboxMessage *outbox_of(Folio__Response **keep, uint64_t offer, const char *code)
{
    struct folio_error err = {0};
    *keep = harness_ok(folio_outbox_list(agent, NULL, 0, 0, &err), &err);
    for (size_t i = 0; i < (*keep)->outbox->n_messages; i++) {
        Folio__OutboxMessage *m = (*keep)->outbox->messages[i];
        if ((offer != 0 && m->offer_id == offer) ||
            (code != NULL && strcmp(m->coupon_code, code) == 0))
            return m;
    }
    cr_assert_fail("no outbox message for offer %llu", (unsigned long long)offer);
    return NULL;
}

/* Waits (bounded) until the message of offer or code leaves state queued;
 * its state then, in state. */
static void wait_settled(uint64_t offer, const char *code, char *state, size_t size,
                         uint32_t *attempts, char *reply, size_t reply_size)
{
    int64_t deadline = harness_now_ms() + harness_timeout_ms();
    for (;;) {
        Folio__Response *r;
        Folio__OutboxMessage *m = outbox_of(&r, offer, code);
        bool queued = strcmp(m->state, "queued") == 0;
        snprintf(state, size, "%s", m->state);
        if (attempts != NULL)
            *attempts = m->attempts;
        if (reply != NULL)
            snprintf(reply, reply_size, "%s", m->reply);
        folio_response_free(r);
        if (!queued)
            return;
        cr_assert(harness_now_ms() < deadline, "the message of offer %llu stayed queued",
                  (unsigned long long)offer);
        harness_sleep_ms(50);
    }
}

static Folio__Offer *offer_of(Folio__Response **keep, const char *client_id, uint64_t id)
{
    struct folio_error err = {0};
    *keep = harness_ok(folio_offer_list(agent, client_id, NULL, TODAY, 0, 0, &err), &err);
    for (size_t i = 0; i < (*keep)->offers->n_offers; i++)
        if ((*keep)->offers->offers[i]->id == id)
            return (*keep)->offers->offers[i];
    cr_assert_fail("no offer %llu", (unsigned long long)id);
    return NULL;
}

/* Whether the client's history has an entry whose what is `what`. */
static bool history_has(const char *client_id, const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(agent, client_id, 0, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->timeline->n_events; i++)
        if (strcmp(r->timeline->events[i]->what, what) == 0)
            found = true;
    folio_response_free(r);
    return found;
}

/* The decoded text of the MIME part of type (text/plain, text/html) of a
 * message the relay wrote (malloc'd). */
static char *part(const char *message, const char *type)
{
    char header[64];
    snprintf(header, sizeof(header), "Content-Type: %s; charset=utf-8\r\n", type);
    const char *at = strstr(message, header);
    cr_assert_not_null(at, "no %s part", type);
    at = strstr(at, "\r\n\r\n");
    cr_assert_not_null(at);
    at += 4;
    const char *end = strstr(at, "\r\n--");
    cr_assert_not_null(end);
    size_t len = (size_t)(end - at);
    char *out = calloc(1, len + 1);
    size_t n = 0;
    cr_assert_eq(sodium_base642bin((unsigned char *)out, len, at, len, "\r\n", &n, NULL,
                                   sodium_base64_VARIANT_ORIGINAL),
                 0, "the %s part is not base64", type);
    out[n] = '\0';
    return out;
}

static void send_offer(uint64_t id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_offer_send(agent, id, TODAY, &err), &err);
    cr_assert_eq(r->send_result->n_messages, 1);
    cr_assert_str_eq(r->send_result->messages[0]->state, "queued");
    cr_assert_str_eq(r->send_result->offer->status, "sent");
    cr_assert_str_eq(r->send_result->offer->mail_state, "queued");
    folio_response_free(r);
}

/* ---------------------------------------------------------------- tests */

Test(mail, offer_send_delivers_one_personal_message)
{
    char to[96], id[37], state[32];
    address("maria", to, sizeof(to));
    add_client("María <b>O'Neil</b>", to, true, id);
    uint64_t offer = add_offer(id, "Home loan at 2 %");
    send_offer(offer);
    wait_settled(offer, NULL, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");

    char *msg = NULL;
    cr_assert_eq(relay_received(to, &msg), 1);
    cr_assert_not_null(strstr(msg, "X-Relay-TLS: yes\r\n"), "STARTTLS was not used");
    cr_assert_not_null(strstr(msg, "X-Relay-Auth: -\r\n"));
    cr_assert_not_null(strstr(msg, "\r\nFrom: \"Ann Agent\" <" FROM ">\r\n"));
    cr_assert_not_null(strstr(msg, "\r\nReply-To: <ann@acme.test>\r\n"));
    cr_assert_not_null(strstr(msg, "\r\nSubject: Home loan at 2 %\r\n"));
    cr_assert_not_null(strstr(msg, "\r\nList-Unsubscribe: <mailto:unsubscribe@acme.test>\r\n"));
    cr_assert_not_null(strstr(msg, "\r\nMessage-ID: <folio."));
    cr_assert_not_null(strstr(msg, "\r\nDate: "));
    cr_assert_not_null(strstr(msg, "Content-Type: multipart/alternative; boundary="));
    char *plain = part(msg, "text/plain"), *html = part(msg, "text/html");
    cr_assert_not_null(strstr(plain, "Dear María <b>O'Neil</b>,"));
    cr_assert_not_null(strstr(plain, "Home loan at 2 % (home-loan 2.00 %)"));
    cr_assert_not_null(
        strstr(plain, "Ann Agent\r\n+51 1 555 0101\r\nann@acme.test\r\nMon-Fri 9-18"));
    cr_assert_not_null(strstr(plain, "unsubscribe@acme.test"));
    /* The client's name is escaped in the HTML part, never markup. */
    cr_assert_not_null(strstr(html, "Dear María &lt;b&gt;O&#39;Neil&lt;/b&gt;,"));
    cr_assert_null(strstr(html, "<b>O"));
    cr_assert_not_null(strstr(html, "+51 1 555 0101"));
    free(plain);
    free(html);
    free(msg);

    Folio__Response *r;
    Folio__Offer *o = offer_of(&r, id, offer);
    cr_assert_str_eq(o->status, "sent");
    cr_assert_str_eq(o->mail_state, "delivered");
    cr_assert_not_null(strstr(o->mail_reply, "250"));
    folio_response_free(r);
    cr_assert(history_has(id, "sent by e-mail"));
    cr_assert(history_has(id, "e-mail delivered"));

    /* Sent once: a second send is refused and nothing more goes out. */
    struct folio_error err = {0};
    harness_refused(folio_offer_send(agent, offer, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
}

Test(mail, no_message_without_consent)
{
    char to[96], id[37];
    address("noconsent", to, sizeof(to));
    add_client("Pedro Quispe", to, true, id);
    uint64_t offer = add_offer(id, "Car insurance");
    withdraw_email_consent(id);
    struct folio_error err = {0};
    harness_refused(folio_offer_send(agent, offer, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "consent") != NULL, "%s", err.message);
    Folio__Response *r;
    Folio__Offer *o = offer_of(&r, id, offer);
    cr_assert_str_eq(o->status, "proposed");
    folio_response_free(r);
    harness_sleep_ms(300);
    cr_assert_eq(relay_received(to, NULL), 0);
}

Test(mail, withdrawn_consent_cancels_a_queued_message)
{
    char to[96], id[37], state[32], reply[256];
    address("hold", to, sizeof(to));
    add_client("Rosa Huaman", to, true, id);
    uint64_t offer = add_offer(id, "Life insurance");
    send_offer(offer);
    withdraw_email_consent(id);
    wait_settled(offer, NULL, state, sizeof(state), NULL, reply, sizeof(reply));
    cr_assert_str_eq(state, "cancelled");
    cr_assert(strstr(reply, "consent") != NULL, "%s", reply);
    Folio__Response *r;
    Folio__Offer *o = offer_of(&r, id, offer);
    cr_assert_str_eq(o->mail_state, "cancelled");
    folio_response_free(r);
    cr_assert(history_has(id, "e-mail cancelled"));
    cr_assert_eq(relay_received(to, NULL), 0);
}

Test(mail, erasing_a_client_leaves_no_message_behind)
{
    char to[96], id[37];
    address("hold-erased", to, sizeof(to));
    add_client("Erased Person", to, true, id);
    uint64_t offer = add_offer(id, "Pension plan");
    send_offer(offer);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_erase(agent, id, &err), &err));
    Folio__Response *r = harness_ok(folio_outbox_list(agent, NULL, 0, 0, &err), &err);
    for (size_t i = 0; i < r->outbox->n_messages; i++)
        cr_assert_neq(r->outbox->messages[i]->offer_id, offer);
    folio_response_free(r);
    harness_sleep_ms(300);
    cr_assert_eq(relay_received(to, NULL), 0);
}

Test(mail, a_4xx_is_tried_again_and_delivered_once)
{
    char to[96], id[37], state[32];
    uint32_t attempts = 0;
    address("defer", to, sizeof(to));
    add_client("Luis Torres", to, true, id);
    uint64_t offer = add_offer(id, "Savings plan");
    send_offer(offer);
    wait_settled(offer, NULL, state, sizeof(state), &attempts, NULL, 0);
    cr_assert_str_eq(state, "sent");
    cr_assert_eq(attempts, 3, "the relay deferred twice: %u attempts", attempts);
    cr_assert_eq(relay_received(to, NULL), 1);
}

Test(mail, a_5xx_is_recorded_as_failed_with_the_reply)
{
    char to[96], id[37], state[32], reply[256];
    address("reject", to, sizeof(to));
    add_client("Ana Flores", to, true, id);
    uint64_t offer = add_offer(id, "Travel insurance");
    send_offer(offer);
    wait_settled(offer, NULL, state, sizeof(state), NULL, reply, sizeof(reply));
    cr_assert_str_eq(state, "failed");
    cr_assert(strstr(reply, "550") != NULL, "%s", reply);
    Folio__Response *r;
    Folio__Offer *o = offer_of(&r, id, offer);
    cr_assert_str_eq(o->mail_state, "failed");
    cr_assert(strstr(o->mail_reply, "550 5.1.1") != NULL, "%s", o->mail_reply);
    folio_response_free(r);
    cr_assert(history_has(id, "e-mail failed"));
    cr_assert_eq(relay_received(to, NULL), 0);
}

Test(mail, coupon_send)
{
    char to[96], id[37], state[32];
    address("coupon", to, sizeof(to));
    add_client("Julia Rojas", to, true, id);
    char partner_name[32];
    snprintf(partner_name, sizeof(partner_name), "Cine-%d", pid);
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"cinema";
    partner.city = (char *)"Lima";
    struct folio_error err = {0};
    Folio__Response *p = harness_ok(folio_partner_add(root, &partner, &err), &err);
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = id;
    coupon.partner_id = p->partner->id;
    coupon.discount = (char *)"2x1 tickets";
    coupon.valid_until = (char *)"2026-07-31";
    folio_response_free(p);
    Folio__Response *c = harness_ok(folio_coupon_issue(agent, &coupon, TODAY, &err), &err);
    char code[32];
    snprintf(code, sizeof(code), "%s", c->coupon->code);
    folio_response_free(c);
    Folio__Response *s = harness_ok(folio_coupon_send(agent, code, TODAY, &err), &err);
    cr_assert_str_eq(s->send_result->coupon->mail_state, "queued");
    folio_response_free(s);
    wait_settled(0, code, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");
    char *msg = NULL;
    cr_assert_eq(relay_received(to, &msg), 1);
    char *plain = part(msg, "text/plain");
    cr_assert_not_null(strstr(plain, code));
    cr_assert_not_null(strstr(plain, "2x1 tickets"));
    cr_assert_not_null(strstr(plain, partner_name));
    free(plain);
    free(msg);
    harness_refused(folio_coupon_send(agent, code, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
}

/* Creates campaign (name, title and the rest as the caller set them) by
 * e-mail for June, for the agent's clients in Lima; returns its id. */
static uint64_t campaign_in_lima(Folio__Campaign *campaign)
{
    campaign->valid_from = (char *)"2026-06-01";
    campaign->valid_until = (char *)"2026-06-30";
    campaign->channel = (char *)"email";
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    segment.city = (char *)"Lima";
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    op.campaign = campaign;
    op.segment = &segment;
    op.date = (char *)TODAY;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_campaign_create(agent, &op, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    return id;
}

Test(mail, campaign_send_skips_clients_without_consent)
{
    char to_a[96], to_b[96], a[37], b[37];
    address("camp-a", to_a, sizeof(to_a));
    address("camp-b", to_b, sizeof(to_b));
    add_client("Carla Vega", to_a, true, a);
    add_client("Diego Paz", to_b, true, b);
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    campaign.name = (char *)"june-loans";
    campaign.title = (char *)"Home loan at 2 %";
    campaign.product = (char *)"home-loan";
    campaign.rate_bp = 200;
    char partner_name[32];
    snprintf(partner_name, sizeof(partner_name), "Gym-%d", pid);
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"gym";
    struct folio_error perr = {0};
    Folio__Response *p = harness_ok(folio_partner_add(root, &partner, &perr), &perr);
    campaign.partner_id = p->partner->id;
    campaign.discount = (char *)"a free month";
    folio_response_free(p);
    uint64_t id = campaign_in_lima(&campaign);
    withdraw_email_consent(b);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_campaign_send(agent, id, TODAY, &err), &err);
    cr_assert_eq(r->send_result->n_messages, 1);
    cr_assert_eq(r->send_result->skipped, 1);
    cr_assert_str_eq(r->send_result->messages[0]->client_id, a);
    uint64_t offer = r->send_result->messages[0]->offer_id;
    folio_response_free(r);
    char state[32];
    wait_settled(offer, NULL, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");
    /* Again: nothing is still proposed but the skipped one's. */
    r = harness_ok(folio_campaign_send(agent, id, TODAY, &err), &err);
    cr_assert_eq(r->send_result->n_messages, 0);
    folio_response_free(r);
    char *msg = NULL;
    cr_assert_eq(relay_received(to_a, &msg), 1);
    cr_assert_eq(relay_received(to_b, NULL), 0);
    /* The coupon issued with the offer goes in the same message. */
    char *plain = part(msg, "text/plain");
    cr_assert_not_null(strstr(plain, "With it, a coupon from "), "%s", plain);
    cr_assert_not_null(strstr(plain, partner_name));
    cr_assert_not_null(strstr(plain, "a free month"));
    cr_assert_not_null(strstr(plain, "Your code is "));
    free(plain);
    free(msg);
}

/* The connection a message came on (the relay's X-Relay-Peer), into peer. */
static void relay_peer(const char *msg, char *peer, size_t size)
{
    const char *at = strstr(msg, "X-Relay-Peer: ");
    cr_assert_not_null(at, "the relay names no peer");
    at += strlen("X-Relay-Peer: ");
    size_t len = strcspn(at, "\r\n");
    cr_assert_lt(len, size);
    memcpy(peer, at, len);
    peer[len] = '\0';
}

/* One relay connection carries a campaign's messages one after another:
 * each delivery ends when the relay accepts the message, not after a QUIT,
 * so a crash between the acceptance and its commit is as unlikely as it
 * can be. */
Test(mail, a_campaign_goes_out_on_one_connection)
{
    enum { CLIENTS = 4 };
    char to[CLIENTS][96], id[CLIENTS][37];
    for (int i = 0; i < CLIENTS; i++) {
        char local[32];
        snprintf(local, sizeof(local), "batch-%d", i);
        address(local, to[i], sizeof(to[i]));
        add_client("Batch Client", to[i], true, id[i]);
    }
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    campaign.name = (char *)"batch";
    campaign.title = (char *)"Home loan at 2 %";
    uint64_t campaign_id = campaign_in_lima(&campaign);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_campaign_send(agent, campaign_id, TODAY, &err), &err);
    cr_assert_eq(r->send_result->n_messages, CLIENTS);
    uint64_t offers[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        offers[i] = r->send_result->messages[i]->offer_id;
    folio_response_free(r);
    char peers[CLIENTS][64];
    int distinct = 0;
    /* The replies list messages in their own order: every one settled
     * first, then each client's. */
    for (int i = 0; i < CLIENTS; i++) {
        char state[32];
        wait_settled(offers[i], NULL, state, sizeof(state), NULL, NULL, 0);
        cr_assert_str_eq(state, "sent");
    }
    for (int i = 0; i < CLIENTS; i++) {
        char *msg = NULL;
        cr_assert_eq(relay_received(to[i], &msg), 1);
        relay_peer(msg, peers[i], sizeof(peers[i]));
        free(msg);
        bool seen = false;
        for (int k = 0; k < i; k++)
            seen |= strcmp(peers[k], peers[i]) == 0;
        distinct += !seen;
    }
    cr_assert_lt(distinct, CLIENTS, "each of %d messages came on a connection of its own", CLIENTS);
}

Test(mail, templates_speak_the_clients_language)
{
    Folio__MailTemplate t = FOLIO__MAIL_TEMPLATE__INIT;
    t.kind = (char *)"offer";
    t.language = (char *)"es";
    t.subject = (char *)"{{offer.title}} para {{client.name}}";
    t.body = (char *)"Hola {{client.name}}: {{client.secret}}\n";
    struct folio_error err = {0};
    harness_refused(folio_mail_template(root, "set", &t, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "{{client.secret}}") != NULL, "%s", err.message);
    t.body = (char *)"Hola \xff\xfe {{client.name}}\n";
    harness_refused(folio_mail_template(root, "set", &t, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "body-file") != NULL, "a body not UTF-8: %s", err.message);
    t.body = (char *)"Hola {{ client.name }}: {{offer.title}} hasta {{offer.valid_until}}.\n"
                     "<b>{{agent.name}}</b>\n";
    t.subject = (char *)"Oferta\r\nBcc: x@evil.test";
    harness_refused(folio_mail_template(root, "set", &t, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    t.subject = (char *)"{{offer.title}} para {{client.name}}";
    folio_response_free(harness_ok(folio_mail_template(root, "set", &t, &err), &err));
    harness_refused(folio_mail_template(agent, "list", NULL, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    Folio__Response *r = harness_ok(folio_mail_template(root, "list", NULL, &err), &err);
    cr_assert_geq(r->mail_templates->n_templates, 1);
    folio_response_free(r);

    char to[96], id[37], state[32];
    address("eva", to, sizeof(to));
    /* A name that would be another recipient, were it not encoded. */
    add_client("Eva \"Bcc: x@evil.test\" <x@evil.test>", to, true, id);
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.language = (char *)"es";
    const char *fields[] = {"language"};
    folio_response_free(
        harness_ok(folio_client_update(agent, id, &changes, fields, 1, 0, &err), &err));
    uint64_t offer = add_offer(id, "Seguro de vida");
    send_offer(offer);
    wait_settled(offer, NULL, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");
    char *msg = NULL;
    cr_assert_eq(relay_received(to, &msg), 1);
    cr_assert_not_null(strstr(msg, "X-Relay-To: "));
    cr_assert_null(strstr(msg, "x@evil.test,"), "a value added a recipient");
    cr_assert_not_null(strstr(msg, "\r\nTo: =?UTF-8?B?"), "the name is not encoded");
    cr_assert_not_null(strstr(msg, "\r\nSubject: Seguro de vida para Eva \"Bcc: x@evil.test\""));
    char *plain = part(msg, "text/plain"), *html = part(msg, "text/html");
    cr_assert_not_null(strstr(plain, "Seguro de vida hasta 2026-06-30."));
    cr_assert_not_null(strstr(html, "&lt;b&gt;Ann Agent&lt;/b&gt;"), "%s", html);
    free(plain);
    free(html);
    free(msg);
}

/* ---------------------------------------------------------------- restart */

static struct harness_server own;

static char credentials_flag[96];

static void restart_setup(void)
{
    /* This server logs in to the relay (the shared one does not). */
    char path[64];
    snprintf(path, sizeof(path), "/tmp/folio-mail-credentials-%d", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "relay-user:relay-pass\n", 22), 22);
    close(fd);
    snprintf(credentials_flag, sizeof(credentials_flag), "--smtp-credentials=%s", path);
    const char *flags[] = {getenv("FOLIO_TEST_RELAY_URL"),
                           getenv("FOLIO_TEST_RELAY_CA"),
                           "--smtp-from=" FROM,
                           "--smtp-retry-base-ms=100",
                           credentials_flag,
                           NULL};
    static const char *kept[8];
    memcpy(kept, flags, sizeof(flags));
    harness_server_clock(&own, CLOCK);
    harness_server_start(&own, kept);
    srv = own;
    login_agent();
}

static void restart_teardown(void)
{
    folio_connection_close(agent);
    folio_connection_close(root);
    agent = root = NULL;
    harness_server_finish(&own);
    harness_server_cleanup(&own);
}

TestSuite(mail_restart, .init = restart_setup, .fini = restart_teardown, .timeout = 90);

Test(mail_restart, nothing_is_lost_or_sent_twice_across_restarts)
{
    char sent_to[96], deferred_to[96], a[37], b[37], state[32];
    address("once", sent_to, sizeof(sent_to));
    address("defer", deferred_to, sizeof(deferred_to));
    add_client("Elena Soto", sent_to, true, a);
    add_client("Mario Ruiz", deferred_to, true, b);
    uint64_t first = add_offer(a, "Home loan");
    send_offer(first);
    wait_settled(first, NULL, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");
    /* Queued, and deferred by the relay at first: stopped and started
     * again meanwhile, the server still delivers it, once. */
    uint64_t second = add_offer(b, "Car insurance");
    send_offer(second);
    folio_connection_close(agent);
    folio_connection_close(root);
    harness_server_restart(&own);
    srv = own;
    root = harness_admin(&own);
    agent = harness_user(&own, agent_name, PW);
    wait_settled(second, NULL, state, sizeof(state), NULL, NULL, 0);
    cr_assert_str_eq(state, "sent");
    folio_connection_close(agent);
    folio_connection_close(root);
    harness_server_restart(&own);
    root = harness_admin(&own);
    agent = harness_user(&own, agent_name, PW);
    harness_sleep_ms(500);
    char *msg = NULL;
    cr_assert_eq(relay_received(sent_to, &msg), 1);
    cr_assert_not_null(strstr(msg, "X-Relay-Auth: relay-user\r\n"), "foliod did not log in");
    free(msg);
    cr_assert_eq(relay_received(deferred_to, NULL), 1);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/folio-mail-credentials-%d", (int)getpid());
    unlink(path);
}
