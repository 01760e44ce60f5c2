/* op_backup.c - folio admin backup: the firm in one encrypted file
 * (backup_file.h), handed to the firm-admin in chunks.
 *
 * BackupBegin carries the admin's passphrase; the pool stage (transfer
 * lane) derives the key, streams the compacted database, the firm key and
 * the TLS pair through the encryption into a transfer file, and the write
 * stage records it in the audit; ExportChunk then hands the file out as it
 * does an export's, and it goes when the last chunk has been read or the
 * connection closes.
 *
 * The server encrypts, rather than the admin's folio: the firm key and the
 * TLS key then never leave the server but inside the encrypted file, one
 * implementation writes every backup (`foliod backup` and the timer's
 * included), and folio needs no copy of the format. The passphrase travels
 * inside TLS, from a firm-admin, to the process that already holds all it
 * protects; it is used for the key derivation only, never stored nor
 * logged, and wiped from the request once used. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "backup_file.h"
#include "compact.h"
#include "firm_key.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "transfer_bundle.h"

/* Room asked of the transfer quotas beyond the database file: the key
 * files, and each record's length, kind and tag. */
#define OP_BACKUP_SLACK (1024u * 1024u)

struct op_backup {
    struct transfer *t;
    struct backup_summary sum;
    Folio__Transfer *reply;
};

/* The database file's size: a compacted copy is never bigger. */
static uint64_t op_backup_estimate(const struct server *s)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof(path), "%s/data.mdb", s->config.data_dir);
    uint64_t size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    return size + size / 1024 + OP_BACKUP_SLACK;
}

int op_backup_begin_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    const char *passphrase = req->msg->backup_begin->passphrase;
    const char *bad = backup_passphrase_check(passphrase, strlen(passphrase));
    if (bad != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "passphrase: %s", bad);
    struct op_backup *op = request_alloc(req, sizeof(*op));
    Folio__Transfer *reply = request_alloc(req, sizeof(*reply));
    if (op == NULL || reply == NULL)
        return request_oom(req);
    int rc = op_transfer_open_export(req, op_backup_estimate(req->server), &op->t);
    if (rc != 0)
        return rc;
    folio__transfer__init(reply);
    op->reply = reply;
    req->scratch = op;
    return 0;
}

static int op_backup_copy(void *ctx, int fd)
{
    return compact_copy_store(ctx, fd);
}

void op_backup_begin_pool(struct request *req)
{
    struct op_backup *op = req->scratch;
    struct server *s = req->server;
    char *passphrase = req->msg->backup_begin->passphrase;
    size_t len = strlen(passphrase);
    char key[4200];
    snprintf(key, sizeof(key), "%s/%s", s->config.data_dir, FIRM_KEY_FILE);
    /* The paths the TLS pair was read from: a reload reads the same ones. */
    bool tls = !s->config.plaintext;
    struct backup_source src = {
        .firm_key_path = key,
        .tls_cert_path = tls ? s->tls_cert_path : NULL,
        .tls_key_path = tls ? s->tls_key_path : NULL,
        .created_at = req->now,
        .copy_data = op_backup_copy,
        .ctx = &s->store,
    };
    char why[512];
    int rc = backup_write(op->t->fd, passphrase, len, &src, &op->sum, why, sizeof(why));
    sodium_memzero(passphrase, len);
    if (rc != 0) {
        op->t->finished = true;
        log_error("backup: %s", why);
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "the backup failed: %s", why);
        return;
    }
    op->t->size = op->sum.file_bytes;
    log_info("backup of %llu bytes made for %s (database %llu bytes)",
             (unsigned long long)op->sum.file_bytes, req->actor.name,
             (unsigned long long)op->sum.data_bytes);
}

int op_backup_begin_write(struct request *req, MDB_txn *txn)
{
    struct op_backup *op = req->scratch;
    char *detail = arena_printf(
        &req->arena, "%llu bytes; database %llu bytes%s%s", (unsigned long long)op->sum.file_bytes,
        (unsigned long long)op->sum.data_bytes, op->sum.firm_key ? ", firm key" : ", no firm key",
        op->sum.tls ? ", TLS pair" : ", no TLS pair");
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "backup", req->server->firm_name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the backup");
    op->t->ready = true;
    op->reply->transfer_id = op->t->id;
    op->reply->size = op->t->size;
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRANSFER;
    req->response.transfer = op->reply;
    return 0;
}
