/* op_partner.c - the firm's partner businesses, where clients use coupons.
 * The firm-admin adds, edits and removes them; everyone with a session
 * lists them. A partner is not removed while coupons at it are open; a
 * redeemed, withdrawn or expired coupon outlives it with its name empty. */
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "op.h"
#include "server.h"
#include "store_coupon.h"
#include "store_partner.h"
#include "validate.h"

#define OP_PARTNER_NAME_MAX     200
#define OP_PARTNER_CATEGORY_MAX 40
#define OP_PARTNER_CITY_MAX     200
#define OP_PARTNER_WHY_MAX      128

/* Names are unique ignoring ASCII case, whatever the locale. */
static bool op_partner_same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

/* Lower-cases category in place (the same on a replay), then checks it. */
static bool op_partner_category_ok(char *category)
{
    size_t len = strnlen(category, OP_PARTNER_CATEGORY_MAX + 1);
    if (len == 0 || len > OP_PARTNER_CATEGORY_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = category[i];
        if (c >= 'A' && c <= 'Z')
            category[i] = c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* NULL when the partner may be stored, else a sentence naming the field. */
static const char *op_partner_check(Folio__Partner *partner, char buf[OP_PARTNER_WHY_MAX])
{
    const char *why = validate_text(partner->name, OP_PARTNER_NAME_MAX);
    if (why != NULL) {
        snprintf(buf, OP_PARTNER_WHY_MAX, "name: %s", why);
        return buf;
    }
    if (!op_partner_category_ok(partner->category))
        return "category: 1 to 40 characters of a-z, 0-9 and -";
    if (partner->city[0] != '\0' &&
        (why = validate_text(partner->city, OP_PARTNER_CITY_MAX)) != NULL) {
        snprintf(buf, OP_PARTNER_WHY_MAX, "city: %s", why);
        return buf;
    }
    return NULL;
}

/* Whether partner (new, id 0, or an edit of its own id) may be stored:
 * checked, and no other partner has its name. 0 with the firm's count of
 * partners in *n, or the request failed. */
static int op_partner_admit(struct request *req, MDB_txn *txn, Folio__Partner *partner, size_t *n)
{
    char buf[OP_PARTNER_WHY_MAX];
    const char *why = op_partner_check(partner, buf);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    Folio__Partner **all;
    int rc = store_partner_list(&req->server->store, txn, &req->arena, &all, n);
    if (rc != 0)
        return request_store_error(req, rc, "read the partners");
    for (size_t i = 0; i < *n; i++)
        if (all[i]->id != partner->id && op_partner_same_name(all[i]->name, partner->name))
            return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "partner %s already exists",
                                partner->name);
    return 0;
}

int op_partner_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    Folio__Partner *partner =
        request_record(req, &folio__partner__descriptor, req->msg->partner_add->partner);
    if (partner == NULL)
        return request_oom(req);
    partner->id = 0; /* the store's to give, not the caller's */
    size_t n;
    if ((rc = op_partner_admit(req, txn, partner, &n)) != 0)
        return rc;
    struct store *store = &req->server->store;
    if (n >= STORE_PARTNER_MAX)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the firm has %d partners, the most it may have", STORE_PARTNER_MAX);
    partner->created_at = req->now;
    if ((rc = store_partner_add(store, txn, partner)) != 0)
        return request_store_error(req, rc, "add the partner");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)partner->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "partner.add", target, partner->name)) != 0)
        return request_store_error(req, rc, "add the partner");
    req->response.result_case = FOLIO__RESPONSE__RESULT_PARTNER;
    req->response.partner = partner;
    return 0;
}

int op_partner_list_read(struct request *req, MDB_txn *txn)
{
    Folio__Partners *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__partners__init(list);
    int rc = store_partner_list(&req->server->store, txn, &req->arena, &list->partners,
                                &list->n_partners);
    if (rc != 0)
        return request_store_error(req, rc, "list the partners");
    req->response.result_case = FOLIO__RESPONSE__RESULT_PARTNERS;
    req->response.partners = list;
    return 0;
}

/* The stored partner id, or NOT_FOUND "no partner ID". */
static int op_partner_find(struct request *req, MDB_txn *txn, uint64_t id, Folio__Partner **out)
{
    int rc = store_partner_get(&req->server->store, txn, id, &req->arena, out);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no partner %llu", (unsigned long long)id);
    return rc != 0 ? request_store_error(req, rc, "read the partner") : 0;
}

int op_partner_edit_write(struct request *req, MDB_txn *txn)
{
    const Folio__PartnerEdit *ask = req->msg->partner_edit;
    static const char fields_are[] = "fields: name, category or city";
    if (ask->n_fields == 0 || ask->changes == NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", fields_are);
    Folio__Partner *partner;
    int rc = op_partner_find(req, txn, ask->id, &partner);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < ask->n_fields; i++) {
        const char *f = ask->fields[i];
        char **to;
        const char *from;
        if (strcmp(f, "name") == 0)
            to = &partner->name, from = ask->changes->name;
        else if (strcmp(f, "category") == 0)
            to = &partner->category, from = ask->changes->category;
        else if (strcmp(f, "city") == 0)
            to = &partner->city, from = ask->changes->city;
        else
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", fields_are);
        /* A copy: the check lower-cases the category in place, and the
         * request stays as it came for a replay. */
        if ((*to = arena_strdup(&req->arena, from)) == NULL)
            return request_oom(req);
    }
    size_t n;
    if ((rc = op_partner_admit(req, txn, partner, &n)) != 0)
        return rc;
    struct store *store = &req->server->store;
    if ((rc = store_partner_put(store, txn, partner)) != 0)
        return request_store_error(req, rc, "change the partner");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)partner->id);
    char *detail = arena_printf(&req->arena, "%s (%s)", partner->name, partner->category);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "partner.edit", target, detail)) != 0)
        return request_store_error(req, rc, "change the partner");
    req->response.result_case = FOLIO__RESPONSE__RESULT_PARTNER;
    req->response.partner = partner;
    return 0;
}

int op_partner_remove_write(struct request *req, MDB_txn *txn)
{
    uint64_t id = req->msg->partner_remove->id;
    Folio__Partner *partner;
    int rc = op_partner_find(req, txn, id, &partner);
    if (rc != 0)
        return rc;
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_dates(req, txn, "", today, label)) != 0)
        return rc;
    struct store *store = &req->server->store;
    size_t open;
    if ((rc = store_coupon_count_open_at_partner(store, txn, id, today, &open)) != 0)
        return request_store_error(req, rc, "read the coupons");
    if (open > 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "partner %llu has %zu open coupon%s: they must be redeemed, "
                            "withdrawn or expired first",
                            (unsigned long long)id, open, open == 1 ? "" : "s");
    if ((rc = store_partner_remove(store, txn, id)) != 0)
        return request_store_error(req, rc, "remove the partner");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "partner.remove", target, partner->name)) != 0)
        return request_store_error(req, rc, "remove the partner");
    return request_reply_empty(req);
}
