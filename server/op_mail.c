/* op_mail.c - e-mail to clients: queueing a message (for offer, coupon
 * and campaign send), the agent's outbox, the firm's templates, and the
 * messages a withdrawn consent cancels.
 *
 * A message is queued in the write transaction that marks its offer or
 * coupon sent, and delivered by the mail sender (mail_sender.h) once that
 * commits: a refused send queues nothing, and a queued message survives
 * any restart. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client_record.h"
#include "mail_sender.h"
#include "op.h"
#include "outbox.h"
#include "server.h"
#include "store_client.h"
#include "store_outbox.h"
#include "validate.h"
#include "writer.h"

/* Bytes of a template language code: ISO 639-1, two letters (three for
 * the few 639-2 ones a firm may want). */
#define OP_MAIL_LANGUAGE_MAX  3
#define OP_MAIL_TEMPLATES_MAX 256

const char *op_mail_unsendable(const struct request *req, const Folio__Client *client)
{
    if (!req->server->mail.enabled)
        return "this server sends no e-mail: start foliod serve with --smtp-url and "
               "--smtp-from";
    if (client->consent == NULL || !client->consent->email)
        return "the client has not consented to e-mail";
    if (client->n_emails == 0)
        return "the client has no e-mail address";
    if (!outbox_address_ok(client->emails[0]))
        return "the client's first e-mail address is not a plain address (local@domain)";
    return NULL;
}

int op_mail_queue(struct request *req, MDB_txn *txn, const Folio__Client *client, const char *kind,
                  uint64_t offer_id, const char *coupon_code, uint64_t campaign_id,
                  Folio__OutboxMessage **out)
{
    Folio__OutboxMessage *m = request_alloc(req, sizeof(*m));
    if (m == NULL)
        return ENOMEM;
    folio__outbox_message__init(m);
    m->owner_id = client->owner_id;
    m->client_id = client->id;
    m->kind = (char *)kind;
    m->offer_id = offer_id;
    m->coupon_code = (char *)coupon_code;
    m->campaign_id = campaign_id;
    m->state = (char *)STORE_OUTBOX_QUEUED;
    m->created_at = m->updated_at = req->now;
    m->next_attempt_at = 0; /* due at once */
    int rc = store_next_id(txn, req->server->store.outbox, &m->id);
    if (rc != 0)
        return rc;
    char id[256];
    mail_sender_message_id(&req->server->mail, m->id, id, sizeof(id));
    if ((m->message_id = arena_strdup(&req->arena, id)) == NULL)
        return ENOMEM;
    if ((rc = store_outbox_put(&req->server->store, txn, m)) != 0)
        return rc;
    *out = m;
    return 0;
}

void op_mail_finish(struct request *req)
{
    if (request_ok(req))
        mail_sender_kick(&req->server->mail);
}

int op_mail_cancel_client(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                          const char *why)
{
    struct store *s = &req->server->store;
    uint64_t ids[64];
    size_t n;
    int rc;
    /* A client has a few messages queued at most; take them a handful at
     * a time until none is left. */
    do {
        if ((rc = store_outbox_client_queued(s, txn, client_id, ids, 64, &n)) != 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            Folio__OutboxMessage *m;
            if ((rc = store_outbox_get(s, txn, ids[i], &req->arena, &m)) != 0)
                return rc;
            m->state = (char *)STORE_OUTBOX_CANCELLED;
            m->reply = (char *)why;
            m->updated_at = req->now;
            if ((rc = store_outbox_put(s, txn, m)) != 0 ||
                (rc = mail_sender_settle(s, txn, m, "cancelled", why, req->now * 1000,
                                         &req->arena)) != 0)
                return rc;
        }
    } while (n == 64);
    return 0;
}

/* ---------------------------------------------------------------- outbox list */

struct op_outbox_walk {
    struct request *req;
    const char *state;
    size_t limit, n;
    Folio__OutboxMessage **page;
    bool more;
};

static int op_outbox_visit(void *ctx, const Folio__OutboxMessage *m)
{
    struct op_outbox_walk *walk = ctx;
    if (walk->state != NULL && strcmp(m->state, walk->state) != 0)
        return 0;
    if (walk->n == walk->limit) {
        walk->more = true;
        return 1;
    }
    size_t len = folio__outbox_message__get_packed_size(m);
    uint8_t *buf = request_alloc(walk->req, len > 0 ? len : 1);
    if (buf == NULL)
        return ENOMEM;
    folio__outbox_message__pack(m, buf);
    Folio__OutboxMessage *kept =
        folio__outbox_message__unpack(&walk->req->arena.allocator, len, buf);
    if (kept == NULL)
        return ENOMEM;
    walk->page[walk->n++] = kept;
    return 0;
}

int op_outbox_list_read(struct request *req, MDB_txn *txn)
{
    const Folio__OutboxList *ask = req->msg->outbox_list;
    struct store *s = &req->server->store;
    static const char *const states[] = {STORE_OUTBOX_QUEUED, STORE_OUTBOX_SENT,
                                         STORE_OUTBOX_FAILED, STORE_OUTBOX_CANCELLED};
    const char *state = NULL;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(ask->state, states[i]) == 0)
            state = states[i];
    if (ask->state[0] != '\0' && state == NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "state: one of queued, sent, failed, cancelled");
    struct op_outbox_walk walk = {
        .req = req, .state = state, .limit = request_page_size(ask->limit)};
    if ((walk.page = arena_calloc(&req->arena, walk.limit, sizeof(*walk.page))) == NULL)
        return request_oom(req);
    int rc =
        store_outbox_each_owner(s, txn, req->actor.user_id, ask->after, op_outbox_visit, &walk);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "list the outbox");
    for (size_t i = 0; i < walk.n; i++) {
        uint8_t id[16];
        Folio__Client *client;
        if (client_id_parse(walk.page[i]->client_id, id) == 0 &&
            store_client_get(s, txn, id, &req->arena, &client) == 0)
            walk.page[i]->client_name = client->name;
    }
    Folio__OutboxMessages *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__outbox_messages__init(list);
    list->messages = walk.page;
    list->n_messages = walk.n;
    if (walk.more && walk.n > 0)
        list->next = walk.page[walk.n - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_OUTBOX;
    req->response.outbox = list;
    return 0;
}

/* ---------------------------------------------------------------- templates */

static const char *op_mail_kind_check(const char *kind, enum outbox_kind *out)
{
    if (strcmp(kind, "offer") == 0)
        *out = OUTBOX_OFFER;
    else if (strcmp(kind, "coupon") == 0)
        *out = OUTBOX_COUPON;
    else
        return "kind: offer or coupon";
    return NULL;
}

/* Two or three lower-case letters. */
static bool op_mail_language_ok(const char *language)
{
    size_t len = strlen(language);
    if (len < 2 || len > OP_MAIL_LANGUAGE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (language[i] < 'a' || language[i] > 'z')
            return false;
    return true;
}

static int op_mail_templates_reply(struct request *req, Folio__MailTemplate **list, size_t n)
{
    Folio__MailTemplates *out = request_alloc(req, sizeof(*out));
    if (out == NULL)
        return request_oom(req);
    folio__mail_templates__init(out);
    out->templates = list;
    out->n_templates = n;
    req->response.result_case = FOLIO__RESPONSE__RESULT_MAIL_TEMPLATES;
    req->response.mail_templates = out;
    return 0;
}

int op_mail_template_read(struct request *req, MDB_txn *txn)
{
    const Folio__MailTemplateRequest *ask = req->msg->mail_template;
    struct store *s = &req->server->store;
    if (strcmp(ask->action, "list") == 0 || strcmp(ask->action, "show") == 0)
        req->skip_write = true; /* answered here */
    if (strcmp(ask->action, "list") == 0) {
        Folio__MailTemplate **list;
        size_t n;
        int rc = store_mail_template_list(s, txn, OP_MAIL_TEMPLATES_MAX, &req->arena, &list, &n);
        if (rc != 0)
            return request_store_error(req, rc, "list the templates");
        return op_mail_templates_reply(req, list, n);
    }
    if (strcmp(ask->action, "show") != 0)
        return 0; /* set and remove: the write stage */
    enum outbox_kind kind;
    const Folio__MailTemplate *t = ask->entry;
    const char *why = t == NULL ? "kind: offer or coupon" : op_mail_kind_check(t->kind, &kind);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    Folio__MailTemplate *found;
    int rc = op_mail_language_ok(t->language)
                 ? store_mail_template_get(s, txn, t->kind, t->language, &req->arena, &found)
                 : MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no %s template for language \"%.8s\"",
                            t->kind, t->language);
    if (rc != 0)
        return request_store_error(req, rc, "read the template");
    Folio__MailTemplate **list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    list[0] = found;
    return op_mail_templates_reply(req, list, 1);
}

int op_mail_template_write(struct request *req, MDB_txn *txn)
{
    const Folio__MailTemplateRequest *ask = req->msg->mail_template;
    struct store *s = &req->server->store;
    bool set = strcmp(ask->action, "set") == 0, remove = strcmp(ask->action, "remove") == 0;
    if (!set && !remove)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "action: set, list, show or remove");
    enum outbox_kind kind;
    Folio__MailTemplate *t = ask->entry;
    const char *why = t == NULL ? "kind: offer or coupon" : op_mail_kind_check(t->kind, &kind);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if (!op_mail_language_ok(t->language))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "lang: an ISO 639-1 code in lower case, such as es");
    int rc;
    if (remove) {
        rc = store_mail_template_delete(s, txn, t->kind, t->language);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no %s template for language %s",
                                t->kind, t->language);
        if (rc != 0)
            return request_store_error(req, rc, "remove the template");
        return op_mail_templates_reply(req, NULL, 0);
    }
    char problem[400];
    if ((why = validate_text(t->subject, OUTBOX_SUBJECT_MAX)) != NULL || t->subject[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "subject: %s (one line of at most %d bytes)",
                            why != NULL ? why : "required", OUTBOX_SUBJECT_MAX);
    if (strpbrk(t->subject, "\r\n") != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "subject: one line only");
    if ((why = validate_lines(t->body, OUTBOX_BODY_MAX)) != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "body-file: %s (from 1 to %d bytes of text)", why, OUTBOX_BODY_MAX);
    if (outbox_template_check(kind, t->subject, problem, sizeof(problem)) != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "subject: %s", problem);
    if (outbox_template_check(kind, t->body, problem, sizeof(problem)) != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "body-file: %s", problem);
    t->updated_at = req->now;
    if ((rc = store_mail_template_put(s, txn, t)) != 0)
        return request_store_error(req, rc, "store the template");
    Folio__MailTemplate **list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    list[0] = t;
    return op_mail_templates_reply(req, list, 1);
}
