#!/usr/bin/env bash
# schema_cli_test.sh - docs/schema covers every folio command: one schema file
# per command folio --help --json lists and no other, each a valid draft
# 2020-12 schema, and each command run here at least once with --json, its
# output checked against its schema (cli_summary, tests/schema_check.py).
# The other CLI scripts check their --json runs against the same schemas.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" schema-cli-test

# Besides the runs' documents: one schema file per command and no other,
# and every command's output checked at least once, here.
schema_flags=(--check-files --require-all)

# j NAME ARG...: folio --json ARG... exits 0.
j() {
  local name=$1
  shift
  run "" "$FOLIO" --json "$@"
  expect "$name" 0
}

# ---------------------------------------------------------------- no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
j "folio --help --json" --help
j "folio COMMAND --help --json" client add --help
j "folio GROUP --help --json" admin user --help
j "folio --version --json" --version
j "folio help exit-codes --json" help exit-codes
j "folio help COMMAND --json" help client add
j "folio completion --json" completion fish
j "admin compact" admin compact
run "" "$FOLIO" --json client list
expect "no session: exit 3" 3
json_check "the error is JSON, code UNAUTHENTICATED" "$ERR" 'd["error"]["code"] == "UNAUTHENTICATED"'
run "" "$FOLIO" --json client lst
expect "a mistyped command: exit 2" 2
json_check "the error is JSON, code USAGE" "$ERR" 'd["error"]["code"] == "USAGE"'

# ---------------------------------------------------------------- another firm's key

# foliod's today is fixed; every --date below is that day.
export FOLIOD_CLOCK="2026-03-02 09:00:00"
run "other-password-1" "$FOLIOD" init --data "$tmp/other" --firm "Other Firm" --admin other \
  --password-stdin --hash-cost min
expect "foliod init (another firm)" 0
if start_server "$tmp/other" --hash-cost min; then
  as other "127.0.0.1:$port"
  run "other-password-1" "$FOLIO" login other --password-stdin
  expect "the other firm's admin logs in" 0
  run "" "$FOLIO" --json admin firm-key
  expect "the other firm's key" 0
  other_key=$(json_get "$OUT" 'd["firm_key"]["public_key"]')
  stop_server
else
  fail "foliod serve (another firm) writes its port file" "$(tail -5 "$tmp/foliod.log")"
fi

# ---------------------------------------------------------------- the firm: boss

# E-mail goes to a loopback port nobody listens on: sends queue, and the
# deliveries wait for their next attempt.
export FOLIOD_SMTP_URL=smtp://127.0.0.1:9 FOLIOD_SMTP_FROM=offers@schema.test
new_firm "Schema Firm"
unset FOLIOD_SMTP_URL FOLIOD_SMTP_FROM
j "admin office add" admin office add North
j "admin office list" admin office list
j "admin office add (to rename)" admin office add Spare
j "admin office rename" admin office rename Spare Reserve
json_check "the office has its new name" "$OUT" 'd["office"]["name"] == "Reserve"'
j "admin office remove" admin office remove Reserve
run "alice-password-1" "$FOLIO" --json admin user add alice --role agent --office North \
  --password-stdin
expect "admin user add (password from stdin)" 0
# Off a terminal and without --password-stdin folio makes one up and prints it.
j "admin user add (password made up)" admin user add bob --role agent --office North
json_check "a made-up password is printed" "$OUT" 'len(d["password"]) >= 20'
bob_password=$(json_get "$OUT" 'd["password"]')
j "admin user add carol" admin user add carol --role agent --office North
j "admin user list" admin user list --limit 1
json_check "admin user list pages" "$OUT" 'd["next"] is not None'
j "admin user passwd" admin user passwd carol
j "admin user unlock" admin user unlock carol
j "admin user disable" admin user disable carol
j "admin user enable" admin user enable carol
json_check "carol is enabled again" "$OUT" 'd["user"]["disabled"] is False'
j "admin user set" admin user set carol --role office-admin
j "admin user show" admin user show carol
json_check "admin user show: the role, the client count" "$OUT" '
d["user"]["role"] == "office-admin" and d["clients"] == 0 and d["user"]["last_login_at"] is None'
j "admin rule add" admin rule add --on purchase:vehicle --suggest "vehicle insurance" \
  --avoid "loans" --window 30 --product insurance
j "admin rule add (another)" admin rule add --on birthday --suggest "a card"
rule=$(json_get "$OUT" 'd["rule"]["id"]')
j "admin rule list" admin rule list
j "admin rule edit" admin rule edit "$rule" --suggest "a card and a call"
json_check "admin rule edit changes what was given" "$OUT" '
d["rule"]["suggest"] == "a card and a call" and d["rule"]["on"] == "birthday"'
j "admin rule remove" admin rule remove "$rule"
j "admin calendar set" admin calendar set --season 12,1 --stay-in-touch 90
j "admin occasion add" admin occasion add mothers-day --date 05-10
j "admin occasion add (another)" admin occasion add founders-day --date 09-01
j "admin occasion remove" admin occasion remove founders-day
j "admin calendar" admin calendar
j "admin calendar show" admin calendar show
j "admin alert add" admin alert add --kind flood --city Lima --date 2026-03-01 --note "river"
j "admin alert add (another)" admin alert add --kind quake --region Cusco --date 2026-03-01 \
  --until 2026-03-09
alert=$(json_get "$OUT" 'd["alert"]["id"]')
j "admin alert end" admin alert end "$alert" --date 2026-03-02
j "admin partner add" admin partner add "Cafe Sol" --category restaurant --city Lima
partner=$(json_get "$OUT" 'd["partner"]["id"]')
j "admin partner edit" admin partner edit "$partner" --city Cusco
json_check "admin partner edit keeps the name" "$OUT" '
d["partner"]["name"] == "Cafe Sol" and d["partner"]["city"] == "Cusco"'
j "admin partner add (to remove)" admin partner add "Gym Uno" --category gym
j "admin partner remove" admin partner remove "$(json_get "$OUT" 'd["partner"]["id"]')"
printf 'Hola {{client.name}}:\n{{offer.title}}, hasta {{offer.valid_until}}.\n' >"$tmp/body-es.txt"
j "admin template set" admin template set offer --lang es --subject "{{offer.title}}" \
  --body-file "$tmp/body-es.txt"
j "admin template show" admin template show offer --lang es
j "admin template list" admin template list
j "admin template remove" admin template remove offer --lang es
j "admin firm-key" admin firm-key
j "admin trust add" admin trust add "Other Firm" "${other_key:-}"
j "admin trust list" admin trust list
j "admin trust remove" admin trust remove "Other Firm"
FOLIO_BACKUP_PASSPHRASE="schema backup passphrase" j "admin backup" admin backup --out "$tmp/firm.fbk"
j "admin stats" admin stats
j "admin audit" admin audit --limit 2
json_check "admin audit pages" "$OUT" 'd["next"] is not None'
j "admin audit --action" admin audit --action partner.edit --since 2026-03-01 --until 2026-03-02
json_check "admin audit --action keeps that action" "$OUT" '
len(d["records"]) == 1 and d["records"][0]["action"] == "partner.edit"'
j "admin audit --jsonl" admin audit --jsonl --out "$tmp/audit.jsonl" --actor boss
ndjson_check "admin audit --jsonl writes JSON lines, newest first" "$(<"$tmp/audit.jsonl")" '
len(d) > 5 and all(r["actor"] == "boss" for r in d) and d[0]["seq"] > d[-1]["seq"]'

# ---------------------------------------------------------------- alice, an agent

as alice
run "alice-password-1" "$FOLIO" --json login alice --password-stdin
expect "login" 0
j "whoami" whoami
j "context list" context list
j "context use" context use default
j "context trust" context trust
j "profile set" profile set --display-name "Alice A." --phone "+51 1 555 0100" \
  --hours "Mon-Fri 9-18"
j "profile show" profile show
j "client add" client add --name "Ana Pérez" --birth-date 1980-05-15 --phone "+51 999 111 222" \
  --email ana@example.com --preferred-channel email --street "Av. Sol 1" --city Lima \
  --region Lima --country PE --marital married --children 2 --income 52000.50 --currency PEN \
  --employment teacher --tag vip --consent email,sms --note "likes tea" --contact-every 60
ana=$(json_get "$OUT" 'd["client"]["id"]')
j "client add (another)" client add --name "Luis Ñahui" --city Cusco
luis=$(json_get "$OUT" 'd["client"]["id"]')
j "client show" client show "$ana"
j "client update" client update "$ana" --street "Av. Luna 2" --if-version 1
j "client list" client list --limit 1
json_check "client list pages" "$OUT" 'd["next"] is not None'
j "client find" client find "ANA pere" --limit 1
json_check "client find finds by word starts" "$OUT" 'd["clients"][0]["id"] == "'"$ana"'"'
j "client search" client search 999111222
json_check "client search finds by phone digits" "$OUT" 'len(d["clients"]) == 1'
j "event add" event add "$ana" purchase vehicle --date 2026-03-01 --note "a new car"
j "event add (contact)" event add "$ana" contact call --date 2026-03-01 --follow-up 2026-03-04
j "event add (income)" event add "$ana" income 54000 --currency PEN --date 2026-03-01
income_seq=$(json_get "$OUT" 'd["event"]["seq"]')
j "event edit" event edit "$ana" "$income_seq" --amount 55000 --note "a typo"
j "event add (to withdraw)" event add "$ana" note "by mistake"
j "event remove" event remove "$ana" "$(json_get "$OUT" 'd["event"]["seq"]')"
j "client history" client history "$ana" --limit 2
json_check "client history pages" "$OUT" 'd["next"] is not None'
j "segment" segment --city Lima --date 2026-03-02
j "segment --count" segment --count
j "segment --by" segment --by city
j "agenda" agenda --date 2026-03-01 --days 30
item() { json_get "$OUT" "[i['id'] for i in d['items'] if i['client_id']][$1]"; }
first=$(item 0) second=$(item 1) third=$(item 2)
j "done" done "$first" --note "called" --date 2026-03-02
j "snooze" snooze "${second:0:6}" --until 2026-03-10 --date 2026-03-02
j "dismiss" dismiss "$third" --date 2026-03-02
j "agenda --state all" agenda --date 2026-03-01 --days 30 --state all
j "task add" task add "$ana" --due 2026-03-05 --title "send the quote" --note "by e-mail"
task=$(json_get "$OUT" 'd["task"]["id"]')
j "task add (own)" task add --due 2026-03-04 --title "renew the licence"
j "task list" task list --limit 1
j "task edit" task edit "$task" --due 2026-03-06
j "task remove" task remove "$task"
j "alert list" alert list --date 2026-03-02 --all
j "offer add" offer add "$ana" --title "Car insurance, 10% off" --product insurance --rate 4.5 \
  --valid-from 2026-03-02 --valid-until 2026-03-31 --channel email --date 2026-03-02 \
  --despite-alert
offer=$(json_get "$OUT" 'd["offer"]["id"]')
j "offer set" offer set "$offer" sent --date 2026-03-02
j "offer list" offer list --date 2026-03-02
j "partner list" partner list
j "coupon issue" coupon issue "$ana" --partner "$partner" --discount "20% off dinner" \
  --valid-until 2026-04-30 --date 2026-03-02
code=$(json_get "$OUT" 'd["coupon"]["code"]')
j "coupon list" coupon list
j "holding add" holding add "$ana" --kind auto --provider "Rimac" --number "AU-1" --premium 120.50 \
  --per month --value 30000 --currency PEN --start 2025-04-01 --renews 2026-04-01 --note "red car"
holding=$(json_get "$OUT" 'd["holding"]["id"]')
j "holding show" holding show "$holding"
j "holding edit" holding edit "$holding" --premium 130 --if-version 1
j "holding list" holding list --renews-before 2026-05-01 --limit 1
j "book" book --date 2026-03-02
json_check "the book counts the active car policy" "$OUT" '
d["book"]["active_holdings"] == 1 and d["book"]["by_kind"][0]["premium"] == 1560'
j "report" report --out "$tmp/book.html" --date 2026-03-02
j "holding end" holding end "$holding" --date 2026-03-02 --reason replaced
json_check "holding end: ended, replaced" "$OUT" \
  'd["holding"]["status"] == "ended" and d["holding"]["end_reason"] == "replaced"'
j "coupon redeem" coupon redeem "$code" --date 2026-03-02
C=(--title "Savings at 5 %" --valid-from 2026-03-02 --valid-until 2026-03-31 --channel email
  --city Lima --date 2026-03-02)
j "campaign create --dry-run" campaign create "Spring" "${C[@]}" --dry-run
j "campaign create" campaign create "Spring" "${C[@]}" --coupon-partner "$partner" \
  --discount "2x1 tickets"
campaign=$(json_get "$OUT" 'd["campaign"]["id"]')
j "campaign list" campaign list
j "campaign show" campaign show "$campaign" --date 2026-03-02
j "campaign send" campaign send "$campaign" --date 2026-03-02
j "campaign cancel" campaign cancel "$campaign" --date 2026-03-02
as boss
j "admin campaign create --dry-run" admin campaign create "Spring, North" "${C[@]}" \
  --office North --dry-run
j "admin campaign create" admin campaign create "Spring, North" "${C[@]}" --office North
firm_campaign=$(json_get "$OUT" 'd["campaign"]["id"]')
j "admin campaign list" admin campaign list
j "admin campaign show" admin campaign show "$firm_campaign" --date 2026-03-02
as alice
j "campaign opt-out" campaign opt-out "$firm_campaign" "$ana" --date 2026-03-02
as boss
j "admin campaign cancel" admin campaign cancel "$firm_campaign" --date 2026-03-02
as alice
j "offer withdraw" offer withdraw "$offer" --date 2026-03-02
j "coupon issue (to withdraw)" coupon issue "$ana" --partner "$partner" --discount "popcorn" \
  --valid-until 2026-04-30 --date 2026-03-02
code=$(json_get "$OUT" 'd["coupon"]["code"]')
j "coupon send" coupon send "$code" --date 2026-03-02
j "coupon withdraw" coupon withdraw "$code" --date 2026-03-02
j "offer add (to send)" offer add "$ana" --title "Home loan" --valid-from 2026-03-02 \
  --valid-until 2026-03-31 --channel email --date 2026-03-02 --despite-alert
j "offer send" offer send "$(json_get "$OUT" 'd["offer"]["id"]')" --date 2026-03-02
j "outbox list" outbox list --state queued
j "agenda --format ics" agenda --date 2026-03-01 --days 30 --format ics --out "$tmp/agenda.ics"
j "export" export --out "$tmp/alice.bundle"
j "bundle verify" bundle verify "$tmp/alice.bundle"
j "bundle show" bundle show "$tmp/alice.bundle"
j "import" import "$tmp/alice.bundle" --dry-run
j "export --format csv" export --format csv --out "$tmp/alice.csv"
j "import --format csv" import --format csv "$tmp/alice.csv" --dry-run
j "client add (a duplicate)" client add --name "Ana P." --phone "+51 988 000 333" --allow-duplicate
j "client merge" client merge "$ana" "$(json_get "$OUT" 'd["client"]["id"]')"
json_check "client merge keeps the first and takes the second's phone" "$OUT" \
  'd["client"]["id"] == "'"$ana"'" and "+51 988 000 333" in d["client"]["phones"]'
j "client link" client link "$ana" "$luis" --as spouse
json_check "client link shows the household" "$OUT" \
  'd["client"]["household"] == [{"id": "'"$luis"'", "relation": "spouse", "name": "Luis Ñahui"}]'
j "segment --household-size-min" segment --household-size-min 2
json_check "both spouses are in a household of two" "$OUT" 'len(d["clients"]) == 2'
j "client unlink" client unlink "$ana" "$luis"
j "client erase" client erase "$luis"

# ---------------------------------------------------------------- reassign, watch

as bob
run "$bob_password" "$FOLIO" login bob --password-stdin
expect "bob logs in" 0
FOLIO_CONFIG=$tmp/cfg-bob "$FOLIO" --json watch --count 1 --timeout 20 >"$tmp/watch.out" \
  2>"$tmp/watch.err" &
watch_pid=$!
sleep 1
as boss
j "admin reassign --dry-run" admin reassign --from alice --to bob --dry-run
j "admin reassign" admin reassign --from alice --to bob --client "$ana"
moved=$(json_get "$OUT" 'd["reassignment"]["id"]')
wait "$watch_pid"
RC=$?
expect "watch ends after its notice" 0
schema_record "$RC" "$(<"$tmp/watch.out")" "$(<"$tmp/watch.err")" \
  "$FOLIO" --json watch --count 1 --timeout 20
ndjson_check "watch prints the notice" "$(<"$tmp/watch.out")" \
  'len(d) == 1 and d[0]["kind"] == "reassigned_to"'
j "admin reassign undo" admin reassign undo "$moved"
j "admin reassign list" admin reassign list
json_check "admin reassign list has it, undone" "$OUT" '
d["reassignments"][0]["id"] == '"$moved"' and d["reassignments"][0]["undone_at"] is not None'
j "admin reassign show" admin reassign show "$moved"
json_check "admin reassign show names the client" "$OUT" '
d["reassignment"]["count"] == 1 and d["reassignment"]["clients"][0]["id"] == "'"$ana"'"'
j "admin reassign (again)" admin reassign --from alice --to bob --client "$ana"
again=$(json_get "$OUT" 'd["reassignment"]["id"]')
j "admin reassign undo --client" admin reassign undo "$again" --client "$ana"
json_check "admin reassign undo --client moves back the unchanged client" "$OUT" '
d["reassignment"]["count"] == 1 and d["kept"] == []'
j "admin reassign show (after undo --client)" admin reassign show "$again"
json_check "admin reassign show says when the client was moved back" "$OUT" '
d["reassignment"]["clients"][0]["undone_at"] is not None'
as alice
j "export --release" export --out "$tmp/released.bundle" --release
as boss
j "admin restore-transferred" admin restore-transferred alice
j "client find --firm" client find "ana pérez" --firm
json_check "a firm search shows ids and owners only" "$OUT" \
  'd["clients"] == [{"id": "'"$ana"'", "owner": "alice"}]'
j "client find --firm --firm-admin-read" client find "ana pérez" --firm --firm-admin-read
json_check "with --firm-admin-read, the records" "$OUT" 'd["clients"][0]["name"] == "Ana Pérez"'
j "admin subject find" admin subject find "ana pérez"
json_check "a subject search shows ids and owners only" "$OUT" \
  'd["clients"] == [{"id": "'"$ana"'", "owner": "alice"}]'
j "client list --as-agent" client list --as-agent alice --reason "covering for alice"
json_check "alice's clients, read covering for her" "$OUT" \
  'any(c["id"] == "'"$ana"'" for c in d["clients"])'
j "admin subject export" admin subject export "$ana" --out "$tmp/subject.json" \
  --reason "request 42"
json_check "admin subject export writes the person's file" "$(<"$tmp/subject.json")" \
  'd["client"]["id"] == "'"$ana"'" and d["reason"] == "request 42"'
j "admin subject erase" admin subject erase "$ana" --reason "request 42"
run "" "$FOLIO" --json client show "$ana" --as-agent alice --reason "check"
expect "the erased client is gone" 1

# ---------------------------------------------------------------- the account, contexts

as alice
run $'alice-password-1\nalice-password-2' "$FOLIO" --json passwd --password-stdin
expect "passwd" 0
run "alice-password-2" "$FOLIO" --json login alice --context spare --password-stdin
expect "login (another context)" 0
j "context remove" context remove spare
j "logout" logout

cli_summary
