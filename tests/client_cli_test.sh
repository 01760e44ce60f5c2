#!/usr/bin/env bash
# client_cli_test.sh - folio client, event and segment end to end against foliod.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" client-cli-test

CLIENT_KEYS='{"id", "owner", "name", "birth_date", "phones", "emails", "street", "city",
  "region", "country", "preferred_channel", "marital_status", "children", "children_birth_years",
  "income", "currency", "income_trend", "last_contact", "contact_interval_days",
  "employment", "organisation", "title", "postal_code", "language", "phone_details", "purchases", "tags",
  "household", "consent", "notes", "created_at", "updated_at", "version"}'

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
for args in "client add" "client add --name X --income 1.234" "client add --name X --income -5" \
  "client add --name X --income 1." "client add --name X --income .5" \
  "client add --name X --income 1e3" "client add --name X --birth-date 1980-02-30" \
  "client add --name X --birth-date 80-01-01" "client add --name X --marital engaged" \
  "client add --name X --children -1" "client add --name X --children two" \
  "client add --name X --consent email,fax" "client add --name X --consent email," \
  "client add --name X --name Y" "client add --name X --phone" "client show" \
  "client update abc" "client update abc --name X --if-version 0" "client list --limit 0" \
  "client history abc --before x" "event add abc" "event add abc income" \
  "event add abc income 12.345" "event add abc life" "event add abc contact call --currency PEN" \
  "event add abc life married --date 2026-13-01" "event add abc note" \
  "event add abc note text --note more" "event add abc life married extra" \
  "event add abc note text --keep-follow-ups" \
  "segment --date 2026-02-29" "segment --age-min x" "segment --income-min 1.5" \
  "segment --marital engaged" "segment --limit 0" \
  "agenda --as-agent maria" "client list --reason why" "client show abc --as-agent maria" \
  "client find ana --as-agent maria --reason why --firm" "book --agent a --as-agent b --reason c" \
  "client update abc --name X --as-agent maria --reason why" "admin subject erase abc" \
  "admin subject find ana --as-agent maria"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
# Ranges are the server's (proto/wire_limits.h), checked before asking.
for args in "client list --limit 1001:1 to 1000" "agenda --days 400:1 to 366" \
  "client add --name X --children 31:0 to 30" "client add --name X --contact-every 3651:0 to 3650" \
  "watch --timeout 604801:1 to 604800"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" ${args%%:*}
  expect "folio ${args%%:*} states the server's range" 2 "" "${args#*:}"
done
run "" "$FOLIO" --json client add --name X --income 1.234
expect "usage error --json exits 2" 2
json_check "usage error is JSON on stderr, code USAGE" "$ERR" 'd["error"]["code"] == "USAGE"'
for cmd in "client add" "client update" "client show" "client list" "client erase" \
  "client history" "event add" "segment"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $cmd --help
  expect "folio $cmd --help" 0 "usage: folio"
done
run "" "$FOLIO" client add --help
[[ $OUT == *"--phone PHONE]..."* && $OUT == *--consent* && $OUT == *--preferred-channel* ]] &&
  pass "client add --help lists the flags, repeatable ones marked" ||
  fail "client add --help lists the flags, repeatable ones marked" "$OUT"
run "" "$FOLIO" segment --help
missing=
for flag in --city --region --country --age-min --age-max --date --marital --children-min \
  --income-min --income-max --income-trend --purchased --tag --consent --count --by; do
  [[ $OUT == *"$flag"* ]] || missing+=" $flag"
done
[[ -z $missing ]] && pass "segment --help lists every filter" ||
  fail "segment --help lists every filter" "missing:$missing"
run "" "$FOLIO" client list
expect "client list when not logged in exits 3" 3

# ---------------------------------------------------------------- a firm with two agents

new_firm "Client Firm"
boss_cfg=$tmp/cfg-boss
alice_cfg=$tmp/cfg-alice
bob_cfg=$tmp/cfg-bob
run "" "$FOLIO" admin office add North
add_user alice agent North
add_user bob agent North
run "" "$FOLIO" --json client add --name "Boss Client"
expect "a firm-admin cannot keep clients" 1
json_check "firm-admin client add is PERMISSION_DENIED" "$ERR" \
  'd["error"]["code"] == "PERMISSION_DENIED"'
export FOLIO_CONFIG=$alice_cfg

# ---------------------------------------------------------------- a default currency
# An income typed without a currency is in the agent's default, or refused.

run "" "$FOLIO" --json client add --name "No Currency" --income 100
expect "an income without a currency and no default exits 2" 2
json_check "the refusal names --currency" "$ERR" '
d["error"]["code"] == "INVALID_ARGUMENT" and d["error"]["message"].startswith("--currency: ")'
run "" "$FOLIO" --json profile set --currency xyz
expect "profile set --currency of no ISO 4217 code exits 2" 2
run "" "$FOLIO" --json profile set --currency pen
expect "profile set --currency" 0
json_check "the default currency is stored upper-case" "$OUT" 'd["profile"]["currency"] == "PEN"'

# ---------------------------------------------------------------- client add, show, list

run "" "$FOLIO" --json client add --name "Ana Pérez" --birth-date 1980-05-17 --phone "+51 1 555 0101" \
  --phone "+51 999 000 111" --email Ana@Example.PE --street "Av. Sol 1" --city Lima --region Lima \
  --country pe --marital married --children 2 --income 52000.5 --currency pen \
  --employment teacher --tag VIP --tag gold --consent email,sms --note "prefers mornings" \
  --preferred-channel email
expect "client add --json" 0
ana_json=$OUT
json_check "client add returns the flat client" "$OUT" "
set(d) == {'client'} and set(d['client']) == $CLIENT_KEYS"
json_check "client add fields" "$OUT" '
c["name"] == "Ana Pérez" and c["owner"] == "alice" and c["birth_date"] == "1980-05-17" and
c["phones"] == ["+51 1 555 0101", "+51 999 000 111"] and c["emails"] == ["ana@example.pe"] and
c["city"] == "Lima" and c["country"] == "PE" and c["marital_status"] == "married" and
c["children"] == 2 and c["income"] == 52000.5 and c["currency"] == "PEN" and
c["tags"] == ["vip", "gold"] and c["consent"] == ["email", "sms"] and
c["notes"] == "prefers mornings" and c["version"] == 1 and c["purchases"] == [] and
c["preferred_channel"] == "email" and c["children_birth_years"] == [] and
is_time(c["created_at"]) and c["created_at"] == c["updated_at"] and len(c["id"]) == 36'
ana=$(json_get "$ana_json" 'd["client"]["id"]')
[[ $ana =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] &&
  pass "client ids are random UUIDs" || fail "client ids are random UUIDs" "id \"$ana\""

# A likely duplicate is refused naming the client it resembles.
ana_id=$(json_get "$ana_json" 'd["client"]["id"]')
run "" "$FOLIO" --json client add --name "Anita" --phone "999000111"
expect "client add of a likely duplicate exits 1" 1
json_check "the refusal names the client, why and --allow-duplicate" "$ERR" "
d['error']['code'] == 'ALREADY_EXISTS' and '$ana_id' in d['error']['message'] and
'Ana Pérez' in d['error']['message'] and 'same phone' in d['error']['message'] and
'--allow-duplicate' in d['error']['message']"
run "" "$FOLIO" --json client add --name "Anita" --phone "999000111" --allow-duplicate
expect "client add --allow-duplicate" 0
json_check "the duplicate is added when asked" "$OUT" 'd["client"]["name"] == "Anita"'
anita_id=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" client erase "$anita_id"
expect "the allowed duplicate is erased again" 0

run "" "$FOLIO" --json client add --name "Luis Quispe" --city Cusco --birth-date 1995-01-10 \
  --tag gold
expect "client add with few fields" 0
json_check "unspecified marital status is null" "$OUT" \
  'd["client"]["marital_status"] is None and d["client"]["income"] == 0 and d["client"]["consent"] == []
   and d["client"]["preferred_channel"] is None'
luis=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" client add --name "Rosa Díaz" --city Lima --birth-date 1960-07-01 --income 9000 \
  --marital widowed
expect "client add human output" 0 "Rosa Díaz"
[[ $OUT == *"id:"* && $OUT == *"version:"* ]] && pass "client add prints a card" ||
  fail "client add prints a card" "$OUT"

# The server's refusals name the flag typed, not the request's field.
run "" "$FOLIO" --json client add --name X --income 20000000000000
expect "an income over the server's bound exits 2" 2
json_check "the server's refusal names --income, not income_cents" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and d["error"]["message"].startswith("--income: ")'

run "" "$FOLIO" client show "$ana"
expect "client show" 0 "Ana Pérez"
[[ $OUT == *"52000.50"* && $OUT == *"email, sms"* && $OUT == *"+51 1 555 0101"* ]] &&
  pass "client show card shows income, consent, phones" ||
  fail "client show card shows income, consent, phones" "$OUT"
run "" "$FOLIO" client show "$ana" --json
json_check "client show --json" "$OUT" "set(d) == {'client'} and set(d['client']) == $CLIENT_KEYS"
run "" "$FOLIO" client show not-an-id --json
expect "client show of a malformed id exits 2" 2
json_check "malformed id is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" client show 00000000-0000-4000-8000-000000000000 --json
expect "client show of an unknown id exits 1" 1
json_check "unknown id is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'

run "" "$FOLIO" client list
expect "client list" 0 "Ana Pérez"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "ID NAME CITY PHONE E-MAIL LAST CONTACT" ]] && pass "client list table columns" ||
  fail "client list table columns" "$header"
run "" "$FOLIO" client list --json
json_check "client list --json" "$OUT" "
set(d) == {'clients', 'next'} and len(d['clients']) == 3 and d['next'] is None and
all(set(x) == $CLIENT_KEYS for x in d['clients']) and
[x['name'] for x in d['clients']] == sorted((x['name'] for x in d['clients']), key=str.casefold)"
run "" "$FOLIO" client list --limit 2 --json
json_check "client list --limit 2 pages" "$OUT" \
  'len(d["clients"]) == 2 and d["next"].endswith("." + d["clients"][1]["id"])'
run "" "$FOLIO" -j client list -n 2
json_check "-j and -n are --json and --limit" "$OUT" 'len(d["clients"]) == 2'
next=$(json_get "$OUT" 'd["next"]')
run "" "$FOLIO" client list --limit 2
expect "client list notes the next page, on stderr" 0 "" "more follow: add --after $next"
[[ $OUT != *"more follow"* ]] && pass "stdout carries the answer alone" ||
  fail "stdout carries the answer alone" "$OUT"
run "" "$FOLIO" client list --after "$next" --json
json_check "client list --after gives the rest" "$OUT" 'len(d["clients"]) == 1 and d["next"] is None'

# Typed ids: the ID column's 8 hex digits, or any unique start of an id.
run "" "$FOLIO" client list
row=$(grep -F "Ana Pérez" <<<"$OUT" | head -1)
[[ ${row%% *} == "${ana:0:8}" ]] && pass "the ID column shows an id's first 8 hex digits" ||
  fail "the ID column shows an id's first 8 hex digits" "$row"
run "" "$FOLIO" client show "${ana:0:8}"
expect "client show takes an id's first 8 hex digits" 0 "Ana Pérez"
run "" "$FOLIO" --json client show "${ana:0:13}"
json_check "client show takes the start of the canonical form" "$OUT" "d['client']['id'] == '$ana'"
run "" "$FOLIO" --json client show "$(tr -d - <<<"${ana:0:18}")"
json_check "client show takes hex digits without the dashes" "$OUT" "d['client']['id'] == '$ana'"
run "" "$FOLIO" --json client show "${ana:0:7}"
expect "7 hex digits are too few" 2
json_check "too short a prefix is INVALID_ARGUMENT" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and "8 to 32 hex digits" in d["error"]["message"]'
run "" "$FOLIO" --json event add "${luis:0:8}" contact call --date 2024-02-03
expect "event add takes a prefix too" 0
run "" "$FOLIO" --json client list --sort last-contact --reverse
json_check "client list --sort last-contact --reverse: the latest contact first" "$OUT" \
  'd["clients"][0]["id"] == "'"$luis"'" and d["clients"][0]["last_contact"] == "2024-02-03"'
run "" "$FOLIO" --json client list --sort created --limit 1
json_check "client list --sort created pages with a KEY.ID cursor" "$OUT" \
  'len(d["clients"]) == 1 and d["next"].endswith("." + d["clients"][0]["id"])'
created_next=$(json_get "$OUT" 'd["next"]')
run "" "$FOLIO" --json client list --sort created --after "$created_next"
json_check "client list --sort created --after: the rest" "$OUT" 'len(d["clients"]) == 2'
run "" "$FOLIO" --json client list --sort name --after "$created_next"
expect "a cursor of another sort is refused" 2
json_check "a cursor of another sort is INVALID_ARGUMENT" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and "after" in d["error"]["message"]'
run "" "$FOLIO" client list --sort size
expect "client list --sort size is a usage error naming the flag" 2 "" "--sort"

# ---------------------------------------------------------------- another agent sees nothing

export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" client list
expect "another agent's list" 0 "no clients"
run "" "$FOLIO" --json client show "$ana"
expect "another agent's client is not found" 1
json_check "another agent's client is NOT_FOUND" "$ERR" \
  'd["error"]["code"] == "NOT_FOUND" and "Ana" not in d["error"]["message"]'
run "" "$FOLIO" --json client update "$ana" --city Puno
json_check "another agent cannot update: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json event add "$ana" note "hello"
json_check "another agent cannot add events: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json client erase "$ana"
json_check "another agent cannot erase: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json segment --count
json_check "another agent's segment is empty" "$OUT" 'd == {"total": 0}'

# Columns line up by what a terminal shows: CJK characters take two columns,
# a combining mark none.
run "" "$FOLIO" client add --name "王小明" --city Lima
run "" "$FOLIO" client add --name $'Zoe\u0308 Ruiz' --city Cusco
run "" "$FOLIO" client add --name "Al" --city Puno
run "" "$FOLIO" client list
aligned=$("$PY" -c '
import sys, unicodedata
def columns(s):
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
starts = set()
for line in sys.stdin.read().splitlines():
    for city in ("CITY", "Lima", "Cusco", "Puno"):
        at = line.find(city)
        if at >= 0:
            starts.add(columns(line[:at]))
print(len(starts))' <<<"$OUT")
[[ $aligned == 1 ]] && pass "table columns line up with wide and combining characters" ||
  fail "table columns line up with wide and combining characters" "$OUT"

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json client show "$ana"
json_check "firm-admin without --firm-admin-read: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json client show "$ana" --firm-admin-read
expect "firm-admin read" 0
json_check "firm-admin read returns the client" "$OUT" 'd["client"]["name"] == "Ana Pérez"'
run "" "$FOLIO" --json admin audit --limit 1000
json_check "firm-admin read is audited" "$OUT" '
any(r["action"] == "client.read" and r["actor"] == "boss" for r in d["records"]) and
any(r["action"] == "client.add" and r["actor"] == "alice" for r in d["records"])'
export FOLIO_CONFIG=$alice_cfg

# ---------------------------------------------------------------- update

run "" "$FOLIO" --json client update "$ana" --city Arequipa --set-phones "" --set-tags family \
  --if-version 1
expect "client update --if-version" 0
json_check "client update changes only what was given" "$OUT" '
c["city"] == "Arequipa" and c["phones"] == [] and c["tags"] == ["family"] and c["version"] == 2 and
c["region"] == "Lima" and c["emails"] == ["ana@example.pe"] and c["income"] == 52000.5'
run "" "$FOLIO" --json client update "$ana" --city Puno --if-version 1
expect "stale --if-version exits 1" 1
json_check "stale --if-version is ABORTED" "$ERR" 'd["error"]["code"] == "ABORTED"'
run "" "$FOLIO" client update "$ana"
expect "client update with nothing to change exits 2" 2
run "" "$FOLIO" --json client update "$ana" --consent "" --marital divorced --income 48000
json_check "update consent, marital, income" "$OUT" '
c["consent"] == [] and c["marital_status"] == "divorced" and c["income"] == 48000 and
c["income_trend"] == "down" and c["version"] == 3'
run "" "$FOLIO" --json client update "$ana" --country Peru
expect "a bad country is refused by the server" 2
json_check "bad country is INVALID_ARGUMENT naming the field" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and "country" in d["error"]["message"]'

# ---------------------------------------------------------------- events

run "" "$FOLIO" --json event add "$ana" income 61000.25 --currency PEN --date 2026-01-02
expect "event add income" 0
json_check "event add returns the event" "$OUT" '
set(d) == {"event"} and d["event"]["kind"] == "income" and d["event"]["amount"] == 61000.25 and
d["event"]["date"] == "2026-01-02" and d["event"]["actor"] == "alice" and d["event"]["seq"] > 0'
run "" "$FOLIO" --json event add "$ana" purchase vehicle --note "red car" --date 2025-06-30
expect "event add purchase" 0
run "" "$FOLIO" --json event add "$ana" life child-born --date 2025-03-01
expect "event add life" 0
run "" "$FOLIO" event add "$ana" contact call
expect "event add contact" 0 "call"
run "" "$FOLIO" --json event add "$ana" contact visit --keep-follow-ups
expect "event add contact --keep-follow-ups" 0
run "" "$FOLIO" --json event add "$ana" note "asked about a loan"
expect "event add note" 0
json_check "a note event's text is its note" "$OUT" 'd["event"]["note"] == "asked about a loan"'
run "" "$FOLIO" --json event add "$ana" note --note "second note"
expect "event add note with --note" 0
run "" "$FOLIO" --json event add "$ana" wizardry summon
expect "an unknown event kind is refused by the server" 2
json_check "unknown event kind is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" --json client show "$ana"
json_check "events change the record" "$OUT" '
c["income"] == 61000.25 and c["income_trend"] == "up" and c["children"] == 3 and
c["children_birth_years"] == [2025] and
c["purchases"] == [{"kind": "vehicle", "date": "2025-06-30", "note": "red car"}]'
run "" "$FOLIO" client show "$ana"
expect "the card shows purchases" 0 "vehicle 2025-06-30 red car"

# ---------------------------------------------------------------- history

run "" "$FOLIO" client history "$ana"
expect "client history" 0 "child-born"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "SEQ DATE KIND WHAT ACTOR NOTE AMOUNT CURRENCY CORRECTED BY" ]] && pass "client history table columns" ||
  fail "client history table columns" "$header"
run "" "$FOLIO" client history "$ana" --json
json_check "client history --json newest date first, then the later recorded" "$OUT" '
set(d) == {"events", "next"} and d["next"] is None and
[(e["date"], e["seq"]) for e in d["events"]] ==
  sorted(((e["date"], e["seq"]) for e in d["events"]), reverse=True) and
[e["kind"] for e in d["events"]].count("created") == 1 and
[e["kind"] for e in d["events"]].count("updated") == 2'
run "" "$FOLIO" client history "$ana" --limit 2 --json
json_check "client history --limit pages" "$OUT" 'len(d["events"]) == 2 and d["next"].isdigit()'
before=$(json_get "$OUT" 'd["next"]')
run "" "$FOLIO" client history "$ana" --limit 2
expect "client history notes the next page, on stderr" 0 "" "more follow: add --before $before"
run "" "$FOLIO" client history "$ana" --before "$before" --limit 1000 --json
json_check "client history --before gives older events" "$OUT" \
  "all(e['seq'] < $before for e in d['events']) and
   any(e['kind'] == 'created' for e in d['events'])"

# ---------------------------------------------------------------- segment

run "" "$FOLIO" --json segment
expect "segment" 0
json_check "segment --json without filters" "$OUT" \
  "set(d) == {'total', 'clients', 'next'} and d['next'] is None and d['total'] == 3 and len(d['clients']) == 3 and
   all(set(x) == $CLIENT_KEYS for x in d['clients'])"
run "" "$FOLIO" segment --tag gold
expect "segment human" 0 "1 matching"
[[ $OUT == *"Luis Quispe"* ]] && pass "segment --tag lists the match" || fail "segment --tag lists the match" "$OUT"
run "" "$FOLIO" segment --city Lima --count
expect "segment --count" 0
[[ $OUT == 1 ]] && pass "segment --count prints the total" || fail "segment --count prints the total" "$OUT"
run "" "$FOLIO" --json segment --city Lima --count
json_check "segment --count --json" "$OUT" 'd == {"total": 1}'
run "" "$FOLIO" --json segment --age-min 40 --date 2026-06-01
json_check "segment --age-min" "$OUT" \
  "d['total'] == 2 and '$luis' not in [x['id'] for x in d['clients']]"
run "" "$FOLIO" --json segment --age-max 35 --date 2026-06-01
json_check "segment --age-max" "$OUT" "d['total'] == 1 and d['clients'][0]['id'] == '$luis'"
run "" "$FOLIO" --json segment --age-max 0 --date 2026-06-01
json_check "segment --age-max 0 is a filter, not its absence" "$OUT" 'd["total"] == 0'
run "" "$FOLIO" --json segment --income-min 10000 --income-max 70000
json_check "segment --income-min/--income-max" "$OUT" "d['total'] == 1 and d['clients'][0]['id'] == '$ana'"
run "" "$FOLIO" --json segment --income-max 10000
json_check "segment --income-max (unknown incomes never match)" "$OUT" \
  'd["total"] == 1 and d["clients"][0]["name"] == "Rosa Díaz"'
run "" "$FOLIO" --json segment --purchased vehicle --income-trend up --children-min 3
json_check "segment --purchased --income-trend --children-min" "$OUT" "d['total'] == 1"
run "" "$FOLIO" --json segment --marital widowed
json_check "segment --marital" "$OUT" 'd["total"] == 1 and d["clients"][0]["name"] == "Rosa Díaz"'
run "" "$FOLIO" --json segment --consent email
json_check "segment --consent (Ana withdrew hers)" "$OUT" 'd["total"] == 0 and d["clients"] == []'
run "" "$FOLIO" --json segment --country PE --region Lima
json_check "segment --country --region" "$OUT" 'd["total"] == 1'
run "" "$FOLIO" --json segment --by city
json_check "segment --by city" "$OUT" '
set(d) == {"total", "buckets"} and d["total"] == 3 and
sorted((b["key"], b["count"]) for b in d["buckets"]) == [("Arequipa", 1), ("Cusco", 1), ("Lima", 1)]'
run "" "$FOLIO" --json segment --count --by city --city Lima
json_check "segment --count --by: the breakdown and its total" "$OUT" '
d["total"] == 1 and d["buckets"] == [{"key": "Lima", "count": 1}]'
run "" "$FOLIO" segment --by marital
expect "segment --by human" 0 "KEY"
[[ $OUT == *COUNT* && $OUT == *widowed* ]] && pass "segment --by prints KEY COUNT" ||
  fail "segment --by prints KEY COUNT" "$OUT"
run "" "$FOLIO" --json segment --by colour
expect "segment --by an unknown key is refused by the server" 2
json_check "unknown --by is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" segment --city Nowhere
expect "segment with no match" 0 "0 matching"

# ---------------------------------------------------------------- erase

run "" "$FOLIO" --json client erase "$ana"
expect "client erase" 0
json_check "client erase --json is an empty object" "$OUT" 'd == {}'
run "" "$FOLIO" --json client show "$ana"
json_check "an erased client is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json client history "$ana"
json_check "an erased client's history is gone" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json segment --count
json_check "an erased client leaves the segment" "$OUT" 'd == {"total": 2}'
export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin audit --limit 1000
json_check "erase is audited by id only" "$OUT" "
[r for r in d['records'] if r['action'] == 'client.erase'] and
all('Ana' not in (r['detail'] or '') and 'Ana' not in r['target']
    for r in d['records'] if r['action'] == 'client.erase')"

# ---------------------------------------------------------------- find

export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json client add --name "Bjørn Ødegård" --phone "+47 22 33 44 55" \
  --email Bjorn.O@Example.NO
expect "client add (to find)" 0
bjorn=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client find "bjorn odeg"
expect "client find by folded word starts" 0
json_check "client find finds Bjørn" "$OUT" '[c["id"] for c in d["clients"]] == ["'"$bjorn"'"]'
run "" "$FOLIO" --json client search 22334455
json_check "client search (the alias) finds by phone digits" "$OUT" \
  '[c["id"] for c in d["clients"]] == ["'"$bjorn"'"]'
run "" "$FOLIO" --json client find BJORN.O@
json_check "client find by e-mail prefix" "$OUT" '[c["name"] for c in d["clients"]] == ["Bjørn Ødegård"]'
run "" "$FOLIO" client find "bjørn"
expect "client find prints a table" 0 "Ødegård"
run "" "$FOLIO" client find nobody-at-all
expect "client find with no match" 0 "no clients found"
run "" "$FOLIO" --json client find ""
expect "an empty TEXT is a usage error" 2
run "" "$FOLIO" --json client find x --limit 1001
expect "--limit over the server's bound is a usage error" 2
run "" "$FOLIO" --json client find x --after nonsense
expect "a bad cursor is refused by the server" 2
json_check "a bad cursor is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" --json client find x --firm
expect "an agent's --firm is refused" 1
json_check "an agent's --firm is PERMISSION_DENIED" "$ERR" 'd["error"]["code"] == "PERMISSION_DENIED"'
export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json client find "bjorn" --firm
json_check "a firm search shows id and owner" "$OUT" \
  'd["clients"] == [{"id": "'"$bjorn"'", "owner": "alice"}]'
run "" "$FOLIO" --json admin audit --limit 5
json_check "a firm search is audited without its text" "$OUT" "
[r for r in d['records'] if r['action'] == 'client.find'] and
all('bjorn' not in (r['detail'] or '') for r in d['records'] if r['action'] == 'client.find')"


# ---------------------------------------------------------------- correcting the timeline

export FOLIO_CONFIG=$alice_cfg
for args in "event edit" "event edit abc" "event edit abc 0 --note x" "event edit abc x --note x" \
  "event edit abc 3" "event edit abc 3 --amount 1.234" "event edit abc 3 --date 2026-02-30" \
  "event remove abc" "event remove abc -1" "event remove abc 3 4"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
for cmd in "event edit" "event remove"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $cmd --help
  expect "folio $cmd --help" 0 "usage: folio"
done
run "" "$FOLIO" --json client add --name "Timeline Tess" --income 1000 --currency EUR
tess=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json event add "$tess" income 5000 --currency EUR --date 2026-01-10
inc=$(json_get "$OUT" 'd["event"]["seq"]')
run "" "$FOLIO" --json event add "$tess" life maried
expect "a typo in a life event is refused" 2
json_check "the refusal lists the words" "$ERR" '"child-born, retired, moved" in d["error"]["message"]'
run "" "$FOLIO" --json event add "$tess" life divorced --date 2026-01-05
life=$(json_get "$OUT" 'd["event"]["seq"]')
run "" "$FOLIO" --json event add "$tess" contact call --date 2026-01-20
call=$(json_get "$OUT" 'd["event"]["seq"]')
run "" "$FOLIO" --json event add "$tess" contact visit --date 2099-01-01
expect "an event far ahead of the server's today is refused" 2 "" "days ahead"
run "" "$FOLIO" --json event edit "$tess" "$inc" --amount 500
expect "event edit an income" 0
json_check "event edit returns the corrected event, marked" "$OUT" '
d["event"]["amount"] == 500 and d["event"]["corrected_by"] == "alice" and d["event"]["corrected_at"]'
run "" "$FOLIO" --json client show "$tess"
json_check "the record follows the corrected income" "$OUT" '
d["client"]["income"] == 500 and d["client"]["income_trend"] == "down"'
run "" "$FOLIO" --json event edit "$tess" "$life" --what married
run "" "$FOLIO" --json event edit "$tess" "$call" --date 2026-01-02
run "" "$FOLIO" --json client show "$tess"
json_check "the record follows the corrected life and contact events" "$OUT" '
d["client"]["marital_status"] == "married" and d["client"]["last_contact"] == "2026-01-02"'
run "" "$FOLIO" --json event edit "$tess" "$life" --amount 5
expect "an amount on a life event is refused" 2 "" "income events"
run "" "$FOLIO" --json event edit "$tess" 1 --note x
expect "the server's own entries stay as they are" 2 "" "server's own"
run "" "$FOLIO" --json event edit "$tess" 999 --note x
expect "no such event" 1
json_check "no such event is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" client history "$tess"
expect "client history marks corrected events and shows amounts" 0 "alice"
[[ $OUT == *"EUR"* && $OUT == *"CORRECTED BY"* ]] &&
  pass "client history shows currencies and a corrected column" ||
  fail "client history shows currencies and a corrected column" "$OUT"
run "" "$FOLIO" --json client history "$tess"
json_check "client history sorts by event date, newest first" "$OUT" '
[e["date"] for e in d["events"]] == sorted([e["date"] for e in d["events"]], reverse=True)'
run "" "$FOLIO" --json event remove "$tess" "$inc"
expect "event remove" 0
run "" "$FOLIO" --json client show "$tess"
json_check "a withdrawn income leaves the typed one" "$OUT" '
d["client"]["income"] == 1000 and d["client"]["currency"] == "EUR"'
run "" "$FOLIO" --json client history "$tess"
json_check "a withdrawn event is gone from the history" "$OUT" "
all(e['seq'] != $inc for e in d['events'])"
export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" --json event remove "$tess" "$call"
expect "another agent cannot withdraw the event" 1
json_check "another agent gets NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin audit --limit 20
json_check "the audit keeps what the events were and became" "$OUT" "
any(r['action'] == 'event.edit' and 'amount_cents: 500000 -> 50000' in r['detail'] for r in d['records']) and
any(r['action'] == 'event.remove' and 'withdrawn' in r['detail'] for r in d['records'])"

# ---------------------------------------------------------------- data that stays clean

export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json client add --name "Clean Carla" --income 900 --country de --tag a --phone 111 \
  --email carla@example.de
expect "client add with the default currency" 0
carla=$(json_get "$OUT" 'd["client"]["id"]')
json_check "an income without a currency takes the agent's default; codes upper-cased" "$OUT" '
d["client"]["currency"] == "PEN" and d["client"]["country"] == "DE"'
for bad in "--country XX:--country: " "--currency ABC:--currency: " "--birth-date 2999-01-01:--birth-date: " \
  "--email a@b:--email: " "--email a@b.:--email: "; do
  args=${bad%%:*} want=${bad#*:}
  # shellcheck disable=SC2086 # a flag and its value
  run "" "$FOLIO" --json client add --name "Bad One" $args
  expect "client add $args exits 2" 2
  json_check "client add $args is refused naming ${want% }" "$ERR" "
d['error']['code'] == 'INVALID_ARGUMENT' and d['error']['message'].startswith('$want')"
done
run "" "$FOLIO" --json client add --name $' \u00a0\t'
expect "a name of spaces exits 2" 2
json_check "a name of spaces names --name" "$ERR" 'd["error"]["message"].startswith("--name: ")'
run "" "$FOLIO" --json client update "$carla" --add-tag B --add-tag c --remove-tag a \
  --remove-tag never-there --add-phone "222 333" --remove-phone 111 --add-email Second@Example.de
expect "client update by element" 0
json_check "elements added and removed, absent ones ignored" "$OUT" '
c["tags"] == ["b", "c"] and c["phones"] == ["222 333"] and
c["emails"] == ["carla@example.de", "second@example.de"]'
run "" "$FOLIO" --json client update "$carla" --remove-email CARLA@example.de --add-tag b
expect "removing by element again" 0
json_check "an element already there is not added twice; e-mails match in any case" "$OUT" '
d["client"]["tags"] == ["b", "c"] and d["client"]["emails"] == ["second@example.de"]'
run "" "$FOLIO" --json client update "$carla" --set-tags x --set-tags y
expect "client update --set-tags" 0
json_check "--set-tags replaces the list" "$OUT" 'd["client"]["tags"] == ["x", "y"]'
for old in --tag --phone --email; do
  run "" "$FOLIO" client update "$carla" $old x
  expect "client update $old is a usage error" 2
  [[ $ERR == *"--add-${old#--}"* && $ERR == *"--set-${old#--}s"* ]] &&
    pass "client update $old names the new flags" ||
    fail "client update $old names the new flags" "$ERR"
done
add_args=()
for i in $(seq 1 9); do add_args+=(--add-phone "55$i"); done
run "" "$FOLIO" --json client update "$carla" "${add_args[@]}"
expect "more phones than a client may hold exits 2" 2
json_check "the bound names --phone" "$ERR" 'd["error"]["message"].startswith("--phone: ")'
run "" "$FOLIO" client update --help
[[ $OUT == *"--add-tag TAG"* && $OUT == *"--set-emails EMAIL"* && $OUT == *"not an error"* ]] &&
  pass "client update --help lists the element flags" ||
  fail "client update --help lists the element flags" "$OUT"
export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" --json client add --name "Bob's Client" --income 10
expect "another agent without a default currency is refused" 2

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

cli_summary
