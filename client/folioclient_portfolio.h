/* folioclient_portfolio.h - typed calls for an agent's clients: records,
 * timelines, segments and the agenda.
 * Each builds its op message and goes through folio_connection_call_op. */
#ifndef FOLIO_FOLIOCLIENT_PORTFOLIO_H
#define FOLIO_FOLIOCLIENT_PORTFOLIO_H

#include "folioclient.h"

/* Clients. add and update send the record as given: the server fills id,
 * owner, times and version, and checks every field. add refuses
 * (ALREADY_EXISTS, naming it) a likely duplicate of one of the agent's
 * clients unless allow_duplicate. update changes only the named fields
 * (Client field names); if_version 0 means any version. */
Folio__Response *folio_client_add(struct folio_connection *c, const Folio__Client *client,
                                  bool allow_duplicate, struct folio_error *err);
Folio__Response *folio_client_get(struct folio_connection *c, const char *id, bool firm_admin_read,
                                  struct folio_error *err);
/* Sorted by name, after the cursor `after` (NULL: from the start). */
Folio__Response *folio_client_list(struct folio_connection *c, uint32_t limit, const char *after,
                                   struct folio_error *err);
/* sort: name, last-contact, created or updated (NULL: name); reverse turns
 * the order round. `after` is the `next` of a page of the same order. */
Folio__Response *folio_client_list_sorted(struct folio_connection *c, uint32_t limit,
                                          const char *after, const char *sort, bool reverse,
                                          struct folio_error *err);
/* An agent's portfolio, for an admin's export of it (name order): agent
 * names it, reason says why (audited with the first page). */
Folio__Response *folio_client_list_agent(struct folio_connection *c, uint32_t limit,
                                         const char *after, const char *agent, const char *reason,
                                         struct folio_error *err);
/* client find: text 1 to 200 bytes; firm (a firm-admin) searches every
 * agent's clients, answered with ids and owners unless firm_admin_read. */
Folio__Response *folio_client_find(struct folio_connection *c, const char *text, uint32_t limit,
                                   const char *after, bool firm, bool firm_admin_read,
                                   struct folio_error *err);
/* The whole request, for the choices the calls above leave out (as_agent
 * and reason: an admin covering for an agent it manages reads the agent's
 * clients, audited). */
Folio__Response *folio_client_get_op(struct folio_connection *c, const Folio__ClientGet *op,
                                     struct folio_error *err);
Folio__Response *folio_client_list_op(struct folio_connection *c, const Folio__ClientList *op,
                                      struct folio_error *err);
Folio__Response *folio_client_find_op(struct folio_connection *c, const Folio__ClientFind *op,
                                      struct folio_error *err);
Folio__Response *folio_client_update(struct folio_connection *c, const char *id,
                                     const Folio__Client *changes, const char *const *fields,
                                     size_t n_fields, uint64_t if_version, struct folio_error *err);
/* The whole ClientUpdate, element edits (add_tags, remove_phones, ...)
 * included; op's strings are only read. */
Folio__Response *folio_client_update_op(struct folio_connection *c, const Folio__ClientUpdate *op,
                                        struct folio_error *err);
/* A firm-admin's erasure of any agent's client on a privacy-law request:
 * reason says why (audited). */
Folio__Response *folio_subject_erase(struct folio_connection *c, const char *id, const char *reason,
                                     struct folio_error *err);
Folio__Response *folio_client_erase(struct folio_connection *c, const char *id,
                                    struct folio_error *err);
Folio__Response *folio_client_history(struct folio_connection *c, const char *id, uint32_t limit,
                                      uint64_t before, struct folio_error *err);
Folio__Response *folio_event_add(struct folio_connection *c, const Folio__EventAdd *event,
                                 struct folio_error *err);
/* The owner corrects an event (the reply: the corrected event) or
 * withdraws it (an Empty reply). */
Folio__Response *folio_event_edit(struct folio_connection *c, const Folio__EventEdit *edit,
                                  struct folio_error *err);
Folio__Response *folio_event_remove(struct folio_connection *c, const Folio__EventRemove *op,
                                    struct folio_error *err);
Folio__Response *folio_segment(struct folio_connection *c, const Folio__Segment *segment,
                               struct folio_error *err);
/* days 0: the server's default (7). */
Folio__Response *folio_agenda(struct folio_connection *c, const char *date, uint32_t days,
                              struct folio_error *err);
/* The agenda with every choice of the query (state ...). */
Folio__Response *folio_agenda_query(struct folio_connection *c, const Folio__AgendaQuery *query,
                                    struct folio_error *err);
/* Marks an agenda item done, snoozed, dismissed or open again; the reply
 * is the mark (an AgendaState). */
Folio__Response *folio_agenda_mark(struct folio_connection *c, const Folio__AgendaMark *mark,
                                   struct folio_error *err);
/* The agent's own tasks: add, edit (the reply: the task), list (tasks),
 * remove (Empty). */
Folio__Response *folio_task_add(struct folio_connection *c, const Folio__TaskAdd *op,
                                struct folio_error *err);
Folio__Response *folio_task_list(struct folio_connection *c, const Folio__TaskList *op,
                                 struct folio_error *err);
Folio__Response *folio_task_edit(struct folio_connection *c, const Folio__TaskEdit *op,
                                 struct folio_error *err);
Folio__Response *folio_task_remove(struct folio_connection *c, const Folio__TaskRemove *op,
                                   struct folio_error *err);

/* One client from two records of the same person: other's timeline,
 * offers, coupons and the fields keep leaves empty go to keep, and other is
 * erased. Answers the merged client. */
Folio__Response *folio_client_merge(struct folio_connection *c, const char *keep_id,
                                    const char *other_id, struct folio_error *err);

/* Households: other is client's relation (spouse, partner, child, parent,
 * sibling, other); both records keep the link. Answers client's record. */
Folio__Response *folio_client_link(struct folio_connection *c, const char *client_id,
                                   const char *other_id, const char *relation,
                                   struct folio_error *err);
Folio__Response *folio_client_unlink(struct folio_connection *c, const char *client_id,
                                     const char *other_id, struct folio_error *err);

/* Holdings: a client's policies, accounts and contracts, its owner's.
 * list's query and edit's request are sent as given (strings only read);
 * end's reason is lapsed, cancelled, replaced or ended. */
Folio__Response *folio_holding_add(struct folio_connection *c, const Folio__Holding *holding,
                                   struct folio_error *err);
Folio__Response *folio_holding_get(struct folio_connection *c, uint64_t id,
                                   struct folio_error *err);
Folio__Response *folio_holding_list(struct folio_connection *c, const Folio__HoldingList *query,
                                    struct folio_error *err);
Folio__Response *folio_holding_edit(struct folio_connection *c, const Folio__HoldingEdit *edit,
                                    struct folio_error *err);
Folio__Response *folio_holding_end(struct folio_connection *c, uint64_t id, const char *date,
                                   const char *reason, struct folio_error *err);

/* The book of business: query's agent, office or firm (none: one's own). */
Folio__Response *folio_book(struct folio_connection *c, const Folio__BookQuery *query,
                            struct folio_error *err);
/* The book and the portfolio in numbers, for `folio report`; scoped as the
 * book. */
Folio__Response *folio_report(struct folio_connection *c, const Folio__ReportQuery *query,
                              struct folio_error *err);

#endif
