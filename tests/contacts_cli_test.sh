#!/usr/bin/env bash
# contacts_cli_test.sh - address books both ways: the corpus of
# tests/contacts imported, exported as vCard 3.0, 4.0 and CSV (and CSV for
# Excel), and every export read by an independent parser (Python's vobject
# and csv modules) and imported back, by folio and after the independent
# parser wrote it again; export to standard output and never over a file
# without --force.
#
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" contacts-cli-test

contacts=$schema_src/tests/contacts

# portfolio FILE: the caller's clients, as client show prints them.
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

# same_records NAME A B: the two portfolios hold the same clients, compared
# by every field address books carry.
same_records() {
  local name=$1 why
  if why=$("$PY" - "$2" "$3" <<'PYEOF' 2>&1
import json, sys
def load(path):
    with open(path, encoding="utf-8") as f:
        records = [r["client"] for r in json.load(f)]
    keep = ("name", "birth_date", "phones", "phone_details", "emails", "street", "city",
            "region", "postal_code", "country", "organisation", "title", "tags", "notes")
    return sorted((tuple(json.dumps(r.get(k) or None, ensure_ascii=False, sort_keys=True)
                         for k in keep) for r in records))
a, b = load(sys.argv[1]), load(sys.argv[2])
if not a:
    sys.exit("the first portfolio is empty")
if a != b:
    for x, y in zip(a, b):
        if x != y:
            sys.exit("differ:\n  %s\n  %s" % (x, y))
    sys.exit("differ in number: %d and %d" % (len(a), len(b)))
PYEOF
  ); then
    pass "$name"
  else
    fail "$name" "$why"
  fi
}

new_firm "Contacts Firm"
run "" "$FOLIO" admin office add Main
expect "office add" 0
for agent in ana ben cris dana eve; do
  add_user "$agent" agent Main
done

# ---------------------------------------------------------------- the corpus in

as ana
for f in iphone.vcf android.vcf outlook.vcf shift_jis.vcf google_utf16.vcf \
  thunderbird_utf16be_cr.vcf lotus_notes.vcf google_old.csv google_new.csv outlook_en.csv \
  outlook_de.csv outlook_es.csv outlook_no.csv outlook_fr.csv thunderbird.csv linkedin.csv \
  excel_utf16_tab.csv; do
  run "" "$FOLIO" --json import "$contacts/$f"
  expect "$f imports" 0
done
portfolio "$tmp/ana.json"
json_check "the 23 named contacts of the corpus are in" "$(cat "$tmp/ana.json")" "len(d) == 23"

# ---------------------------------------------------------------- out, through Python, back

run "" "$FOLIO" --json export --format vcard --vcard-version 3.0 --out "$tmp/v3.vcf"
expect "export --vcard-version 3.0" 0
run "" "$FOLIO" --json export --format vcard --out "$tmp/v4.vcf"
expect "export --format vcard (4.0)" 0
run "" "$FOLIO" --json export --format csv --out "$tmp/all.csv"
expect "export --format csv" 0
run "" "$FOLIO" --json export --format csv --excel --out "$tmp/excel.csv"
expect "export --format csv --excel" 0

# vobject reads every card of both versions with the fields folio wrote.
"$PY" - "$tmp/v3.vcf" "$tmp/v4.vcf" "$tmp/ana.json" >"$tmp/vobject.out" 2>&1 <<'PYEOF'
import json, sys, vobject
records = [c["client"] for c in json.load(open(sys.argv[3], encoding="utf-8"))]
def check(card, c, version):
        assert card.version.value == version, card.version.value
        assert card.n.value is not None
        tels = card.contents.get("tel", [])
        assert len(tels) == len(c["phones"]), (name, [t.value for t in tels])
        for tel, detail in zip(tels, c["phones"]):
            digits = "".join(ch for ch in tel.value if ch.isdigit() or ch == "+")
            assert digits.startswith(detail.replace("tel:", "")) or detail in tel.value.replace(
                "tel:", ""), (tel.value, detail)
        types = {d["number"]: d["type"] for d in c["phone_details"] if d["type"]}
        for tel in tels:
            t = [x.lower() for x in tel.params.get("TYPE", [])]
            number = tel.value.replace("tel:", "").split(";")[0].split(" x")[0]
            if number in types:
                want = {"mobile": "cell"}.get(types[number], types[number])
                assert t == [want], (name, tel.value, t, want)
        if c["birth_date"]:
            bday = card.bday.value
            if c["birth_date"].startswith("--"):
                md = c["birth_date"][2:].replace("-", "")
                assert bday.replace("-", "").endswith(md), (bday, c["birth_date"])
            else:
                assert bday == c["birth_date"].replace("-", ""), (bday, c["birth_date"])
        if c["organisation"]:
            assert ", ".join(card.org.value) == c["organisation"], (card.org.value, c["organisation"])
        if c["title"]:
            assert card.title.value == c["title"]
        if c["tags"]:
            assert card.categories.value == c["tags"], (card.categories.value, c["tags"])
        if c["postal_code"]:
            assert card.adr.value.code == c["postal_code"], (card.adr.value.code, c["postal_code"])
        if c["notes"]:
            assert card.note.value == c["notes"], (card.note.value, c["notes"])
for path, version in ((sys.argv[1], "3.0"), (sys.argv[2], "4.0")):
    cards = list(vobject.readComponents(open(path, encoding="utf-8").read()))
    assert len(cards) == len(records), (path, len(cards), len(records))
    for card in cards:
        # Names may repeat: the card is one of the clients of its name.
        errors = []
        for c in (r for r in records if r["name"] == card.fn.value):
            try:
                check(card, c, version)
                break
            except (AssertionError, AttributeError, KeyError) as e:
                errors.append(repr(e))
        else:
            raise AssertionError(card.fn.value, errors)
print("ok")
PYEOF
[[ $(cat "$tmp/vobject.out") == ok ]] && pass "vobject reads vCard 3.0 and 4.0 with every field" ||
  fail "vobject reads vCard 3.0 and 4.0 with every field" "$(cat "$tmp/vobject.out")"

# Python's csv reads the CSV (and Excel's, after its mark, with ;), and a
# cell a spreadsheet would run is behind a '.
"$PY" - "$tmp/all.csv" "$tmp/excel.csv" "$tmp/ana.json" >"$tmp/csv.out" 2>&1 <<'PYEOF'
import csv, json, sys
clients = {c["client"]["id"]: c["client"] for c in json.load(open(sys.argv[3], encoding="utf-8"))}
raw = open(sys.argv[2], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), raw[:8]
for path, sep in ((sys.argv[1], ","), (sys.argv[2], ";")):
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8-sig"), delimiter=sep))
    assert len(rows) == len(clients), (len(rows), len(clients))
    for r in rows:
        name = r["name"][1:] if r["name"].startswith("'=") else r["name"]
        c = clients[r["id"]]
        assert name == c["name"] and r["owner"] == "ana", r
        assert r["postal_code"] == (c["postal_code"] or ""), r
        assert r["organisation"] == (c["organisation"] or ""), r
        assert r["created_at"] == c["created_at"], r
formula = [r for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
           if "HYPERLINK" in r["name"]]
assert formula and formula[0]["name"].startswith("'="), formula
print("ok")
PYEOF
[[ $(cat "$tmp/csv.out") == ok ]] && pass "Python's csv reads the export and Excel's, a formula behind a '" ||
  fail "Python's csv reads the export and Excel's, a formula behind a '" "$(cat "$tmp/csv.out")"

# Each export into another agent's empty portfolio: the same clients.
agents=(ben cris dana eve)
n=0
for f in v3.vcf v4.vcf all.csv excel.csv; do
  agent=${agents[n++]}
  as "$agent"
  run "" "$FOLIO" --json import "$tmp/$f"
  expect "$agent imports $f" 0
  json_check "$f: every client comes in" "$OUT" "d['import']['clients_added'] == 23 and d['import']['clients_refused'] == 0"
  portfolio "$tmp/$agent.json"
  same_records "$f round trip through folio: every address-book field" "$tmp/ana.json" "$tmp/$agent.json"
done

# The same after Python wrote each again: vobject serialises the cards
# (3.0 and 4.0), csv writes the rows with every cell quoted.
"$PY" - "$tmp" <<'PYEOF'
import csv, sys, vobject
tmp = sys.argv[1]
for name in ("v3", "v4"):
    cards = list(vobject.readComponents(open("%s/%s.vcf" % (tmp, name), encoding="utf-8").read()))
    with open("%s/%s-vobject.vcf" % (tmp, name), "w", encoding="utf-8", newline="") as f:
        for card in cards:
            f.write(card.serialize())
rows = list(csv.reader(open("%s/all.csv" % tmp, newline="", encoding="utf-8")))
with open("%s/all-python.csv" % tmp, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
PYEOF
n=0
for f in v3-vobject.vcf v4-vobject.vcf all-python.csv; do
  agent=py$((++n))
  add_user "$agent" agent Main
  as "$agent"
  run "" "$FOLIO" --json import "$tmp/$f"
  expect "$f (written by Python) imports" 0
  json_check "$f: every client comes in" "$OUT" "d['import']['clients_added'] == 23 and d['import']['clients_refused'] == 0"
  portfolio "$tmp/$agent.json"
  same_records "$f round trip through Python: every address-book field" "$tmp/ana.json" "$tmp/$agent.json"
done

# ---------------------------------------------------------------- an admin imports for an agent

as boss
run "" "$FOLIO" --json import "$contacts/outlook_no.csv"
expect "an admin's import names an agent" 2 "" "--agent"
printf 'name,city\r\nNew Person,Oslo\r\n' >"$tmp/new.csv"
run "" "$FOLIO" --json import --agent eve "$tmp/new.csv"
expect "boss imports a CSV into eve's portfolio" 0
json_check "the row comes in, at eve's" "$OUT" "d['import']['clients_added'] == 1"
run "" "$FOLIO" --json admin audit
json_check "the audit names boss and eve" "$OUT" "
any(r['action'] == 'client.import' and r['actor'] == 'boss' and r['target'] == 'eve'
    for r in d['records'])"
as eve
run "" "$FOLIO" profile set --currency NOK
expect "eve's default currency" 0
as boss
printf 'name,income\r\nKari Income,52000\r\n' >"$tmp/income.csv"
run "" "$FOLIO" --json import --agent eve "$tmp/income.csv"
expect "boss imports an income without a currency for eve" 0
as eve
run "" "$FOLIO" --json client find "Kari Income"
kari=$(json_get "$OUT" 'd["clients"][0]["id"]')
run "" "$FOLIO" --json client show "$kari"
json_check "it is in eve's default currency, not left out" "$OUT" "
d['client']['income'] == 52000 and d['client']['currency'] == 'NOK'"
as boss
run "" "$FOLIO" --json export --format csv --agent eve --out "$tmp/eve.csv"
expect "an admin's export of an agent's portfolio needs a reason" 2 "" "--reason"
run "" "$FOLIO" --json export --format vcard --agent eve --reason "eve moves office" \
  --out "$tmp/eve.vcf"
expect "boss exports eve's portfolio as vCards" 0
json_check "all of eve's clients" "$OUT" "d['export']['clients'] == 25"
run "" "$FOLIO" --json admin audit
json_check "the audit names boss, eve and the reason" "$OUT" "
any(r['action'] == 'client.export' and r['actor'] == 'boss' and r['target'] == 'eve' and
    'eve moves office' in r['detail'] for r in d['records'])"
as eve
run "" "$FOLIO" --json import --agent ana "$tmp/new.csv"
expect "an agent imports into no other agent's portfolio" 1 "" "own portfolio"
run "" "$FOLIO" --json export --format csv --agent ana --reason x --out "$tmp/ana.csv"
expect "an agent exports no other agent's portfolio" 1 "" "own portfolio"

# ---------------------------------------------------------------- where an export goes

as ana
run "" "$FOLIO" export --format csv --out "$tmp/all.csv"
expect "an existing file is not replaced without --force" 2 "" "--force"
run "" "$FOLIO" export --format csv --out "$tmp/all.csv" --force
expect "--force replaces it" 0
run "" "$FOLIO" export --format vcard --vcard-version 3.0 --out -
expect "--out - writes to standard output" 0 "BEGIN:VCARD" "exported 23 clients"
[[ $OUT == *"VERSION:3.0"* && $OUT != *"exported"* ]] &&
  pass "standard output holds the vCards alone" ||
  fail "standard output holds the vCards alone" "${OUT:0:200}"
run "" "$FOLIO" export --format vcard --vcard-version 2.1 --out "$tmp/x.vcf"
expect "--vcard-version other than 3.0 or 4.0 is a usage error" 2 "" "--vcard-version"
run "" "$FOLIO" export --format csv --vcard-version 3.0 --out "$tmp/x.csv"
expect "--vcard-version goes with vcard only" 2 "" "vcard"
run "" "$FOLIO" export --format vcard --excel --out "$tmp/x.vcf"
expect "--excel goes with csv only" 2 "" "csv"
run "" "$FOLIO" export --excel --out "$tmp/x.bundle"
expect "--excel is no bundle option" 2 "" "csv and vcard"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

cli_summary
