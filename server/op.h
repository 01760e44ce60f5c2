/* op.h - the request table: what each request type needs and does.
 *
 * Every request type has exactly one entry; dispatch.c holds the table and
 * drives the stages (request.h). `access` says whether a session is needed;
 * finer decisions (roles, offices) are made in access.c. A stage handler
 * reads req->msg, fills req->response (allocating from req->arena) or fails
 * with request_fail.
 *
 * op_lane gives the pool lane (hasher.h) of the op's pool stage. An op in
 * the HEAVY_READ lane walks a whole portfolio or log: its read stage runs in
 * the pool, in a read transaction of its own, rather than on the loop
 * thread, so that other connections are served meanwhile; the session is
 * still checked on the loop first. */
#ifndef FOLIO_OP_H
#define FOLIO_OP_H

#include <lmdb.h>

#include "request.h"

enum op_access {
    OP_PUBLIC,  /* no session needed (Hello, Login, Authenticate) */
    OP_SESSION, /* the connection must hold a live session */
};

struct op {
    Folio__Request__OpCase which;
    const char *name;
    enum op_access access;
    int (*read)(struct request *req, MDB_txn *txn);
    void (*pool)(struct request *req);
    int (*write)(struct request *req, MDB_txn *txn);
    void (*finish)(struct request *req);
};

const struct op *op_find(Folio__Request__OpCase which);

/* The pool lane of op (dispatch.c lists the ops not in the hash lane). */
enum hasher_lane op_lane(const struct op *op);

/* A write-only op touches nothing outside the writer, so it may be queued
 * behind earlier writes of its connection without waiting for their commit. */
bool op_is_write_only(const struct op *op);

/* op_session.c */
int op_hello_read(struct request *req, MDB_txn *txn);
int op_login_read(struct request *req, MDB_txn *txn);
void op_login_hash(struct request *req);
int op_login_write(struct request *req, MDB_txn *txn);
void op_login_finish(struct request *req);
int op_authenticate_read(struct request *req, MDB_txn *txn);
void op_authenticate_finish(struct request *req);
int op_logout_write(struct request *req, MDB_txn *txn);
void op_logout_finish(struct request *req);
int op_whoami_read(struct request *req, MDB_txn *txn);
int op_password_change_read(struct request *req, MDB_txn *txn);
void op_password_change_hash(struct request *req);
int op_password_change_write(struct request *req, MDB_txn *txn);
void op_password_change_finish(struct request *req);

/* op_admin.c */
/* Fills user->office with its office's name for a reply. */
int op_user_reply(struct request *req, MDB_txn *txn, Folio__User *user);
int op_office_add_write(struct request *req, MDB_txn *txn);
int op_office_list_read(struct request *req, MDB_txn *txn);
int op_user_add_read(struct request *req, MDB_txn *txn);
void op_user_add_hash(struct request *req);
int op_user_add_write(struct request *req, MDB_txn *txn);
int op_user_list_read(struct request *req, MDB_txn *txn);
int op_user_disable_write(struct request *req, MDB_txn *txn);
void op_user_disable_finish(struct request *req);
int op_user_passwd_read(struct request *req, MDB_txn *txn);
void op_user_passwd_hash(struct request *req);
int op_user_passwd_write(struct request *req, MDB_txn *txn);
void op_user_passwd_finish(struct request *req);
int op_user_unlock_write(struct request *req, MDB_txn *txn);
void op_user_unlock_finish(struct request *req);
int op_audit_query_read(struct request *req, MDB_txn *txn);

/* op_client.c */
int op_client_add_write(struct request *req, MDB_txn *txn);
int op_client_get_read(struct request *req, MDB_txn *txn);
int op_client_get_write(struct request *req, MDB_txn *txn);
int op_client_list_read(struct request *req, MDB_txn *txn);
int op_client_update_write(struct request *req, MDB_txn *txn);
int op_client_erase_write(struct request *req, MDB_txn *txn);
int op_client_history_read(struct request *req, MDB_txn *txn);
int op_event_add_write(struct request *req, MDB_txn *txn);
int op_segment_read(struct request *req, MDB_txn *txn);

/* op_rule.c */
int op_rule_add_write(struct request *req, MDB_txn *txn);
int op_rule_list_read(struct request *req, MDB_txn *txn);
int op_rule_remove_write(struct request *req, MDB_txn *txn);
int op_calendar_get_read(struct request *req, MDB_txn *txn);
int op_calendar_set_write(struct request *req, MDB_txn *txn);
int op_occasion_add_write(struct request *req, MDB_txn *txn);
int op_occasion_remove_write(struct request *req, MDB_txn *txn);

/* op_alert.c */
int op_alert_add_write(struct request *req, MDB_txn *txn);
/* Tells each watching agent with clients the new alert covers. */
void op_alert_add_finish(struct request *req);
int op_alert_list_read(struct request *req, MDB_txn *txn);
int op_alert_end_write(struct request *req, MDB_txn *txn);

/* op_partner.c */
int op_partner_add_write(struct request *req, MDB_txn *txn);
int op_partner_list_read(struct request *req, MDB_txn *txn);

/* op_coupon.c */
int op_coupon_issue_write(struct request *req, MDB_txn *txn);
int op_coupon_list_read(struct request *req, MDB_txn *txn);
int op_coupon_redeem_write(struct request *req, MDB_txn *txn);

/* op_profile.c */
int op_profile_set_write(struct request *req, MDB_txn *txn);
int op_profile_get_read(struct request *req, MDB_txn *txn);

/* op_offer.c */
int op_offer_add_write(struct request *req, MDB_txn *txn);
int op_offer_list_read(struct request *req, MDB_txn *txn);
int op_offer_set_write(struct request *req, MDB_txn *txn);

/* op_agenda.c */
int op_agenda_read(struct request *req, MDB_txn *txn);

/* op_reassign.c */
int op_reassign_read(struct request *req, MDB_txn *txn);
int op_reassign_write(struct request *req, MDB_txn *txn);
int op_reassign_undo_write(struct request *req, MDB_txn *txn);
/* Reassign and ReassignUndo: tells both agents (notice.h). */
void op_reassign_finish(struct request *req);
int op_watch_read(struct request *req, MDB_txn *txn);

/* op_firm.c */
int op_firm_key_read(struct request *req, MDB_txn *txn);
int op_trust_add_write(struct request *req, MDB_txn *txn);
int op_trust_list_read(struct request *req, MDB_txn *txn);
int op_trust_remove_write(struct request *req, MDB_txn *txn);
int op_backup_read(struct request *req, MDB_txn *txn);
void op_backup_pool(struct request *req);
int op_backup_write(struct request *req, MDB_txn *txn);

/* op_transfer.c */
int op_export_begin_read(struct request *req, MDB_txn *txn);
void op_export_begin_pool(struct request *req);
int op_export_begin_write(struct request *req, MDB_txn *txn);
int op_export_chunk_read(struct request *req, MDB_txn *txn);
void op_export_chunk_pool(struct request *req);
int op_import_begin_read(struct request *req, MDB_txn *txn);
int op_import_chunk_read(struct request *req, MDB_txn *txn);
void op_import_chunk_pool(struct request *req);
int op_import_commit_read(struct request *req, MDB_txn *txn);
void op_import_commit_pool(struct request *req);
int op_import_commit_write(struct request *req, MDB_txn *txn);
void op_import_commit_finish(struct request *req);
int op_restore_transferred_write(struct request *req, MDB_txn *txn);
/* Removes the connection's transfer once it is finished. */
void op_transfer_finish(struct request *req);

/* op_client_import.c */
int op_client_import_write(struct request *req, MDB_txn *txn);

/* op_stats.c */
int op_stats_get_read(struct request *req, MDB_txn *txn);

#endif
