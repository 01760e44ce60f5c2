/* op_rule.c - the firm's rules and calendar: what the agenda suggests and
 * on which days.
 *
 * Everyone with a session reads them; only a firm-admin changes them
 * (access.c). What a rule may say lives in rule.c. The calendar is one
 * record (meta "calendar"): a change reads it, edits a copy in the request's
 * arena and writes it back whole, so a replayed write stage starts again
 * from the stored record. */
#include <inttypes.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "op.h"
#include "rule.h"
#include "server.h"
#include "store_meta.h"
#include "store_rule.h"
#include "time_zone.h"

#define OP_OCCASION_MAX      100
#define OP_STAY_IN_TOUCH_MAX FOLIO_STAY_IN_TOUCH_MAX

/* ---------------------------------------------------------------- rules */

int op_rule_add_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    Folio__Rule *rule = request_alloc(req, sizeof(*rule));
    if (rule == NULL)
        return request_oom(req);
    if (req->msg->rule_add->rule != NULL)
        *rule = *req->msg->rule_add->rule;
    else
        folio__rule__init(rule);
    /* rule_validate lower-cases `on` in place: work on a copy, so the
     * request stays as it came for a replay. */
    rule->on = arena_strdup(&req->arena, rule->on != NULL ? rule->on : "");
    if (rule->on == NULL)
        return request_oom(req);
    rule->id = 0;
    rule->created_at = req->now;
    const char *why = rule_validate(rule);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    size_t count;
    int rc = store_rule_count(store, txn, &count);
    if (rc != 0)
        return request_store_error(req, rc, "read the rules");
    if (count >= RULE_COUNT_MAX)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "a firm holds at most %d rules: remove one first", RULE_COUNT_MAX);
    rc = store_rule_add(store, txn, rule);
    if (rc != 0)
        return request_store_error(req, rc, "add the rule");
    char *target = arena_printf(&req->arena, "%" PRIu64, rule->id);
    if (target == NULL)
        return request_oom(req);
    rc = audit_append(req, txn, "rule.add", target, rule->on);
    if (rc != 0)
        return request_store_error(req, rc, "add the rule");
    req->response.result_case = FOLIO__RESPONSE__RESULT_RULE;
    req->response.rule = rule;
    return 0;
}

int op_rule_list_read(struct request *req, MDB_txn *txn)
{
    Folio__Rules *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__rules__init(list);
    int rc = store_rule_list(&req->server->store, txn, &req->arena, &list->rules, &list->n_rules);
    if (rc != 0)
        return request_store_error(req, rc, "list the rules");
    req->response.result_case = FOLIO__RESPONSE__RESULT_RULES;
    req->response.rules = list;
    return 0;
}

int op_rule_remove_write(struct request *req, MDB_txn *txn)
{
    uint64_t id = req->msg->rule_remove->id;
    int rc = store_rule_remove(&req->server->store, txn, id);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no rule %" PRIu64, id);
    if (rc != 0)
        return request_store_error(req, rc, "remove the rule");
    char *target = arena_printf(&req->arena, "%" PRIu64, id);
    if (target == NULL)
        return request_oom(req);
    rc = audit_append(req, txn, "rule.remove", target, "");
    if (rc != 0)
        return request_store_error(req, rc, "remove the rule");
    return request_reply_empty(req);
}

int op_rule_edit_write(struct request *req, MDB_txn *txn)
{
    const Folio__RuleEdit *ask = req->msg->rule_edit;
    static const char fields_are[] =
        "fields: on, suggest, avoid, window_days, product or unless_holds";
    if (ask->n_fields == 0 || ask->changes == NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", fields_are);
    struct store *store = &req->server->store;
    Folio__Rule *rule;
    int rc = store_rule_get(store, txn, ask->id, &req->arena, &rule);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no rule %" PRIu64, ask->id);
    if (rc != 0)
        return request_store_error(req, rc, "read the rule");
    const Folio__Rule *to = ask->changes;
    for (size_t i = 0; i < ask->n_fields; i++) {
        const char *f = ask->fields[i];
        if (strcmp(f, "on") == 0)
            /* rule_validate lower-cases it in place: a copy keeps the
             * request as it came for a replay. */
            rule->on = arena_strdup(&req->arena, to->on);
        else if (strcmp(f, "suggest") == 0)
            rule->suggest = to->suggest;
        else if (strcmp(f, "avoid") == 0)
            rule->avoid = to->avoid;
        else if (strcmp(f, "window_days") == 0)
            rule->window_days = to->window_days;
        else if (strcmp(f, "product") == 0)
            rule->product = to->product;
        else if (strcmp(f, "unless_holds") == 0)
            rule->unless_holds = to->unless_holds;
        else
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", fields_are);
        if (rule->on == NULL)
            return request_oom(req);
    }
    const char *why = rule_validate(rule);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if ((rc = store_rule_put(store, txn, rule)) != 0)
        return request_store_error(req, rc, "change the rule");
    char *target = arena_printf(&req->arena, "%" PRIu64, rule->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "rule.edit", target, rule->on)) != 0)
        return request_store_error(req, rc, "change the rule");
    req->response.result_case = FOLIO__RESPONSE__RESULT_RULE;
    req->response.rule = rule;
    return 0;
}

/* ---------------------------------------------------------------- calendar */

/* The stored calendar; an empty one for a data directory not yet seeded
 * (serve start seeds it, so only a damaged directory gets here). */
static int op_calendar_load(struct request *req, MDB_txn *txn, Folio__Calendar **out)
{
    int rc = store_meta_calendar_get(&req->server->store, txn, &req->arena, out);
    if (rc == MDB_NOTFOUND) {
        *out = request_alloc(req, sizeof(**out));
        if (*out == NULL)
            return request_oom(req);
        folio__calendar__init(*out);
        return 0;
    }
    if (rc != 0)
        return request_store_error(req, rc, "read the calendar");
    return 0;
}

/* Writes the calendar and its audit record, and answers with it. */
static int op_calendar_save(struct request *req, MDB_txn *txn, Folio__Calendar *cal,
                            const char *action, const char *target, const char *detail)
{
    int rc = store_meta_calendar_put(&req->server->store, txn, cal);
    if (rc == 0)
        rc = audit_append(req, txn, action, target, detail);
    if (rc != 0)
        return request_store_error(req, rc, "change the calendar");
    req->response.result_case = FOLIO__RESPONSE__RESULT_CALENDAR;
    req->response.calendar = cal;
    return 0;
}

int op_calendar_get_read(struct request *req, MDB_txn *txn)
{
    Folio__Calendar *cal;
    int rc = op_calendar_load(req, txn, &cal);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CALENDAR;
    req->response.calendar = cal;
    return 0;
}

/* Checks the season months and puts them in ascending order into cal. */
static int op_calendar_set_season(struct request *req, const Folio__Calendar *given,
                                  Folio__Calendar *cal)
{
    bool seen[13] = {false};
    size_t n = 0;
    for (size_t i = 0; i < given->n_season_months; i++) {
        uint32_t m = given->season_months[i];
        if (m < 1 || m > 12)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "season_months: %" PRIu32 " is not a month (1-12)", m);
        if (seen[m])
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "season_months: %" PRIu32 " is given twice", m);
        seen[m] = true;
        n++;
    }
    uint32_t *months = NULL;
    if (n > 0 && (months = arena_calloc(&req->arena, n, sizeof(*months))) == NULL)
        return request_oom(req);
    size_t k = 0;
    for (uint32_t m = 1; m <= 12; m++) {
        if (seen[m])
            months[k++] = m;
    }
    cal->season_months = months;
    cal->n_season_months = n;
    return 0;
}

int op_calendar_set_write(struct request *req, MDB_txn *txn)
{
    int rc;
    Folio__CalendarSet *set = req->msg->calendar_set;
    Folio__Calendar none = FOLIO__CALENDAR__INIT;
    const Folio__Calendar *given = set->calendar != NULL ? set->calendar : &none;
    if (set->n_fields == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "fields: name what to change: season_months, stay_in_touch_days, "
                            "time_zone, renewal_notice_days");
    bool season = false, stay = false, zone = false, notice = false;
    for (size_t i = 0; i < set->n_fields; i++) {
        const char *f = set->fields[i];
        if (strcmp(f, "season_months") == 0)
            season = true;
        else if (strcmp(f, "stay_in_touch_days") == 0)
            stay = true;
        else if (strcmp(f, "time_zone") == 0)
            zone = true;
        else if (strcmp(f, "renewal_notice_days") == 0)
            notice = true;
        else
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "fields: unknown field (season_months, stay_in_touch_days, "
                                "time_zone or renewal_notice_days)");
    }
    Folio__Calendar *cal;
    if ((rc = op_calendar_load(req, txn, &cal)) != 0)
        return rc;
    if (season && (rc = op_calendar_set_season(req, given, cal)) != 0)
        return rc;
    if (stay) {
        if (given->stay_in_touch_days < 1 || given->stay_in_touch_days > OP_STAY_IN_TOUCH_MAX)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "stay_in_touch_days: must be 1 to %d", OP_STAY_IN_TOUCH_MAX);
        cal->stay_in_touch_days = given->stay_in_touch_days;
    }
    if (notice) {
        if (given->renewal_notice_days < 1 || given->renewal_notice_days > RULE_RENEWAL_NOTICE_MAX)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "renewal_notice_days: must be 1 to %d", RULE_RENEWAL_NOTICE_MAX);
        cal->renewal_notice_days = given->renewal_notice_days;
    }
    if (zone) {
        const char *why = time_zone_check(given->time_zone);
        if (why != NULL)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
        cal->time_zone = given->time_zone;
    }
    char *detail = request_joined(req, set->fields, set->n_fields);
    if (detail == NULL)
        return request_oom(req);
    return op_calendar_save(req, txn, cal, "calendar.set", "calendar", detail);
}

/* Occasions are kept in date order (then name), as the agenda walks them. */
static bool op_occasion_before(const Folio__Occasion *a, const Folio__Occasion *b)
{
    if (a->month != b->month)
        return a->month < b->month;
    if (a->day != b->day)
        return a->day < b->day;
    return strcmp(a->name, b->name) < 0;
}

/* The index of the occasion named name, or -1. */
static long op_occasion_find(const Folio__Calendar *cal, const char *name)
{
    for (size_t i = 0; i < cal->n_occasions; i++) {
        if (strcmp(cal->occasions[i]->name, name) == 0)
            return (long)i;
    }
    return -1;
}

/* A lower-cased copy of an occasion's name, or NULL after failing req. */
static char *op_occasion_name(struct request *req, const char *given)
{
    char *name = arena_strndup(&req->arena, given, RULE_WORD_MAX + 1);
    if (name == NULL) {
        request_oom(req);
        return NULL;
    }
    if (!rule_word(name)) {
        request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                     "name: an occasion's name is 1 to %d of a-z, 0-9 and -", RULE_WORD_MAX);
        return NULL;
    }
    return name;
}

int op_occasion_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    const Folio__Occasion *given = req->msg->occasion_add->occasion;
    Folio__Occasion none = FOLIO__OCCASION__INIT;
    if (given == NULL)
        given = &none;
    char *name = op_occasion_name(req, given->name);
    if (name == NULL)
        return WRITER_ROLLBACK;
    if (given->month < 1 || given->month > 12)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "month: must be 1 to 12");
    /* Any day some year has: 29 February is kept, and falls on 28 February
     * in years without one (calendar_yearly). */
    if (given->day < 1 || given->day > (uint32_t)calendar_days_in_month(2000, (int)given->month))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "day: %02" PRIu32 "-%02" PRIu32 " is not a day of the year",
                            given->month, given->day);
    Folio__Calendar *cal;
    if ((rc = op_calendar_load(req, txn, &cal)) != 0)
        return rc;
    if (op_occasion_find(cal, name) >= 0)
        return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "occasion %s already exists", name);
    if (cal->n_occasions >= OP_OCCASION_MAX)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "a calendar holds at most %d occasions", OP_OCCASION_MAX);
    Folio__Occasion *occ = request_alloc(req, sizeof(*occ));
    Folio__Occasion **list = arena_calloc(&req->arena, cal->n_occasions + 1, sizeof(*list));
    if (occ == NULL || list == NULL)
        return request_oom(req);
    folio__occasion__init(occ);
    occ->name = name;
    occ->month = given->month;
    occ->day = given->day;
    size_t n = 0, at = cal->n_occasions;
    for (size_t i = 0; i < cal->n_occasions; i++) {
        if (at == cal->n_occasions && op_occasion_before(occ, cal->occasions[i]))
            at = n++;
        list[n++] = cal->occasions[i];
    }
    list[at] = occ;
    cal->occasions = list;
    cal->n_occasions++;
    char *detail = arena_printf(&req->arena, "%02" PRIu32 "-%02" PRIu32, occ->month, occ->day);
    if (detail == NULL)
        return request_oom(req);
    return op_calendar_save(req, txn, cal, "occasion.add", name, detail);
}

int op_occasion_remove_write(struct request *req, MDB_txn *txn)
{
    int rc;
    char *name = op_occasion_name(req, req->msg->occasion_remove->name);
    if (name == NULL)
        return WRITER_ROLLBACK;
    Folio__Calendar *cal;
    if ((rc = op_calendar_load(req, txn, &cal)) != 0)
        return rc;
    long at = op_occasion_find(cal, name);
    if (at < 0)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no occasion %s", name);
    memmove(&cal->occasions[at], &cal->occasions[at + 1],
            (cal->n_occasions - (size_t)at - 1) * sizeof(cal->occasions[0]));
    cal->n_occasions--;
    return op_calendar_save(req, txn, cal, "occasion.remove", name, "");
}
