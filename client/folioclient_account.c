/* folioclient_account.c - see folioclient_account.h. */
#include "folioclient_account.h"

Folio__Response *folio_login(struct folio_connection *c, const char *username, const char *password,
                             struct folio_error *err)
{
    Folio__Login op = FOLIO__LOGIN__INIT;
    op.username = folio_text(username);
    op.password = folio_text(password);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_authenticate(struct folio_connection *c, const char *token,
                                    struct folio_error *err)
{
    Folio__Authenticate op = FOLIO__AUTHENTICATE__INIT;
    op.token = folio_text(token);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_logout(struct folio_connection *c, struct folio_error *err)
{
    Folio__Logout op = FOLIO__LOGOUT__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_whoami(struct folio_connection *c, struct folio_error *err)
{
    Folio__WhoAmI op = FOLIO__WHO_AM_I__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_password_change(struct folio_connection *c, const char *old_password,
                                       const char *new_password, struct folio_error *err)
{
    Folio__PasswordChange op = FOLIO__PASSWORD_CHANGE__INIT;
    op.old_password = folio_text(old_password);
    op.new_password = folio_text(new_password);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_office_add(struct folio_connection *c, const char *name,
                                  struct folio_error *err)
{
    Folio__OfficeAdd op = FOLIO__OFFICE_ADD__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFICE, err);
}

Folio__Response *folio_office_rename(struct folio_connection *c, const char *name,
                                     const char *new_name, struct folio_error *err)
{
    Folio__OfficeRename op = FOLIO__OFFICE_RENAME__INIT;
    op.name = folio_text(name);
    op.new_name = folio_text(new_name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFICE, err);
}

Folio__Response *folio_office_remove(struct folio_connection *c, const char *name,
                                     struct folio_error *err)
{
    Folio__OfficeRemove op = FOLIO__OFFICE_REMOVE__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_office_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__OfficeList op = FOLIO__OFFICE_LIST__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFICES, err);
}

Folio__Response *folio_user_add(struct folio_connection *c, const char *name, Folio__Role role,
                                const char *office, const char *password, struct folio_error *err)
{
    Folio__UserAdd op = FOLIO__USER_ADD__INIT;
    op.name = folio_text(name);
    op.role = role;
    op.office = folio_text(office);
    op.password = folio_text(password);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_list(struct folio_connection *c, uint32_t limit, const char *after,
                                 struct folio_error *err)
{
    Folio__UserList op = FOLIO__USER_LIST__INIT;
    op.limit = limit;
    op.after = folio_text(after);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USERS, err);
}

Folio__Response *folio_user_disable(struct folio_connection *c, const char *name,
                                    struct folio_error *err)
{
    Folio__UserDisable op = FOLIO__USER_DISABLE__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_unlock(struct folio_connection *c, const char *name,
                                   struct folio_error *err)
{
    Folio__UserUnlock op = FOLIO__USER_UNLOCK__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_user_passwd(struct folio_connection *c, const char *name,
                                   const char *password, struct folio_error *err)
{
    Folio__UserPasswd op = FOLIO__USER_PASSWD__INIT;
    op.name = folio_text(name);
    op.password = folio_text(password);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_audit_query(struct folio_connection *c, const char *actor, int64_t since,
                                   uint32_t limit, uint64_t before, struct folio_error *err)
{
    Folio__AuditQuery op = FOLIO__AUDIT_QUERY__INIT;
    op.actor = folio_text(actor);
    op.since = since;
    op.limit = limit;
    op.before = before;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_AUDIT, err);
}

Folio__Response *folio_audit_search(struct folio_connection *c, const Folio__AuditQuery *query,
                                    struct folio_error *err)
{
    Folio__AuditQuery op = *query;
    op.actor = folio_text(op.actor);
    op.client = folio_text(op.client);
    op.action = folio_text(op.action);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_AUDIT, err);
}

Folio__Response *folio_user_enable(struct folio_connection *c, const char *name,
                                   struct folio_error *err)
{
    Folio__UserEnable op = FOLIO__USER_ENABLE__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_set(struct folio_connection *c, const char *name, Folio__Role role,
                                const char *office, struct folio_error *err)
{
    Folio__UserSet op = FOLIO__USER_SET__INIT;
    op.name = folio_text(name);
    op.role = role;
    op.office = folio_text(office);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_show(struct folio_connection *c, const char *name,
                                 struct folio_error *err)
{
    Folio__UserShow op = FOLIO__USER_SHOW__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_USER, err);
}
