/* request.c - see request.h. */
#include "request.h"

#include <stdarg.h>

#include <string.h>

#include "access.h"
#include "calendar.h"
#include "client_id.h"
#include "client_record.h"
#include "log.h"
#include "server.h"
#include "status.h"
#include "store.h"
#include "store_client.h"
#include "store_meta.h"
#include "store_profile.h"
#include "time_zone.h"

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

int request_dates(struct request *req, MDB_txn *txn, const char *date,
                  char today[CALENDAR_DATE_TEXT + 1], char label[CALENDAR_DATE_TEXT + 1])
{
    int rc = request_today(req, txn, today);
    if (rc != 0)
        return request_store_error(req, rc, "read the time zone");
    if (date == NULL || date[0] == '\0') {
        memcpy(label, today, CALENDAR_DATE_TEXT + 1);
        return 0;
    }
    if (calendar_parse_date(date, NULL, NULL, NULL) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    if (strcmp(date, today) > 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "date: %s is after today (%s, in your time zone); a date says when "
                            "something happened",
                            date, today);
    memcpy(label, date, CALENDAR_DATE_TEXT + 1);
    return 0;
}

int request_today(struct request *req, MDB_txn *txn, char out[CALENDAR_DATE_TEXT + 1])
{
    struct store *store = &req->server->store;
    struct arena a;
    arena_init(&a, 0);
    const char *zone = "";
    Folio__AgentCard *card;
    Folio__Calendar *calendar;
    int rc = store_profile_get(store, txn, req->actor.user_id, &a, &card);
    if (rc == 0 && card->time_zone[0] != '\0') {
        zone = card->time_zone;
    } else if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = store_meta_calendar_get(store, txn, &a, &calendar);
        if (rc == 0)
            zone = calendar->time_zone;
    }
    time_zone_today(zone, req->now, out);
    arena_free(&a);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int request_oom(struct request *req)
{
    return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED, "out of memory");
}

int request_listing_day(struct request *req, MDB_txn *txn, const char *date,
                        char out[CALENDAR_DATE_TEXT + 1])
{
    if (date == NULL || date[0] == '\0') {
        int rc = request_today(req, txn, out);
        return rc == 0 ? 0 : request_store_error(req, rc, "read the time zone");
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

/* At most `max` bytes of s, cut before a UTF-8 continuation byte. */
static int request_name_cut(const char *s, int max)
{
    int n = (int)strnlen(s, (size_t)max + 1);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/* INVALID_ARGUMENT naming the first candidates (ids in id order) by id and
 * name, so that the caller can type one of them. */
static int request_client_ambiguous(struct request *req, MDB_txn *txn, const char *field,
                                    const char *text, uint8_t (*ids)[16], size_t shown,
                                    size_t count)
{
    enum { NAME_SHOWN = 40 };
    char *list = arena_strdup(&req->arena, "");
    for (size_t i = 0; i < shown && list != NULL; i++) {
        char canonical[CLIENT_ID_TEXT + 1];
        client_id_format(ids[i], canonical);
        Folio__Client *c = NULL;
        int rc = store_client_get(&req->server->store, txn, ids[i], &req->arena, &c);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read the clients an id names");
        const char *name = c != NULL ? c->name : "";
        list = arena_printf(&req->arena, "%s%s%s (%.*s)", list, i > 0 ? ", " : "", canonical,
                            request_name_cut(name, NAME_SHOWN), name);
    }
    if (list == NULL)
        return request_oom(req);
    return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                        "%s: %s is the start of %s%zu clients' ids: %s; type more of the id", field,
                        text, count > shown ? "more than " : "", shown, list);
}

int request_client_resolve(struct request *req, MDB_txn *txn, const char *field, const char *text,
                           bool firm_admin_read, uint8_t id[16])
{
    /* The ids the actor may see (access_client): a prefix of anyone else's
     * must not even count as a match, or it would tell that they exist. */
    bool firm = firm_admin_read && req->actor.role == FOLIO__ROLE__ROLE_FIRM_ADMIN;
    return request_client_resolve_owned(req, txn, field, text,
                                        firm ? STORE_CLIENT_ANY_OWNER : req->actor.user_id, id);
}

int request_client_resolve_owned(struct request *req, MDB_txn *txn, const char *field,
                                 const char *text, uint64_t owner, uint8_t id[16])
{
    if (client_id_parse(text, id) == 0)
        return 0;
    uint8_t prefix[16];
    size_t nibbles;
    if (client_id_prefix_parse(text, prefix, &nibbles) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "%s: not a client id, nor its first %d to 32 hex digits", field,
                            CLIENT_ID_PREFIX_MIN);
    if (nibbles == 32) {
        memcpy(id, prefix, 16);
        return 0;
    }
    uint8_t found[REQUEST_CLIENT_CANDIDATES][16];
    size_t count = 0;
    int rc = store_client_prefix(&req->server->store, txn, owner, prefix, nibbles, found,
                                 REQUEST_CLIENT_CANDIDATES, &count);
    if (rc != 0)
        return request_store_error(req, rc, "look the client id up");
    if (count == 0)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", text);
    if (count > 1) {
        size_t shown = count < REQUEST_CLIENT_CANDIDATES ? count : REQUEST_CLIENT_CANDIDATES;
        return request_client_ambiguous(req, txn, field, text, found, shown, count);
    }
    memcpy(id, found[0], 16);
    return 0;
}

int request_client(struct request *req, MDB_txn *txn, const char *field, const char *text,
                   bool firm_admin_read, uint8_t id[16], Folio__Client **out)
{
    int rc = request_client_resolve(req, txn, field, text, firm_admin_read, id);
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
    return request_agent_card(req, txn, req->actor.user_id, req->actor.name, out);
}

int request_agent_card(struct request *req, MDB_txn *txn, uint64_t user_id, const char *name,
                       Folio__AgentCard **out)
{
    Folio__AgentCard *card = NULL;
    int rc = store_profile_get(&req->server->store, txn, user_id, &req->arena, &card);
    if (rc == MDB_NOTFOUND) {
        if ((card = request_alloc(req, sizeof(*card))) == NULL)
            return request_oom(req);
        folio__agent_card__init(card);
    } else if (rc != 0) {
        return request_store_error(req, rc, "read the agent's card");
    }
    card->user = (char *)name;
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
