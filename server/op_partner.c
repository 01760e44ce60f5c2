/* op_partner.c - the firm's partner businesses, where clients use coupons.
 * The firm-admin adds them; everyone with a session lists them. */
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "op.h"
#include "server.h"
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

int op_partner_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    Folio__Partner *partner =
        request_record(req, &folio__partner__descriptor, req->msg->partner_add->partner);
    if (partner == NULL)
        return request_oom(req);
    char buf[OP_PARTNER_WHY_MAX];
    const char *why = op_partner_check(partner, buf);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);

    struct store *store = &req->server->store;
    Folio__Partner **all;
    size_t n;
    if ((rc = store_partner_list(store, txn, &req->arena, &all, &n)) != 0)
        return request_store_error(req, rc, "read the partners");
    for (size_t i = 0; i < n; i++)
        if (op_partner_same_name(all[i]->name, partner->name))
            return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "partner %s already exists",
                                partner->name);
    if (n >= STORE_PARTNER_MAX)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the firm has %d partners, the most it may have", STORE_PARTNER_MAX);
    partner->id = 0;
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
