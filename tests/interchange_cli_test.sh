#!/usr/bin/env bash
# interchange_cli_test.sh - folio import and export --format csv|vcard end to
# end against foliod: a spreadsheet's CSV and a phone's vCards come in without
# garbling, duplicates are skipped or reported, and an export imported by
# another agent gives back the same records.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" interchange-cli-test

# portfolio FILE: every client of the current user, each as `client show
# --json` gives it, as one JSON list in FILE.
portfolio() {
  local out=$1 ids id
  run "" "$FOLIO" --json client list --limit 1000
  ids=$(json_get "$OUT" "' '.join(c['id'] for c in d['clients'])")
  echo "[" >"$out"
  local sep=
  for id in $ids; do
    printf '%s' "$sep" >>"$out"
    "$FOLIO" --json client show "$id" >>"$out" 2>/dev/null
    sep=,
  done
  echo "]" >>"$out"
}

# same_records NAME A B: the two portfolios (files of `portfolio`) hold the
# same clients, compared by the fields an interchange file carries.
same_records() {
  local name=$1 why
  if why=$("$PY" - "$2" "$3" <<'EOF' 2>&1
import json, sys
def load(path):
    with open(path, encoding="utf-8") as f:
        records = [r["client"] for r in json.load(f)]
    keep = ("name", "birth_date", "phones", "emails", "city", "country", "notes")
    return sorted((tuple(json.dumps(r.get(k) or None, ensure_ascii=False) for k in keep)
                   for r in records))
a, b = load(sys.argv[1]), load(sys.argv[2])
if not a:
    sys.exit("the first portfolio is empty")
if a != b:
    sys.exit("differ:\n  %s\n  %s" % (a, b))
EOF
  ); then
    pass "$name"
  else
    fail "$name" "$why"
  fi
}

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
run "" "$FOLIO" import --format xls "$tmp/x"
expect "import with an unknown format is a usage error" 2
run "" "$FOLIO" export --format csv
expect "export --format csv without --out is a usage error" 2
run "" "$FOLIO" --json import --format csv "$tmp/missing.csv"
expect "importing a missing file exits 4" 4
json_check "a missing file is named" "$ERR" '"missing.csv" in d["error"]["message"]'

# ---------------------------------------------------------------- a firm with three agents

new_firm "Interchange Firm"
run "" "$FOLIO" admin office add Main
expect "office add" 0
for agent in alice bob carl; do
  add_user "$agent" agent Main
done

# ---------------------------------------------------------------- a spreadsheet's CSV

# A BOM, CRLF line ends, an id column, a column no client has, a field with
# a quote, a comma and a newline (lines 2-3), a date that does not exist
# (line 5: the person comes in without it) and a row that cannot be a
# client: a field too many (line 6).
csv=$tmp/clients.csv
printf '\xef\xbb\xbfid,Name,birth_date,phones,emails,city,country,notes,favourite_colour\r\n' >"$csv"
printf '11111111-2222-4333-8444-555555555555,José Ñúñez,1975-04-23,+51 1 555 0101; +51 999 111 222,jose@example.com,Cusco,PE,"Likes ""strong"" coffee, black\nCalls after 6",blue\r\n' >>"$csv"
printf ',"María ""Mary"" Quispe",1990-12-01,,maria@example.com,"Lima, Centro",PE,,green\r\n' >>"$csv"
printf ',Bad Date,1980-02-30,,,Lima,PE,,\r\n' >>"$csv"
printf ',Too Many,,,,Lima,PE,,red,surplus\r\n' >>"$csv"
printf ',Ana Pérez,1988-08-08,+51 1 444 0000,ana@example.com,Arequipa,PE,,\r\n' >>"$csv"

as alice
run "" "$FOLIO" --json import --format csv --dry-run "$csv"
expect "csv import --dry-run" 0
json_check "the dry run counts what would happen" "$OUT" "
d['import']['dry_run'] is True and d['import']['clients_added'] == 4 and d['import']['clients_skipped'] == 0 and d['import']['clients_refused'] == 1"
run "" "$FOLIO" --json client list
json_check "the dry run changed nothing" "$OUT" 'd["clients"] == []'
run "" "$FOLIO" --json import --format csv --dry-run --strict "$csv"
expect "--strict: refused rows make it done in part, exit 5" 5
json_check "--strict still prints the whole result" "$OUT" "d['import']['clients_added'] == 4 and d['import']['clients_refused'] == 1"

run "" "$FOLIO" --json import --format csv "$csv"
expect "csv import" 0
json_check "csv import: 4 created, 1 refused" "$OUT" "
d['import']['dry_run'] is False and d['import']['clients_added'] == 4 and d['import']['clients_skipped'] == 0 and d['import']['clients_refused'] == 1"
json_check "the unknown column is reported, not fatal" "$OUT" "
any(n['kind'] == 'unknown_column' and 'favourite_colour' in n['message'] and n['line'] == 1
    for n in d['import']['notes'])"
json_check "the id column is not reported as unknown" "$OUT" "
not any('\"id\"' in n['message'] for n in d['import']['notes'])"
json_check "a date that does not exist is left out, naming its line and field" "$OUT" "
any(n['kind'] == 'note' and n['line'] == 5 and n['message'].startswith('line 5: birth_date: ') and
    n['message'].endswith(': left out') for n in d['import']['notes'])"
json_check "a row with a field too many names its line" "$OUT" "
any(n['kind'] == 'error' and n['line'] == 6 and n['message'].startswith('line 6: ')
    for n in d['import']['notes'])"
json_check "nothing else is noted" "$OUT" "len(d['import']['notes']) == 3"

run "" "$FOLIO" --json client list
json_check "four clients, none under the file's id" "$OUT" "
sorted(c['name'] for c in d['clients']) == ['Ana Pérez', 'Bad Date', 'José Ñúñez', 'María \"Mary\" Quispe']
and all(c['id'] != '11111111-2222-4333-8444-555555555555' for c in d['clients'])"
jose=$(json_get "$OUT" "[c['id'] for c in d['clients'] if c['name'] == 'José Ñúñez'][0]")
maria=$(json_get "$OUT" "[c['id'] for c in d['clients'] if c['name'].startswith('María')][0]")
run "" "$FOLIO" --json client show "$jose"
expect "client show the CSV's first row" 0
json_check "accents, lists, and a quote, comma and newline come in intact" "$OUT" "
c['name'] == 'José Ñúñez' and c['birth_date'] == '1975-04-23' and
c['phones'] == ['+5115550101', '+51999111222'] and c['emails'] == ['jose@example.com'] and
c['city'] == 'Cusco' and c['country'] == 'PE' and
c['notes'] == 'Likes \"strong\" coffee, black\nCalls after 6'"
run "" "$FOLIO" --json client show "$maria"
json_check "a quoted name and a city with a comma" "$OUT" "
c['name'] == 'María \"Mary\" Quispe' and c['city'] == 'Lima, Centro' and
c['birth_date'] == '1990-12-01' and c['emails'] == ['maria@example.com'] and c['phones'] == []"
run "" "$FOLIO" --json client history "$jose"
json_check "the timeline says the client was imported" "$OUT" "
[(e['kind'], e['note']) for e in d['events']] == [('created', 'imported')]"

# The same file again: every client in it is an exact copy now.
run "" "$FOLIO" import --format csv "$csv"
expect "csv import again (human)" 0 "0 created, 0 updated, 4 skipped"
[[ $OUT == *"$jose"* && $OUT == *"$maria"* ]] && pass "the skipped rows name the existing clients" ||
  fail "the skipped rows name the existing clients" "$OUT"
[[ $OUT == *"line 6"* ]] && pass "human output names the refused line" ||
  fail "human output names the refused line" "$OUT"
run "" "$FOLIO" --json client list
json_check "importing the same CSV again adds nothing" "$OUT" "len(d['clients']) == 4"

# A likely duplicate: another name with Ana's email.
printf 'name,emails\r\nAna P. Torres,ana@example.com\r\n' >"$tmp/likely.csv"
run "" "$FOLIO" --json import --format csv "$tmp/likely.csv"
expect "csv import of a likely duplicate" 0
ana=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Ana Pérez'][0]")
json_check "a likely duplicate is imported and names the client it resembles" "$OUT" "
d['import']['clients_added'] == 1 and d['import']['clients_skipped'] == 0 and
[(n['kind'], n['line'], n['client_id']) for n in d['import']['notes']] == [('likely_duplicate', 2, '$ana')]"

# The same rows in another agent's portfolio are not duplicates there, and
# alice's ids never show.
as bob
run "" "$FOLIO" --json import --format csv "$csv"
expect "another agent imports the same CSV" 0
json_check "another agent's import sees nothing of alice's" "$OUT" "
d['import']['clients_added'] == 4 and d['import']['clients_skipped'] == 0 and
not any(n['client_id'] in ('$jose', '$maria', '$ana') or '$jose' in n['message']
        for n in d['import']['notes'])"

# A file that is not a usable CSV at all.
printf 'first,last\r\nAna,Pérez\r\n' >"$tmp/noname.csv"
as alice
run "" "$FOLIO" --json import --format csv "$tmp/noname.csv"
expect "a CSV without a name column exits 4" 4
json_check "the missing name column is named, with its line" "$ERR" "
d['error']['code'] == 'LOCAL' and 'name' in d['error']['message'] and
'line 1' in d['error']['message']"

# ---------------------------------------------------------------- a phone's vCards

# 3.0 with a group and a name folded right beside its accents; 4.0 in lower
# case with a basic-form birthday and tel: URIs; a card whose birthday does
# not exist (BEGIN on line 23: the person comes in without it).
vcf=$tmp/phone.vcf
{
  printf 'BEGIN:VCARD\r\n'
  printf 'VERSION:3.0\r\n'
  printf 'N:Núñez;Begoña;;;\r\n'
  printf 'FN:Bego\r\n ña Nú\r\n\tñez\r\n'
  printf 'BDAY:1985-03-14\r\n'
  printf 'TEL;TYPE=CELL:+51 987 654 321\r\n'
  printf 'item1.EMAIL;TYPE=INTERNET:begona@example.com\r\n'
  printf 'item1.X-ABLabel:_$!<Home>!$_\r\n'
  printf 'ADR;TYPE=HOME:;;Av. Sol 123;Cusco;Cusco;08000;PE\r\n'
  printf 'NOTE:Prefers WhatsApp\\, evenings\\nSecond line\r\n'
  printf 'END:VCARD\r\n'
  printf 'begin:vcard\r\n'
  printf 'version:4.0\r\n'
  printf 'fn:Renée Çelik\r\n'
  printf 'bday:19921107\r\n'
  printf 'tel;value=uri;type=cell:tel:+51-1-555-0199\r\n'
  printf 'email;type=work:renee@example.com\r\n'
  printf 'adr:;;Calle Luna 9;Arequipa;;;PE\r\n'
  printf 'end:vcard\r\n'
  printf '\r\n'
  printf 'BEGIN:VCARD\r\n'
  printf 'VERSION:4.0\r\n'
  printf 'FN:Never Born\r\n'
  printf 'BDAY:19901345\r\n'
  printf 'END:VCARD\r\n'
} >"$vcf"

as carl
run "" "$FOLIO" --json import --format vcard --dry-run "$vcf"
expect "vcard import --dry-run" 0
json_check "the vCard dry run counts" "$OUT" "d['import']['dry_run'] is True and d['import']['clients_added'] == 3"
run "" "$FOLIO" import --format vcard --dry-run --progress-json "$vcf"
ndjson_check "--progress-json: a line a batch, then the answer" "$OUT" "
len(d) == 2 and d[0] == {'progress': {'phase': 'importing', 'done': 3, 'total': 3}} and
d[1]['import']['clients_added'] == 3"
run "" "$FOLIO" --json client list
json_check "the vCard dry run changed nothing" "$OUT" 'd["clients"] == []'
run "" "$FOLIO" --json import --format vcard "$vcf"
expect "vcard import" 0
json_check "three cards imported, the third without its birthday, named by its line" "$OUT" "
d['import']['clients_added'] == 3 and d['import']['clients_refused'] == 0 and
any(n['kind'] == 'note' and n['line'] == 23 and 'line 23' in n['message'] and 'BDAY' in n['message']
    for n in d['import']['notes'])"
run "" "$FOLIO" --json client list
json_check "the folded, accented name comes in whole" "$OUT" "
sorted(c['name'] for c in d['clients']) == ['Begoña Núñez', 'Never Born', 'Renée Çelik']"
begona=$(json_get "$OUT" "[c['id'] for c in d['clients'] if c['name'] == 'Begoña Núñez'][0]")
renee=$(json_get "$OUT" "[c['id'] for c in d['clients'] if c['name'] == 'Renée Çelik'][0]")
run "" "$FOLIO" --json client show "$begona"
json_check "vCard 3.0: BDAY, TEL, the grouped EMAIL, ADR and NOTE" "$OUT" "
c['birth_date'] == '1985-03-14' and c['phones'] == ['+51987654321'] and
c['phone_details'] == [{'number': '+51987654321', 'type': 'mobile', 'extension': None}] and
c['postal_code'] == '08000' and
c['emails'] == ['begona@example.com'] and c['street'] == 'Av. Sol 123' and c['city'] == 'Cusco' and
c['country'] == 'PE' and c['notes'] == 'Prefers WhatsApp, evenings\nSecond line'"
run "" "$FOLIO" --json client show "$renee"
json_check "vCard 4.0 in lower case: basic-form BDAY, tel: URI" "$OUT" "
c['birth_date'] == '1992-11-07' and c['phones'] == ['+5115550199'] and
c['emails'] == ['renee@example.com'] and c['city'] == 'Arequipa' and c['country'] == 'PE'"
run "" "$FOLIO" import --format vcard "$vcf"
expect "vcard import again (human)" 0 "0 created, 0 updated, 3 skipped"

# ---------------------------------------------------------------- other programs' exports

contacts=$schema_src/tests/contacts
run "" "$FOLIO" import --format csv --map 'Vorname' "$contacts/outlook_de.csv"
expect "--map without =FIELD is a usage error" 2 "" "--map"
run "" "$FOLIO" import --format csv --map 'Vorname=given' "$contacts/outlook_de.csv"
expect "--map to a field folio does not read is a usage error" 2 "" "given"
run "" "$FOLIO" import --format csv --date-order ymd "$contacts/outlook_de.csv"
expect "--date-order other than mdy or dmy is a usage error" 2 "" "--date-order"
run "" "$FOLIO" import --format vcard --date-order mdy "$contacts/android.vcf"
expect "--date-order goes with CSV only" 2 "" "csv"
run "" "$FOLIO" import --map 'a=name' "$tmp/missing.bundle"
expect "--map goes with CSV only, not a bundle" 2 "" "csv"
run "" "$FOLIO" import --errors "$tmp/e.csv" "$tmp/missing.bundle"
expect "--errors goes with CSV and vCard only" 2 "" "--errors"

as carl
run "" "$FOLIO" --json import --format csv "$contacts/outlook_de.csv"
expect "a German Outlook export (;, windows-1252) imports" 0
json_check "its one row comes in, noted as windows-1252" "$OUT" "
d['import']['clients_added'] == 1 and d['import']['clients_refused'] == 0 and
any('windows-1252' in n['message'] for n in d['import']['notes'])"
joerg=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Jörg Schröder'][0]")
run "" "$FOLIO" --json client show "$joerg"
json_check "Outlook's columns, the country's German name as its code" "$OUT" "
c['birth_date'] == '1969-12-28' and c['country'] == 'DE' and c['city'] == 'München' and
c['postal_code'] == '80331' and c['organisation'] == 'Bäckerei Schröder' and c['title'] == 'Inhaber' and
c['tags'] == ['kunden'] and
c['phone_details'] == [{'number': '089123456', 'type': 'work', 'extension': None},
                       {'number': '01701234567', 'type': 'mobile', 'extension': None},
                       {'number': '089123457', 'type': 'fax', 'extension': None}]"
run "" "$FOLIO" --json import --format vcard "$contacts/iphone.vcf"
expect "an iPhone's vCard with a 20 KB photo imports" 0
json_check "its card comes in" "$OUT" "d['import']['clients_added'] == 1 and d['import']['clients_refused'] == 0"
michael=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Michael Brüning'][0]")
run "" "$FOLIO" --json client show "$michael"
json_check "a birthday without a year, Deutschland as DE, phones as dialled with types" "$OUT" "
c['birth_date'] == '--04-15' and c['country'] == 'DE' and c['postal_code'] == '04109' and
c['phones'] == ['+491712345678', '03444122267', '+18003569377'] and
[p['type'] for p in c['phone_details']] == ['mobile', 'fax', 'home']"
run $'Nom complet,Tél,Né le\r\nAna Lima,+51 999 000 111,05/04/1980\r' \
  "$FOLIO" --json import --format csv --date-order dmy \
  --map 'Nom complet=name,Tél=mobile,Né le=birth_date' /dev/stdin
expect "--map and --date-order" 0
ana_lima=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Ana Lima'][0]")
run "" "$FOLIO" --json client show "$ana_lima"
json_check "the mapped columns, the date day first" "$OUT" "
d['client']['birth_date'] == '1980-04-05' and d['client']['phones'] == ['+51999000111']"

# Without --format the file says what it is: content first, then extension.
as bob
run "" "$FOLIO" --json import --dry-run "$contacts/outlook_en.csv"
json_check "a .csv is read as CSV" "$OUT" "d['import']['format'] == 'csv' and d['import']['clients_added'] == 2"
cp "$contacts/google_utf16.vcf" "$tmp/contacts.dat"
run "" "$FOLIO" --json import --dry-run "$tmp/contacts.dat"
json_check "BEGIN:VCARD in UTF-16 is read as vCard whatever the name" "$OUT" "
d['import']['format'] == 'vcard' and d['import']['clients_added'] == 1"
printf 'name;city\r\nEva Ruiz;Lima\r\n' >"$tmp/semicolons.dat"
run "" "$FOLIO" --json import --dry-run "$tmp/semicolons.dat"
json_check "text with a delimiter in its first line is read as CSV" "$OUT" "
d['import']['format'] == 'csv' and d['import']['clients_added'] == 1"
# A pipe gives its bytes once: those the format is guessed from are imported
# too (the first 4 KiB were lost when the file was opened again).
"$PY" - "$tmp/piped.csv" "$tmp/piped.vcf" <<'PYEOF'
import sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    f.write("name,city,notes\r\n")
    for i in range(1, 301):
        f.write("Piped Client %d,Lima,%s\r\n" % (i, "n" * 40))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    for i in range(1, 121):
        f.write("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Piped Card %d\r\nNOTE:%s\r\nEND:VCARD\r\n"
                % (i, "v" * 40))
PYEOF
run_pipe "$tmp/piped.csv" "$FOLIO" --json import --dry-run /dev/stdin
expect "a CSV of 25 KB through a pipe imports" 0
json_check "every row of the piped CSV, the first ones too" "$OUT" "
d['import']['format'] == 'csv' and d['import']['clients_added'] == 300 and
d['import']['clients_refused'] == 0"
run_pipe "$tmp/piped.vcf" "$FOLIO" --json import --dry-run /dev/stdin
json_check "every card of piped vCards, the first ones too" "$OUT" "
d['import']['format'] == 'vcard' and d['import']['clients_added'] == 120 and
d['import']['clients_refused'] == 0"
printf 'FOLIOBND' >"$tmp/piped.bundle"
run_pipe "$tmp/piped.bundle" "$FOLIO" --json import --dry-run /dev/stdin
expect "a bundle through a pipe is refused" 4
json_check "it is read from a regular file, the error says" "$ERR" "
'not a regular file' in d['error']['message']"

# A long list of notes: the first on a terminal, all of them with --errors.
{
  printf 'name,city\r\n'
  for i in $(seq 1 25); do printf ',Lima %s\r\n' "$i"; done
  printf 'Rosa Quispe,Cusco\r\n'
} >"$tmp/nameless.csv"
run "" "$FOLIO" import --dry-run "$tmp/nameless.csv"
expect "25 nameless rows: the first 20 shown" 0 "line 21:"
[[ $OUT != *"line 22:"* && $ERR == *"5 more notes: --errors FILE writes them all"* ]] &&
  pass "then how many more, and how to get them" ||
  fail "then how many more, and how to get them" "$OUT" "$ERR"
run "" "$FOLIO" import --dry-run --strict --errors "$tmp/errors.csv" "$tmp/nameless.csv"
expect "--errors with --strict: refused rows exit 5" 5
[[ $OUT != *"line 2: no name"* && $OUT == *"25 notes written to $tmp/errors.csv"* ]] &&
  pass "--errors: the summary only on the terminal" ||
  fail "--errors: the summary only on the terminal" "$OUT" "$ERR"
"$PY" - "$tmp/errors.csv" <<'PYEOF' && pass "--errors FILE: every note, as CSV" || fail "--errors FILE: every note, as CSV" "$(head -3 "$tmp/errors.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 25, len(rows)
assert rows[0] == {"line": "2", "kind": "error", "message": "line 2: no name: left out", "client_id": ""}, rows[0]
PYEOF

# ---------------------------------------------------------------- export, and back in at another agent

# alice's book: the CSV's four, the likely duplicate, and the phone's three.
as alice
run "" "$FOLIO" --json import --format vcard "$vcf"
expect "alice imports the vCards too" 0
# A name a spreadsheet would run as a formula, and notes that really start
# with the guard: both are written as text and read back unchanged.
run "" "$FOLIO" --json client add --name '=HYPERLINK("http://evil.example","x")' \
  --city '@SUM(A1)' --note "'quoted on purpose"
expect "alice adds a client with formula-like cells" 0
portfolio "$tmp/alice.json"

run "" "$FOLIO" --json export --format csv --out "$tmp/out.csv"
expect "export --format csv" 0
json_check "export --format csv counts" "$OUT" "d['export']['clients'] == 9 and d['export']['format'] == 'csv' and d['export']['header'] is None"
if grep -q ",\"'=HYPERLINK" "$tmp/out.csv" && grep -q ",'@SUM(A1)," "$tmp/out.csv" &&
  grep -q "''quoted on purpose" "$tmp/out.csv" && ! grep -q '^"=' "$tmp/out.csv"; then
  pass "formula-like cells are exported behind a '"
else
  fail "formula-like cells are exported behind a '" "$(grep -a "HYPERLINK" "$tmp/out.csv")"
fi
head -1 "$tmp/out.csv" | grep -q '^id,name,birth_date,phones,emails' &&
  pass "the exported CSV has a header row of field names" ||
  fail "the exported CSV has a header row of field names" "$(head -1 "$tmp/out.csv")"
run "" "$FOLIO" export --format vcard --out "$tmp/out.vcf"
expect "export --format vcard (human)" 0 "9"
[[ $(grep -c '^BEGIN:VCARD' "$tmp/out.vcf") == 9 ]] && pass "nine vCards exported" ||
  fail "nine vCards exported" "$(head -20 "$tmp/out.vcf")"

# Edited in a spreadsheet and brought back: the rows name alice's clients by
# id, so the one edited is updated and the others are left as they are.
"$PY" - "$tmp/out.csv" "$tmp/edited.csv" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
for r in rows[1:]:
    if r[head.index("name")] == "Bad Date":
        r[head.index("city")] = "Trujillo"
        r[head.index("phones")] = "mobile: +51 944 000 111"
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PYEOF
run "" "$FOLIO" --json import "$tmp/edited.csv"
expect "alice brings her edited export back" 0
json_check "the edited row updates its client, the others are unchanged" "$OUT" "
d['import']['clients_updated'] == 1 and d['import']['clients_added'] == 0 and
d['import']['clients_skipped'] == 8 and d['import']['clients_refused'] == 0"
bad_date=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Bad Date'][0]")
run "" "$FOLIO" --json client show "$bad_date"
json_check "the client carries the edit, a new version" "$OUT" "
c['city'] == 'Trujillo' and c['phones'] == ['+51944000111'] and
c['phone_details'] == [{'number': '+51944000111', 'type': 'mobile', 'extension': None}] and
c['version'] == 2"

# dave takes the CSV, erin the vCards: both must get alice's records back.
for agent in dave erin; do
  add_user "$agent" agent Main
done
as dave
run "" "$FOLIO" --json import --format csv "$tmp/out.csv"
expect "the exported CSV imports" 0
json_check "every exported row comes in" "$OUT" "d['import']['clients_added'] == 9 and d['import']['clients_refused'] == 0"
portfolio "$tmp/dave.json"
same_records "CSV round trip: name, birth date, phones, emails, city, country, notes" \
  "$tmp/alice.json" "$tmp/dave.json"
as erin
run "" "$FOLIO" --json import --format vcard "$tmp/out.vcf"
expect "the exported vCards import" 0
json_check "every exported card comes in" "$OUT" "d['import']['clients_added'] == 9 and d['import']['clients_refused'] == 0"
portfolio "$tmp/erin.json"
same_records "vCard round trip: name, birth date, phones, emails, city, country, notes" \
  "$tmp/alice.json" "$tmp/erin.json"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

cli_summary
