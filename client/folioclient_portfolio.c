/* folioclient_portfolio.c - see folioclient_portfolio.h. */
#include "folioclient_portfolio.h"

/* The record travels as given; protobuf-c only reads it when packing. */
Folio__Response *folio_client_add(struct folio_connection *c, const Folio__Client *client,
                                  bool allow_duplicate, struct folio_error *err)
{
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = (Folio__Client *)client;
    op.allow_duplicate = allow_duplicate;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_get(struct folio_connection *c, const char *id, bool firm_admin_read,
                                  struct folio_error *err)
{
    Folio__ClientGet op = FOLIO__CLIENT_GET__INIT;
    op.id = folio_text(id);
    op.firm_admin_read = firm_admin_read;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_list(struct folio_connection *c, uint32_t limit, const char *after,
                                   struct folio_error *err)
{
    return folio_client_list_sorted(c, limit, after, NULL, false, err);
}

Folio__Response *folio_client_list_sorted(struct folio_connection *c, uint32_t limit,
                                          const char *after, const char *sort, bool reverse,
                                          struct folio_error *err)
{
    Folio__ClientList op = FOLIO__CLIENT_LIST__INIT;
    op.limit = limit;
    op.after = folio_text(after);
    op.sort = folio_text(sort);
    op.reverse = reverse;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_list_agent(struct folio_connection *c, uint32_t limit,
                                         const char *after, const char *agent, const char *reason,
                                         struct folio_error *err)
{
    Folio__ClientList op = FOLIO__CLIENT_LIST__INIT;
    op.limit = limit;
    op.after = folio_text(after);
    op.agent = folio_text(agent);
    op.reason = folio_text(reason);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_find(struct folio_connection *c, const char *text, uint32_t limit,
                                   const char *after, bool firm, bool firm_admin_read,
                                   struct folio_error *err)
{
    Folio__ClientFind op = FOLIO__CLIENT_FIND__INIT;
    op.text = folio_text(text);
    op.limit = limit;
    op.after = folio_text(after);
    op.firm = firm;
    op.firm_admin_read = firm_admin_read;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_get_op(struct folio_connection *c, const Folio__ClientGet *op,
                                     struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_list_op(struct folio_connection *c, const Folio__ClientList *op,
                                      struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_find_op(struct folio_connection *c, const Folio__ClientFind *op,
                                      struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_update(struct folio_connection *c, const char *id,
                                     const Folio__Client *changes, const char *const *fields,
                                     size_t n_fields, uint64_t if_version, struct folio_error *err)
{
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    op.id = folio_text(id);
    op.client = (Folio__Client *)changes;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    op.if_version = if_version;
    return folio_client_update_op(c, &op, err);
}

Folio__Response *folio_client_update_op(struct folio_connection *c, const Folio__ClientUpdate *op,
                                        struct folio_error *err)
{
    Folio__ClientUpdate copy = *op;
    copy.id = folio_text(op->id);
    return folio_connection_call_op(c, &copy.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_subject_erase(struct folio_connection *c, const char *id, const char *reason,
                                     struct folio_error *err)
{
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = folio_text(id);
    op.reason = folio_text(reason);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_client_erase(struct folio_connection *c, const char *id,
                                    struct folio_error *err)
{
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = folio_text(id);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_client_history(struct folio_connection *c, const char *id, uint32_t limit,
                                      uint64_t before, struct folio_error *err)
{
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = folio_text(id);
    op.limit = limit;
    op.before = before;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_TIMELINE, err);
}

Folio__Response *folio_event_add(struct folio_connection *c, const Folio__EventAdd *event,
                                 struct folio_error *err)
{
    return folio_connection_call_op(c, &event->base, FOLIO__RESPONSE__RESULT_EVENT, err);
}

Folio__Response *folio_event_edit(struct folio_connection *c, const Folio__EventEdit *edit,
                                  struct folio_error *err)
{
    return folio_connection_call_op(c, &edit->base, FOLIO__RESPONSE__RESULT_EVENT, err);
}

Folio__Response *folio_event_remove(struct folio_connection *c, const Folio__EventRemove *op,
                                    struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_segment(struct folio_connection *c, const Folio__Segment *segment,
                               struct folio_error *err)
{
    return folio_connection_call_op(c, &segment->base, FOLIO__RESPONSE__RESULT_SEGMENT, err);
}

Folio__Response *folio_agenda(struct folio_connection *c, const char *date, uint32_t days,
                              struct folio_error *err)
{
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = folio_text(date);
    op.days = days;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_AGENDA, err);
}

Folio__Response *folio_client_merge(struct folio_connection *c, const char *keep_id,
                                    const char *other_id, struct folio_error *err)
{
    Folio__ClientMerge op = FOLIO__CLIENT_MERGE__INIT;
    op.keep_id = folio_text(keep_id);
    op.other_id = folio_text(other_id);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_link(struct folio_connection *c, const char *client_id,
                                   const char *other_id, const char *relation,
                                   struct folio_error *err)
{
    Folio__ClientLink op = FOLIO__CLIENT_LINK__INIT;
    op.client_id = folio_text(client_id);
    op.other_id = folio_text(other_id);
    op.relation = folio_text(relation);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_unlink(struct folio_connection *c, const char *client_id,
                                     const char *other_id, struct folio_error *err)
{
    Folio__ClientUnlink op = FOLIO__CLIENT_UNLINK__INIT;
    op.client_id = folio_text(client_id);
    op.other_id = folio_text(other_id);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_holding_add(struct folio_connection *c, const Folio__Holding *holding,
                                   struct folio_error *err)
{
    Folio__HoldingAdd op = FOLIO__HOLDING_ADD__INIT;
    op.holding = (Folio__Holding *)holding;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_HOLDING, err);
}

Folio__Response *folio_holding_get(struct folio_connection *c, uint64_t id, struct folio_error *err)
{
    Folio__HoldingGet op = FOLIO__HOLDING_GET__INIT;
    op.id = id;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_HOLDING, err);
}

Folio__Response *folio_holding_list(struct folio_connection *c, const Folio__HoldingList *query,
                                    struct folio_error *err)
{
    Folio__HoldingList op = *query;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_HOLDINGS, err);
}

Folio__Response *folio_holding_edit(struct folio_connection *c, const Folio__HoldingEdit *edit,
                                    struct folio_error *err)
{
    Folio__HoldingEdit op = *edit;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_HOLDING, err);
}

Folio__Response *folio_holding_end(struct folio_connection *c, uint64_t id, const char *date,
                                   const char *reason, struct folio_error *err)
{
    Folio__HoldingEnd op = FOLIO__HOLDING_END__INIT;
    op.id = id;
    op.date = folio_text(date);
    op.reason = folio_text(reason);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_HOLDING, err);
}

Folio__Response *folio_book(struct folio_connection *c, const Folio__BookQuery *query,
                            struct folio_error *err)
{
    Folio__BookQuery op = *query;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_BOOK, err);
}

Folio__Response *folio_report(struct folio_connection *c, const Folio__ReportQuery *query,
                              struct folio_error *err)
{
    Folio__ReportQuery op = *query;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_REPORT, err);
}

Folio__Response *folio_agenda_query(struct folio_connection *c, const Folio__AgendaQuery *query,
                                    struct folio_error *err)
{
    return folio_connection_call_op(c, &query->base, FOLIO__RESPONSE__RESULT_AGENDA, err);
}

Folio__Response *folio_agenda_mark(struct folio_connection *c, const Folio__AgendaMark *mark,
                                   struct folio_error *err)
{
    return folio_connection_call_op(c, &mark->base, FOLIO__RESPONSE__RESULT_AGENDA_STATE, err);
}

Folio__Response *folio_task_add(struct folio_connection *c, const Folio__TaskAdd *op,
                                struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_TASK, err);
}

Folio__Response *folio_task_list(struct folio_connection *c, const Folio__TaskList *op,
                                 struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_TASKS, err);
}

Folio__Response *folio_task_edit(struct folio_connection *c, const Folio__TaskEdit *op,
                                 struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_TASK, err);
}

Folio__Response *folio_task_remove(struct folio_connection *c, const Folio__TaskRemove *op,
                                   struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}
