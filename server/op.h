/* op.h - the request table: what each request type needs and does.
 *
 * Every request type has exactly one row, in OP_TABLE below; dispatch.c
 * builds the table from it and drives the stages (request.h). The row says
 * who may send the request; decisions about objects (this client's owner,
 * that agent's office) are made in access.c by the handlers. A stage
 * handler reads req->msg, fills req->response (allocating from req->arena)
 * or fails with request_fail.
 *
 * An op in the HEAVY_READ lane (client list and find among them) walks a whole portfolio or log:
 * its read stage runs in the pool, in a read transaction of its own, rather than on the loop
 * thread, so that other connections are served meanwhile; the session and the caller are still
 * checked on the loop first. */
#ifndef FOLIO_OP_H
#define FOLIO_OP_H

#include <lmdb.h>

#include "access.h"
#include "request.h"
#include "transfer_bundle.h"

struct client_summary;
struct transfer;

/* The request table: one row per request type, in Request field order.
 *   X(CASE, name, WHO, LANE, read, pool, write, finish)
 * CASE    the Request field, FOLIO__REQUEST__OP_<CASE>; name, the same in
 *         lower case, is the op's name in logs and stats;
 * WHO     who may send it (enum access_caller without its ACCESS_ prefix),
 *         checked by dispatch, once, before any stage;
 * LANE    the pool lane (hasher.h) of its pool stage, or of its read stage
 *         for a HEAVY_READ; NONE when it leaves the pool alone;
 * stages  its handlers (request.h), NULL where it has none.
 * A row whose field number reaches STATS_OP_SLOTS fails the build. */
// clang-format off
#define OP_TABLE(X) \
    X(HELLO, hello, PUBLIC, NONE, op_hello_read, NULL, NULL, NULL) \
    X(LOGIN, login, PUBLIC, HASH, op_login_read, op_login_hash, op_login_write, op_login_finish) \
    X(AUTHENTICATE, authenticate, PUBLIC, NONE, op_authenticate_read, \
      NULL, NULL, op_authenticate_finish) \
    X(LOGOUT, logout, SESSION, NONE, NULL, NULL, op_logout_write, op_logout_finish) \
    X(WHOAMI, whoami, SESSION, NONE, op_whoami_read, NULL, NULL, NULL) \
    X(PASSWORD_CHANGE, password_change, SESSION, HASH, op_password_change_read, \
      op_password_change_hash, op_password_change_write, op_password_change_finish) \
    X(OFFICE_ADD, office_add, FIRM_ADMIN, NONE, NULL, NULL, op_office_add_write, NULL) \
    X(OFFICE_LIST, office_list, ADMIN, NONE, op_office_list_read, NULL, NULL, NULL) \
    X(USER_ADD, user_add, ADMIN, HASH, op_user_add_read, \
      op_user_add_hash, op_user_add_write, NULL) \
    X(USER_LIST, user_list, ADMIN, NONE, op_user_list_read, NULL, NULL, NULL) \
    X(USER_DISABLE, user_disable, ADMIN, NONE, NULL, \
      NULL, op_user_disable_write, op_user_disable_finish) \
    X(USER_PASSWD, user_passwd, ADMIN, HASH, op_user_passwd_read, \
      op_user_passwd_hash, op_user_passwd_write, op_user_passwd_finish) \
    X(USER_UNLOCK, user_unlock, ADMIN, NONE, NULL, \
      NULL, op_user_unlock_write, op_user_unlock_finish) \
    X(AUDIT_QUERY, audit_query, ADMIN, HEAVY_READ, op_audit_query_read, NULL, NULL, NULL) \
    X(CLIENT_ADD, client_add, AGENT, NONE, NULL, NULL, op_client_add_write, NULL) \
    X(CLIENT_GET, client_get, SESSION, NONE, op_client_get_read, NULL, op_client_get_write, NULL) \
    X(CLIENT_LIST, client_list, SESSION, HEAVY_READ, op_client_list_read, NULL, \
      op_client_list_write, NULL) \
    X(CLIENT_UPDATE, client_update, SESSION, NONE, NULL, NULL, op_client_update_write, NULL) \
    X(CLIENT_ERASE, client_erase, SESSION, NONE, NULL, NULL, op_client_erase_write, NULL) \
    X(CLIENT_HISTORY, client_history, SESSION, NONE, op_client_history_read, NULL, NULL, NULL) \
    X(EVENT_ADD, event_add, SESSION, NONE, NULL, NULL, op_event_add_write, NULL) \
    X(SEGMENT, segment, SESSION, HEAVY_READ, op_segment_read, NULL, NULL, NULL) \
    X(RULE_ADD, rule_add, FIRM_ADMIN, NONE, NULL, NULL, op_rule_add_write, NULL) \
    X(RULE_LIST, rule_list, SESSION, NONE, op_rule_list_read, NULL, NULL, NULL) \
    X(RULE_REMOVE, rule_remove, FIRM_ADMIN, NONE, NULL, NULL, op_rule_remove_write, NULL) \
    X(CALENDAR_GET, calendar_get, SESSION, NONE, op_calendar_get_read, NULL, NULL, NULL) \
    X(CALENDAR_SET, calendar_set, FIRM_ADMIN, NONE, NULL, NULL, op_calendar_set_write, NULL) \
    X(OCCASION_ADD, occasion_add, FIRM_ADMIN, NONE, NULL, NULL, op_occasion_add_write, NULL) \
    X(OCCASION_REMOVE, occasion_remove, FIRM_ADMIN, NONE, NULL, \
      NULL, op_occasion_remove_write, NULL) \
    X(ALERT_ADD, alert_add, ADMIN, NONE, NULL, NULL, op_alert_add_write, op_alert_add_finish) \
    X(ALERT_LIST, alert_list, SESSION, NONE, op_alert_list_read, NULL, NULL, NULL) \
    X(ALERT_END, alert_end, SESSION, NONE, NULL, NULL, op_alert_end_write, NULL) \
    X(PARTNER_ADD, partner_add, FIRM_ADMIN, NONE, NULL, NULL, op_partner_add_write, NULL) \
    X(PARTNER_LIST, partner_list, SESSION, NONE, op_partner_list_read, NULL, NULL, NULL) \
    X(COUPON_ISSUE, coupon_issue, AGENT, NONE, NULL, NULL, op_coupon_issue_write, NULL) \
    X(COUPON_LIST, coupon_list, SESSION, NONE, op_coupon_list_read, NULL, NULL, NULL) \
    X(COUPON_REDEEM, coupon_redeem, SESSION, NONE, NULL, NULL, op_coupon_redeem_write, NULL) \
    X(PROFILE_SET, profile_set, SESSION, NONE, NULL, NULL, op_profile_set_write, NULL) \
    X(PROFILE_GET, profile_get, SESSION, NONE, op_profile_get_read, NULL, NULL, NULL) \
    X(OFFER_ADD, offer_add, SESSION, NONE, NULL, NULL, op_offer_add_write, NULL) \
    X(OFFER_LIST, offer_list, SESSION, HEAVY_READ, op_offer_list_read, NULL, NULL, NULL) \
    X(OFFER_SET, offer_set, SESSION, NONE, NULL, NULL, op_offer_set_write, NULL) \
    X(AGENDA, agenda, SESSION, HEAVY_READ, op_agenda_read, NULL, op_agenda_write, NULL) \
    X(REASSIGN, reassign, ADMIN, NONE, op_reassign_read, \
      NULL, op_reassign_write, op_reassign_finish) \
    X(REASSIGN_UNDO, reassign_undo, ADMIN, NONE, NULL, \
      NULL, op_reassign_undo_write, op_reassign_finish) \
    X(WATCH, watch, SESSION, NONE, op_watch_read, NULL, NULL, NULL) \
    X(FIRM_KEY, firm_key, SESSION, NONE, op_firm_key_read, NULL, NULL, NULL) \
    X(TRUST_ADD, trust_add, FIRM_ADMIN, NONE, NULL, NULL, op_trust_add_write, NULL) \
    X(TRUST_LIST, trust_list, ADMIN, NONE, op_trust_list_read, NULL, NULL, NULL) \
    X(TRUST_REMOVE, trust_remove, FIRM_ADMIN, NONE, NULL, NULL, op_trust_remove_write, NULL) \
    X(EXPORT_BEGIN, export_begin, SESSION, TRANSFER, op_export_begin_read, \
      op_export_begin_pool, op_export_begin_write, NULL) \
    X(EXPORT_CHUNK, export_chunk, SESSION, TRANSFER, op_export_chunk_read, \
      op_export_chunk_pool, NULL, op_transfer_finish) \
    X(IMPORT_BEGIN, import_begin, SESSION, NONE, op_import_begin_read, NULL, NULL, NULL) \
    X(IMPORT_CHUNK, import_chunk, SESSION, TRANSFER, op_import_chunk_read, \
      op_import_chunk_pool, NULL, NULL) \
    X(IMPORT_COMMIT, import_commit, SESSION, TRANSFER, op_import_commit_read, \
      op_import_commit_pool, op_import_commit_write, op_import_commit_finish) \
    X(RESTORE_TRANSFERRED, restore_transferred, FIRM_ADMIN, NONE, NULL, \
      NULL, op_restore_transferred_write, NULL) \
    X(CLIENT_IMPORT, client_import, SESSION, NONE, NULL, NULL, op_client_import_write, NULL) \
    X(STATS_GET, stats_get, FIRM_ADMIN, NONE, op_stats_get_read, NULL, NULL, NULL) \
    X(CLIENT_FIND, client_find, SESSION, HEAVY_READ, op_client_find_read, \
      NULL, op_client_find_write, NULL) \
    X(EVENT_EDIT, event_edit, SESSION, NONE, NULL, NULL, op_event_edit_write, NULL) \
    X(EVENT_REMOVE, event_remove, SESSION, NONE, NULL, NULL, op_event_remove_write, NULL) \
    X(CLIENT_MERGE, client_merge, SESSION, NONE, NULL, NULL, op_client_merge_write, NULL) \
    X(CLIENT_LINK, client_link, SESSION, NONE, NULL, NULL, op_client_link_write, NULL) \
    X(CLIENT_UNLINK, client_unlink, SESSION, NONE, NULL, NULL, op_client_unlink_write, NULL) \
    X(AGENDA_MARK, agenda_mark, SESSION, HEAVY_READ, op_agenda_mark_read, \
      NULL, op_agenda_mark_write, NULL) \
    X(TASK_ADD, task_add, AGENT, NONE, NULL, NULL, op_task_add_write, NULL) \
    X(TASK_LIST, task_list, SESSION, HEAVY_READ, op_task_list_read, NULL, NULL, NULL) \
    X(TASK_EDIT, task_edit, SESSION, NONE, NULL, NULL, op_task_edit_write, NULL) \
    X(TASK_REMOVE, task_remove, SESSION, NONE, NULL, NULL, op_task_remove_write, NULL) \
    X(HOLDING_ADD, holding_add, SESSION, NONE, NULL, NULL, op_holding_add_write, NULL) \
    X(HOLDING_GET, holding_get, SESSION, NONE, op_holding_get_read, NULL, NULL, NULL) \
    X(HOLDING_LIST, holding_list, SESSION, HEAVY_READ, op_holding_list_read, NULL, NULL, NULL) \
    X(HOLDING_EDIT, holding_edit, SESSION, NONE, NULL, NULL, op_holding_edit_write, NULL) \
    X(HOLDING_END, holding_end, SESSION, NONE, NULL, NULL, op_holding_end_write, NULL) \
    X(BOOK_QUERY, book_query, SESSION, HEAVY_READ, op_book_read, NULL, op_book_write, NULL) \
    X(USER_ENABLE, user_enable, ADMIN, NONE, NULL, NULL, op_user_enable_write, NULL) \
    X(USER_SET, user_set, ADMIN, NONE, NULL, NULL, op_user_set_write, NULL) \
    X(USER_SHOW, user_show, ADMIN, HEAVY_READ, op_user_show_read, NULL, NULL, NULL) \
    X(OFFICE_RENAME, office_rename, FIRM_ADMIN, NONE, NULL, NULL, op_office_rename_write, NULL) \
    X(OFFICE_REMOVE, office_remove, FIRM_ADMIN, NONE, NULL, NULL, op_office_remove_write, NULL) \
    X(REPORT_QUERY, report_query, SESSION, HEAVY_READ, op_report_read, NULL, op_report_write, NULL) \
    X(CAMPAIGN_CREATE, campaign_create, AGENT, HEAVY_READ, op_campaign_create_read, NULL, \
      op_campaign_create_write, NULL) \
    X(CAMPAIGN_LIST, campaign_list, SESSION, NONE, op_campaign_list_read, NULL, NULL, NULL) \
    X(CAMPAIGN_SHOW, campaign_show, SESSION, HEAVY_READ, op_campaign_show_read, NULL, NULL, NULL) \
    X(CAMPAIGN_CANCEL, campaign_cancel, SESSION, NONE, NULL, NULL, op_campaign_cancel_write, NULL) \
    X(COUPON_WITHDRAW, coupon_withdraw, SESSION, NONE, NULL, NULL, op_coupon_withdraw_write, NULL) \
    X(PARTNER_EDIT, partner_edit, FIRM_ADMIN, NONE, NULL, NULL, op_partner_edit_write, NULL) \
    X(PARTNER_REMOVE, partner_remove, FIRM_ADMIN, NONE, NULL, NULL, op_partner_remove_write, NULL) \
    X(RULE_EDIT, rule_edit, FIRM_ADMIN, NONE, NULL, NULL, op_rule_edit_write, NULL) \
    X(REASSIGN_LIST, reassign_list, ADMIN, HEAVY_READ, op_reassign_list_read, NULL, NULL, NULL) \
    X(REASSIGN_SHOW, reassign_show, ADMIN, HEAVY_READ, op_reassign_show_read, NULL, NULL, NULL) \
    X(FIRM_CAMPAIGN_CREATE, firm_campaign_create, ADMIN, HEAVY_READ, \
      op_firm_campaign_create_read, NULL, op_firm_campaign_create_write, NULL) \
    X(CAMPAIGN_OPT_OUT, campaign_opt_out, AGENT, NONE, NULL, NULL, op_campaign_opt_out_write, \
      NULL) \
    X(FIRM_CAMPAIGN_LIST, firm_campaign_list, ADMIN, NONE, op_firm_campaign_list_read, NULL, \
      NULL, NULL) \
    X(OFFER_SEND, offer_send, AGENT, NONE, NULL, NULL, op_offer_send_write, op_mail_finish) \
    X(COUPON_SEND, coupon_send, AGENT, NONE, NULL, NULL, op_coupon_send_write, op_mail_finish) \
    X(CAMPAIGN_SEND, campaign_send, AGENT, NONE, NULL, NULL, op_campaign_send_write, \
      op_mail_finish) \
    X(OUTBOX_LIST, outbox_list, AGENT, NONE, op_outbox_list_read, NULL, NULL, NULL) \
    X(MAIL_TEMPLATE, mail_template, FIRM_ADMIN, NONE, op_mail_template_read, NULL, \
      op_mail_template_write, NULL) \
    X(BACKUP_BEGIN, backup_begin, FIRM_ADMIN, TRANSFER, op_backup_begin_read, \
      op_backup_begin_pool, op_backup_begin_write, NULL) \
    X(SUBJECT_EXPORT, subject_export, FIRM_ADMIN, TRANSFER, op_subject_export_read, \
      op_subject_export_pool, op_subject_export_write, op_transfer_finish)
// clang-format on

struct op {
    Folio__Request__OpCase which;
    const char *name;
    enum access_caller who;
    enum hasher_lane lane;
    int (*read)(struct request *req, MDB_txn *txn);
    void (*pool)(struct request *req);
    int (*write)(struct request *req, MDB_txn *txn);
    void (*finish)(struct request *req);
};

/* The row of a request type; NULL for one this server does not know. */
const struct op *op_find(Folio__Request__OpCase which);

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
/* A firm-admin's: users keep their office through a rename; an office with
 * users is not removed. */
int op_office_rename_write(struct request *req, MDB_txn *txn);
int op_office_remove_write(struct request *req, MDB_txn *txn);
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
/* A disabled user enabled again; a user's role or office changed (who may
 * make such a user, and the last firm-admin and an agent's clients
 * permitting); a user shown with its last login and client count. */
int op_user_enable_write(struct request *req, MDB_txn *txn);
int op_user_set_write(struct request *req, MDB_txn *txn);
int op_user_show_read(struct request *req, MDB_txn *txn);

/* op_client.c */
/* The owner's name, looked up once for a whole page of one owner's clients. */
struct op_client_owner {
    uint64_t id;
    char *name;
};
/* Fills what a reply carries beyond the stored record: the owner's name
 * (owner: a cache for a page, or NULL) and the income trend. */
int op_client_reply(struct request *req, MDB_txn *txn, Folio__Client *client,
                    struct op_client_owner *owner);
/* client_validate, then client_validate_typed with the server's ISO codes
 * and today (the request's day, "YYYY-MM-DD"): for records people typed. */
const char *op_client_validate_typed(struct request *req, Folio__Client *client, const char *today);
/* The actor's default currency (its card's) into *currency, for an income
 * typed without one: 0, or WRITER_ROLLBACK with the reply set, naming
 * --currency, when the actor has none. */
int op_client_default_currency(struct request *req, MDB_txn *txn, char **currency);
int op_client_add_write(struct request *req, MDB_txn *txn);
int op_client_get_read(struct request *req, MDB_txn *txn);
int op_client_get_write(struct request *req, MDB_txn *txn);
int op_client_update_write(struct request *req, MDB_txn *txn);
int op_client_erase_write(struct request *req, MDB_txn *txn);
int op_client_history_read(struct request *req, MDB_txn *txn);
/* Records event on its client's timeline (the owner's client only), as
 * event add does, with its audit record; *out is the event recorded. */
int op_client_event_add(struct request *req, MDB_txn *txn, const Folio__EventAdd *event,
                        Folio__TimelineEvent **out);
int op_event_add_write(struct request *req, MDB_txn *txn);
/* The owner corrects (edit) or withdraws (remove) an event agents add; the
 * record is replayed from the new timeline in the same transaction, and
 * the audit keeps what the event was and became. */
int op_event_edit_write(struct request *req, MDB_txn *txn);
int op_event_remove_write(struct request *req, MDB_txn *txn);
int op_segment_read(struct request *req, MDB_txn *txn);
/* The day a segment counts ages on: its date when it gives one (checked),
 * else the actor's today (request_today). 0, or WRITER_ROLLBACK with the
 * reply set. */
int op_segment_today(struct request *req, MDB_txn *txn, const Folio__Segment *segment,
                     char today[CALENDAR_DATE_TEXT + 1]);
/* Calls fn for each of the actor's clients that segment picks, by the
 * filters of folio segment (holdings included; segment_validate first), in
 * id order. The summary is valid during the call only. fn returns 0 to go
 * on, 1 to stop, or an error, which is returned. */
typedef int (*op_segment_fn)(void *ctx, const uint8_t id[16], const struct client_summary *client);
int op_segment_each(struct request *req, MDB_txn *txn, const Folio__Segment *segment,
                    const char *today, op_segment_fn fn, void *ctx);
/* The agenda entries (follow-up, rule trigger) of one timeline event of a
 * client of owner_id's, written (index) or removed (unindex). */
int op_client_event_index(struct store *store, MDB_txn *txn, const uint8_t id[16],
                          uint64_t owner_id, const Folio__TimelineEvent *ev);
int op_client_event_unindex(struct store *store, MDB_txn *txn, const uint8_t id[16],
                            uint64_t owner_id, const Folio__TimelineEvent *ev);

/* op_client_merge.c */
int op_client_merge_write(struct request *req, MDB_txn *txn);

/* op_holding.c: a client's policies, accounts and contracts; its owner's */
int op_holding_add_write(struct request *req, MDB_txn *txn);
int op_holding_get_read(struct request *req, MDB_txn *txn);
int op_holding_list_read(struct request *req, MDB_txn *txn);
int op_holding_edit_write(struct request *req, MDB_txn *txn);
int op_holding_end_write(struct request *req, MDB_txn *txn);

/* op_book.c: the book of business; an admin's read audited */
int op_book_read(struct request *req, MDB_txn *txn);
int op_book_write(struct request *req, MDB_txn *txn);
/* The scope a book or report asks for (at most one of agent, office and
 * firm; none: the caller's own, an agent's), checked against the caller:
 * fn is called for each agent in it, and the scope's words ("agent alice",
 * "office North", "firm") go into scope. fn returns 0, ENOMEM or a store
 * error. 0, or the request failed. */
#define OP_BOOK_SCOPE_MAX 256
typedef int (*op_book_agent_fn)(void *ctx, struct request *req, MDB_txn *txn, uint64_t agent_id);
int op_book_scope(struct request *req, MDB_txn *txn, const char *agent, const char *office,
                  bool firm, op_book_agent_fn fn, void *ctx, char *scope, size_t cap);

/* op_report.c: the numbers `folio report` draws, in one walk; an admin's
 * read audited as the book's */
int op_report_read(struct request *req, MDB_txn *txn);
int op_report_write(struct request *req, MDB_txn *txn);

/* op_household.c: links between two clients of one owner, stored on both
 * records. Each helper works in the caller's write transaction. */
int op_client_link_write(struct request *req, MDB_txn *txn);
int op_client_unlink_write(struct request *req, MDB_txn *txn);
/* Drops every link of the stored client id that no longer holds (the other
 * client gone, with another owner, or not linking back), from both ends,
 * with a timeline note on each. Call for every client a change may have
 * parted from its household, once the whole change is made. *version (when
 * not NULL) gets the client's version afterwards if it has links, and is
 * left alone otherwise. 0 or a store error (ENOMEM). */
int op_household_settle(struct request *req, MDB_txn *txn, const uint8_t id[16], uint64_t *version);
/* Removes the links back to client, which is about to go (erasure), from
 * the clients it links, noting why on theirs. */
int op_household_detach(struct request *req, MDB_txn *txn, Folio__Client *client, const char *why);
/* Merge: other's links become keep's (keep is changed, the caller stores
 * it); the linked clients now link keep. */
int op_household_rehome(struct request *req, MDB_txn *txn, Folio__Client *keep,
                        const Folio__Client *other);
/* Fills each link's name for a reply (a link to a client gone: left empty).
 * 0, or WRITER_ROLLBACK with the reply set. */
int op_household_names(struct request *req, MDB_txn *txn, Folio__Client *client);

/* op_rule.c */
int op_rule_add_write(struct request *req, MDB_txn *txn);
int op_rule_list_read(struct request *req, MDB_txn *txn);
int op_rule_remove_write(struct request *req, MDB_txn *txn);
/* Only the named fields change; the whole rule is checked again. */
int op_rule_edit_write(struct request *req, MDB_txn *txn);
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
int op_partner_edit_write(struct request *req, MDB_txn *txn);
int op_partner_remove_write(struct request *req, MDB_txn *txn);

/* op_coupon.c */
int op_coupon_issue_write(struct request *req, MDB_txn *txn);
int op_coupon_list_read(struct request *req, MDB_txn *txn);
int op_coupon_redeem_write(struct request *req, MDB_txn *txn);
int op_coupon_withdraw_write(struct request *req, MDB_txn *txn);
/* Issues a coupon of partner's to the actor's client (id, the record's
 * key; client_text, its id as text), valid until valid_until, for campaign
 * (0: none): a fresh code, stored, on the timeline dated label, audited.
 * Consent and dates are the caller's to check. *out in the arena. 0, or
 * WRITER_ROLLBACK with the reply set. */
int op_coupon_issue_one(struct request *req, MDB_txn *txn, const uint8_t id[16],
                        const char *client_text, const Folio__Partner *partner,
                        const char *discount, const char *valid_until, uint64_t campaign,
                        char *label, Folio__Coupon **out);
/* Withdraws a coupon not yet redeemed nor withdrawn: withdrawn_at label,
 * timeline, audit. 0, or WRITER_ROLLBACK with the reply set. */
int op_coupon_withdraw_one(struct request *req, MDB_txn *txn, Folio__Coupon *coupon, char *label);

/* op_campaign.c: a dry run is answered by the read stage, which sets
 * skip_write; a real create walks the segment again in the write. */
int op_campaign_create_read(struct request *req, MDB_txn *txn);
int op_campaign_create_write(struct request *req, MDB_txn *txn);
int op_campaign_list_read(struct request *req, MDB_txn *txn);
int op_campaign_show_read(struct request *req, MDB_txn *txn);
int op_campaign_cancel_write(struct request *req, MDB_txn *txn);

/* op_profile.c */
int op_profile_set_write(struct request *req, MDB_txn *txn);
int op_profile_get_read(struct request *req, MDB_txn *txn);

/* op_offer.c */
/* "Avoid" wins (offer add refuses, a campaign skips): the firm's rules and
 * the alerts in force during an offer's validity from today, read once
 * into arena; then, for each client, the alert in force where it lives
 * whose rules say to avoid what the offer offers (*alert NULL: none), and
 * the words that say so (*avoid). 0, or a store error (ENOMEM among them). */
struct op_offer_alerts {
    Folio__Rule **rules;
    size_t n_rules;
    Folio__Alert **alerts;
    size_t n_alerts;
};
int op_offer_alerts_read(struct request *req, MDB_txn *txn, struct arena *arena,
                         const Folio__Offer *offer, const char *today, struct op_offer_alerts *out);
int op_offer_avoided(const struct op_offer_alerts *in_force, const struct client_summary *client,
                     const Folio__Offer *offer, struct arena *arena, const Folio__Alert **alert,
                     const char **avoid);
int op_offer_add_write(struct request *req, MDB_txn *txn);
int op_offer_list_read(struct request *req, MDB_txn *txn);
int op_offer_set_write(struct request *req, MDB_txn *txn);
/* A new offer of the actor's (id 0; the caller has set status, owner,
 * channel and times) to client_id: stored, on the client's timeline dated
 * label, and audited, with the campaign that made it when it has one. 0
 * or a store error (ENOMEM among them). */
int op_offer_record_new(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                        Folio__Offer *offer, const char *label);
/* Withdraws an open offer (offer_transition's check is the caller's):
 * stored as withdrawn, on the timeline dated label, audited. 0 or a store
 * error. */
int op_offer_withdraw(struct request *req, MDB_txn *txn, Folio__Offer *offer, const char *label);

/* op_agenda.c */
int op_agenda_read(struct request *req, MDB_txn *txn);
/* An admin's read of an agent's agenda (as_agent): its audit record. */
int op_agenda_write(struct request *req, MDB_txn *txn);
/* done, snooze, dismiss: the read finds the item by its id (or a prefix)
 * among the items of a year either side of today; the write stores the mark
 * and, for a call item done, records the call. */
int op_agenda_mark_read(struct request *req, MDB_txn *txn);
int op_agenda_mark_write(struct request *req, MDB_txn *txn);
/* A contact (contact, the event just recorded) closes the client's open or
 * snoozed follow-ups due on or before its date: each is marked done, and
 * the close is noted on the timeline. 0 or a store error. */
int op_agenda_close_follow_ups(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                               const Folio__Client *client, const Folio__TimelineEvent *contact);

/* op_task.c */
int op_task_add_write(struct request *req, MDB_txn *txn);
int op_task_list_read(struct request *req, MDB_txn *txn);
int op_task_edit_write(struct request *req, MDB_txn *txn);
int op_task_remove_write(struct request *req, MDB_txn *txn);

/* op_reassign.c */
int op_reassign_read(struct request *req, MDB_txn *txn);
int op_reassign_write(struct request *req, MDB_txn *txn);
int op_reassign_undo_write(struct request *req, MDB_txn *txn);
/* Reassign and ReassignUndo: tells both agents (notice.h). */
void op_reassign_finish(struct request *req);
int op_watch_read(struct request *req, MDB_txn *txn);
/* op_reassign_list.c: the stored reassignments, an office-admin's those
 * between agents of its office. */
int op_reassign_list_read(struct request *req, MDB_txn *txn);
int op_reassign_show_read(struct request *req, MDB_txn *txn);

/* op_firm.c */
int op_firm_key_read(struct request *req, MDB_txn *txn);
int op_trust_add_write(struct request *req, MDB_txn *txn);
int op_trust_list_read(struct request *req, MDB_txn *txn);
int op_trust_remove_write(struct request *req, MDB_txn *txn);

/* op_transfer.c */
/* The bytes of transfer files on disk, the user's and the whole firm's. */
struct op_transfer_usage {
    uint64_t user, firm;
};
/* Opens the connection's transfer of kind, replacing one that is over,
 * once the quotas leave room for bytes more (0 for an export, whose size is
 * not known yet: check op_transfer_quota once it is). *used is what others
 * held. 0, or the request failed. */
int op_transfer_open(struct request *req, enum transfer_kind kind, uint64_t bytes,
                     struct op_transfer_usage *used, struct transfer **out);
/* Refuses when adding bytes to what is held (used) passes a quota. */
int op_transfer_quota(struct request *req, struct op_transfer_usage used, uint64_t bytes);
/* The agent whose portfolio an export or import concerns: the caller itself
 * when name is empty (an agent), else the named agent, in the caller's
 * scope (access_portfolio). 0 with *out, or the request failed. */
int op_transfer_agent(struct request *req, MDB_txn *txn, const char *name, Folio__User **out);
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
/* Opens the connection's transfer for a file the server writes and
 * ExportChunk hands out (a backup), once the transfer quotas leave room for
 * bytes more. Loop thread. 0 with *out, or the request failed. */
int op_transfer_open_export(struct request *req, uint64_t bytes, struct transfer **out);

/* op_client_import.c */
int op_client_import_write(struct request *req, MDB_txn *txn);

/* op_client_list.c */
int op_client_list_read(struct request *req, MDB_txn *txn);
int op_client_list_write(struct request *req, MDB_txn *txn);

/* op_find.c */
int op_client_find_read(struct request *req, MDB_txn *txn);
/* A firm-wide search: its audit record, before the answer goes out. */
int op_client_find_write(struct request *req, MDB_txn *txn);

/* op_cover.c */
/* An admin covering for as_agent (an agent it manages: access_portfolio)
 * with a reason (required, at most 200 bytes): 0 with *owner, the agent's
 * id, for the read to use as owner; else the request failed. Agents are
 * refused. */
int op_cover_agent(struct request *req, MDB_txn *txn, const char *as_agent, const char *reason,
                   uint64_t *owner);
/* Its audit record ("cover.read", in the write stage): what was read
 * ("agenda", "client list"...), whose, why; under the client when
 * client_id is not NULL (then scrubbed with it on erasure). 0, or the
 * request failed. */
int op_cover_audit(struct request *req, MDB_txn *txn, const char *what, const char *as_agent,
                   const char *reason, const char *client_id);

/* op_subject.c: everything held about one client as one JSON document, for
 * a privacy-law request; fetched with ExportChunk. */
int op_subject_export_read(struct request *req, MDB_txn *txn);
void op_subject_export_pool(struct request *req);
int op_subject_export_write(struct request *req, MDB_txn *txn);

/* op_stats.c */
int op_stats_get_read(struct request *req, MDB_txn *txn);

/* op_firm_campaign.c: an admin's campaign for an office or the firm, made
 * of one campaign per agent; an agent's opt-out of one client. */
int op_firm_campaign_create_read(struct request *req, MDB_txn *txn);
int op_firm_campaign_create_write(struct request *req, MDB_txn *txn);
int op_firm_campaign_list_read(struct request *req, MDB_txn *txn);
int op_campaign_opt_out_write(struct request *req, MDB_txn *txn);
/* E-mail (op_mail.c, op_offer.c, op_coupon.c, op_campaign_send.c). */
/* NULL when a message may be queued to client: the server sends e-mail,
 * the client consents to it and has a plain address; else why not. */
const char *op_mail_unsendable(const struct request *req, const Folio__Client *client);
/* Queues one message of kind (offer or coupon) to client: its id and
 * Message-ID assigned, due at once. 0 or an LMDB/errno code. */
int op_mail_queue(struct request *req, MDB_txn *txn, const Folio__Client *client, const char *kind,
                  uint64_t offer_id, const char *coupon_code, uint64_t campaign_id,
                  Folio__OutboxMessage **out);
/* Cancels every message queued to client (its consent to e-mail taken
 * back), noted on its offer or coupon and the timeline with why. */
int op_mail_cancel_client(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                          const char *why);
void op_mail_finish(struct request *req);
int op_outbox_list_read(struct request *req, MDB_txn *txn);
int op_mail_template_read(struct request *req, MDB_txn *txn);
int op_mail_template_write(struct request *req, MDB_txn *txn);
/* Marks offer sent and queues its e-mail; 0 with *why_not set (nothing
 * changed) when it cannot go out by e-mail. */
int op_offer_send_one(struct request *req, MDB_txn *txn, Folio__Offer *offer,
                      const Folio__Client *client, const char *today, const char *label,
                      const char **why_not, Folio__OutboxMessage **out);
int op_offer_send_write(struct request *req, MDB_txn *txn);
/* The same for a coupon (label: the day, in the arena). */
int op_coupon_send_one(struct request *req, MDB_txn *txn, Folio__Coupon *coupon,
                       const Folio__Client *client, char *label, const char **why_not,
                       Folio__OutboxMessage **out);
int op_coupon_send_write(struct request *req, MDB_txn *txn);
int op_campaign_send_write(struct request *req, MDB_txn *txn);
/* op_backup.c */
int op_backup_begin_read(struct request *req, MDB_txn *txn);
void op_backup_begin_pool(struct request *req);
int op_backup_begin_write(struct request *req, MDB_txn *txn);

#endif
