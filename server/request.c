/* request.c - see request.h. */
#include "request.h"

#include <stdarg.h>

#include <string.h>

#include "access.h"
#include "calendar.h"
#include "client_record.h"
#include "log.h"
#include "server.h"
#include "status.h"
#include "store.h"
#include "store_client.h"
#include "store_profile.h"

bool request_ok(const struct request *req)
{
    return req->status.code == FOLIO__CODE__OK;
}

void *request_alloc(struct request *req, size_t size)
{
    return arena_alloc(&req->arena, size);
}

int request_fail(struct request *req, Folio__Code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *raw = arena_vprintf(&req->arena, fmt, ap);
    va_end(ap);
    /* Messages quote what the peer sent (a name, an id, a date): whatever
     * it was, the reply carries printable UTF-8 of a bounded size, so no
     * strict protobuf client or terminal downstream chokes on it. */
    char *message = raw != NULL ? arena_alloc(&req->arena, STATUS_MESSAGE_MAX + 1) : NULL;
    if (message != NULL)
        status_message_clean(raw, message, STATUS_MESSAGE_MAX + 1);
    req->status.code = code;
    req->status.message = message != NULL ? message : (char *)"";
    req->response.result_case = FOLIO__RESPONSE__RESULT__NOT_SET;
    req->result_packed = NULL;
    req->result_packed_len = 0;
    return WRITER_ROLLBACK;
}

int request_store_error(struct request *req, int rc, const char *what)
{
    if (rc == MDB_MAP_FULL)
        return rc;
    log_error("store error while %s: %s", what, store_strerror(rc));
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG || rc == EIO || rc == MDB_READERS_FULL)
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "the server cannot %s right now: %s", what,
                     store_strerror(rc));
    else
        request_fail(req, FOLIO__CODE__INTERNAL, "internal error while %s", what);
    return WRITER_ROLLBACK;
}

int request_dates(struct request *req, const char *date, char today[CALENDAR_DATE_TEXT + 1],
                  char label[CALENDAR_DATE_TEXT + 1])
{
    calendar_today(req->now, today);
    if (date == NULL || date[0] == '\0') {
        memcpy(label, today, CALENDAR_DATE_TEXT + 1);
        return 0;
    }
    if (calendar_parse_date(date, NULL, NULL, NULL) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    if (strcmp(date, today) > 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "date: %s is after the server's today (%s); a date says when "
                            "something happened",
                            date, today);
    memcpy(label, date, CALENDAR_DATE_TEXT + 1);
    return 0;
}

int request_oom(struct request *req)
{
    return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED, "out of memory");
}

int request_listing_day(struct request *req, const char *date, char out[CALENDAR_DATE_TEXT + 1])
{
    if (date == NULL || date[0] == '\0') {
        calendar_today(req->now, out);
        return 0;
    }
    if (calendar_parse_date(date, NULL, NULL, NULL) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    memcpy(out, date, CALENDAR_DATE_TEXT + 1);
    return 0;
}

int request_client_id(struct request *req, const char *field, const char *text, uint8_t id[16])
{
    if (client_id_parse(text, id) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s: not a client id", field);
    return 0;
}

int request_client(struct request *req, MDB_txn *txn, const char *field, const char *text,
                   bool firm_admin_read, uint8_t id[16], Folio__Client **out)
{
    int rc = request_client_id(req, field, text, id);
    if (rc != 0)
        return rc;
    char canonical[CLIENT_ID_TEXT + 1];
    client_id_format(id, canonical);
    Folio__Client *client = NULL;
    rc = store_client_get(&req->server->store, txn, id, &req->arena, &client);
    if (rc == MDB_NOTFOUND)
        client = NULL;
    else if (rc != 0)
        return request_store_error(req, rc, "read the client");
    if ((rc = access_client(req, canonical, client, firm_admin_read)) != 0)
        return rc;
    *out = client;
    return 0;
}

int request_reply_empty(struct request *req)
{
    Folio__Empty *empty = request_alloc(req, sizeof(*empty));
    if (empty == NULL)
        return request_oom(req);
    folio__empty__init(empty);
    req->response.result_case = FOLIO__RESPONSE__RESULT_EMPTY;
    req->response.empty = empty;
    return 0;
}

size_t request_page_size(uint32_t asked)
{
    if (asked == 0)
        return REQUEST_PAGE_DEFAULT;
    return asked > REQUEST_PAGE_MAX ? REQUEST_PAGE_MAX : asked;
}

void *request_record(struct request *req, const ProtobufCMessageDescriptor *desc, const void *sent)
{
    ProtobufCMessage *record = request_alloc(req, desc->sizeof_message);
    if (record == NULL)
        return NULL;
    if (sent != NULL)
        memcpy(record, sent, desc->sizeof_message);
    else
        protobuf_c_message_init(desc, record);
    record->n_unknown_fields = 0;
    record->unknown_fields = NULL;
    return record;
}

int request_actor_card(struct request *req, MDB_txn *txn, Folio__AgentCard **out)
{
    Folio__AgentCard *card = NULL;
    int rc = store_profile_get(&req->server->store, txn, req->actor.user_id, &req->arena, &card);
    if (rc == MDB_NOTFOUND) {
        if ((card = request_alloc(req, sizeof(*card))) == NULL)
            return request_oom(req);
        folio__agent_card__init(card);
    } else if (rc != 0) {
        return request_store_error(req, rc, "read the agent's card");
    }
    card->user = (char *)req->actor.name;
    *out = card;
    return 0;
}

char *request_joined(struct request *req, char **strings, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(strings[i]) + 1;
    char *out = request_alloc(req, len);
    if (out == NULL)
        return NULL;
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *p++ = ',';
        size_t l = strlen(strings[i]);
        memcpy(p, strings[i], l);
        p += l;
    }
    *p = '\0';
    return out;
}
