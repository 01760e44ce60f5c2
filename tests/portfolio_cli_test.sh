#!/usr/bin/env bash
# portfolio_cli_test.sh - a new agent's first day with folio, end to end:
# twenty clients named in several scripts found by part of a name without
# accents, by phone digits and by e-mail; a wrong contact date, a wrong
# income and a mistaken life event corrected or withdrawn, with the record
# and the agenda following; a duplicate refused, then merged; a couple
# linked; their holdings exported beside the CSV and imported by another
# agent. The server's clock is fixed (FOLIOD_CLOCK), so "today" is the
# script's. Prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" portfolio-cli-test

export FOLIOD_CLOCK="2026-06-10 12:00:00"
new_firm "Portfolio Firm"
run "" "$FOLIO" admin office add Lima
add_user ana agent Lima
as ana
run "" "$FOLIO" profile set --currency PEN
expect "ana's default currency" 0

# ---------------------------------------------------------------- twenty clients

# name|phone|e-mail|find by name|find by phone
clients=(
  "José Pérez García|+51 999 100 001|jose.perez@example.pe|jose gar|999100001"
  "María Fernanda Núñez|+51 999 100 002|mfn@example.pe|maria nun|100002"
  "Bjørn Ødegård|+47 912 34 567|bjorn@example.no|bjorn odeg|91234567"
  "Zoë Ñahui Quispe|+51 (84) 100-003|zoe@example.pe|zoe nahui|84100003"
  "François Lefèvre|+33 6 12 34 56 78|francois@example.fr|francois lef|612345678"
  "Jürgen Müller|+49 151 2345 6789|jurgen@example.de|jurgen mull|15123456789"
  "Łukasz Żółkiewski|+48 601 234 567|lukasz@example.pl|lukasz zolk|601234567"
  "Ahmet Yılmaz|+90 532 123 45 67|ahmet@example.tr|ahmet yilm|5321234567"
  "Αλέξανδρος Παπαδόπουλος|+30 691 234 5678|alex@example.gr|αλεξανδρος|6912345678"
  "Анна Иванова|+7 912 345 67 89|anna@example.ru|анна ив|9123456789"
  "李小龍|+852 9123 4567|lee@example.hk|李|91234567"
  "山田太郎|+81 90 1234 5678|yamada@example.jp|太郎|9012345678"
  "Nguyễn Văn An|+84 912 345 678|an@example.vn|nguyen van|912345678"
  "Seán Ó Briain|+353 87 123 4567|sean@example.ie|sean o bri|871234567"
  "Ana Lucía Cárdenas|+51 999 100 015|alc@example.pe|lucia card|999100015"
  "Raúl Gómez-Soto|+51 999 100 016|raul@example.pe|raul soto|100016"
  "Chloé Dubois|+33 7 11 22 33 44|chloe@example.fr|chloe dub|711223344"
  "Søren Kierkegaard|+45 20 12 34 56|soren@example.dk|soren kier|20123456"
  "Inês Conceição|+351 912 345 671|ines@example.pt|ines conc|912345671"
  "Ñusta Huamán|+51 999 100 020|nusta@example.pe|nusta huam|999100020"
)
declare -A id_of
for row in "${clients[@]}"; do
  IFS='|' read -r name phone email _ _ <<<"$row"
  run "" "$FOLIO" --json client add --name "$name" --phone "$phone" --email "$email" --city Lima
  expect "client add $name" 0
  id_of[$name]=$(json_get "$OUT" 'd["client"]["id"]')
done

for row in "${clients[@]}"; do
  IFS='|' read -r name _ email by_name by_phone <<<"$row"
  want=${id_of[$name]}
  for query in "$by_name" "$by_phone" "${email%@*}"; do
    run "" "$FOLIO" --json client find "$query"
    json_check "\"$query\" finds $name" "$OUT" "'$want' in [c['id'] for c in d['clients']]"
  done
done

# ---------------------------------------------------------------- corrections

jose=${id_of["José Pérez García"]}
run "" "$FOLIO" --json event add "$jose" contact call --date 2999-01-01
expect "a contact dated 2999 is refused" 2
json_check "the refusal names --date" "$ERR" 'd["error"]["message"].startswith("--date: ")'
run "" "$FOLIO" --json event add "$jose" contact call --date 2026-06-01 --follow-up 2026-06-15
expect "a contact, dated wrong, with a follow-up" 0
contact=$(json_get "$OUT" 'd["event"]["seq"]')
run "" "$FOLIO" --json agenda --date 2026-06-10 --days 30
json_check "the follow-up is on the agenda on its day" "$OUT" "
any(i['kind'] == 'follow_up' and i['client_id'] == '$jose' and i['date'] == '2026-06-15'
    for i in d['items'])"
run "" "$FOLIO" --json event edit "$jose" "$contact" --date 2026-06-05 --follow-up 2026-06-20
expect "event edit of the contact's date and follow-up" 0
run "" "$FOLIO" --json client show "$jose"
json_check "last contact follows the corrected date" "$OUT" \
  'd["client"]["last_contact"] == "2026-06-05"'
run "" "$FOLIO" --json agenda --date 2026-06-10 --days 30
json_check "the agenda follows the corrected follow-up" "$OUT" "
[i['date'] for i in d['items'] if i['kind'] == 'follow_up' and i['client_id'] == '$jose'] ==
['2026-06-20']"

run "" "$FOLIO" --json event add "$jose" income 5000000 --date 2026-06-01
expect "an income typed with two zeros too many" 0
income=$(json_get "$OUT" 'd["event"]["seq"]')
json_check "it takes the agent's default currency" "$OUT" 'd["event"]["currency"] == "PEN"'
run "" "$FOLIO" --json event edit "$jose" "$income" --amount 50000
expect "event edit of the amount" 0
run "" "$FOLIO" --json client show "$jose"
json_check "the income follows" "$OUT" 'd["client"]["income"] == 50000 and d["client"]["currency"] == "PEN"'

run "" "$FOLIO" --json event add "$jose" life marryed
expect "a typo in a life event is refused" 2
json_check "the refusal lists the life events" "$ERR" '"married" in d["error"]["message"]'
run "" "$FOLIO" --json event add "$jose" life married --date 2026-06-02
life=$(json_get "$OUT" 'd["event"]["seq"]')
run "" "$FOLIO" --json client show "$jose"
json_check "the marriage is recorded" "$OUT" 'd["client"]["marital_status"] == "married"'
run "" "$FOLIO" --json event remove "$jose" "$life"
expect "event remove of the mistaken marriage" 0
run "" "$FOLIO" --json client show "$jose"
json_check "the record follows the withdrawal" "$OUT" 'd["client"]["marital_status"] is None'

# ---------------------------------------------------------------- duplicates, households

run "" "$FOLIO" --json client add --name "Jose Perez" --phone "999100001"
expect "a likely duplicate is refused" 1
json_check "the refusal names the client" "$ERR" "'$jose' in d['error']['message']"
run "" "$FOLIO" --json client add --name "Jose Perez" --phone "999100001" \
  --birth-date 1980-04-02 --allow-duplicate
expect "added when asked" 0
dup=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json client merge "$jose" "$dup"
expect "client merge" 0
json_check "the record kept takes what it lacked" "$OUT" "
d['client']['id'] == '$jose' and d['client']['birth_date'] == '1980-04-02' and
d['client']['income'] == 50000"
run "" "$FOLIO" --json client find "jose perez"
json_check "one José Pérez is left" "$OUT" "[c['id'] for c in d['clients']] == ['$jose']"

maria=${id_of["María Fernanda Núñez"]}
run "" "$FOLIO" --json client link "$jose" "$maria" --as spouse
expect "client link" 0
run "" "$FOLIO" --json client show "$maria"
json_check "the couple is linked both ways" "$OUT" "
d['client']['household'] == [{'id': '$jose', 'relation': 'spouse', 'name': 'José Pérez García'}]"
run "" "$FOLIO" client show "$maria"
[[ $OUT == *"José Pérez García"* && $OUT == *spouse* ]] &&
  pass "client show's card lists the household" ||
  fail "client show's card lists the household" "$OUT"

# ---------------------------------------------------------------- holdings beside the CSV

run "" "$FOLIO" --json holding add "$jose" --kind auto --provider Rimac --number "=AU-1" \
  --premium 120.50 --per month --currency PEN --start 2025-07-01 --renews 2026-07-01
expect "holding add (auto)" 0
run "" "$FOLIO" --json holding add "$maria" --kind life --provider "Pacífico, Vida" \
  --premium 80 --per month --currency PEN --start 2024-01-01 --renews 2027-01-01
expect "holding add (life)" 0
lapsed=$(json_get "$OUT" 'd["holding"]["id"]')
run "" "$FOLIO" --json holding end "$lapsed" --date 2026-05-01 --reason lapsed
expect "holding end" 0
run "" "$FOLIO" --json agenda --date 2026-06-10 --days 7 --kind renewal,win-back
expect "agenda --kind renewal,win-back" 0
json_check "the car's renewal is on it, from 30 days ahead" "$OUT" "
[(i['kind'], i['client_id']) for i in d['items']] == [('renewal', '$jose')] and
isinstance(d['items'][0]['talking_points'], list)"
run "" "$FOLIO" --json export --format csv --out "$tmp/clients.csv" --holdings "$tmp/holdings.csv"
expect "export --holdings" 0
if why=$("$PY" - "$tmp/holdings.csv" "$jose" <<'PYEOF' 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
assert len(rows) == 2, rows
auto = [r for r in rows if r["kind"] == "auto"][0]
assert auto["client_id"] == sys.argv[2] and auto["premium"] == "120.50", auto
assert auto["number"] == "'=AU-1", auto   # a formula-like cell is guarded
life = [r for r in rows if r["kind"] == "life"][0]
assert life["status"] == "lapsed" and life["ends"] == "2026-05-01", life
assert life["provider"] == "Pacífico, Vida", life
PYEOF
); then pass "the holdings file reads in Python's csv"; else fail "the holdings file reads in Python's csv" "$why"; fi
run "" "$FOLIO" export --format vcard --out "$tmp/x.vcf" --holdings "$tmp/h.csv"
expect "--holdings with vcard is a usage error" 2 "" "--holdings"

add_user beto agent Lima
as beto
run "" "$FOLIO" --json import "$tmp/clients.csv" --holdings "$tmp/holdings.csv"
expect "import --holdings" 0
json_check "the holdings follow their clients" "$OUT" '
d["import"]["clients_added"] == 20 and d["import"]["holdings"] == 2'
run "" "$FOLIO" --json holding list
json_check "beto holds them, ended as they were" "$OUT" '
sorted((h["kind"], h["status"], h["client_name"]) for h in d["holdings"]) ==
[("auto", "active", "José Pérez García"), ("life", "lapsed", "María Fernanda Núñez")] and
[h["number"] for h in d["holdings"] if h["kind"] == "auto"] == ["=AU-1"]'
printf 'client_id,kind,provider,premium\n%s,auto,X,12.3.4\n00000000-0000-4000-8000-000000000000,home,Y,5\n' \
  "$jose" >"$tmp/bad.csv"
printf 'name\n' >"$tmp/none.csv"
run "" "$FOLIO" --json import "$tmp/none.csv" --holdings "$tmp/bad.csv" --strict
expect "refused holdings exit 5 with --strict" 5
json_check "each refusal is a note naming its line" "$OUT" '
any("holdings line 2: premium" in n["message"] for n in d["import"]["notes"]) and
any("holdings line 3:" in n["message"] for n in d["import"]["notes"])'
printf 'client_id,kind,rocket\n' >"$tmp/cols.csv"
run "" "$FOLIO" import "$tmp/none.csv" --holdings "$tmp/cols.csv"
expect "an unknown column refuses the file" 4 "" "rocket"

cli_summary
