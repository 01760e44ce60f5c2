#!/usr/bin/env bash
# report_cli_test.sh - folio report end to end: the page and every chart in
# it parse (HTML, and each SVG as XML), the numbers in the page are those of
# folio book --json, hostile names stay text, the scope is the book's, and
# an existing file needs --force.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port at a fixed date, keeps
# every file in a temporary directory, and prints "N passed, N failed".
. "$(dirname "$0")/cli_lib.sh" report-cli-test

export FOLIOD_CLOCK="2026-03-02 09:00:00"
day=2026-03-02
new_firm "Report Firm"
run "" "$FOLIO" admin office add North
expect "office North" 0
run "" "$FOLIO" admin office add South
expect "office South" 0
add_user alice agent North
add_user olga office-admin North
add_user sam office-admin South
hostile='<script>alert(1)</script>'
run "" "$FOLIO" admin rule add --on purchase:vehicle --suggest "$hostile insure it" --window 30
expect "a rule whose suggestion is markup" 0

as alice
# id NAME ARGS...: alice adds a client; its id into $client.
add_client() {
  run "" "$FOLIO" --json client add --name "$@"
  expect "add client $1" 0
  client=$(json_get "$OUT" 'd["client"]["id"]')
}
add_client "$hostile" --city "$hostile" --birth-date 1990-05-01 --marital married --children 2 \
  --income 45000 --currency PEN
ana=$client
add_client "Ana Lima" --city Lima --birth-date 1960-01-01 --marital single --income 250000 \
  --currency PEN
luis=$client
add_client "Luis Cusco" --city Cusco
run "" "$FOLIO" holding add "$ana" --kind auto --provider "<img src=x onerror=alert(1)>" \
  --premium 100 --per month --currency PEN --start 2024-01-01 --renews 2026-03-20
expect "a car policy from a hostile provider" 0
run "" "$FOLIO" holding add "$luis" --kind home --provider Pacifico --premium 300 --per year \
  --currency USD --start 2025-06-01 --renews 2026-04-15
expect "a home policy in another currency" 0
run "" "$FOLIO" holding add "$luis" --kind life --provider Rimac --premium 50 --per quarter \
  --currency PEN --renews 2026-05-20
expect "a life policy" 0
run "" "$FOLIO" event add "$ana" purchase vehicle --date 2026-02-20
expect "a vehicle bought" 0
run "" "$FOLIO" event add "$ana" contact call --date 2026-02-10
expect "a call in February" 0
run "" "$FOLIO" event add "$luis" contact visit --date 2025-12-05
expect "a visit in December" 0

# ---------------------------------------------------------------- the page
run "" "$FOLIO" report --out "$tmp/alice.html" --date "$day"
expect "alice writes her report" 0 "$tmp/alice.html"
run "" "$FOLIO" --json book --date "$day"
expect "alice's book" 0
echo "$OUT" >"$tmp/alice-book.json"

cat >"$tmp/check.py" <<'PY'
import base64, html.parser, json, sys, xml.etree.ElementTree as ET

page, book_file = sys.argv[1], sys.argv[2]
text = open(page, encoding="utf-8").read()
book = json.load(open(book_file))["book"]
problems = []

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.images, self.figures = [], [], [], {}
        self.rows, self.table, self.scope = {}, None, None
        self.texts, self.figure = [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if any(k.startswith("on") for k in a):
            problems.append("an event handler attribute on <%s>" % tag)
        if tag == "img":
            self.images.append(a)
        if tag == "table":
            self.table = a.get("data-table")
            self.rows[self.table] = []
        if tag == "tr" and "data-key" in a:
            self.rows[self.table].append(a)
        if tag == "dd":
            self.figure = a.get("data-figure")
        if tag == "p" and "data-scope" in a:
            self.scope = a
    def handle_data(self, data):
        self.texts.append(data)
        if self.figure:
            self.figures[self.figure] = int(data)
            self.figure = None

p = Page()
p.feed(text)
p.close()
if p.tags[:1] != ["html"]:
    problems.append("the page does not start with <html>: %r" % p.tags[:3])
for bad in ("script", "link", "iframe", "object", "embed"):
    if bad in p.tags:
        problems.append("the page has a <%s> element" % bad)
if "http://" in text.replace("http://www.w3.org", "") or "https://" in text:
    problems.append("the page names a network address")
if "<script>" not in "".join(p.texts):
    problems.append("the hostile city or suggestion is not shown as text")

charts = 0
for img in p.images:
    src = img.get("src", "")
    prefix = "data:image/svg+xml;base64,"
    if not src.startswith(prefix):
        problems.append("an image not inline: %r" % src[:60])
        continue
    svg = base64.b64decode(src[len(prefix):], validate=True)
    root = ET.fromstring(svg)
    if not root.tag.endswith("svg"):
        problems.append("a chart is not SVG: %s" % root.tag)
    for el in root.iter():
        if el.tag.split("}")[-1] in ("script", "foreignObject"):
            problems.append("a chart holds <%s>" % el.tag)
        if any(k.startswith("on") for k in el.attrib):
            problems.append("a chart element has an event handler")
    charts += 1
if charts < 8:
    problems.append("only %d charts" % charts)

for key in ("agents", "clients", "active_holdings", "retained", "lost"):
    if p.figures.get(key) != book[key]:
        problems.append("%s: page %r, book %r" % (key, p.figures.get(key), book[key]))
if p.scope.get("data-scope") != book["scope"] or p.scope.get("data-date") != book["date"]:
    problems.append("scope %r, book %s on %s" % (p.scope, book["scope"], book["date"]))

def lines(table):
    return sorted((r["data-key"], r["data-currency"], int(r["data-count"]),
                   int(r["data-premium-cents"])) for r in p.rows.get(table, []))
def book_lines(name):
    return sorted((l["key"], l["currency"], l["count"], round(l["premium"] * 100))
                  for l in book[name])
for table, name in (("holdings-by-kind", "by_kind"), ("renewals", "renewals"),
                    ("providers", "by_provider")):
    if lines(table) != book_lines(name):
        problems.append("%s: page %r, book %r" % (table, lines(table), book_lines(name)))
months = [(r["data-key"], int(r["data-new-clients"]), int(r["data-ended-holdings"]))
          for r in p.rows.get("months", [])]
book_months = [(m["month"], m["new_clients"], m["ended_holdings"]) for m in book["months"]]
if months != book_months:
    problems.append("months: page %r, book %r" % (months, book_months))

# Every picture of clients counts every client once.
for table in ("age-bands", "life-stages", "income-bands", "cities"):
    total = sum(int(r["data-count"]) for r in p.rows.get(table, []))
    if total != book["clients"]:
        problems.append("%s adds up to %d, not %d clients" % (table, total, book["clients"]))
# Each currency's premium chart is that currency's lines of the book.
for cur in {l["currency"] for l in book["by_kind"]}:
    got = sorted((r["data-key"], int(r["data-premium-cents"])) for r in p.rows.get("premium-" + cur, []))
    want = sorted((l["key"], round(l["premium"] * 100)) for l in book["by_kind"] if l["currency"] == cur)
    if got != want:
        problems.append("premium-%s: page %r, book %r" % (cur, got, want))

json.dump({k: [dict(r) for r in v] for k, v in p.rows.items()}, open(page + ".rows.json", "w"))
print("\n".join(problems) if problems else "OK")
sys.exit(1 if problems else 0)
PY

# page_check NAME PAGE BOOK-JSON: the checks above.
page_check() {
  local why
  if why=$("$PY" "$tmp/check.py" "$2" "$3" 2>&1); then
    pass "$1"
  else
    fail "$1" "$why"
  fi
}
page_check "alice's page and charts parse and show her book's numbers" "$tmp/alice.html" \
  "$tmp/alice-book.json"

# rows TABLE PYTHON-EXPR: the expression over r, the rows of TABLE in the
# last checked page (alice's), holds.
rows_check() {
  local why
  if why=$("$PY" -c '
import json, sys
rows = json.load(open(sys.argv[1]))
r = {x["data-key"]: x for x in rows.get(sys.argv[2], [])}
c = {k: int(v["data-count"]) for k, v in r.items()}
sys.exit(0 if eval(sys.argv[3]) else "false: %s; rows %r" % (sys.argv[3], r))
' "$tmp/alice.html.rows.json" "$2" "$3" 2>&1); then
    pass "$1"
  else
    fail "$1" "$why"
  fi
}
rows_check "ages on the day asked" age-bands 'c["35-44"] == 1 and c["65+"] == 1 and c["unknown"] == 1'
rows_check "life stages" life-stages \
  'c["married, children"] == 1 and c["single, no children"] == 1 and c["unknown, no children"] == 1'
rows_check "income bands" income-bands 'c["20k-50k"] == 1 and c["200k+"] == 1 and c["unknown"] == 1'
rows_check "cities, the hostile one as its text" cities \
  'c["<script>alert(1)</script>"] == 1 and c["Lima"] == 1 and c["Cusco"] == 1'
rows_check "renewals by week, per currency" renewal-weeks \
  '(r["2026-03-17"]["data-currency"] == "PEN" and r["2026-04-14"]["data-currency"] == "USD"
    and r["2026-05-19"]["data-premium-cents"] == "20000" and len(r) == 3)'
rows_check "the vehicle bought opens the rule this month" opportunities \
  'c["purchase:vehicle"] == 1'
rows_check "contacts by month" contacts 'c["2026-02"] == 1 and c["2025-12"] == 1 and c["2026-03"] == 0 and len(c) == 12'

# ---------------------------------------------------------------- files and scope
run "" "$FOLIO" report --out "$tmp/alice.html" --date "$day"
expect "an existing file needs --force" 2 "" "--force"
run "" "$FOLIO" report --out "$tmp/alice.html" --date "$day" --force
expect "--force replaces it" 0
run "" "$FOLIO" --json report --out "$tmp/alice2.html" --date "$day"
json_check "--json says what was written" "$OUT" \
  'd["report"]["scope"] == "agent alice" and d["report"]["date"] == "2026-03-02"'
run "" "$FOLIO" report --out - --date "$day"
if [[ $RC == 0 && $OUT == "<!DOCTYPE html>"* && $OUT == *"</html>" ]]; then
  pass "--out - writes the page to standard output"
else
  fail "--out - writes the page to standard output" "exit $RC" "${OUT:0:200}"
fi
run "" "$FOLIO" report --out "$tmp/firm.html" --firm
expect "an agent's report of the firm is refused" 1 "" "PERMISSION_DENIED"
[[ ! -e $tmp/firm.html ]] && pass "a refused report writes no file" || fail "a refused report writes no file"

as olga
run "" "$FOLIO" report --out "$tmp/north.html" --office North --date "$day"
expect "the office-admin reports on its office" 0
run "" "$FOLIO" --json book --office North --date "$day"
echo "$OUT" >"$tmp/north-book.json"
page_check "the office's page shows the office's book" "$tmp/north.html" "$tmp/north-book.json"
as sam
run "" "$FOLIO" report --out "$tmp/north2.html" --office North --date "$day"
expect "another office's admin is refused" 1 "" "PERMISSION_DENIED"
as boss
run "" "$FOLIO" report --out "$tmp/firm.html" --firm --date "$day"
expect "the firm-admin reports on the firm" 0
run "" "$FOLIO" --json admin audit --limit 5
json_check "an admin's report is audited" "$OUT" \
  'any(r["action"] == "report.read" and r["target"] == "firm" for r in d["records"])'

cli_summary
