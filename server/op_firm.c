/* op_firm.c - the firm's signing key and the firms it trusts.
 *
 * The public key is read from server->firm_key, loaded once at start and
 * never changed while serving, so any thread may read it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "bundle.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "store_trust.h"
#include "validate.h"

static char *op_firm_fingerprint(struct request *req, const uint8_t *public_key)
{
    char fp[BUNDLE_FINGERPRINT_MAX];
    bundle_fingerprint(public_key, fp);
    return arena_strdup(&req->arena, fp);
}

int op_firm_key_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    const struct server *s = req->server;
    Folio__FirmKeyInfo *info = request_alloc(req, sizeof(*info));
    char *hex = request_alloc(req, 2 * crypto_sign_PUBLICKEYBYTES + 1);
    if (info == NULL || hex == NULL)
        return request_oom(req);
    folio__firm_key_info__init(info);
    firm_key_hex(s->firm_key.public_key, hex);
    info->firm = s->firm_name;
    info->public_key = hex;
    info->fingerprint = op_firm_fingerprint(req, s->firm_key.public_key);
    if (info->fingerprint == NULL)
        return request_oom(req);
    req->response.result_case = FOLIO__RESPONSE__RESULT_FIRM_KEY;
    req->response.firm_key = info;
    return 0;
}

int op_trust_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    const Folio__TrustAdd *add = req->msg->trust_add;
    if (validate_firm_name(add->firm) != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "a firm name must be 1 to 200 bytes of printable text");
    uint8_t *key = request_alloc(req, crypto_sign_PUBLICKEYBYTES);
    if (key == NULL)
        return request_oom(req);
    if (firm_key_parse_hex(add->public_key, key) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "a public key is 64 hex characters, as `folio admin firm-key` "
                            "prints it");
    if (!crypto_core_ed25519_is_valid_point(key))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "that public key is not a valid Ed25519 key");
    if (sodium_memcmp(key, req->server->firm_key.public_key, crypto_sign_PUBLICKEYBYTES) == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "that is this firm's own key; trust other firms' keys");

    struct store *store = &req->server->store;
    Folio__TrustedFirm **all;
    size_t n;
    if ((rc = store_trust_list(store, txn, &req->arena, &all, &n)) != 0)
        return request_store_error(req, rc, "read the trusted firms");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i]->name, add->firm) == 0)
            return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "firm %s is already trusted",
                                add->firm);
        if (all[i]->public_key.len == crypto_sign_PUBLICKEYBYTES &&
            memcmp(all[i]->public_key.data, key, crypto_sign_PUBLICKEYBYTES) == 0)
            return request_fail(req, FOLIO__CODE__ALREADY_EXISTS,
                                "that key is already trusted as firm %s", all[i]->name);
    }
    if (n >= STORE_TRUST_MAX)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the firm trusts %d firms, the most it may", STORE_TRUST_MAX);

    Folio__TrustedFirm *firm = request_alloc(req, sizeof(*firm));
    if (firm == NULL)
        return request_oom(req);
    folio__trusted_firm__init(firm);
    firm->name = add->firm;
    firm->public_key.data = key;
    firm->public_key.len = crypto_sign_PUBLICKEYBYTES;
    firm->added_at = req->now;
    firm->added_by = (char *)req->actor.name;
    if ((rc = store_trust_add(store, txn, firm)) != 0)
        return request_store_error(req, rc, "trust the firm");
    /* The fingerprint is derived, so it is stored nowhere, only sent. */
    firm->fingerprint = op_firm_fingerprint(req, key);
    if (firm->fingerprint == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "trust.add", firm->name, firm->fingerprint)) != 0)
        return request_store_error(req, rc, "trust the firm");
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRUSTED_FIRM;
    req->response.trusted_firm = firm;
    return 0;
}

int op_trust_list_read(struct request *req, MDB_txn *txn)
{
    Folio__TrustedFirms *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__trusted_firms__init(list);
    int rc = store_trust_list(&req->server->store, txn, &req->arena, &list->firms, &list->n_firms);
    if (rc != 0)
        return request_store_error(req, rc, "list the trusted firms");
    for (size_t i = 0; i < list->n_firms; i++) {
        Folio__TrustedFirm *f = list->firms[i];
        if (f->public_key.len == crypto_sign_PUBLICKEYBYTES &&
            (f->fingerprint = op_firm_fingerprint(req, f->public_key.data)) == NULL)
            return request_oom(req);
    }
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRUSTED_FIRMS;
    req->response.trusted_firms = list;
    return 0;
}

int op_trust_remove_write(struct request *req, MDB_txn *txn)
{
    const char *name = req->msg->trust_remove->firm;
    struct store *store = &req->server->store;
    Folio__TrustedFirm *firm;
    int rc = store_trust_get(store, txn, name, &req->arena, &firm);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no trusted firm %s", name);
    if (rc != 0)
        return request_store_error(req, rc, "read the trusted firm");
    if ((rc = store_trust_remove(store, txn, name)) != 0)
        return request_store_error(req, rc, "remove the trusted firm");
    if (firm->public_key.len == crypto_sign_PUBLICKEYBYTES &&
        (firm->fingerprint = op_firm_fingerprint(req, firm->public_key.data)) == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "trust.remove", firm->name, firm->fingerprint)) != 0)
        return request_store_error(req, rc, "remove the trusted firm");
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRUSTED_FIRM;
    req->response.trusted_firm = firm;
    return 0;
}
