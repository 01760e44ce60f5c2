/* op_alert.c - regional alerts: admins post and end them, everyone reads.
 *
 * An alert says that something (a flood, an earthquake) hit a city or a
 * region from one day on; the agenda turns it into calls to the clients it
 * covers. Alerts are firm-wide: any session lists them, admins post them
 * (the request table's ADMIN) and access_alert_end decides who ends one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "connection.h"
#include "op.h"
#include "server.h"
#include "notice.h"
#include "store_alert.h"
#include "store_client.h"
#include "store_session.h"
#include "store_user.h"
#include "validate.h"

#define OP_ALERT_KIND_MAX  40
#define OP_ALERT_PLACE_MAX 200
#define OP_ALERT_NOTE_MAX  2000
#define OP_ALERT_LIST_MAX  1000

/* Lower-cases kind in place (the same on a replay), then checks it. */
static bool op_alert_kind_ok(char *kind)
{
    size_t len = strnlen(kind, OP_ALERT_KIND_MAX + 1);
    if (len == 0 || len > OP_ALERT_KIND_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = kind[i];
        if (c >= 'A' && c <= 'Z')
            kind[i] = c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

#define OP_ALERT_WHY_MAX 128

/* NULL when the alert as given may be posted, else a sentence naming the
 * field (in buf when it has to be put together). */
static const char *op_alert_check(Folio__Alert *alert, char buf[OP_ALERT_WHY_MAX])
{
    if (!op_alert_kind_ok(alert->kind))
        return "kind: 1 to 40 characters of a-z, 0-9 and -";
    bool city = alert->city[0] != '\0', region = alert->region[0] != '\0';
    if (city && region)
        return "city: give a city or a region, not both";
    if (!city && !region)
        return "city: give one of city or region";
    const char *field = city ? "city" : "region";
    const char *why = validate_text(city ? alert->city : alert->region, OP_ALERT_PLACE_MAX);
    if (why != NULL) {
        snprintf(buf, OP_ALERT_WHY_MAX, "%s: %s", field, why);
        return buf;
    }
    if (calendar_parse_date(alert->date, NULL, NULL, NULL) != 0)
        return "date: not a date (YYYY-MM-DD)";
    if (alert->until[0] != '\0') {
        if (calendar_parse_date(alert->until, NULL, NULL, NULL) != 0)
            return "until: not a date (YYYY-MM-DD)";
        if (strcmp(alert->until, alert->date) < 0)
            return "until: before the alert's first day (date)";
    }
    if (alert->note[0] != '\0' && (why = validate_text(alert->note, OP_ALERT_NOTE_MAX)) != NULL) {
        snprintf(buf, OP_ALERT_WHY_MAX, "note: %s", why);
        return buf;
    }
    return NULL;
}

static int op_alert_reply(struct request *req, Folio__Alert *alert)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT_ALERT;
    req->response.alert = alert;
    return 0;
}

int op_alert_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    Folio__Alert *alert =
        request_record(req, &folio__alert__descriptor, req->msg->alert_add->alert);
    if (alert == NULL)
        return request_oom(req);
    char buf[OP_ALERT_WHY_MAX];
    const char *why = op_alert_check(alert, buf);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    alert->id = 0;
    alert->posted_by = (char *)req->actor.name;
    alert->posted_by_office_id = req->actor.office_id;
    alert->created_at = req->now;
    alert->ended_on = (char *)"";
    struct store *store = &req->server->store;
    if ((rc = store_alert_put(store, txn, alert)) != 0)
        return request_store_error(req, rc, "post the alert");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)alert->id);
    char *detail = arena_printf(&req->arena, "%s %s", alert->kind,
                                alert->city[0] != '\0' ? alert->city : alert->region);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "alert.add", target, detail)) != 0)
        return request_store_error(req, rc, "post the alert");
    return op_alert_reply(req, alert);
}

/* ---------------------------------------------------------------- notices */

struct op_alert_count {
    const Folio__Alert *alert;
    uint64_t count;
};

static int op_alert_count_client(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                                 const struct client_summary *client)
{
    (void)id;
    struct op_alert_count *c = ctx;
    if (client_summary_in_alert(client, c->alert))
        c->count++;
    return 0;
}

/* One watching agent and how many of its clients the alert covers. */
struct op_alert_watcher {
    uint64_t user_id;
    uint64_t count;
};

/* The distinct agents watching right now, with their counts; the store is
 * read once, and notices go out after the read transaction has ended. */
static size_t op_alert_watchers(struct request *req, MDB_txn *txn, const Folio__Alert *alert,
                                struct op_alert_watcher *out, size_t max)
{
    struct store *store = &req->server->store;
    size_t n = 0;
    for (struct connection *conn = req->server->connections; conn != NULL && n < max;
         conn = conn->next) {
        if (!conn->watching || !conn->authenticated || conn->closing)
            continue;
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Session *session;
        Folio__User *user;
        bool agent = store_session_get(store, txn, conn->session_key, &scratch, &session) == 0 &&
                     session->expires_at > req->now &&
                     store_user_get(store, txn, session->user_id, &scratch, &user) == 0 &&
                     user->role == FOLIO__ROLE__ROLE_AGENT && !user->disabled;
        uint64_t user_id = agent ? session->user_id : 0;
        arena_free(&scratch);
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = out[i].user_id == user_id;
        if (!agent || seen)
            continue;
        struct op_alert_count count = {.alert = alert};
        if (store_client_summaries(store, txn, user_id, op_alert_count_client, &count) == 0 &&
            count.count > 0)
            out[n++] = (struct op_alert_watcher){.user_id = user_id, .count = count.count};
    }
    return n;
}

void op_alert_add_finish(struct request *req)
{
    if (!request_ok(req) || req->response.result_case != FOLIO__RESPONSE__RESULT_ALERT)
        return;
    const Folio__Alert *alert = req->response.alert;
    struct server *s = req->server;
    size_t max = s->connection_count;
    struct op_alert_watcher *watchers = max > 0 ? calloc(max, sizeof(*watchers)) : NULL;
    if (watchers == NULL)
        return;
    MDB_txn *txn;
    size_t n = 0;
    if (store_read_begin(&s->store, &txn) == 0) {
        n = op_alert_watchers(req, txn, alert, watchers, max);
        store_read_end(&s->store, txn);
    }
    const char *place = alert->city[0] != '\0' ? alert->city : alert->region;
    char ref[24];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)alert->id);
    for (size_t i = 0; i < n; i++) {
        char *message = arena_printf(&req->arena, "%s in %s: %llu of your clients", alert->kind,
                                     place, (unsigned long long)watchers[i].count);
        if (message == NULL)
            break;
        Folio__Notice notice = FOLIO__NOTICE__INIT;
        notice.kind = (char *)"alert";
        notice.message = message;
        notice.count = watchers[i].count;
        notice.ref = ref;
        notice_send(s, watchers[i].user_id, &notice);
    }
    free(watchers);
}

int op_alert_list_read(struct request *req, MDB_txn *txn)
{
    Folio__AlertList *ask = req->msg->alert_list;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_listing_day(req, txn, ask->date, today);
    if (rc != 0)
        return rc;
    Folio__Alerts *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__alerts__init(list);
    struct store *store = &req->server->store;
    /* In force today or later: some day from today to the end of time. */
    if (ask->include_ended)
        rc = store_alert_list(store, txn, OP_ALERT_LIST_MAX, &req->arena, &list->alerts,
                              &list->n_alerts);
    else
        rc = store_alert_active(store, txn, today, "9999-12-31", &req->arena, &list->alerts,
                                &list->n_alerts);
    if (rc != 0)
        return request_store_error(req, rc, "list the alerts");
    req->response.result_case = FOLIO__RESPONSE__RESULT_ALERTS;
    req->response.alerts = list;
    return 0;
}

int op_alert_end_write(struct request *req, MDB_txn *txn)
{
    Folio__AlertEnd *ask = req->msg->alert_end;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_listing_day(req, txn, ask->date, today);
    if (rc != 0)
        return rc;
    struct store *store = &req->server->store;
    Folio__Alert *alert;
    rc = store_alert_get(store, txn, ask->id, &req->arena, &alert);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no alert %llu",
                            (unsigned long long)ask->id);
    if (rc != 0)
        return request_store_error(req, rc, "read the alert");
    if ((rc = access_alert_end(req, alert)) != 0)
        return rc;
    if (alert->ended_on[0] != '\0')
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "alert %llu ended on %s",
                            (unsigned long long)alert->id, alert->ended_on);
    if ((alert->ended_on = arena_strdup(&req->arena, today)) == NULL)
        return request_oom(req);
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)alert->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = store_alert_put(store, txn, alert)) != 0 ||
        (rc = audit_append(req, txn, "alert.end", target, today)) != 0)
        return request_store_error(req, rc, "end the alert");
    return op_alert_reply(req, alert);
}
