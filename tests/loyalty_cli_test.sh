#!/usr/bin/env bash
# loyalty_cli_test.sh - folio agenda, rules, calendar, alerts, offers, partners,
# coupons and profile end to end against foliod.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" loyalty-cli-test

# agenda_has NAME TEXT PYTHON-EXPR: json_check over the agenda's items, as i.
agenda_has() {
  json_check "$1" "$2" "any($3 for i in d['items'])"
}

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
U=00000000-0000-4000-8000-000000000000
for args in "agenda --days 0" "agenda --days x" "agenda --date 2026-02-30" "agenda extra" \
  "agenda --state later" "agenda --kind birthdays" "agenda --kind ," "agenda --limit 0" \
  "agenda --limit 1001" "agenda --alert 0" "agenda --alert x" \
  "done" "done xyz1" "done abc" "done 0123456789abcdef0" \
  "snooze abcd" "snooze abcd --until 2026-02-30" "dismiss" "done abcd --date x" \
  "task add" "task add --due 2026-03-01" "task add --title x" "task add --due x --title x" \
  "task add a b --due 2026-03-01 --title x" "task list --limit 0" "task edit" "task edit 1" \
  "task edit x --title y" "task edit 1 --due 2026-02-30" "task remove" "task remove 0" \
  "admin rule add --on birthday" "admin rule add --suggest x" \
  "admin rule add --on birthday --suggest x --window -1" "admin rule remove" \
  "admin rule remove abc" "admin rule remove 0" "admin calendar set" \
  "admin calendar set --season 13" "admin calendar set --season 7," \
  "admin calendar set --season 0" "admin calendar set --stay-in-touch 0" "admin calendar bogus" \
  "admin occasion add x" "admin occasion add x --date 13-01" "admin occasion add x --date 02-30" \
  "admin occasion add x --date 2026-12-25" "admin occasion remove" \
  "admin alert add --kind flood --date 2026-03-01" \
  "admin alert add --kind flood --city Lima --region Lima --date 2026-03-01" \
  "admin alert add --kind flood --city Lima" \
  "admin alert add --kind flood --city Lima --date 2026-03-01 --until 2026-13-01" \
  "alert list --date tomorrow" "admin alert end" "admin alert end x" \
  "admin alert end 1 --date 2026-02-30" \
  "offer add $U --title T --valid-from 2026-03-01" \
  "offer add $U --title T --valid-from 2026-03-01 --valid-until 2026-03-40" \
  "offer add $U --title T --valid-from 2026-03-01 --valid-until 2026-03-31 --rate 101" \
  "offer add $U --title T --valid-from 2026-03-01 --valid-until 2026-03-31 --rate 4.555" \
  "offer add $U --title T --valid-from 2026-03-01 --valid-until 2026-03-31 --rate -1" \
  "offer add --title T --valid-from 2026-03-01 --valid-until 2026-03-31" \
  "offer list --limit 0" "offer list --after x" "offer list --date 2026-3-1" \
  "offer set 1" "offer set 1 expired" "offer set x sent" "offer set 1 sent --date x" \
  "admin partner add Cafe" "admin partner add" "partner list extra" \
  "admin partner edit 1" "admin partner edit x --name y" "admin partner edit 0 --city y" \
  "admin partner remove" "admin partner remove x" "admin rule edit 1" \
  "admin rule edit x --suggest y" "admin rule edit 1 --window -1" \
  "admin rule edit 1 --window 3651" \
  "coupon issue $U --partner 1 --discount x" \
  "coupon issue $U --partner x --discount x --valid-until 2026-04-30" \
  "coupon issue $U --partner 1 --discount x --valid-until 2026-04-31" \
  "coupon list --limit 0" "coupon redeem" "coupon redeem ABCD --date x" "profile set" \
  "profile show extra" "event add $U contact call --follow-up 2026-02-30" \
  "client add --name X --contact-every -1" "client update $U --contact-every x"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
run "" "$FOLIO" --json offer set 1 bogus
expect "usage error --json exits 2" 2
json_check "usage error is JSON on stderr, code USAGE" "$ERR" 'd["error"]["code"] == "USAGE"'
for cmd in "agenda" "admin rule add" "admin rule list" "admin rule remove" "admin calendar" \
  "admin calendar set" "admin occasion add" "admin occasion remove" "admin alert add" \
  "alert list" "admin alert end" "offer add" "offer list" "offer set" "admin partner add" \
  "admin partner edit" "admin partner remove" "admin rule edit" \
  "partner list" "coupon issue" "coupon list" "coupon redeem" "profile set" "profile show"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $cmd --help
  expect "folio $cmd --help" 0 "[--json] $cmd"
done
run "" "$FOLIO" offer add --help
missing=
for flag in --title --product --rate --valid-from --valid-until --channel; do
  [[ $OUT == *"$flag"* ]] || missing+=" $flag"
done
[[ -z $missing ]] && pass "offer add --help lists its flags" ||
  fail "offer add --help lists its flags" "missing:$missing"
run "" "$FOLIO" event add --help
expect "event add --help has --follow-up" 0 "--follow-up DATE"
run "" "$FOLIO" client update --help
expect "client update --help has --contact-every" 0 "--contact-every DAYS"
run "" "$FOLIO" agenda
expect "agenda when not logged in exits 3" 3

# ---------------------------------------------------------------- a firm with two agents

# foliod runs at this date (libfaketime, cli_lib.sh): its today decides
# expiry, and every --date below labels when something happened, never
# after it. The last section moves the clock past the offers' validity.
export FOLIOD_CLOCK="2026-03-21 12:00:00"
new_firm "Loyal Firm"
boss_cfg=$tmp/cfg-boss
alice_cfg=$tmp/cfg-alice
bob_cfg=$tmp/cfg-bob
run "" "$FOLIO" admin office add North
add_user alice agent North
add_user bob agent North

# ---------------------------------------------------------------- rules

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin rule list
expect "rule list" 0
json_check "the default rules are there" "$OUT" '
all(set(r) == {"id", "on", "suggest", "avoid", "window", "product", "unless_holds"}
    for r in d["rules"]) and
any(r["on"] == "purchase:vehicle" and r["suggest"] == "offer vehicle insurance" and
    r["window"] == 30 and r["product"] == "vehicle insurance" and r["unless_holds"] == "auto"
    for r in d["rules"]) and
any(r["on"] == "alert:earthquake" and r["avoid"] == "insurance" for r in d["rules"]) and
any(r["on"] == "birthday" for r in d["rules"])'
vehicle_rule=$(json_get "$OUT" '[r["id"] for r in d["rules"] if r["on"] == "purchase:vehicle"][0]')
run "" "$FOLIO" admin rule list
expect "rule list human" 0 "offer vehicle insurance"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "ID ON SUGGEST AVOID WINDOW PRODUCT UNLESS HOLDS" ]] && pass "rule list table columns" ||
  fail "rule list table columns" "$header"
run "" "$FOLIO" --json admin rule add --on life:retired --suggest "offer an annuity" \
  --avoid "long loans" --window 90 --product annuity
expect "rule add" 0
json_check "rule add returns the rule" "$OUT" '
d["rule"]["on"] == "life:retired" and d["rule"]["suggest"] == "offer an annuity" and
d["rule"]["avoid"] == "long loans" and d["rule"]["window"] == 90 and d["rule"]["id"] > 0'
retired_rule=$(json_get "$OUT" 'd["rule"]["id"]')
run "" "$FOLIO" admin rule add --on holiday:mothers-day --suggest "offer partner coupons"
expect "rule add human" 0 "holiday:mothers-day"
run "" "$FOLIO" --json admin rule add --on "lottery" --suggest "celebrate"
expect "a rule on an unknown trigger exits 2" 2
json_check "unknown on is INVALID_ARGUMENT naming the field" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and "on" in d["error"]["message"]'
run "" "$FOLIO" --json admin rule remove "$retired_rule"
expect "rule remove" 0
json_check "rule remove --json is an empty object" "$OUT" 'd == {}'
run "" "$FOLIO" admin rule remove 99999
expect "rule remove of an unknown id exits 1" 1 "" "NOT_FOUND"
run "" "$FOLIO" --json admin rule remove 99999
json_check "unknown rule is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'

# ---------------------------------------------------------------- calendar

run "" "$FOLIO" --json admin calendar
expect "calendar show" 0
json_check "the default calendar" "$OUT" '
d == {"calendar": {"occasions": [{"name": "christmas", "date": "12-25"}],
                   "season_months": [12], "stay_in_touch_days": 90, "time_zone": None,
                   "renewal_notice_days": 30}}'
run "" "$FOLIO" admin calendar show
expect "calendar show human" 0 "christmas 12-25"
run "" "$FOLIO" --json admin calendar set --season 12,7 --stay-in-touch 60 --renewal-notice-days 45
expect "calendar set" 0
json_check "calendar set stores months ascending" "$OUT" '
d["calendar"]["season_months"] == [7, 12] and d["calendar"]["stay_in_touch_days"] == 60 and
d["calendar"]["renewal_notice_days"] == 45'
run "" "$FOLIO" --json admin calendar set --renewal-notice-days 0
expect "--renewal-notice-days 0 is a usage error" 2
json_check "the error names --renewal-notice-days" "$ERR" '"--renewal-notice-days" in d["error"]["message"]'
run "" "$FOLIO" --json admin rule add --on birthday --suggest "call" --unless-holds auto
expect "--unless-holds on a birthday rule exits 2" 2
json_check "the error names --unless-holds" "$ERR" '"--unless-holds" in d["error"]["message"]'
run "" "$FOLIO" --json admin calendar set --season 7,7
expect "repeated months exit 2" 2
json_check "repeated months are INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" --json admin occasion add Mothers-Day --date 05-10
expect "occasion add" 0
json_check "occasion add lower-cases and keeps date order" "$OUT" '
d["calendar"]["occasions"] == [{"name": "mothers-day", "date": "05-10"},
                               {"name": "christmas", "date": "12-25"}]'
run "" "$FOLIO" --json admin occasion add leap --date 02-29
expect "occasion on 29 February" 0
run "" "$FOLIO" --json admin occasion add mothers-day --date 05-11
expect "a second occasion of that name exits 1" 1
json_check "duplicate occasion is ALREADY_EXISTS" "$ERR" 'd["error"]["code"] == "ALREADY_EXISTS"'
run "" "$FOLIO" admin occasion remove leap
expect "occasion remove" 0 "mothers-day"
run "" "$FOLIO" --json admin occasion remove leap
json_check "removing an unknown occasion is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'

# ---------------------------------------------------------------- partners

run "" "$FOLIO" --json admin partner add "Café Sol" --category Restaurant --city Lima
expect "partner add" 0
json_check "partner add returns the partner" "$OUT" '
d == {"partner": {"id": d["partner"]["id"], "name": "Café Sol", "category": "restaurant",
                  "city": "Lima"}} and d["partner"]["id"] > 0'
partner=$(json_get "$OUT" 'd["partner"]["id"]')
run "" "$FOLIO" admin partner add "café sol" --category cafe
expect "a partner of the same name exits 1" 1 "" "ALREADY_EXISTS"
run "" "$FOLIO" admin partner add "Cine Star" --category cinema
expect "partner add human" 0 "Cine Star"

# ---------------------------------------------------------------- agents may not administer

export FOLIO_CONFIG=$alice_cfg
for args in "admin rule add --on birthday --suggest x" "admin rule remove $vehicle_rule" \
  "admin calendar set --stay-in-touch 10" "admin occasion add x --date 01-01" \
  "admin occasion remove christmas" "admin partner add Shop --category shop" \
  "admin alert add --kind flood --city Lima --date 2026-03-01"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" --json $args
  expect "an agent cannot: folio $args" 1
  json_check "an agent gets PERMISSION_DENIED: folio $args" "$ERR" \
    'd["error"]["code"] == "PERMISSION_DENIED"'
done
run "" "$FOLIO" --json admin rule list
json_check "an agent reads the rules" "$OUT" 'len(d["rules"]) >= 10'
run "" "$FOLIO" --json admin calendar
json_check "an agent reads the calendar" "$OUT" 'd["calendar"]["stay_in_touch_days"] == 60'
run "" "$FOLIO" --json partner list
expect "partner list" 0
json_check "partner list in id order" "$OUT" '
[p["name"] for p in d["partners"]] == ["Café Sol", "Cine Star"] and
all(set(p) == {"id", "name", "category", "city"} for p in d["partners"])'
run "" "$FOLIO" partner list
expect "partner list human" 0 "Café Sol"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "ID NAME CATEGORY CITY" ]] && pass "partner list table columns" ||
  fail "partner list table columns" "$header"

# ---------------------------------------------------------------- profile

run "" "$FOLIO" --json profile show
expect "profile show before any" 0
json_check "an empty card names the user" "$OUT" '
d == {"profile": {"user": "alice", "display_name": None, "phone": None, "email": None, "hours": None,
                          "currency": None, "time_zone": None}}'
run "" "$FOLIO" --json profile set --display-name "Alice Agent" --phone "+51 1 555 0000" \
  --hours "Mon-Fri 9-18"
expect "profile set" 0
json_check "profile set returns the card" "$OUT" '
d["profile"] == {"user": "alice", "display_name": "Alice Agent", "phone": "+51 1 555 0000",
                 "email": None, "hours": "Mon-Fri 9-18", "currency": None, "time_zone": None}'
run "" "$FOLIO" --json profile set --email "not-an-address"
expect "a bad e-mail exits 2" 2
json_check "bad e-mail is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" profile show
expect "profile show human" 0 "Alice Agent"

# ---------------------------------------------------------------- clients and events

run "" "$FOLIO" --json client add --name "Ana Pérez" --birth-date 1980-05-17 --city Lima \
  --region Lima --country PE --consent email,phone --preferred-channel email --contact-every 30
expect "client add --contact-every" 0
json_check "client has contact_interval_days and a null last_contact" "$OUT" '
c["contact_interval_days"] == 30 and c["last_contact"] is None'
ana=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client add --name "Rosa Díaz" --birth-date 1960-07-01 --city Lima
expect "client add without consent" 0
rosa=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client update "$ana" --contact-every 45
json_check "client update --contact-every" "$OUT" 'c["contact_interval_days"] == 45'

run "" "$FOLIO" --json event add "$ana" purchase vehicle --date 2026-03-02 --note "red car"
expect "event add purchase vehicle" 0
json_check "a purchase event carries its trigger" "$OUT" 'd["event"]["trigger"] == "purchase:vehicle"'
run "" "$FOLIO" --json event add "$ana" contact call --date 2026-03-05 --follow-up 2026-03-12 \
  --note "send the insurance quote"
expect "event add contact --follow-up" 0
json_check "the contact event keeps its follow-up" "$OUT" '
d["event"]["follow_up"] == "2026-03-12" and d["event"]["kind"] == "contact"'
run "" "$FOLIO" --json event add "$ana" purchase home --follow-up 2026-03-12
expect "--follow-up on a non-contact event exits 2" 2
json_check "follow-up on other events is INVALID_ARGUMENT" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and d["error"]["message"].startswith("--follow-up: ")'
run "" "$FOLIO" --json client show "$ana"
json_check "a contact event sets last_contact" "$OUT" 'c["last_contact"] == "2026-03-05"'
run "" "$FOLIO" client show "$ana"
expect "the card shows the last contact" 0 "2026-03-05"

# ---------------------------------------------------------------- an earthquake in Lima

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin alert add --kind Earthquake --city lima --date 2026-03-10 \
  --until 2026-03-20 --note "magnitude 7"
expect "alert add" 0
json_check "alert add returns the alert" "$OUT" '
set(d["alert"]) == {"id", "kind", "city", "region", "date", "until", "note", "posted_by",
  "ended_on"} and d["alert"]["kind"] == "earthquake" and d["alert"]["city"] == "lima" and
d["alert"]["region"] is None and d["alert"]["until"] == "2026-03-20" and
d["alert"]["posted_by"] == "boss" and d["alert"]["ended_on"] is None'
quake=$(json_get "$OUT" 'd["alert"]["id"]')
run "" "$FOLIO" admin alert add --kind flood --region Piura --date 2026-02-01 --until 2026-02-10
expect "alert add human" 0 "flood"
run "" "$FOLIO" --json admin alert add --kind flood --region Piura --date 2026-02-10 \
  --until 2026-02-01
expect "an alert ending before it starts exits 2" 2
json_check "until before date is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'

export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json admin alert end "$quake" --date 2026-03-11
expect "an agent cannot end an alert" 1
json_check "an agent ending an alert gets PERMISSION_DENIED" "$ERR" \
  'd["error"]["code"] == "PERMISSION_DENIED"'
run "" "$FOLIO" --json alert list --date 2026-03-15
expect "alert list" 0
json_check "alert list shows the alerts in force" "$OUT" '
[a["kind"] for a in d["alerts"]] == ["earthquake"]'
run "" "$FOLIO" --json alert list --date 2026-03-25
json_check "alerts that ran out are left out" "$OUT" 'd["alerts"] == []'
run "" "$FOLIO" --json alert list --date 2026-03-25 --all
json_check "alert list --all shows them" "$OUT" '
sorted(a["kind"] for a in d["alerts"]) == ["earthquake", "flood"]'
run "" "$FOLIO" alert list --date 2026-03-15
expect "alert list human" 0 "earthquake"
run "" "$FOLIO" alert list --date 2027-01-01
expect "alert list with none" 0 "no alerts"

# ---------------------------------------------------------------- the agenda

run "" "$FOLIO" --json agenda --date 2026-05-15 --days 7
expect "agenda --json" 0
json_check "agenda shape" "$OUT" '
set(d) == {"date", "days", "items", "truncated", "next"} and d["date"] == "2026-05-15" and
d["days"] == 7 and d["truncated"] is False and
all({"kind", "date", "client_id", "client_name", "title", "suggestion", "avoid"} <= set(i)
    for i in d["items"])'
agenda_has "the birthday call with the age" "$OUT" "
i['kind'] == 'birthday' and i['date'] == '2026-05-17' and i['client_id'] == '$ana' and
'turns 46' in i['title'] and i['age'] == 46 and 'birthday' in i['suggestion']"
run "" "$FOLIO" agenda --date 2026-05-15 --days 7
expect "agenda human shows the birthday with the age" 0 "Ana Pérez turns 46"
header=$(head -2 <<<"$OUT" | tail -1 | tr -s ' ')
[[ $header == "ID DATE KIND CLIENT TITLE SUGGESTION AVOID STATE" ]] && pass "agenda table columns" ||
  fail "agenda table columns" "$OUT"

run "" "$FOLIO" --json agenda --date 2026-03-02 --days 7
agenda_has "the vehicle-insurance opportunity" "$OUT" "
i['kind'] == 'opportunity' and i['client_id'] == '$ana' and i['date'] == '2026-03-02' and
i['suggestion'] == 'offer vehicle insurance' and i['product'] == 'vehicle insurance'"
run "" "$FOLIO" agenda --date 2026-03-02 --days 7
expect "agenda human shows the opportunity" 0 "offer vehicle insurance"

run "" "$FOLIO" --json agenda --date 2026-03-10 --days 1
agenda_has "the earthquake: one item, a loan, and no insurance" "$OUT" "
i['kind'] == 'alert' and i['client_id'] is None and
i['title'] == 'earthquake in lima: 2 of your clients live there' and i['clients'] == 2 and
i['suggestion'] == 'offer low-rate flexible loans' and i['avoid'] == 'insurance' and
i['ref'] == '$quake'"
json_check "one item for the alert" "$OUT" "len([i for i in d['items'] if i['kind'] == 'alert']) == 1"
run "" "$FOLIO" --json agenda --date 2026-03-10 --days 1 --alert "$quake" --limit 1
json_check "agenda --alert: its clients, in pages" "$OUT" "
[i['client_name'] for i in d['items']] == ['Ana Pérez'] and d['next'] is not None"
run "" "$FOLIO" --json agenda --date 2026-03-10 --days 1 --alert "$quake" --after "$(json_get "$OUT" 'd["next"]')"
json_check "agenda --alert: the next page" "$OUT" "
[i['client_name'] for i in d['items']] == ['Rosa Díaz'] and d['next'] is None"
run "" "$FOLIO" --json agenda --date 2026-03-10 --days 7 --kind alert,follow-up
json_check "agenda --kind" "$OUT" "
{i['kind'] for i in d['items']} == {'alert', 'follow_up'}"
run "" "$FOLIO" agenda --date 2026-03-10 --days 1
expect "agenda human shows the loan suggestion" 0 "offer low-rate flexible loans"
[[ $OUT == *insurance* ]] && pass "agenda human shows what to avoid" ||
  fail "agenda human shows what to avoid" "$OUT"

run "" "$FOLIO" --json agenda --date 2026-03-12 --days 1
agenda_has "the follow-up on its day" "$OUT" "
i['kind'] == 'follow_up' and i['client_id'] == '$ana' and
'send the insurance quote' in i['title']"

run "" "$FOLIO" --json agenda --date 2026-05-10 --days 1
agenda_has "a holiday of the calendar, without a client" "$OUT" "
i['kind'] == 'holiday' and i['title'] == 'mothers-day' and i['client_id'] is None and
i['suggestion'] == 'offer partner coupons'"
run "" "$FOLIO" --json agenda --date 2026-07-01 --days 1
agenda_has "a high-spending month" "$OUT" "
i['kind'] == 'season' and 'July' in i['title'] and i['client_id'] is None"
run "" "$FOLIO" --json agenda --date 2026-06-01 --days 1
agenda_has "no contact for longer than the client's interval" "$OUT" "
i['kind'] == 'stay_in_touch' and i['client_id'] == '$ana' and '2026-03-05' in i['title']"
run "" "$FOLIO" --json agenda --date 2026-05-15 --days 400
expect "agenda --days over 366 exits 2" 2
json_check "agenda --days 400 is refused by folio, with the server's range" "$ERR" 'd["error"]["code"] == "USAGE" and "1 to 366" in d["error"]["message"]'

# ---------------------------------------------------------------- working the agenda

# foliod's today is 2026-03-21: the follow-up of the 12th was missed.
run "" "$FOLIO" --json agenda --date 2026-03-21 --days 1
agenda_has "a missed follow-up is overdue, first, with the days late" "$OUT" "
i is d['items'][0] and i['kind'] == 'follow_up' and i['client_id'] == '$ana' and
i['overdue'] is True and i['days_late'] == 9 and i['due'] == '2026-03-12' and
i['date'] == '2026-03-21' and i['state'] == 'open' and len(i['id']) == 16"
follow_up=$(json_get "$OUT" "[i['id'] for i in d['items'] if i['kind'] == 'follow_up'][0]")
run "" "$FOLIO" dismiss "${follow_up:0:5}"
expect "dismiss by the first digits of the id" 0 "dismissed"
run "" "$FOLIO" --json agenda --date 2026-03-21 --days 1
json_check "a dismissed item is off the agenda" "$OUT" "
all(i['id'] != '$follow_up' for i in d['items'])"
run "" "$FOLIO" --json agenda --date 2026-03-12 --days 1 --state dismissed
agenda_has "agenda --state dismissed lists it on its day" "$OUT" "
i['id'] == '$follow_up' and i['state'] == 'dismissed'"
run "" "$FOLIO" --json agenda --date 2026-07-01 --days 1
season=$(json_get "$OUT" "[i['id'] for i in d['items'] if i['kind'] == 'season'][0]")
run "" "$FOLIO" --json snooze "$season" --until 2026-07-06 --note "after the holidays"
expect "snooze" 0
json_check "snooze answers with the mark" "$OUT" "
d['mark']['id'] == '$season' and d['mark']['state'] == 'snoozed' and
d['mark']['until'] == '2026-07-06' and d['mark']['note'] == 'after the holidays'"
run "" "$FOLIO" --json agenda --date 2026-07-01 --days 7
agenda_has "a snoozed item comes back on its day" "$OUT" "
i['id'] == '$season' and i['date'] == '2026-07-06' and i['state'] == 'snoozed'"
run "" "$FOLIO" --json agenda --date 2026-05-10 --days 1
holiday=$(json_get "$OUT" "[i['id'] for i in d['items'] if i['kind'] == 'holiday'][0]")
run "" "$FOLIO" done "$holiday" --note "coupons sent"
expect "done" 0 "coupons sent"
run "" "$FOLIO" --json agenda --date 2026-05-10 --days 1 --state done
agenda_has "agenda --state done lists it" "$OUT" "
i['id'] == '$holiday' and i['state'] == 'done' and i['note'] == 'coupons sent'"
run "" "$FOLIO" --json done ffffffff
expect "done of no item exits 1" 1
json_check "done of no item: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json snooze "$holiday" --until 2026-03-21
expect "snooze until today exits 2" 2
json_check "snooze until today names --until" "$ERR" '"--until" in d["error"]["message"]'

# ---------------------------------------------------------------- tasks

run "" "$FOLIO" task add "${ana:0:8}" --due 2026-03-24 --title "bring the contract" --note "two copies"
expect "task add about a client (by a prefix of its id)" 0 "bring the contract"
run "" "$FOLIO" --json task add --due 2026-03-20 --title "renew the licence"
expect "task add of one's own" 0
own=$(json_get "$OUT" 'd["task"]["id"]')
json_check "a task of one's own has no client" "$OUT" 'd["task"]["client_id"] is None'
run "" "$FOLIO" --json agenda --date 2026-03-21 --days 7
agenda_has "the missed task is overdue, first" "$OUT" "
i is d['items'][0] and i['kind'] == 'task' and i['title'] == 'renew the licence' and
i['days_late'] == 1 and i['client_id'] is None"
agenda_has "the task about a client is on its day" "$OUT" "
i['kind'] == 'task' and i['date'] == '2026-03-24' and i['client_id'] == '$ana' and
i['suggestion'] == 'two copies'"
run "" "$FOLIO" task list
expect "task list human" 0 "bring the contract"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "ID DUE CLIENT TITLE NOTE" ]] && pass "task list table columns" ||
  fail "task list table columns" "$header"
run "" "$FOLIO" --json task list --limit 1
json_check "task list pages by due day" "$OUT" "
[t['id'] for t in d['tasks']] == [$own] and d['next'] is not None"
run "" "$FOLIO" --json task list --after "$(json_get "$OUT" 'd["next"]')"
json_check "the next page" "$OUT" "
[t['title'] for t in d['tasks']] == ['bring the contract'] and d['next'] is None"
run "" "$FOLIO" --json task edit "$own" --title "renew the driving licence"
expect "task edit" 0
json_check "task edit answers with the task" "$OUT" 'd["task"]["title"] == "renew the driving licence"'
run "" "$FOLIO" task remove "$own"
expect "task remove" 0
run "" "$FOLIO" --json task list --client "$ana"
json_check "task list --client" "$OUT" "len(d['tasks']) == 1"
run "" "$FOLIO" --json task edit "$own" --title x
expect "a removed task is gone" 1
json_check "NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'

export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" --json agenda --date 2026-03-10 --days 1
json_check "another agent's agenda has none of alice's clients" "$OUT" "
all(i['client_id'] is None for i in d['items'])"

# ---------------------------------------------------------------- a rule changes, the agenda follows

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin rule remove "$vehicle_rule"
expect "remove the vehicle rule" 0
run "" "$FOLIO" --json admin rule add --on purchase:vehicle \
  --suggest "offer vehicle insurance with roadside assistance" --avoid "car loans" --window 7 \
  --product "vehicle insurance"
expect "add a new vehicle rule" 0
export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json agenda --date 2026-03-02 --days 3
agenda_has "the agenda follows the new rule" "$OUT" "
i['kind'] == 'opportunity' and i['client_id'] == '$ana' and
i['suggestion'] == 'offer vehicle insurance with roadside assistance' and i['avoid'] == 'car loans'"
json_check "the old suggestion is gone" "$OUT" "
not any(i['suggestion'] == 'offer vehicle insurance' for i in d['items'])"
run "" "$FOLIO" --json agenda --date 2026-03-09 --days 3
json_check "the opportunity closes after the new window" "$OUT" "
not any(i['kind'] == 'opportunity' for i in d['items'])"

# ---------------------------------------------------------------- offers

run "" "$FOLIO" --json offer add "$ana" --title "Vehicle insurance, 10% off" \
  --product "vehicle insurance" --rate 4.5 --valid-from 2026-03-02 --valid-until 2026-03-31 \
  --date 2026-03-02
expect "offer add" 0
json_check "offer add returns the offer with the agent card" "$OUT" "
d['offer']['status'] == 'proposed' and
d['offer']['client_id'] == '$ana' and d['offer']['client_name'] == 'Ana Pérez' and
d['offer']['rate'] == 4.5 and d['offer']['valid_from'] == '2026-03-02' and
d['offer']['valid_until'] == '2026-03-31' and d['offer']['channel'] == 'email' and
d['offer']['product'] == 'vehicle insurance' and d['offer']['id'] > 0 and
d['offer']['agent']['display_name'] == 'Alice Agent' and d['offer']['agent']['user'] == 'alice'"
offer=$(json_get "$OUT" 'd["offer"]["id"]')
run "" "$FOLIO" offer add "$ana" --title "Travel card" --valid-from 2026-03-02 \
  --valid-until 2026-06-30 --channel phone --date 2026-03-02
expect "offer add human" 0 "Travel card"
[[ $OUT == *"your agent: Alice Agent, +51 1 555 0000, Mon-Fri 9-18"* ]] &&
  pass "an offer ends with the agent's line" || fail "an offer ends with the agent's line" "$OUT"
run "" "$FOLIO" --json offer add "$ana" --title "By post" --valid-from 2026-03-02 \
  --valid-until 2026-06-30 --channel post
expect "an offer on a channel without consent exits 1" 1
json_check "no consent for the channel: FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "post" in d["error"]["message"]'
run "" "$FOLIO" --json offer add "$rosa" --title "Loan" --valid-from 2026-03-02 \
  --valid-until 2026-06-30
expect "no offer for a client without consent" 1
json_check "offer without consent is FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "consent" in d["error"]["message"]'

run "" "$FOLIO" --json offer list --date 2026-03-05
expect "offer list" 0
json_check "offer list on a day within validity" "$OUT" "
set(d) == {'offers', 'next'} and d['next'] is None and len(d['offers']) == 2 and
all(o['status'] == 'proposed' for o in d['offers']) and
{'id', 'client_id', 'title', 'product', 'rate', 'valid_from', 'valid_until',
 'status'} <= set(d['offers'][0])"
run "" "$FOLIO" --json offer set "$offer" sent --date 2026-03-05
expect "offer set sent" 0
json_check "offer set returns the new status" "$OUT" 'd["offer"]["status"] == "sent"'
run "" "$FOLIO" --json offer list --date 2026-04-01 --status expired
json_check "an offer expires on its own" "$OUT" "
[o['id'] for o in d['offers']] == [$offer] and d['offers'][0]['status'] == 'expired'"
run "" "$FOLIO" --json offer list --date 2026-03-20 --status sent --client "$ana"
json_check "offer list --status --client" "$OUT" "[o['id'] for o in d['offers']] == [$offer]"
run "" "$FOLIO" --json offer list --date 2026-04-01 --status lost
expect "an unknown status exits 2" 2
json_check "unknown status is INVALID_ARGUMENT" "$ERR" 'd["error"]["code"] == "INVALID_ARGUMENT"'
run "" "$FOLIO" --json offer list --limit 1 --date 2026-03-05
json_check "offer list --limit pages" "$OUT" "len(d['offers']) == 1 and d['next'] == '$offer'"
run "" "$FOLIO" --json offer list --after "$offer" --date 2026-03-05
json_check "offer list --after gives the rest" "$OUT" \
  "len(d['offers']) == 1 and d['offers'][0]['id'] > $offer"
run "" "$FOLIO" offer list --date 2026-04-01
expect "offer list human" 0 "expired"
header=$(head -1 <<<"$OUT" | tr -s ' ')
[[ $header == "ID CLIENT TITLE RATE % VALID UNTIL STATUS" ]] && pass "offer list table columns" ||
  fail "offer list table columns" "$header"
run "" "$FOLIO" --json offer set "$offer" accepted --date 2026-04-02
expect "a date after the server's today is refused" 2
json_check "a date after the server's today is INVALID_ARGUMENT" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and "2026-03-21" in d["error"]["message"]'
run "" "$FOLIO" --json agenda --date 2026-03-29 --days 7
agenda_has "the offer about to expire is on the agenda" "$OUT" "
i['kind'] == 'offer_expiring' and i['date'] == '2026-03-31' and i['ref'] == '$offer'"
run "" "$FOLIO" --json offer set "$offer" accepted --date 2026-03-20
expect "offer set accepted" 0
json_check "accepted" "$OUT" 'd["offer"]["status"] == "accepted"'
run "" "$FOLIO" offer set "$offer" declined --date 2026-03-21
expect "an accepted offer is final" 1 "" "FAILED_PRECONDITION"

export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" --json offer list --date 2026-03-05
json_check "another agent sees no offers" "$OUT" 'd["offers"] == []'
run "" "$FOLIO" --json offer set "$offer" declined --date 2026-03-05
json_check "another agent's offer is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json offer add "$ana" --title "Steal" --valid-from 2026-03-02 \
  --valid-until 2026-06-30
json_check "no offers to another agent's client: NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json offer list --client "$ana"
json_check "offer list of another agent's client is NOT_FOUND" "$ERR" \
  'd["error"]["code"] == "NOT_FOUND"'

# ---------------------------------------------------------------- coupons

export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json coupon issue "$ana" --partner "$partner" --discount "20% off dinner" \
  --valid-until 2026-04-30 --date 2026-03-05
expect "coupon issue" 0
json_check "coupon issue returns the coupon" "$OUT" "
d['coupon']['client_id'] == '$ana' and d['coupon']['partner_id'] == $partner and
d['coupon']['partner'] == 'Café Sol' and d['coupon']['client_name'] == 'Ana Pérez' and
d['coupon']['discount'] == '20% off dinner' and d['coupon']['valid_until'] == '2026-04-30' and
d['coupon']['redeemed_on'] is None"
code=$(json_get "$OUT" 'd["coupon"]["code"]')
[[ $code =~ ^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$ ]] &&
  pass "coupon codes are XXXX-XXXX-XXXX-XXXX" || fail "coupon codes are XXXX-XXXX-XXXX-XXXX" "$code"
run "" "$FOLIO" coupon issue "$ana" --partner "$partner" --discount "free dessert" \
  --valid-until 2026-03-31 --date 2026-03-05
expect "coupon issue human" 0 "free dessert"
code2=$(grep -o '[2-9A-HJ-NP-Z]\{4\}-[2-9A-HJ-NP-Z]\{4\}-[2-9A-HJ-NP-Z]\{4\}-[2-9A-HJ-NP-Z]\{4\}' <<<"$OUT" | head -1)
run "" "$FOLIO" --json coupon issue "$rosa" --partner "$partner" --discount "10%" \
  --valid-until 2026-04-30 --date 2026-03-05
expect "no coupon for a client without consent" 1
json_check "coupon without consent is FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "consent" in d["error"]["message"]'
run "" "$FOLIO" --json coupon issue "$ana" --partner 9999 --discount "10%" \
  --valid-until 2026-04-30 --date 2026-03-05
json_check "coupon at an unknown partner is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json coupon issue "$ana" --partner "$partner" --discount "10%" \
  --valid-until 2026-03-01 --date 2026-03-05
json_check "a coupon already past is INVALID_ARGUMENT, naming --valid-until" "$ERR" \
  'd["error"]["code"] == "INVALID_ARGUMENT" and d["error"]["message"].startswith("--valid-until: ")'
run "" "$FOLIO" --json coupon list
expect "coupon list" 0
json_check "coupon list in code order, none redeemed" "$OUT" "
len(d['coupons']) == 2 and [c['code'] for c in d['coupons']] == sorted(c['code'] for c in d['coupons'])
and all(c['redeemed_on'] is None for c in d['coupons'])"
run "" "$FOLIO" --json coupon list --client "$rosa"
json_check "coupon list --client" "$OUT" 'd["coupons"] == []'
run "" "$FOLIO" coupon list
expect "coupon list human" 0 "Café Sol"
run "" "$FOLIO" --json agenda --date 2026-03-28 --days 7
agenda_has "the coupon about to expire is on the agenda" "$OUT" "
i['kind'] == 'coupon_expiring' and i['date'] == '2026-03-31' and i['ref'] == '$code2'"

export FOLIO_CONFIG=$bob_cfg
run "" "$FOLIO" --json coupon redeem "$code" --date 2026-03-06
json_check "another agent's coupon is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" --json coupon list
json_check "another agent lists no coupons" "$OUT" 'd["coupons"] == []'

export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json coupon redeem "${code,,}" --date 2026-03-06
expect "coupon redeem (code typed in lower case)" 0
json_check "a redeemed coupon says when" "$OUT" "
d['coupon']['code'] == '$code' and d['coupon']['redeemed_on'] == '2026-03-06'"
run "" "$FOLIO" --json coupon redeem "$code" --date 2026-03-07
expect "a coupon redeems once" 1
json_check "the second redemption is FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "2026-03-06" in d["error"]["message"]'
run "" "$FOLIO" coupon redeem "$code2" --date 2026-04-01
expect "a redemption dated after the server's today is refused" 2 "" "INVALID_ARGUMENT"
run "" "$FOLIO" coupon redeem "ZZZZ-ZZZZ-ZZZZ-ZZZZ" --date 2026-03-06
expect "an unknown code exits 1" 1 "" "NOT_FOUND"
run "" "$FOLIO" --json client history "$ana"
json_check "offers and coupons are on the timeline" "$OUT" "
{('offer', 'proposed'), ('offer', 'sent'), ('offer', 'accepted'), ('coupon', 'issued'),
 ('coupon', 'redeemed')} <= {(e['kind'], e['what']) for e in d['events']}"

# ---------------------------------------------------------------- alert end

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" --json admin alert end "$quake" --date 2026-03-15
expect "alert end" 0
json_check "alert end sets ended_on" "$OUT" 'd["alert"]["ended_on"] == "2026-03-15"'
run "" "$FOLIO" --json admin alert end "$quake" --date 2026-03-16
expect "an ended alert cannot end again" 1
json_check "ending twice is FAILED_PRECONDITION" "$ERR" 'd["error"]["code"] == "FAILED_PRECONDITION"'
run "" "$FOLIO" admin alert end 99999 --date 2026-03-16
expect "ending an unknown alert exits 1" 1 "" "NOT_FOUND"
export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" --json agenda --date 2026-03-16 --days 1
json_check "an ended alert leaves the agenda" "$OUT" "not any(i['kind'] == 'alert' for i in d['items'])"

# ---------------------------------------------------------------- the server's clock decides expiry

run "" "$FOLIO" --json offer add "$ana" --title "Spring promo" --valid-from 2026-03-02 \
  --valid-until 2026-03-31
expect "an offer valid until 2026-03-31" 0
spring=$(json_get "$OUT" 'd["offer"]["id"]')
stop_server
export FOLIOD_CLOCK="2026-04-01 09:00:00"
if start_server "$data" --hash-cost min; then
  export FOLIO_SERVER=127.0.0.1:$port
  pass "foliod restarts on 2026-04-01"
else
  fail "foliod restarts on 2026-04-01" "$(tail -5 "$tmp/foliod.log")"
fi
run "alice-password-1" "$FOLIO" login alice --password-stdin
expect "alice logs in again" 0
run "" "$FOLIO" --json offer set "$spring" accepted --date 2026-03-25
expect "an offer expired by the server's date is not accepted, whatever --date says" 1
json_check "accepting an expired offer is FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "expired" in d["error"]["message"]'
run "" "$FOLIO" --json coupon redeem "$code2" --date 2026-03-30
expect "a coupon expired by the server's date does not redeem, whatever --date says" 1
json_check "redeeming an expired coupon is FAILED_PRECONDITION" "$ERR" \
  'd["error"]["code"] == "FAILED_PRECONDITION" and "expired on 2026-03-31" in d["error"]["message"]'

# ---------------------------------------------------------------- erasure takes offers and coupons

run "" "$FOLIO" --json client erase "$ana"
expect "client erase" 0
run "" "$FOLIO" --json offer list --date 2026-03-05
json_check "erasing a client removes its offers" "$OUT" 'd["offers"] == []'
run "" "$FOLIO" --json coupon list
json_check "erasing a client removes its coupons" "$OUT" 'd["coupons"] == []'
run "" "$FOLIO" --json agenda --date 2026-05-15 --days 7
json_check "an erased client leaves the agenda" "$OUT" "
not any(i['client_id'] == '$ana' for i in d['items'])"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

cli_summary
