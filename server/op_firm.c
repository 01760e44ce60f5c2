/* op_firm.c - the firm's signing key, the firms it trusts, and backups.
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

#define OP_FIRM_BACKUP_DIR      "backups"
#define OP_FIRM_BACKUP_ATTEMPTS 10

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

/* Copies the store, compacted, to an unnamed-yet file, and gives it its
 * timestamped name only when complete; an existing backup is never
 * overwritten (link fails on an existing name). The name, or NULL. */
static char *op_backup_copy(struct request *req, uint64_t *size)
{
    const char *data = req->server->config.data_dir;
    char dir[4096], tmp[4200], path[4300], name[64], stamp[32];
    struct tm tm;
    time_t now = (time_t)req->now;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", data, OP_FIRM_BACKUP_DIR) >= sizeof(dir)) {
        request_fail(req, FOLIO__CODE__INTERNAL, "the data directory path is too long");
        return NULL;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    snprintf(tmp, sizeof(tmp), "%s/.folio-%s.%08x.tmp", dir, stamp, randombytes_random());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot create a backup file: %s",
                     strerror(errno));
        return NULL;
    }
    struct store *store = &req->server->store;
    /* Held so that the map is not resized under the copy's transaction. */
    int rc = pthread_rwlock_rdlock(&store->resize_lock);
    if (rc == 0) {
        rc = mdb_env_copyfd2(store->env, fd, MDB_CP_COMPACT);
        pthread_rwlock_unlock(&store->resize_lock);
    }
    struct stat st;
    if (rc == 0 && fsync(fd) != 0)
        rc = errno;
    if (rc == 0 && fstat(fd, &st) != 0)
        rc = errno;
    if (close(fd) != 0 && rc == 0)
        rc = errno;
    char *result = NULL;
    for (int i = 1; rc == 0 && result == NULL && i <= OP_FIRM_BACKUP_ATTEMPTS; i++) {
        /* Two backups in one second get -2, -3, ... */
        if (i == 1)
            snprintf(name, sizeof(name), "folio-%s.mdb", stamp);
        else
            snprintf(name, sizeof(name), "folio-%s-%d.mdb", stamp, i);
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (link(tmp, path) == 0)
            result = arena_strdup(&req->arena, name);
        else if (errno != EEXIST)
            rc = errno;
    }
    unlink(tmp);
    if (rc != 0) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "the backup failed: %s", store_strerror(rc));
        return NULL;
    }
    if (result == NULL) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "too many backups this second; try again");
        return NULL;
    }
    *size = (uint64_t)st.st_size;
    return result;
}

/* The copy is made off the loop and off the writer; the audit record that
 * says it was made is written by the writer, after it. */
void op_backup_pool(struct request *req)
{
    uint64_t size = 0;
    char *name = op_backup_copy(req, &size);
    if (name == NULL)
        return;
    log_info("backup %s/%s/%s made (%llu bytes)", req->server->config.data_dir, OP_FIRM_BACKUP_DIR,
             name, (unsigned long long)size);
    Folio__BackupResult *result = request_alloc(req, sizeof(*result));
    if (result == NULL) {
        request_oom(req);
        return;
    }
    folio__backup_result__init(result);
    result->name = name;
    result->size = size;
    req->response.result_case = FOLIO__RESPONSE__RESULT_BACKUP;
    req->response.backup = result;
    req->scratch = result;
}

int op_backup_write(struct request *req, MDB_txn *txn)
{
    const Folio__BackupResult *result = req->scratch;
    char detail[64];
    snprintf(detail, sizeof(detail), "%llu bytes", (unsigned long long)result->size);
    int rc = audit_append(req, txn, "backup", result->name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the backup");
    /* The writer starts every attempt from a clean reply. */
    req->response.result_case = FOLIO__RESPONSE__RESULT_BACKUP;
    req->response.backup = (Folio__BackupResult *)result;
    return 0;
}
