/* op_client_list.c - `client list`: an agent's clients, sorted by name,
 * last contact, creation or last change, a page at a time; for an admin
 * exporting an agent's portfolio as CSV or vCard, that agent's, audited;
 * for an admin covering for an agent (as_agent, op_cover.c), the agent's,
 * every page audited.
 *
 * What it costs: the name order, the default, reads the page from the
 * client search index's sort entries (store_search_sorted), from the cursor
 * on: a page costs what it shows, however big the portfolio. The other
 * orders walk the agent's whole clients_by_owner range once a page,
 * reading the summaries in place (client_summary.h) and unpacking no
 * record, except for sort=updated (the summary leaves updated_at out so
 * that most changes do not rewrite it: that sort unpacks each record). A
 * walk keeps the best `limit` + 1 after the cursor in a sorted array, as
 * client find does: O(n log limit) comparisons for n clients, and the
 * memory of one page (at most FOLIO_PAGE_MAX + 1 keys of LIST_KEY_MAX
 * bytes). A portfolio has no upper bound on the server, so the walk runs
 * in the pool (the HEAVY_READ lane, op.h), off the loop.
 *
 * The order is the sort key, then the client id, so it is total and a
 * cursor "KEY.ID" (the sort's letter and the key in hex, then the
 * canonical id) says exactly where a page ended, with no state kept on the
 * server; reverse turns the whole order round. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "calendar.h"
#include "client_id.h"
#include "client_search.h"
#include "client_summary.h"
#include "audit.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_search.h"
#include "wire_limits.h"

#define LIST_KEY_MAX    CLIENT_SEARCH_SORT_MAX /* bytes of the folded name that order */
#define LIST_CURSOR_MAX (1 + 2 * LIST_KEY_MAX + 1 + CLIENT_ID_TEXT)

enum list_sort { LIST_NAME, LIST_LAST_CONTACT, LIST_CREATED, LIST_UPDATED };

/* The first character of a cursor: which sort made it. */
static const char list_sort_letters[] = {
    [LIST_NAME] = 'n',
    [LIST_LAST_CONTACT] = 'l',
    [LIST_CREATED] = 'c',
    [LIST_UPDATED] = 'u',
};

static const char *const list_sort_names[] = {
    [LIST_NAME] = "name",
    [LIST_LAST_CONTACT] = "last-contact",
    [LIST_CREATED] = "created",
    [LIST_UPDATED] = "updated",
};

struct list_hit {
    uint8_t id[16];
    size_t key_len;
    uint8_t key[LIST_KEY_MAX];
};

struct list_walk {
    enum list_sort sort;
    bool reverse;
    bool has_after;
    struct list_hit after;
    struct list_hit *hits; /* sorted, first to show first */
    size_t n, cap;         /* cap: the page's limit + 1 */
};

/* The order asked for: key bytes (a shorter key first when one starts the
 * other), then id; reverse turns it round. */
static int list_cmp(const struct list_walk *w, const struct list_hit *a, const struct list_hit *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (c == 0 && a->key_len != b->key_len)
        c = a->key_len < b->key_len ? -1 : 1;
    if (c == 0)
        c = memcmp(a->id, b->id, 16);
    return w->reverse ? -c : c;
}

/* Keeps hit if it is among the first cap after the cursor. */
static void list_keep(struct list_walk *w, const struct list_hit *hit)
{
    if (w->has_after && list_cmp(w, hit, &w->after) <= 0)
        return;
    if (w->n == w->cap && list_cmp(w, hit, &w->hits[w->n - 1]) >= 0)
        return;
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list_cmp(w, &w->hits[mid], hit) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t moved = w->n == w->cap ? w->n - 1 - lo : w->n - lo;
    memmove(&w->hits[lo + 1], &w->hits[lo], moved * sizeof(*hit));
    w->hits[lo] = *hit;
    if (w->n < w->cap)
        w->n++;
}

/* A time as 8 bytes that compare as the times do. */
static void list_time_key(struct list_hit *hit, int64_t t)
{
    uint64_t u = (uint64_t)t ^ (UINT64_C(1) << 63);
    for (int i = 0; i < 8; i++)
        hit->key[i] = (uint8_t)(u >> (56 - 8 * i));
    hit->key_len = 8;
}

static int list_visit_summary(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                              const struct client_summary *summary)
{
    struct list_walk *w = ctx;
    struct list_hit hit;
    memcpy(hit.id, id, 16);
    if (w->sort == LIST_LAST_CONTACT) {
        /* YYYY-MM-DD or empty: never contacted comes first. */
        hit.key_len = client_search_cut(summary->last_contact, strlen(summary->last_contact),
                                        sizeof(hit.key));
        memcpy(hit.key, summary->last_contact, hit.key_len);
    } else {
        list_time_key(&hit, summary->created_at);
    }
    list_keep(w, &hit);
    return 0;
}

/* store_search_sorted's order is the page's: it stops once the page and
 * the one beyond it, which says there is a next, are in. */
static int list_visit_sorted(void *ctx, const uint8_t id[16], const char *key, size_t key_len)
{
    struct list_walk *w = ctx;
    struct list_hit hit;
    memcpy(hit.id, id, 16);
    hit.key_len = key_len;
    memcpy(hit.key, key, key_len);
    list_keep(w, &hit);
    return w->n == w->cap ? 1 : 0;
}

static int list_visit_record(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                             const Folio__Client *client)
{
    struct list_walk *w = ctx;
    struct list_hit hit;
    memcpy(hit.id, id, 16);
    list_time_key(&hit, client->updated_at);
    list_keep(w, &hit);
    return 0;
}

/* KEY.ID, as list_cursor writes it for this sort: the sort's letter, the
 * key in lower-case hex, of the length and form the sort's keys have; the
 * canonical id. */
static int list_cursor_parse(enum list_sort sort, const char *text, struct list_hit *out)
{
    size_t len = strnlen(text, LIST_CURSOR_MAX + 1);
    if (len < 2 + CLIENT_ID_TEXT || len > LIST_CURSOR_MAX || text[0] != list_sort_letters[sort] ||
        text[len - CLIENT_ID_TEXT - 1] != '.')
        return EINVAL;
    memset(out, 0, sizeof(*out));
    if (client_id_parse(text + len - CLIENT_ID_TEXT, out->id) != 0)
        return EINVAL;
    const char *hex = text + 1;
    size_t hex_len = len - CLIENT_ID_TEXT - 2;
    const char *end = NULL;
    if (hex_len % 2 != 0 || strspn(hex, "0123456789abcdef") < hex_len ||
        sodium_hex2bin(out->key, sizeof(out->key), hex, hex_len, NULL, &out->key_len, &end) != 0 ||
        end != hex + hex_len)
        return EINVAL;
    switch (sort) {
    case LIST_NAME:
        return 0;
    case LIST_LAST_CONTACT: {
        char date[CALENDAR_DATE_TEXT + 1];
        if (out->key_len == 0)
            return 0;
        if (out->key_len != CALENDAR_DATE_TEXT)
            return EINVAL;
        memcpy(date, out->key, CALENDAR_DATE_TEXT);
        date[CALENDAR_DATE_TEXT] = '\0';
        return calendar_parse_date(date, NULL, NULL, NULL) == 0 ? 0 : EINVAL;
    }
    case LIST_CREATED:
    case LIST_UPDATED:
        return out->key_len == 8 ? 0 : EINVAL;
    }
    return EINVAL;
}

static char *list_cursor(struct request *req, enum list_sort sort, const struct list_hit *hit)
{
    char *out = request_alloc(req, LIST_CURSOR_MAX + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    out[n++] = list_sort_letters[sort];
    for (size_t i = 0; i < hit->key_len; i++)
        n += (size_t)snprintf(out + n, 3, "%02x", hit->key[i]);
    out[n++] = '.';
    client_id_format(hit->id, out + n);
    return out;
}

static int list_sort_parse(const char *text, enum list_sort *out)
{
    if (text[0] == '\0') {
        *out = LIST_NAME;
        return 0;
    }
    for (size_t i = 0; i < sizeof(list_sort_names) / sizeof(list_sort_names[0]); i++)
        if (strcmp(text, list_sort_names[i]) == 0) {
            *out = (enum list_sort)i;
            return 0;
        }
    return EINVAL;
}

/* The page's records, in the walk's order. */
static int list_reply(struct request *req, MDB_txn *txn, const struct list_walk *w, size_t count,
                      Folio__Clients *list)
{
    list->clients = request_alloc(req, (count > 0 ? count : 1) * sizeof(*list->clients));
    if (list->clients == NULL)
        return request_oom(req);
    struct op_client_owner owner = {0};
    for (size_t i = 0; i < count; i++) {
        Folio__Client *c;
        int rc = store_client_get(&req->server->store, txn, w->hits[i].id, &req->arena, &c);
        if (rc != 0)
            return request_store_error(req, rc == MDB_NOTFOUND ? EINVAL : rc, "read a client");
        if ((rc = op_client_reply(req, txn, c, &owner)) != 0)
            return rc;
        list->clients[list->n_clients++] = c;
    }
    return 0;
}

/* What the write stage audits: whose portfolio, and the page it answers. */
struct list_audit {
    const Folio__User *agent;
    Folio__Clients *list;
};

int op_client_list_read(struct request *req, MDB_txn *txn)
{
    Folio__ClientList *ask = req->msg->client_list;
    struct list_walk w = {.reverse = ask->reverse, .cap = request_page_size(ask->limit) + 1};
    if (list_sort_parse(ask->sort, &w.sort) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "sort: name, last-contact, created or updated");
    if (ask->after[0] != '\0') {
        if (list_cursor_parse(w.sort, ask->after, &w.after) != 0)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "after: not the next cursor of a client list sorted by %s",
                                list_sort_names[w.sort]);
        w.has_after = true;
    }
    /* Whose: the caller's own, or (admins, for an export) an agent's. */
    uint64_t owner = req->actor.user_id;
    Folio__User *agent = NULL;
    bool cover = ask->as_agent[0] != '\0';
    if (cover && ask->agent[0] != '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "as_agent: an export's agent or a covering read, not both");
    if (cover) {
        int got = op_cover_agent(req, txn, ask->as_agent, ask->reason, &owner);
        if (got != 0)
            return got;
    } else if (ask->agent[0] != '\0') {
        int got = op_transfer_agent(req, txn, ask->agent, &agent);
        if (got != 0)
            return got;
        owner = agent->id;
        if (owner != req->actor.user_id && ask->reason[0] == '\0')
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "reason: say why you read another agent's portfolio");
    }
    if ((w.hits = malloc(w.cap * sizeof(*w.hits))) == NULL)
        return request_oom(req);
    struct store *s = &req->server->store;
    int rc;
    if (w.sort == LIST_NAME) {
        rc = store_search_sorted(s, txn, owner, (const char *)w.after.key, w.after.key_len,
                                 w.has_after ? w.after.id : NULL, w.reverse, list_visit_sorted, &w);
        rc = rc == 1 ? 0 : rc;
    } else if (w.sort == LIST_UPDATED) {
        rc = store_client_each(s, txn, owner, NULL, list_visit_record, &w);
    } else {
        rc = store_client_summaries(s, txn, owner, list_visit_summary, &w);
    }
    Folio__Clients *list = NULL;
    if (rc != 0) {
        request_store_error(req, rc, "list the clients");
    } else if ((list = request_alloc(req, sizeof(*list))) == NULL) {
        request_oom(req);
    } else {
        folio__clients__init(list);
        size_t page = w.n < w.cap ? w.n : w.cap - 1;
        if (list_reply(req, txn, &w, page, list) == 0 && w.n == w.cap &&
            (list->next = list_cursor(req, w.sort, &w.hits[page - 1])) == NULL)
            request_oom(req);
    }
    free(w.hits);
    if (!request_ok(req))
        return -1;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
    req->response.clients = list;
    /* Another agent's portfolio is audited once, with its first page, for
     * an export; every page a covering admin reads is audited. */
    if (cover || (owner != req->actor.user_id && ask->after[0] == '\0')) {
        struct list_audit *audit = request_alloc(req, sizeof(*audit));
        if (audit == NULL)
            return request_oom(req);
        *audit = (struct list_audit){agent, list};
        req->scratch = audit;
    } else {
        req->skip_write = true;
    }
    return 0;
}

int op_client_list_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientList *ask = req->msg->client_list;
    const struct list_audit *audit = req->scratch;
    if (ask->as_agent[0] != '\0') {
        int rc = op_cover_audit(req, txn, "client list", ask->as_agent, ask->reason, NULL);
        if (rc != 0)
            return rc;
        req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
        req->response.clients = audit->list;
        return 0;
    }
    const Folio__User *agent = audit->agent;
    char *detail = arena_printf(&req->arena, "read for an export: %.200s", ask->reason);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "client.export", agent->name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the read");
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
    req->response.clients = audit->list;
    return 0;
}
