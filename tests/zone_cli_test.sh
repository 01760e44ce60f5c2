#!/usr/bin/env bash
# zone_cli_test.sh - time zones end to end: foliod init --time-zone, admin
# calendar set --time-zone, profile set --time-zone, and "today" on the
# agenda, on events, for segment ages and for offer dates in the zone's
# date, not UTC's.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port at a fixed clock,
# keeps every file in a temporary directory, and prints "N passed, N
# failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" zone-cli-test

# 04:30 UTC on 4 June is 23:30 on 3 June in Lima and 13:30 on 4 June in Tokyo.
export FOLIOD_CLOCK="2030-06-04 04:30:00"
data=$tmp/data

run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Zone Firm" --admin boss \
  --password-stdin --hash-cost min --time-zone Mars/Olympus
expect "foliod init --time-zone of no zone is a usage error" 2 "" "--time-zone"
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Zone Firm" --admin boss \
  --password-stdin --hash-cost min --time-zone ../../etc/passwd
expect "foliod init --time-zone of a path is a usage error" 2
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Zone Firm" --admin boss \
  --password-stdin --hash-cost min --time-zone America/Lima
expect "foliod init --time-zone America/Lima" 0
if ! start_server "$data" --hash-cost min; then
  fail "foliod serve writes its port file" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
export FOLIO_SERVER=127.0.0.1:$port
as boss
run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "boss logs in" 0
run "" "$FOLIO" --json admin calendar
json_check "the firm's time zone is in its calendar" "$OUT" 'd["calendar"]["time_zone"] == "America/Lima"'
run "" "$FOLIO" admin office add North
expect "an office" 0
add_user alice agent North

# ---------------------------------------------------------------- the firm's zone

as alice
run "" "$FOLIO" --json client add --name "Ana Pérez" --birth-date 1990-06-04
expect "alice adds Ana" 0
ana=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json agenda --days 1 --kind birthday
json_check "23:30 in Lima: still the 3rd, no birthday yet" "$OUT" \
  'd["date"] == "2030-06-03" and d["items"] == []'
run "" "$FOLIO" --json agenda --days 2 --kind birthday
json_check "she turns 40 on the 4th, Lima's tomorrow" "$OUT" '
[(i["date"], i["age"]) for i in d["items"]] == [("2030-06-04", 40)]'
run "" "$FOLIO" --json event add "$ana" contact call
expect "a contact without --date" 0
json_check "is dated Lima's today" "$OUT" 'd["event"]["date"] == "2030-06-03"'
run "" "$FOLIO" --json segment --age-min 40
json_check "ages are counted on Lima's today: Ana is still 39" "$OUT" 'd["total"] == 0'
run "" "$FOLIO" --json client add --name "Bea Oferta" --email bea@example.pe --consent email
bea=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json offer add "$bea" --title "Home loan" --valid-from 2030-06-01 \
  --valid-until 2030-06-30 --date 2030-06-04
expect "an offer dated UTC's today, Lima's tomorrow, is refused" 2
json_check "saying whose today" "$ERR" '"in your time zone" in d["error"]["message"]'
run "" "$FOLIO" --json offer add "$bea" --title "Home loan" --valid-from 2030-06-01 \
  --valid-until 2030-06-30
expect "an offer on Lima's today" 0
run "" "$FOLIO" --json client history "$bea"
json_check "a client added at 23:30 in Lima is created on Lima's today" "$OUT" '
[e["date"] for e in d["events"] if e["kind"] == "created"] == ["2030-06-03"]'
run "" "$FOLIO" --json client update "$bea" --city Lima
run "" "$FOLIO" --json client history "$bea"
json_check "and updated on it" "$OUT" '
[e["date"] for e in d["events"] if e["kind"] == "updated"] == ["2030-06-03"]'
run "" "$FOLIO" --json holding add "$bea" --kind home --provider Rimac --start 2030-01-01 \
  --renews 2031-01-01
expect "a holding" 0
run "" "$FOLIO" --json client history "$bea"
json_check "recorded on the timeline on Lima's today" "$OUT" '
[e["date"] for e in d["events"] if e["kind"] == "holding"] == ["2030-06-03"]'
run "" "$FOLIO" --json book
json_check "the book without --date is of Lima's today" "$OUT" 'd["book"]["date"] == "2030-06-03"'
run "" "$FOLIO" --json offer list
expect "offer list without --date" 0

# ---------------------------------------------------------------- the agent's own zone

run "" "$FOLIO" --json profile set --time-zone Asia/Tokyo
expect "profile set --time-zone" 0
json_check "the card has the zone" "$OUT" 'd["profile"]["time_zone"] == "Asia/Tokyo"'
run "" "$FOLIO" --json agenda --days 1 --kind birthday
json_check "13:30 in Tokyo: the 4th, her birthday today" "$OUT" '
d["date"] == "2030-06-04" and [i["age"] for i in d["items"]] == [40]'
run "" "$FOLIO" --json segment --age-min 40
json_check "and she is 40 in Tokyo's segment" "$OUT" 'd["total"] == 1'
run "" "$FOLIO" --json profile set --time-zone Nowhere/City
expect "a zone the database lacks is refused" 2
json_check "naming --time-zone" "$ERR" '"--time-zone" in d["error"]["message"]'
run "" "$FOLIO" --json profile set --time-zone ""
expect "an empty zone: the firm's again" 0
run "" "$FOLIO" --json agenda --days 1
json_check "back on Lima's date" "$OUT" 'd["date"] == "2030-06-03"'

# ---------------------------------------------------------------- the firm's zone changes

as boss
run "" "$FOLIO" admin calendar set --time-zone UTC
expect "admin calendar set --time-zone UTC" 0
run "" "$FOLIO" --json admin calendar set --time-zone Europe/Nowhere
expect "admin calendar set --time-zone of no zone" 2
as alice
run "" "$FOLIO" --json agenda --days 1
json_check "UTC's date now" "$OUT" 'd["date"] == "2030-06-04"'

stop_server
cli_summary
