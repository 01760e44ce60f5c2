/* mail_sender.c - see mail_sender.h. */
#include "mail_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "calendar.h"
#include "client_record.h"
#include "log.h"
#include "outbox.h"
#include "server.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_offer.h"
#include "store_outbox.h"
#include "store_partner.h"
#include "store_profile.h"
#include "store_user.h"
#include "writer.h"

#define MAIL_SENDER_IDLE_MS        1000    /* look at the outbox at least this often */
#define MAIL_SENDER_SCAN_MAX       4096    /* queued messages looked at for the one due first */
#define MAIL_SENDER_BACKOFF_MAX_MS 3600000 /* an hour */
#define MAIL_SENDER_CONNECT_S      10
#define MAIL_SENDER_TIMEOUT_S      60

enum mail_result { MAIL_SENT, MAIL_DEFERRED, MAIL_FAILED, MAIL_CANCELLED };

/* One attempt's result, from the thread to the writer. */
struct mail_outcome {
    struct writer_job job;
    struct mail_outcome *next;
    struct mail_sender *sender;
    uint64_t id;
    enum mail_result result;
    int64_t now_ms;
    char reply[MAIL_SENDER_TEXT_MAX];
    char recipient[OUTBOX_ADDRESS_MAX + 1];
};

static int64_t mail_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- settings */

static bool mail_host_loopback(const char *host)
{
    unsigned char addr[16];
    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, addr) == 1)
        return addr[0] == 127;
    if (inet_pton(AF_INET6, host, addr) == 1) {
        static const unsigned char one[16] = {[15] = 1};
        return memcmp(addr, one, 16) == 0;
    }
    return false;
}

/* "smtp://HOST:PORT" or "smtps://HOST:PORT" (a trailing slash allowed):
 * whether it is smtps, and the host. */
static int mail_parse_url(const char *url, bool *smtps, char *host, size_t host_size)
{
    const char *rest;
    if (strncmp(url, "smtp://", 7) == 0) {
        *smtps = false;
        rest = url + 7;
    } else if (strncmp(url, "smtps://", 8) == 0) {
        *smtps = true;
        rest = url + 8;
    } else {
        return -1;
    }
    const char *end;
    if (rest[0] == '[') {
        end = strchr(rest, ']');
        if (end == NULL || end[1] != ':')
            return -1;
        rest++;
    } else {
        end = strchr(rest, ':');
        if (end == NULL)
            return -1;
    }
    size_t len = (size_t)(end - rest);
    if (len == 0 || len >= host_size)
        return -1;
    memcpy(host, rest, len);
    host[len] = '\0';
    const char *port = strchr(end, ':') + 1;
    char *stop;
    long p = strtol(port, &stop, 10);
    if (stop == port || p < 1 || p > 65535 || (*stop != '\0' && strcmp(stop, "/") != 0))
        return -1;
    for (const char *c = url; *c != '\0'; c++)
        if ((unsigned char)*c <= ' ')
            return -1;
    return 0;
}

static int mail_read_credentials(struct mail_sender *m, const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        log_error("--smtp-credentials %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0077) != 0) {
        log_error("--smtp-credentials %s: must be a file of mode 0600 (chmod 600 %s)", path, path);
        close(fd);
        return -1;
    }
    char text[2 * MAIL_SENDER_TEXT_MAX + 2];
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n < 0) {
        log_error("--smtp-credentials %s: %s", path, strerror(errno));
        return -1;
    }
    text[n] = '\0';
    text[strcspn(text, "\r\n")] = '\0';
    char *colon = strchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= sizeof(m->user) ||
        strlen(colon + 1) >= sizeof(m->password)) {
        log_error("--smtp-credentials %s: wants one line USER:PASSWORD", path);
        sodium_memzero(text, sizeof(text));
        return -1;
    }
    *colon = '\0';
    memcpy(m->user, text, (size_t)(colon - text) + 1);
    memcpy(m->password, colon + 1, strlen(colon + 1) + 1);
    sodium_memzero(text, sizeof(text));
    m->login = true;
    return 0;
}

int mail_sender_open(struct mail_sender *m, struct server *s)
{
    memset(m, 0, sizeof(*m));
    m->server = s;
    const struct server_config *c = &s->config;
    if (c->smtp_url == NULL)
        return 0;
    char host[MAIL_SENDER_TEXT_MAX];
    bool smtps;
    if (strlen(c->smtp_url) >= sizeof(m->url) ||
        mail_parse_url(c->smtp_url, &smtps, host, sizeof(host)) != 0) {
        log_error("--smtp-url wants smtp://HOST:PORT or smtps://HOST:PORT, not \"%s\"",
                  c->smtp_url);
        return -1;
    }
    snprintf(m->url, sizeof(m->url), "%s", c->smtp_url);
    m->require_tls = !mail_host_loopback(host);
    if (c->smtp_from == NULL || !outbox_address_ok(c->smtp_from)) {
        log_error("--smtp-from wants the firm's address (local@domain) with --smtp-url");
        return -1;
    }
    snprintf(m->from, sizeof(m->from), "%s", c->smtp_from);
    const char *domain = strchr(m->from, '@') + 1;
    snprintf(m->domain, sizeof(m->domain), "%s", domain);
    if (c->smtp_unsubscribe != NULL) {
        if (!outbox_address_ok(c->smtp_unsubscribe)) {
            log_error("--smtp-unsubscribe wants an address (local@domain), not \"%s\"",
                      c->smtp_unsubscribe);
            return -1;
        }
        snprintf(m->unsubscribe, sizeof(m->unsubscribe), "%s", c->smtp_unsubscribe);
    } else {
        snprintf(m->unsubscribe, sizeof(m->unsubscribe), "unsubscribe@%s", domain);
    }
    if (c->smtp_credentials != NULL && mail_read_credentials(m, c->smtp_credentials) != 0)
        return -1;
    if (c->smtp_ca != NULL && access(c->smtp_ca, R_OK) != 0) {
        log_error("--smtp-ca %s: %s", c->smtp_ca, strerror(errno));
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error("libcurl would not start");
        return -1;
    }
    m->enabled = true;
    return 0;
}

void mail_sender_message_id(const struct mail_sender *m, uint64_t id, char *out, size_t size)
{
    unsigned char random[8];
    char hex[2 * sizeof(random) + 1];
    randombytes_buf(random, sizeof(random));
    sodium_bin2hex(hex, sizeof(hex), random, sizeof(random));
    snprintf(out, size, "folio.%llu.%s@%s", (unsigned long long)id, hex,
             m->domain[0] != '\0' ? m->domain : "localhost");
}

/* ---------------------------------------------------------------- building */

/* What the thread hands the relay, or why it will not. */
struct mail_attempt {
    struct arena arena;
    enum mail_result result; /* MAIL_SENT: send message; else settled without sending */
    char reply[MAIL_SENDER_TEXT_MAX];
    char recipient[OUTBOX_ADDRESS_MAX + 1];
    char *message;
    size_t len;
    uint32_t attempts;
    bool abandoned; /* given up for a stop before a byte of it went: nothing to record */
};

static void mail_rate_text(int64_t bp, char *out, size_t size)
{
    if (bp == 0)
        out[0] = '\0';
    else
        snprintf(out, size, "%s%lld.%02lld %%", bp < 0 ? "-" : "", (long long)llabs(bp) / 100,
                 (long long)llabs(bp) % 100);
}

/* Fills a from the store; MAIL_CANCELLED or MAIL_FAILED with the reason
 * when the message is not to be sent. */
static int mail_prepare(struct mail_sender *m, MDB_txn *txn, const Folio__OutboxMessage *row,
                        struct mail_attempt *a)
{
    struct store *store = &m->server->store;
    struct arena *ar = &a->arena;
    a->attempts = row->attempts;
    uint8_t cid[16];
    Folio__Client *client = NULL;
    int rc = client_id_parse(row->client_id, cid) == 0
                 ? store_client_get(store, txn, cid, ar, &client)
                 : MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND || (client != NULL && client->owner_id != row->owner_id)) {
        a->result = MAIL_CANCELLED;
        snprintf(a->reply, sizeof(a->reply), "the client is no longer the agent's");
        return 0;
    }
    if (rc != 0)
        return rc;
    if (client->consent == NULL || !client->consent->email) {
        a->result = MAIL_CANCELLED;
        snprintf(a->reply, sizeof(a->reply), "the client does not consent to e-mail");
        return 0;
    }
    if (client->n_emails == 0) {
        a->result = MAIL_FAILED;
        snprintf(a->reply, sizeof(a->reply), "the client has no e-mail address");
        return 0;
    }
    snprintf(a->recipient, sizeof(a->recipient), "%s", client->emails[0]);

    struct outbox_values values = {0};
    enum outbox_kind kind = strcmp(row->kind, "coupon") == 0 ? OUTBOX_COUPON : OUTBOX_OFFER;
    char rate[32];
    if (kind == OUTBOX_OFFER) {
        Folio__Offer *offer;
        if ((rc = store_offer_get(store, txn, row->offer_id, ar, &offer)) == MDB_NOTFOUND ||
            (rc == 0 && strcmp(offer->status, "withdrawn") == 0)) {
            a->result = MAIL_CANCELLED;
            snprintf(a->reply, sizeof(a->reply), "the offer was withdrawn");
            return 0;
        }
        if (rc != 0)
            return rc;
        mail_rate_text(offer->rate_bp, rate, sizeof(rate));
        outbox_value(&values, "offer.title", offer->title);
        outbox_value(&values, "offer.product", offer->product);
        outbox_value(&values, "offer.rate", arena_strdup(ar, rate));
        outbox_value(&values, "offer.valid_from", offer->valid_from);
        outbox_value(&values, "offer.valid_until", offer->valid_until);
    }
    /* A coupon's message, or an offer's whose campaign issued a coupon with
     * it: that one is in the message too, while it stands. */
    bool with_coupon = false;
    if (row->coupon_code[0] != '\0') {
        Folio__Coupon *coupon;
        rc = store_coupon_get(store, txn, row->coupon_code, ar, &coupon);
        bool gone = rc == MDB_NOTFOUND || (rc == 0 && coupon->withdrawn_at[0] != '\0');
        if (gone && kind == OUTBOX_COUPON) {
            a->result = MAIL_CANCELLED;
            snprintf(a->reply, sizeof(a->reply), "the coupon was withdrawn");
            return 0;
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
        Folio__Partner *partner = NULL;
        if (!gone && (rc = store_partner_get(store, txn, coupon->partner_id, ar, &partner)) != 0 &&
            rc != MDB_NOTFOUND)
            return rc;
        if (!gone) {
            with_coupon = true;
            outbox_value(&values, "coupon.code", coupon->code);
            outbox_value(&values, "coupon.discount", coupon->discount);
            outbox_value(&values, "coupon.partner", partner != NULL ? partner->name : "");
            outbox_value(&values, "coupon.valid_until", coupon->valid_until);
        }
    }
    Folio__AgentCard *card = NULL;
    Folio__User *user = NULL;
    if ((rc = store_profile_get(store, txn, row->owner_id, ar, &card)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    if ((rc = store_user_get(store, txn, row->owner_id, ar, &user)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    const char *agent = card != NULL && card->display_name[0] != '\0' ? card->display_name
                        : user != NULL                                ? user->name
                                                                      : "";
    outbox_value(&values, "client.name", client->name);
    outbox_value(&values, "agent.name", agent);
    outbox_value(&values, "agent.phone", card != NULL ? card->phone : "");
    outbox_value(&values, "agent.email", card != NULL ? card->email : "");
    outbox_value(&values, "agent.hours", card != NULL ? card->hours : "");
    outbox_value(&values, "firm.name", m->server->firm_name);

    Folio__MailTemplate *tpl = NULL;
    if (client->language[0] != '\0' &&
        (rc = store_mail_template_get(store, txn, row->kind, client->language, ar, &tpl)) != 0 &&
        rc != MDB_NOTFOUND)
        return rc;
    struct outbox_mail mail = {
        .from = m->from,
        .from_name = agent,
        .to = a->recipient,
        .to_name = client->name,
        .reply_to = card != NULL && outbox_address_ok(card->email) ? card->email : "",
        .unsubscribe = m->unsubscribe,
        .message_id = row->message_id,
        .date = mail_now_ms() / 1000,
        .subject = tpl != NULL ? tpl->subject : outbox_default_subject(kind),
        .body = tpl != NULL ? tpl->body : outbox_default_body(kind, with_coupon),
        .values = &values,
    };
    rc = outbox_build(&mail, &a->message, &a->len, a->reply, sizeof(a->reply));
    if (rc == EINVAL) {
        a->result = MAIL_FAILED;
        return 0;
    }
    a->result = MAIL_SENT;
    return rc;
}

/* ---------------------------------------------------------------- sending */

struct mail_upload {
    const char *data;
    size_t len, at;
};

static size_t mail_read(char *buf, size_t size, size_t n, void *ctx)
{
    struct mail_upload *u = ctx;
    size_t room = size * n, left = u->len - u->at;
    size_t take = left < room ? left : room;
    memcpy(buf, u->data + u->at, take);
    u->at += take;
    return take;
}

/* The relay's reply for the record: the first refusal (4xx, 5xx), else
 * the last line (not QUIT's answer, which follows a refusal too). */
static size_t mail_header(char *buf, size_t size, size_t n, void *ctx)
{
    char *reply = ctx;
    size_t len = size * n, keep = len;
    while (keep > 0 && (buf[keep - 1] == '\r' || buf[keep - 1] == '\n'))
        keep--;
    bool refused = reply[0] == '4' || reply[0] == '5';
    if (keep > 0 && !refused && strncmp(buf, "221", 3) != 0) {
        if (keep >= MAIL_SENDER_TEXT_MAX)
            keep = MAIL_SENDER_TEXT_MAX - 1;
        memcpy(reply, buf, keep);
        reply[keep] = '\0';
        for (size_t i = 0; i < keep; i++)
            if ((unsigned char)reply[i] < ' ')
                reply[i] = ' ';
    }
    return len;
}

/* A stop abandons a delivery that has not sent a byte of its message (a
 * relay slow to answer, a handshake that hangs): the relay cannot have
 * accepted it, and it stays queued. One under way is let finish, so that
 * its result is recorded. */
static int mail_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                         curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    const struct mail_sender *m = ctx;
    return ulnow == 0 && atomic_load(&m->abandon) ? 1 : 0;
}

/* Hands a's message to the relay; sets a->result and a->reply. *handle is
 * the thread's libcurl handle, made on first use and kept: its connection
 * stays open from one message to the next, so a delivery ends when the
 * relay accepts the message, not after a QUIT, and the time between the
 * relay's acceptance and the commit that records it (when a crash makes a
 * second copy) is as short as it can be. */
static void mail_deliver(struct mail_sender *m, CURL **handle, struct mail_attempt *a)
{
    const struct server_config *c = &m->server->config;
    if (*handle == NULL)
        *handle = curl_easy_init();
    else
        curl_easy_reset(*handle); /* the options go; the open connection stays */
    CURL *curl = *handle;
    if (curl == NULL) {
        a->result = MAIL_DEFERRED;
        snprintf(a->reply, sizeof(a->reply), "libcurl: out of memory");
        return;
    }
    struct mail_upload upload = {a->message, a->len, 0};
    struct curl_slist *rcpt = curl_slist_append(NULL, a->recipient);
    char error[CURL_ERROR_SIZE] = "", reply[MAIL_SENDER_TEXT_MAX] = "";
    curl_easy_setopt(curl, CURLOPT_URL, m->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, m->require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
    if (c->smtp_ca != NULL)
        curl_easy_setopt(curl, CURLOPT_CAINFO, c->smtp_ca);
    if (m->login) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, m->password);
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, m->from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, mail_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, mail_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, (void *)reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, mail_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)m);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)MAIL_SENDER_CONNECT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)MAIL_SENDER_TIMEOUT_S);
    /* Bounds each reply's wait, the QUIT's of mail_hang_up too, which a stop
     * waits for: a relay may take its time over the message, not longer. */
    curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)MAIL_SENDER_TIMEOUT_S);
    CURLcode rc = rcpt == NULL ? CURLE_OUT_OF_MEMORY : curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        a->abandoned = true;
    } else if (rc == CURLE_OK) {
        a->result = MAIL_SENT;
        snprintf(a->reply, sizeof(a->reply), "%s", reply[0] != '\0' ? reply : "accepted");
    } else {
        a->result = code >= 500 && code < 600 ? MAIL_FAILED : MAIL_DEFERRED;
        if (code >= 400 && reply[0] != '\0')
            snprintf(a->reply, sizeof(a->reply), "%s", reply);
        else
            snprintf(a->reply, sizeof(a->reply), "%s",
                     error[0] != '\0' ? error : curl_easy_strerror(rc));
        if (a->result == MAIL_DEFERRED && a->attempts + 1 >= c->smtp_max_attempts)
            a->result = MAIL_FAILED;
    }
    curl_slist_free_all(rcpt);
    /* After a refusal or a failure the connection's state is the relay's
     * guess: the next message starts on a new one. */
    if (rc != CURLE_OK) {
        curl_easy_cleanup(curl);
        *handle = NULL;
    }
}

/* Ends the relay connection (QUIT) once the queue has nothing due: a relay
 * is not held open while there is nothing to send. */
static void mail_hang_up(CURL **handle)
{
    if (*handle != NULL) {
        curl_easy_cleanup(*handle);
        *handle = NULL;
    }
}

/* ---------------------------------------------------------------- recording (writer) */

static int mail_timeline(struct store *s, MDB_txn *txn, const char *client_id, const char *kind,
                         const char *what, const char *note, int64_t now_ms)
{
    uint8_t cid[16];
    MDB_val packed;
    /* A client erased meanwhile has no history to add to. */
    if (client_id_parse(client_id, cid) != 0 ||
        store_client_get_packed(s, txn, cid, &packed) == MDB_NOTFOUND)
        return 0;
    char today[CALENDAR_DATE_TEXT + 1];
    calendar_today(now_ms / 1000, today);
    Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
    ev.time = now_ms / 1000;
    ev.actor = (char *)"foliod";
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    ev.note = (char *)note;
    ev.date = today;
    return store_timeline_append(s, txn, cid, &ev);
}

static const char *mail_state_word(enum mail_result r)
{
    switch (r) {
    case MAIL_SENT:
        return "delivered";
    case MAIL_FAILED:
        return "failed";
    case MAIL_CANCELLED:
        return "cancelled";
    case MAIL_DEFERRED:
        break;
    }
    return "queued";
}

int mail_sender_settle(struct store *s, MDB_txn *txn, const Folio__OutboxMessage *row,
                       const char *state, const char *reply, int64_t now_ms, struct arena *ar)
{
    int rc = 0;
    const char *title = "";
    if (strcmp(row->kind, "offer") == 0) {
        Folio__Offer *offer;
        rc = store_offer_get(s, txn, row->offer_id, ar, &offer);
        if (rc == 0 && offer->outbox_id == row->id) {
            offer->mail_state = (char *)state;
            offer->mail_reply = (char *)reply;
            offer->mail_at = now_ms / 1000;
            title = offer->title;
            rc = store_offer_put(s, txn, offer);
        }
    }
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    /* A coupon's own message, or the offer's it went out with. */
    if (row->coupon_code[0] != '\0') {
        Folio__Coupon *coupon;
        rc = store_coupon_get(s, txn, row->coupon_code, ar, &coupon);
        if (rc == 0 && coupon->outbox_id == row->id) {
            coupon->mail_state = (char *)state;
            coupon->mail_reply = (char *)reply;
            if (title[0] == '\0')
                title = coupon->discount;
            rc = store_coupon_put(s, txn, coupon);
        }
    }
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    char *what = arena_printf(ar, "e-mail %s", state);
    char *note = arena_printf(ar, "%s: %s", title, reply);
    if (what == NULL || note == NULL)
        return ENOMEM;
    return mail_timeline(s, txn, row->client_id, row->kind, what, note, now_ms);
}

static int mail_record_run(struct writer_job *job, MDB_txn *txn)
{
    struct mail_outcome *o = (struct mail_outcome *)job;
    struct store *s = &o->sender->server->store;
    const struct server_config *c = &o->sender->server->config;
    struct arena ar;
    arena_init(&ar, 0);
    Folio__OutboxMessage *row;
    int rc = store_outbox_get(s, txn, o->id, &ar, &row);
    if (rc == MDB_NOTFOUND) {
        rc = 0; /* erased with its client meanwhile */
        goto done;
    }
    if (rc != 0)
        goto done;
    /* Cancelled while it was on its way: a message the relay accepted was
     * sent all the same, and says so; any other result changes nothing. */
    if (strcmp(row->state, STORE_OUTBOX_QUEUED) != 0 && o->result != MAIL_SENT)
        goto done;
    row->attempts += o->result == MAIL_CANCELLED ? 0 : 1;
    row->reply = o->reply;
    row->recipient = o->recipient;
    row->updated_at = o->now_ms / 1000;
    if (o->result == MAIL_DEFERRED) {
        uint64_t wait = c->smtp_retry_base_ms;
        for (uint32_t i = 1; i < row->attempts && wait < MAIL_SENDER_BACKOFF_MAX_MS; i++)
            wait *= 2;
        if (wait > MAIL_SENDER_BACKOFF_MAX_MS)
            wait = MAIL_SENDER_BACKOFF_MAX_MS;
        row->next_attempt_at = o->now_ms + (int64_t)wait;
        rc = store_outbox_put(s, txn, row);
        goto done;
    }
    row->state = o->result == MAIL_SENT     ? (char *)STORE_OUTBOX_SENT
                 : o->result == MAIL_FAILED ? (char *)STORE_OUTBOX_FAILED
                                            : (char *)STORE_OUTBOX_CANCELLED;
    if ((rc = store_outbox_put(s, txn, row)) == 0)
        rc = mail_sender_settle(s, txn, row, mail_state_word(o->result), o->reply, o->now_ms, &ar);
done:
    arena_free(&ar);
    return rc;
}

static void mail_record_done(struct writer_job *job)
{
    struct mail_outcome *o = (struct mail_outcome *)job;
    struct mail_sender *m = o->sender;
    if (job->commit_rc != 0 || job->run_rc != 0)
        log_error("e-mail %llu: recording its delivery failed: %s", (unsigned long long)o->id,
                  store_strerror(job->commit_rc != 0 ? job->commit_rc : job->run_rc));
    else if (o->result == MAIL_SENT)
        atomic_fetch_add(&m->delivered, 1);
    else if (o->result == MAIL_FAILED)
        atomic_fetch_add(&m->failed, 1);
    else if (o->result == MAIL_CANCELLED)
        atomic_fetch_add(&m->cancelled, 1);
    else
        atomic_fetch_add(&m->deferred, 1);
    pthread_mutex_lock(&m->lock);
    m->committed++;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
    free(o);
}

static void mail_submit(struct mail_sender *m, struct mail_outcome *list)
{
    while (list != NULL) {
        struct mail_outcome *next = list->next;
        list->job.run = mail_record_run;
        list->job.done = mail_record_done;
        writer_submit(&m->server->writer, &list->job);
        list = next;
    }
}

static void mail_on_async(uv_async_t *handle)
{
    struct mail_sender *m = handle->data;
    pthread_mutex_lock(&m->lock);
    struct mail_outcome *list = m->outcomes;
    m->outcomes = NULL;
    pthread_mutex_unlock(&m->lock);
    mail_submit(m, list);
}

/* ---------------------------------------------------------------- the thread */

/* Waits until ms (CLOCK_REALTIME, as the outbox's times) or a kick or a
 * stop. Under lock. */
static void mail_wait_until(struct mail_sender *m, int64_t until_ms)
{
    while (!m->stopping && !m->kicked) {
        int64_t now = mail_now_ms();
        if (now >= until_ms)
            break;
        struct timespec ts = {.tv_sec = until_ms / 1000, .tv_nsec = (until_ms % 1000) * 1000000};
        if (pthread_cond_timedwait(&m->wake, &m->lock, &ts) == ETIMEDOUT)
            break;
    }
    m->kicked = false;
}

/* Hands the result to the loop and waits for its commit, or a stop. */
static void mail_post(struct mail_sender *m, const Folio__OutboxMessage *row,
                      const struct mail_attempt *a)
{
    struct mail_outcome *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        log_error("e-mail %llu: out of memory recording its delivery", (unsigned long long)row->id);
        return;
    }
    o->sender = m;
    o->id = row->id;
    o->result = a->result;
    o->now_ms = mail_now_ms();
    snprintf(o->reply, sizeof(o->reply), "%s", a->reply);
    snprintf(o->recipient, sizeof(o->recipient), "%s", a->recipient);
    pthread_mutex_lock(&m->lock);
    o->next = m->outcomes;
    m->outcomes = o;
    uint64_t mine = ++m->posted;
    uv_async_send(&m->async);
    while (!m->stopping && m->committed < mine)
        pthread_cond_wait(&m->wake, &m->lock);
    pthread_mutex_unlock(&m->lock);
}

static void *mail_thread(void *arg)
{
    struct mail_sender *m = arg;
    struct store *store = &m->server->store;
    unsigned rate = m->server->config.smtp_rate > 0 ? m->server->config.smtp_rate : 1;
    int64_t last_send_ms = 0;
    CURL *curl = NULL;
    for (;;) {
        pthread_mutex_lock(&m->lock);
        bool stopping = m->stopping;
        pthread_mutex_unlock(&m->lock);
        if (stopping)
            break;
        struct mail_attempt a = {0};
        arena_init(&a.arena, 0);
        Folio__OutboxMessage *row = NULL;
        int64_t next_ms = INT64_MAX;
        MDB_txn *txn;
        int rc = store_read_begin(store, &txn);
        if (rc == 0) {
            rc = store_outbox_due(store, txn, mail_now_ms(), MAIL_SENDER_SCAN_MAX, &a.arena, &row,
                                  &next_ms);
            if (rc == 0 && row != NULL)
                rc = mail_prepare(m, txn, row, &a);
            store_read_end(store, txn);
        }
        /* A damaged record of the message's: settle it rather than stop
         * the queue behind it. */
        if (rc == EINVAL && row != NULL) {
            a.result = MAIL_FAILED;
            snprintf(a.reply, sizeof(a.reply), "a record it needs could not be read");
            rc = 0;
        }
        if (rc != 0) {
            log_error("e-mail: reading the outbox failed: %s", store_strerror(rc));
            row = NULL;
            next_ms = mail_now_ms() + MAIL_SENDER_IDLE_MS;
        }
        if (row == NULL) {
            mail_hang_up(&curl);
            int64_t idle = mail_now_ms() + MAIL_SENDER_IDLE_MS;
            pthread_mutex_lock(&m->lock);
            mail_wait_until(m, next_ms < idle ? next_ms : idle);
            pthread_mutex_unlock(&m->lock);
        } else {
            if (a.result == MAIL_SENT) {
                /* No more than rate a second, the whole firm. */
                int64_t gap = 1000 / (int64_t)rate;
                pthread_mutex_lock(&m->lock);
                while (!m->stopping && mail_now_ms() < last_send_ms + gap) {
                    mail_wait_until(m, last_send_ms + gap);
                }
                pthread_mutex_unlock(&m->lock);
                last_send_ms = mail_now_ms();
                mail_deliver(m, &curl, &a);
                if (a.abandoned)
                    log_info("e-mail %llu: left queued for the next start",
                             (unsigned long long)row->id);
                else if (a.result != MAIL_SENT)
                    log_warn("e-mail %llu to %s: %s (%s)", (unsigned long long)row->id, a.recipient,
                             a.reply, a.result == MAIL_FAILED ? "failed" : "deferred");
            }
            if (!a.abandoned)
                mail_post(m, row, &a);
        }
        free(a.message);
        arena_free(&a.arena);
    }
    mail_hang_up(&curl);
    return NULL;
}

int mail_sender_start(struct mail_sender *m)
{
    if (!m->enabled || m->started)
        return 0;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->wake, NULL);
    uv_async_init(&m->server->loop, &m->async, mail_on_async);
    m->async.data = m;
    if (pthread_create(&m->thread, NULL, mail_thread, m) != 0) {
        log_error("e-mail: the sender thread would not start");
        uv_close((uv_handle_t *)&m->async, NULL);
        return -1;
    }
    m->started = true;
    log_info("e-mail through %s as %s%s", m->url, m->from, m->require_tls ? " (TLS required)" : "");
    return 0;
}

void mail_sender_kick(struct mail_sender *m)
{
    if (!m->started)
        return;
    pthread_mutex_lock(&m->lock);
    m->kicked = true;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
}

void mail_sender_stop(struct mail_sender *m)
{
    if (!m->started)
        return;
    atomic_store(&m->abandon, true);
    pthread_mutex_lock(&m->lock);
    m->stopping = true;
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->thread, NULL);
    m->started = false;
    struct mail_outcome *list = m->outcomes;
    m->outcomes = NULL;
    mail_submit(m, list);
    uv_close((uv_handle_t *)&m->async, NULL);
    sodium_memzero(m->password, sizeof(m->password));
}
