/* op_find.c - `client find`: searching a portfolio, or the whole firm, by
 * name, phone or e-mail through the search index (store_search.h).
 *
 * A search walks the index entries that start with the query (the longest
 * name word, the phone's reversed digits, the e-mail), checks each client
 * against the whole query and keeps the best `limit` (+1, to know whether
 * more follow) in a sorted array, so its memory is one page whatever it
 * finds. The order is rank (client_search_name_rank: the exact name, word
 * starts, then phone and e-mail matches), then the folded name, then the
 * id; the cursor `next` carries all three, so the next page needs no state
 * on the server and costs one more walk. A client found through several of
 * its tokens has the same place each time, and is kept once.
 *
 * A firm-admin's search (firm) walks every owner's range, one seek per
 * agent, and is audited in the write stage before the answer goes out. An
 * admin covering for an agent (as_agent, op_cover.c) searches the agent's
 * portfolio, audited alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "client_id.h"
#include "client_search.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_search.h"
#include "wire_limits.h"

#define FIND_CURSOR_MAX (2 + CLIENT_ID_TEXT + 1 + 2 * CLIENT_SEARCH_SORT_MAX)

struct find_hit {
    int rank;
    uint64_t owner_id;
    uint8_t id[16];
    size_t key_len;
    char key[CLIENT_SEARCH_SORT_MAX]; /* the folded name, cut */
};

struct find {
    struct client_search_query q;
    enum client_search_kind kind; /* of the walk under way */
    bool has_after;
    struct find_hit after;
    struct find_hit *hits; /* sorted, best first */
    size_t n, cap;         /* cap: the page's limit + 1 */
};

static int find_cmp(const struct find_hit *a, const struct find_hit *b)
{
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    if (c != 0)
        return c;
    if (a->key_len != b->key_len)
        return a->key_len < b->key_len ? -1 : 1;
    return memcmp(a->id, b->id, 16);
}

/* Keeps hit if it is among the best cap seen so far. */
static void find_keep(struct find *f, const struct find_hit *hit)
{
    if (f->n == f->cap && find_cmp(hit, &f->hits[f->n - 1]) >= 0)
        return;
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (find_cmp(&f->hits[mid], hit) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < f->n && find_cmp(&f->hits[lo], hit) == 0)
        return; /* the same client through another of its tokens */
    size_t moved = f->n == f->cap ? f->n - 1 - lo : f->n - lo;
    memmove(&f->hits[lo + 1], &f->hits[lo], moved * sizeof(*hit));
    f->hits[lo] = *hit;
    if (f->n < f->cap)
        f->n++;
}

static int find_visit(void *ctx, uint64_t owner_id, const uint8_t id[16], const char *name,
                      size_t name_len)
{
    struct find *f = ctx;
    struct client_search_words words;
    int rc = client_search_words(name, name_len, &words);
    if (rc == EILSEQ)
        return 0; /* a name that does not fold has no tokens: not from us */
    if (rc != 0)
        return rc;
    struct find_hit hit = {.rank = client_search_name_rank(&f->q, &words), .owner_id = owner_id};
    if (hit.rank < 0 && f->kind == CLIENT_SEARCH_NAME) {
        client_search_words_free(&words);
        return 0; /* one word matched, not every one */
    }
    if (hit.rank < 0)
        hit.rank = 2;
    memcpy(hit.id, id, 16);
    hit.key_len = client_search_cut(words.norm, words.len, sizeof(hit.key));
    memcpy(hit.key, words.norm, hit.key_len);
    client_search_words_free(&words);
    if (!f->has_after || find_cmp(&hit, &f->after) > 0)
        find_keep(f, &hit);
    return 0;
}

/* RANK.ID.HEX: where the page before ended. */
static int find_cursor_parse(const char *text, struct find_hit *out)
{
    size_t len = strlen(text);
    if (len < 2 + CLIENT_ID_TEXT + 1 || len > FIND_CURSOR_MAX || text[0] < '0' || text[0] > '2' ||
        text[1] != '.' || text[2 + CLIENT_ID_TEXT] != '.')
        return EINVAL;
    memset(out, 0, sizeof(*out));
    out->rank = text[0] - '0';
    char id[CLIENT_ID_TEXT + 1];
    memcpy(id, text + 2, CLIENT_ID_TEXT);
    id[CLIENT_ID_TEXT] = '\0';
    if (client_id_parse(id, out->id) != 0)
        return EINVAL;
    const char *hex = text + 2 + CLIENT_ID_TEXT + 1;
    size_t hex_len = len - (2 + CLIENT_ID_TEXT + 1);
    const char *end = NULL;
    if (hex_len % 2 != 0 || strspn(hex, "0123456789abcdef") < hex_len ||
        sodium_hex2bin((unsigned char *)out->key, sizeof(out->key), hex, hex_len, NULL,
                       &out->key_len, &end) != 0 ||
        end != hex + hex_len)
        return EINVAL;
    return 0;
}

static char *find_cursor(struct request *req, const struct find_hit *hit)
{
    char *out = arena_alloc(&req->arena, FIND_CURSOR_MAX + 1);
    if (out == NULL)
        return NULL;
    char id[CLIENT_ID_TEXT + 1];
    client_id_format(hit->id, id);
    int n = snprintf(out, FIND_CURSOR_MAX + 1, "%d.%s.", hit->rank, id);
    for (size_t i = 0; i < hit->key_len; i++)
        n += snprintf(out + n, 3, "%02x", (unsigned char)hit->key[i]);
    return out;
}

static int find_walks(struct request *req, MDB_txn *txn, struct find *f, uint64_t owner)
{
    struct store *s = &req->server->store;
    int rc = 0;
    int key = client_search_query_key(&f->q);
    if (key >= 0) {
        f->kind = CLIENT_SEARCH_NAME;
        const struct client_search_words *w = &f->q.words;
        rc = store_search_walk(s, txn, owner, CLIENT_SEARCH_NAME, w->norm + w->start[key],
                               w->end[key] - w->start[key], find_visit, f);
    }
    if (rc == 0 && f->q.phone[0] != '\0') {
        f->kind = CLIENT_SEARCH_PHONE;
        rc = store_search_walk(s, txn, owner, CLIENT_SEARCH_PHONE, f->q.phone, strlen(f->q.phone),
                               find_visit, f);
    }
    if (rc == 0 && f->q.email != NULL) {
        f->kind = CLIENT_SEARCH_EMAIL;
        rc = store_search_walk(s, txn, owner, CLIENT_SEARCH_EMAIL, f->q.email, f->q.email_len,
                               find_visit, f);
    }
    return rc;
}

/* The page's clients: whole records for the caller's own clients or a
 * firm-admin-read, else id and owner only. */
static int find_reply(struct request *req, MDB_txn *txn, const struct find *f, size_t count,
                      bool whole, Folio__Clients *list)
{
    list->clients = request_alloc(req, (count > 0 ? count : 1) * sizeof(*list->clients));
    if (list->clients == NULL)
        return request_oom(req);
    struct op_client_owner owner = {0};
    for (size_t i = 0; i < count; i++) {
        Folio__Client *c;
        if (whole) {
            int rc = store_client_get(&req->server->store, txn, f->hits[i].id, &req->arena, &c);
            if (rc != 0)
                return request_store_error(req, rc == MDB_NOTFOUND ? EINVAL : rc,
                                           "read a client found");
        } else {
            c = request_alloc(req, sizeof(*c));
            char *id = request_alloc(req, CLIENT_ID_TEXT + 1);
            if (c == NULL || id == NULL)
                return request_oom(req);
            folio__client__init(c);
            client_id_format(f->hits[i].id, id);
            c->id = id;
            c->owner_id = f->hits[i].owner_id;
        }
        int rc = op_client_reply(req, txn, c, &owner);
        if (rc != 0)
            return rc;
        if (!whole)
            c->income_trend = (char *)""; /* not read: nothing to say */
        list->clients[list->n_clients++] = c;
    }
    return 0;
}

int op_client_find_read(struct request *req, MDB_txn *txn)
{
    Folio__ClientFind *ask = req->msg->client_find;
    bool cover = ask->as_agent[0] != '\0';
    uint64_t owner = ask->firm ? STORE_SEARCH_ALL_OWNERS : req->actor.user_id;
    if (cover && (ask->firm || ask->firm_admin_read))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "as_agent: one agent's clients, or the firm's with firm, not both");
    int rc = cover ? op_cover_agent(req, txn, ask->as_agent, ask->reason, &owner)
                   : access_client_find(req, ask->firm, ask->firm_admin_read);
    if (rc != 0)
        return rc;
    size_t len = strlen(ask->text);
    if (len == 0 || len > CLIENT_SEARCH_TEXT_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "text: give 1 to %d bytes to search for", CLIENT_SEARCH_TEXT_MAX);
    if (ask->limit > FOLIO_PAGE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "limit: at most %d clients a page",
                            FOLIO_PAGE_MAX);
    struct find f = {.cap = request_page_size(ask->limit) + 1};
    if (ask->after[0] != '\0') {
        if (find_cursor_parse(ask->after, &f.after) != 0)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "after: not the next cursor of a search");
        f.has_after = true;
    }
    rc = client_search_query_parse(ask->text, len, &f.q);
    if (rc == EILSEQ)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "text: not UTF-8");
    if (rc != 0)
        return request_oom(req);
    f.hits = malloc(f.cap * sizeof(*f.hits));
    if (f.hits == NULL) {
        client_search_query_free(&f.q);
        return request_oom(req);
    }
    rc = find_walks(req, txn, &f, owner);
    client_search_query_free(&f.q);
    Folio__Clients *list = NULL;
    if (rc != 0) {
        request_store_error(req, rc, "search the clients");
    } else if ((list = request_alloc(req, sizeof(*list))) == NULL) {
        request_oom(req);
    } else {
        folio__clients__init(list);
        size_t page = f.n < f.cap ? f.n : f.cap - 1;
        bool whole = !ask->firm || ask->firm_admin_read;
        if (find_reply(req, txn, &f, page, whole, list) == 0 && f.n == f.cap &&
            (list->next = find_cursor(req, &f.hits[page - 1])) == NULL)
            request_oom(req);
    }
    free(f.hits);
    if (!request_ok(req))
        return -1;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
    req->response.clients = list;
    if (ask->firm || cover)
        req->scratch = list; /* audited before it is sent */
    else
        req->skip_write = true;
    return 0;
}

/* The audit says who searched the firm, when, how long the text was and
 * how much came back, but not the text. The text is personal data (a name,
 * a phone number) of someone who may not even be a client; an audit
 * record is kept for good and is scrubbed only under the client it names
 * (audit.h), which a search names none of, so the text would outlive any
 * erasure. Accountability to a data subject comes instead from the
 * records that were shown: with --firm-admin-read each client whose
 * record was read gets its own client.read record, as `client show
 * --firm-admin-read` does, and a redacted answer shows no personal data. */
int op_client_find_write(struct request *req, MDB_txn *txn)
{
    Folio__ClientFind *ask = req->msg->client_find;
    Folio__Clients *list = req->scratch;
    if (ask->as_agent[0] != '\0') {
        int rc = op_cover_audit(req, txn, "client find", ask->as_agent, ask->reason, NULL);
        if (rc != 0)
            return rc;
        req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
        req->response.clients = list;
        return 0;
    }
    char *detail = arena_printf(&req->arena, "firm-wide search: %zu-byte text, %zu clients, %s",
                                strlen(ask->text), list->n_clients,
                                ask->firm_admin_read ? "records read" : "ids and owners only");
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "client.find", "firm", detail);
    for (size_t i = 0; rc == 0 && ask->firm_admin_read && i < list->n_clients; i++) {
        Folio__Client *c = list->clients[i];
        char *why = arena_printf(&req->arena, "firm-admin search read of %s's client", c->owner);
        if (why == NULL)
            return request_oom(req);
        rc = audit_append_client(req, txn, c->id, "client.read", c->id, why, why);
    }
    if (rc != 0)
        return request_store_error(req, rc, "record the search");
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENTS;
    req->response.clients = list;
    return 0;
}
