#!/usr/bin/env bash
# report_render_test.sh - a browser shows folio report's page: headless
# Chromium (Debian's chromium, tools/setup) renders one page to a PNG, which
# must not be blank (enough pixels are not white), and logs no console error
# while loading it (the page has no script, so none is expected).
#
# One render keeps its cost small. Skips, saying why, only where Chromium
# is not installed. Needs FOLIOD and FOLIO (ctest sets them); starts its own
# foliod on an ephemeral loopback port at a fixed date and prints
# "N passed, N failed".
. "$(dirname "$0")/cli_lib.sh" report-render-test

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "SKIP report_render_test.sh: chromium is not installed (tools/setup installs it)"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

export FOLIOD_CLOCK="2026-03-02 09:00:00"
new_firm "Render Firm"
run "" "$FOLIO" admin office add North
add_user alice agent North
as alice
for who in "Ana Lima:Lima:1980-02-01" "Luis Cusco:Cusco:1995-07-09" "<script>x</script>:Lima:1950-01-01"; do
  IFS=: read -r name city birth <<<"$who"
  run "" "$FOLIO" --json client add --name "$name" --city "$city" --birth-date "$birth" \
    --marital married --children 1 --income 60000 --currency PEN
  expect "add $name" 0
  id=$(json_get "$OUT" 'd["client"]["id"]')
  run "" "$FOLIO" holding add "$id" --kind auto --provider Rimac --premium 90 --per month \
    --currency PEN --renews 2026-03-25
  expect "a policy of $name" 0
  run "" "$FOLIO" event add "$id" contact call --date 2026-02-11
done
run "" "$FOLIO" report --out "$tmp/report.html" --date 2026-03-02
expect "the report is written" 0

# Chromium wants a home and a profile it may write; both in $tmp. The
# network stays off: the page needs none.
export HOME=$tmp/home
mkdir -p "$HOME"
timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run \
  --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
  --proxy-server=127.0.0.1:9 --window-size=1000,2400 --hide-scrollbars \
  --screenshot="$tmp/report.png" "file://$tmp/report.html" \
  >"$tmp/chromium.out" 2>"$tmp/chromium.err"
rc=$?
if [[ $rc == 0 && -s $tmp/report.png ]]; then
  pass "chromium renders the page to a PNG"
else
  fail "chromium renders the page to a PNG" "exit $rc" "$(tail -5 "$tmp/chromium.err")"
fi

# Console messages reach the log as "CONSOLE(...)" or ":CONSOLE:" lines.
if grep -Eq 'CONSOLE|Uncaught|Refused to|ERR_' "$tmp/chromium.err"; then
  fail "no console error while loading the page" "$(grep -E 'CONSOLE|Uncaught|Refused to|ERR_' "$tmp/chromium.err" | head -5)"
else
  pass "no console error while loading the page"
fi

# Not blank: decode the PNG (zlib, no imaging library) and count the
# pixels that are not near white; the charts' bars and the text make many.
why=$("$PY" - "$tmp/report.png" <<'PY' 2>&1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and colour in (2, 6), "unexpected PNG format %d/%d" % (depth, colour)
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
inked = blue = 0
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if r < 200 or g < 200 or bl < 200:
            inked += 1
        if bl > 130 and r < 90:
            blue += 1
    prev = line
print(inked, blue)
if inked < 5000 or blue < 500:
    sys.exit("nearly blank: %d inked pixels, %d of the bars' blue" % (inked, blue))
PY
)
if [[ $? == 0 ]]; then
  pass "the rendering is not blank (inked, bar pixels: $why)"
else
  fail "the rendering is not blank" "$why"
fi

cli_summary
