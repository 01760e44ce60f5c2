/* folioclient_account.h - typed calls for the firm's people: logging in
 * and out, passwords, offices, users and the audit.
 * Each builds its op message and goes through folio_connection_call_op. */
#ifndef FOLIO_FOLIOCLIENT_ACCOUNT_H
#define FOLIO_FOLIOCLIENT_ACCOUNT_H

#include "folioclient.h"

Folio__Response *folio_login(struct folio_connection *c, const char *username, const char *password,
                             struct folio_error *err);
Folio__Response *folio_authenticate(struct folio_connection *c, const char *token,
                                    struct folio_error *err);
Folio__Response *folio_logout(struct folio_connection *c, struct folio_error *err);
Folio__Response *folio_whoami(struct folio_connection *c, struct folio_error *err);
Folio__Response *folio_password_change(struct folio_connection *c, const char *old_password,
                                       const char *new_password, struct folio_error *err);
Folio__Response *folio_office_add(struct folio_connection *c, const char *name,
                                  struct folio_error *err);
Folio__Response *folio_office_list(struct folio_connection *c, struct folio_error *err);
Folio__Response *folio_user_add(struct folio_connection *c, const char *name, Folio__Role role,
                                const char *office, const char *password, struct folio_error *err);
Folio__Response *folio_user_list(struct folio_connection *c, uint32_t limit, const char *after,
                                 struct folio_error *err);
Folio__Response *folio_user_disable(struct folio_connection *c, const char *name,
                                    struct folio_error *err);
/* Lifts the lock failed logins put on name. */
Folio__Response *folio_user_unlock(struct folio_connection *c, const char *name,
                                   struct folio_error *err);
Folio__Response *folio_user_passwd(struct folio_connection *c, const char *name,
                                   const char *password, struct folio_error *err);
Folio__Response *folio_audit_query(struct folio_connection *c, const char *actor, int64_t since,
                                   uint32_t limit, uint64_t before, struct folio_error *err);
/* The same with every filter of AuditQuery (client, action, until too). */
Folio__Response *folio_audit_search(struct folio_connection *c, const Folio__AuditQuery *query,
                                    struct folio_error *err);

/* A disabled user enabled again; a user's role (ROLE_UNSPECIFIED: kept)
 * or office (NULL or "": kept) changed; a user shown with its last login
 * and the clients it keeps. */
Folio__Response *folio_user_enable(struct folio_connection *c, const char *name,
                                   struct folio_error *err);
Folio__Response *folio_user_set(struct folio_connection *c, const char *name, Folio__Role role,
                                const char *office, struct folio_error *err);
Folio__Response *folio_user_show(struct folio_connection *c, const char *name,
                                 struct folio_error *err);

/* A firm-admin's: users keep their office through a rename; an office
 * with users is not removed. */
Folio__Response *folio_office_rename(struct folio_connection *c, const char *name,
                                     const char *new_name, struct folio_error *err);
Folio__Response *folio_office_remove(struct folio_connection *c, const char *name,
                                     struct folio_error *err);

#endif
