/* test_record_json.c - stored records as JSON (record_json.h), in process. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "folio.pb-c.h"
#include "record_json.h"

/* The member key of obj as compact JSON text; free() it. */
static char *member(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    cr_assert_not_null(v, "%s is in the object", key);
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
}

static void assert_member(const json_t *obj, const char *key, const char *want)
{
    char *text = member(obj, key);
    cr_assert_str_eq(text, want, "%s", key);
    free(text);
}

Test(record_json, fields_by_their_kind)
{
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.sms = true;
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.id = (char *)"3f2a1b9c-1d2e-4f00-8a00-000000000001";
    c.name = (char *)"Ana \"P\xc3\xa9rez\" \xe2\x80\xae";
    char *tags[] = {(char *)"vip", (char *)"golf"};
    c.tags = tags;
    c.n_tags = 2;
    uint32_t years[] = {2010, 2014};
    c.children_birth_years = years;
    c.n_children_birth_years = 2;
    c.consent = &consent;
    c.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    c.created_at = 1780000000;
    c.income_cents = -5;
    c.transferred_from = UINT64_MAX;
    json_t *obj = record_json(&c.base);
    cr_assert_not_null(obj);
    assert_member(obj, "name", "\"Ana \\\"P\\u00E9rez\\\" \\u202E\"");
    assert_member(obj, "tags", "[\"vip\",\"golf\"]");
    assert_member(obj, "children_birth_years", "[2010,2014]");
    assert_member(obj, "phones", "[]");
    assert_member(obj, "street", "null");
    assert_member(obj, "marital_status", "\"married\"");
    assert_member(obj, "marital_status_typed", "null");
    assert_member(obj, "created_at", "\"2026-05-28T20:26:40Z\"");
    assert_member(obj, "updated_at", "null");
    assert_member(obj, "income_cents", "-5");
    assert_member(obj, "transferred_from", "\"18446744073709551615\"");
    assert_member(obj, "version", "0");
    json_t *inner = json_object_get(obj, "consent");
    assert_member(inner, "sms", "true");
    assert_member(inner, "email", "false");
    json_decref(obj);
}

Test(record_json, text_that_is_not_utf8)
{
    json_t *s = record_json_text("bad \xff\xfe end \xc3");
    cr_assert_not_null(s);
    cr_assert_str_eq(json_string_value(s), "bad \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd");
    json_decref(s);
    cr_assert(json_is_null(record_json_text("")));
    cr_assert(json_is_null(record_json_text(NULL)));
}

Test(record_json, times)
{
    json_t *t = record_json_time(0);
    cr_assert(json_is_null(t));
    t = record_json_time(-1);
    cr_assert_str_eq(json_string_value(t), "1969-12-31T23:59:59Z");
    json_decref(t);
    t = record_json_time(951782400); /* a leap day */
    cr_assert_str_eq(json_string_value(t), "2000-02-29T00:00:00Z");
    json_decref(t);
    t = record_json_time(INT64_C(253402300800)); /* year 10000: no RFC 3339 form */
    cr_assert(json_is_integer(t));
    json_decref(t);
}

Test(record_json, oneof_members_not_set_are_null)
{
    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    json_t *obj = record_json(&seg.base);
    cr_assert_not_null(obj);
    assert_member(obj, "income_max_cents", "null");
    json_decref(obj);
    seg.income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    seg.income_max_cents = 0;
    obj = record_json(&seg.base);
    assert_member(obj, "income_max_cents", "0");
    json_decref(obj);
}
