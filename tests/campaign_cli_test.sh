#!/usr/bin/env bash
# campaign_cli_test.sh - folio campaign, offer withdraw, coupon withdraw and
# folio agenda --format ics end to end against foliod: the dry run naming
# who is skipped for lack of consent, the campaign made, shown and
# cancelled, and the agenda written as an iCalendar file that Python's
# vobject reads, with the same UIDs in two exports; a campaign for an
# office, by agent, with an agent's opt-out and its cancel.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" campaign-cli-test

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
C="--title T --valid-from 2026-03-01 --valid-until 2026-03-31 --channel email"
for args in "campaign create" "campaign create X --title T" \
  "campaign create X $C --rate 101" "campaign create X $C --coupon-partner 1" \
  "campaign create X $C --discount x" "campaign create X $C --coupon-partner x --discount x" \
  "campaign create X $C --age-min x" "campaign create X $C --marital wed" \
  "campaign create X $C --count" "campaign create X $C --limit 5" \
  "campaign list --limit 0" "campaign list --after x" "campaign show" "campaign show x" \
  "campaign cancel 0" "campaign cancel 1 --date x" "offer withdraw" "offer withdraw x" \
  "coupon withdraw" "coupon withdraw A B" \
  "agenda --format ical --out x.ics" "agenda --format ics" "agenda --out x.ics" \
  "agenda --force" "agenda --format ics --out x.ics --after abc" "agenda --format ics --out -"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
touch "$tmp/taken.ics"
run "" "$FOLIO" agenda --format ics --out "$tmp/taken.ics"
expect "an existing --out file is kept without --force" 2 "" "--force"

# ---------------------------------------------------------------- a firm

export FOLIOD_CLOCK="2026-03-21 12:00:00"
new_firm "Campaign Firm"
run "" "$FOLIO" admin office add Lima
add_user alice agent Lima
add_user bob agent Lima
run "" "$FOLIO" --json admin partner add "Cine Star" --category cinema --city Lima
partner=$(json_get "$OUT" 'd["partner"]["id"]')
as alice
run "" "$FOLIO" --json client add --name "Ana Pérez, \"la jefa\"; Lima" --city Lima \
  --marital married --consent email --birth-date 1980-03-25
ana=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client add --name "Beto Ríos" --city Lima --marital married \
  --consent email,sms
beto=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client add --name "Carla Soto" --city Lima --marital married --consent post
carla=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client add --name "Dora Cusco" --city Cusco --marital married --consent email
expect "four clients" 0

# ---------------------------------------------------------------- campaigns

L=(--title "Home loan at 2 %" --product home-loan --rate 2 --valid-from 2026-03-01
  --valid-until 2026-03-31 --channel email --city Lima --marital married --date 2026-03-21)
run "" "$FOLIO" --json campaign create "March loans" "${L[@]}" --dry-run
expect "campaign create --dry-run" 0
json_check "the dry run names who is skipped and why" "$OUT" "
d['dry_run'] and d['reached'] == 2 and d['skipped'] == 1 and d['campaign']['id'] is None and
[c['client_id'] for c in d['clients'] if c['skipped']] == ['$carla'] and
d['clients'][2]['skipped'] == 'no consent to marketing by email'"
run "" "$FOLIO" campaign create "March loans" "${L[@]}" --dry-run
expect "campaign create --dry-run human" 0 "Carla Soto"
run "" "$FOLIO" --json campaign list
json_check "a dry run makes nothing" "$OUT" "d['campaigns'] == []"

run "" "$FOLIO" --json campaign create "March loans" "${L[@]}" --coupon-partner "$partner" \
  --discount "2x1 tickets"
expect "campaign create" 0
json_check "the campaign reached two, with coupons" "$OUT" "
not d['dry_run'] and d['reached'] == 2 and d['campaign']['offers'] == 2 and
all(c['offer_id'] and c['coupon_code'] for c in d['clients'] if not c['skipped'])"
campaign=$(json_get "$OUT" 'd["campaign"]["id"]')
code=$(json_get "$OUT" '[c for c in d["clients"] if c["client_id"] == "'"$beto"'"][0]["coupon_code"]')
run "" "$FOLIO" --json offer list --client "$ana"
offer=$(json_get "$OUT" 'd["offers"][0]["id"]')
json_check "the offer names its campaign" "$OUT" "d['offers'][0]['campaign_id'] == $campaign"
run "" "$FOLIO" --json offer set "$offer" accepted --date 2026-03-21
run "" "$FOLIO" --json campaign show "$campaign"
expect "campaign show" 0
json_check "offers by status and the share accepted" "$OUT" "
d['campaign']['accepted_rate'] == 50 and
{t['status']: t['count'] for t in d['campaign']['tally']} == {'proposed': 1, 'accepted': 1}"
run "" "$FOLIO" campaign show "$campaign"
expect "campaign show human" 0 "March loans"
run "" "$FOLIO" --json campaign list
expect "campaign list" 0
as bob
run "" "$FOLIO" --json campaign show "$campaign"
expect "another agent's campaign is not found" 1 "" "no campaign $campaign"
run "" "$FOLIO" campaign cancel "$campaign"
expect "another agent cannot cancel it" 1
as alice
run "" "$FOLIO" --json campaign cancel "$campaign"
expect "campaign cancel" 0
json_check "Beto's offer and both coupons withdrawn, Ana's acceptance kept" "$OUT" "
d['withdrawn'] == 3 and d['campaign']['status'] == 'cancelled' and
{t['status']: t['count'] for t in d['campaign']['tally']} == {'withdrawn': 1, 'accepted': 1}"
run "" "$FOLIO" coupon redeem "$code"
expect "a withdrawn coupon is not redeemed" 1 "" "withdrawn"
run "" "$FOLIO" --json campaign create "Texts" "${L[@]/email/sms}"
expect "sms reaches Beto alone" 0
json_check "sms: one reached" "$OUT" "d['reached'] == 1"

# ---------------------------------------------------------------- withdraw one

run "" "$FOLIO" --json offer add "$carla" --title "Post offer" --valid-from 2026-03-01 \
  --valid-until 2026-03-31 --channel post
offer=$(json_get "$OUT" 'd["offer"]["id"]')
run "" "$FOLIO" --json offer withdraw "$offer"
expect "offer withdraw" 0
json_check "the offer is withdrawn" "$OUT" "d['offer']['status'] == 'withdrawn'"
run "" "$FOLIO" offer withdraw "$offer"
expect "twice is refused" 1 "" "already withdrawn"
run "" "$FOLIO" --json offer list --status withdrawn
json_check "withdrawn offers stay listed" "$OUT" "len(d['offers']) == 2"
run "" "$FOLIO" --json coupon issue "$ana" --partner "$partner" --discount "Popcorn" \
  --valid-until 2026-03-31
code=$(json_get "$OUT" 'd["coupon"]["code"]')
run "" "$FOLIO" --json coupon withdraw "$code"
expect "coupon withdraw" 0
json_check "the coupon is withdrawn today" "$OUT" "d['coupon']['withdrawn_on'] == '2026-03-21'"
run "" "$FOLIO" --json client history "$ana"
json_check "withdrawals are on the timeline" "$OUT" "
any(e['kind'] == 'coupon' and e['what'] == 'withdrawn' for e in d['events'])"

# ---------------------------------------------------------------- agenda as iCalendar

run "" "$FOLIO" --json task add "$beto" --due 2026-03-23 --title "call Beto; ask about the loan, again"
run "" "$FOLIO" --json holding add "$beto" --kind home --provider "Rímac, S.A." --renews 2026-03-30
expect "a holding renewing within the days exported" 0
run "" "$FOLIO" --json agenda --date 2026-03-21 --days 14 --format ics --out "$tmp/a.ics"
expect "agenda --format ics" 0
json_check "it says how many events" "$OUT" "d['events'] >= 2 and d['file'].endswith('a.ics')"
# How many items the listing has (read directly: this run is no check of
# the listing's own output).
items=$(json_get "$("$FOLIO" --json agenda --date 2026-03-21 --days 14 --limit 1000)" \
  'len(d["items"])')
run "" "$FOLIO" agenda --date 2026-03-21 --days 14 --format ics --out "$tmp/a.ics"
expect "an existing file without --force" 2 "" "--force"
run "" "$FOLIO" agenda --date 2026-03-21 --days 14 --format ics --out "$tmp/a.ics" --force
expect "with --force it is replaced" 0 "wrote"
run "" "$FOLIO" agenda --date 2026-03-21 --days 14 --format ics --out "$tmp/b.ics"
run "" "$PY" -c '
import sys, vobject
uids = []
for path in sys.argv[1:3]:
    cal = vobject.readOne(open(path, encoding="utf-8").read())
    uids.append(sorted(e.uid.value for e in cal.vevent_list))
    assert len(cal.vevent_list) == int(sys.argv[3]), (len(cal.vevent_list), sys.argv[3])
    birthday = [e for e in cal.vevent_list if "birthday" in e.summary.value][0]
    assert str(birthday.dtstart.value) == "2026-03-25", birthday.dtstart.value
    assert "Pérez, \"la jefa\"; Lima" in birthday.summary.value, birthday.summary.value
    assert any(e.summary.value == "call Beto; ask about the loan, again"
               for e in cal.vevent_list), [e.summary.value for e in cal.vevent_list]
    renewals = [e for e in cal.vevent_list if "renewal" in e.categories.value]
    assert renewals and all(type(e.dtstart.value).__name__ == "date" for e in renewals), renewals
assert uids[0] == uids[1] and len(set(uids[0])) == len(uids[0]), uids
print("ok")
' "$tmp/a.ics" "$tmp/b.ics" "$items"
expect "vobject reads both files: one event per item, the same UIDs, text intact" 0 "ok"

# ---------------------------------------------------------------- withdrawn records travel

# Alice's bundle, imported at another firm: her withdrawn offers and coupons
# arrive withdrawn, without the campaign, which stays at its firm.
run "" "$FOLIO" export --out "$tmp/alice.bundle"
expect "export" 0
as boss
run "" "$FOLIO" --json admin firm-key
key=$(json_get "$OUT" "d.get('firm_key', d).get('public_key')")
stop_server
run "boss-password-1" "$FOLIOD" init --data "$tmp/data-b" --firm "Other Firm" --admin boss \
  --password-stdin --hash-cost min
if ! start_server "$tmp/data-b" --hash-cost min; then
  fail "the second firm serves" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
export FOLIO_SERVER=127.0.0.1:$port
as boss-b
run "boss-password-1" "$FOLIO" login boss --password-stdin
run "" "$FOLIO" admin trust add "Campaign Firm" "$key"
expect "the second firm trusts the first" 0
run "" "$FOLIO" admin office add Main
run "carol-password-1" "$FOLIO" admin user add carol --role agent --office Main --password-stdin
as carol
run "carol-password-1" "$FOLIO" login carol --password-stdin
run "" "$FOLIO" --json import "$tmp/alice.bundle"
expect "import" 0
run "" "$FOLIO" --json offer list --status withdrawn
json_check "withdrawn offers arrive withdrawn, without their campaign" "$OUT" "
len(d['offers']) == 2 and all(o['campaign_id'] is None for o in d['offers'])"
run "" "$FOLIO" --json coupon list
json_check "withdrawn coupons arrive withdrawn" "$OUT" "
len([c for c in d['coupons'] if c['withdrawn_on']]) == 3 and
all(c['campaign_id'] is None for c in d['coupons'])"

# ---------------------------------------------------------------- office and firm campaigns

for args in "admin campaign create X $C" "admin campaign create X $C --office Main --firm" \
  "admin campaign create X --office Main" "admin campaign list --after x" \
  "admin campaign show x" "admin campaign cancel 0" "campaign opt-out 1" "campaign opt-out x A" \
  "campaign opt-out 1 A --date x"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
# Carol's imported clients (Ana and Beto with email consent, Carla without)
# and Eli, of dan, another agent of Main; olga is the admin of another office.
ana=$(json_get "$("$FOLIO" --json client find Ana)" 'd["clients"][0]["id"]')
as boss-b
run "" "$FOLIO" admin office add Cusco
run "dan-password-1" "$FOLIO" admin user add dan --role agent --office Main --password-stdin
run "olga-password-1" "$FOLIO" admin user add olga --role office-admin --office Cusco \
  --password-stdin
as dan
run "dan-password-1" "$FOLIO" login dan --password-stdin
run "" "$FOLIO" --json client add --name "Eli Vargas" --city Lima --marital married --consent email
eli=$(json_get "$OUT" 'd["client"]["id"]')
as olga
run "olga-password-1" "$FOLIO" login olga --password-stdin
as boss-b
O=(--title "Home loan at 2 %" --valid-from 2026-03-01 --valid-until 2026-03-31 --channel email
  --city Lima --marital married --date 2026-03-21)
run "" "$FOLIO" --json admin campaign create "Main loans" "${O[@]}" --office Main --dry-run
expect "admin campaign create --office --dry-run" 0
json_check "the dry run goes agent by agent, naming who is skipped" "$OUT" "
d['dry_run'] and d['reached'] == 3 and d['skipped'] == 1 and
sorted(p['agent'] for p in d['parts']) == ['carol', 'dan'] and
[c['skipped'] for p in d['parts'] for c in p['clients'] if c['skipped']] ==
  ['no consent to marketing by email']"
run "" "$FOLIO" admin campaign create "Main loans" "${O[@]}" --office Main --dry-run
expect "the human dry run names agents and clients" 0 "Carla Soto"
[[ $OUT == *carol* && $OUT == *dan* ]] && pass "the human dry run names the agents" ||
  fail "the human dry run names the agents" "$OUT"
as olga
run "" "$FOLIO" admin campaign create "Main loans" "${O[@]}" --office Main
expect "an office-admin of another office is refused" 1 "" "--office"
as carol
run "" "$FOLIO" admin campaign create "Main loans" "${O[@]}" --office Main
expect "an agent is refused" 1
as boss-b
run "" "$FOLIO" --json admin campaign create "Main loans" "${O[@]}" --office Main
expect "admin campaign create --office" 0
firm=$(json_get "$OUT" 'd["campaign"]["id"]')
run "" "$FOLIO" --json admin campaign list
json_check "admin campaign list" "$OUT" "
[(c['id'], c['scope'], c['office'], c['offers']) for c in d['campaigns']] ==
  [($firm, 'office', 'Main', 3)]"
as carol
run "" "$FOLIO" --json campaign list
json_check "carol sees her part, naming the office campaign" "$OUT" "
[c['firm_campaign_id'] for c in d['campaigns'] if c['firm_campaign_id']] == [$firm]"
run "" "$FOLIO" campaign opt-out "$firm" "$eli"
expect "dan's client is not carol's to opt out" 1 "" "no client"
run "" "$FOLIO" campaign opt-out "$firm" "$ana"
expect "campaign opt-out" 0 "opted out"
run "" "$FOLIO" --json client history "$ana"
json_check "the opt-out is on the client's history" "$OUT" "
any(e['kind'] == 'offer' and e['what'] == 'opted out' for e in d['events'])"
as boss-b
run "" "$FOLIO" --json admin campaign show "$firm"
expect "admin campaign show" 0
json_check "counted by agent, with the opt-out" "$OUT" "
d['campaign']['opted_out'] == 1 and
{p['agent']: (p['offers'], p['opted_out']) for p in d['campaign']['parts']} ==
  {'carol': (2, 1), 'dan': (1, 0)} and
{t['status']: t['count'] for t in d['campaign']['tally']} == {'proposed': 2, 'withdrawn': 1}"
run "" "$FOLIO" admin campaign show "$firm"
expect "admin campaign show human" 0 "carol"
as olga
run "" "$FOLIO" admin campaign show "$firm"
expect "another office's admin does not see it" 1 "" "no campaign $firm"
as boss-b
run "" "$FOLIO" --json admin campaign cancel "$firm"
expect "admin campaign cancel" 0
json_check "open offers withdrawn across agents" "$OUT" "
d['withdrawn'] == 2 and d['campaign']['status'] == 'cancelled'"
run "" "$FOLIO" --json admin audit --limit 30
json_check "create, opt-out and cancel are audited" "$OUT" "
{'campaign.create', 'campaign.opt_out', 'campaign.cancel'} <= {r['action'] for r in d['records']}"

cli_summary
