#!/usr/bin/env bash
# privacy_cli_test.sh - what an erased client leaves behind, end to end: the
# audit keeps kinds and ids only, and `foliod compact` takes the erased
# bytes out of data.mdb's free pages; it is refused while a foliod serves
# the directory, and the compacted directory serves again.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
. "$(dirname "$0")/cli_lib.sh" privacy-cli-test

new_firm "Privacy Firm"
run "" "$FOLIO" admin office add Main
expect "office Main" 0
add_user alice agent Main

as alice
mark=ZQXJ-insulin-pump-7Y
run "" "$FOLIO" --json client add --name "Erased Zqxj Person" --note "$mark note"
expect "alice adds a client" 0
id=$(json_get "$OUT" "d['client']['id']")
run "" "$FOLIO" event add "$id" purchase "$mark"
expect "alice records a purchase" 0
run "" "$FOLIO" client erase "$id"
expect "alice erases the client" 0

as boss
run "" "$FOLIO" --json admin audit --limit 1000
expect "boss reads the audit" 0
json_check "the audit keeps the purchase's kind and the client's id" "$OUT" "
[r['detail'] for r in d['records'] if r['action'] == 'event.add' and r['target'] == '$id'] ==
['purchase']"
[[ $OUT != *"$mark"* ]] && pass "no audit record names what the erased client bought" ||
  fail "no audit record names what the erased client bought" "${OUT:0:400}"

# A privacy-law request's export: everything about the person in one file,
# whose text is ASCII, a hostile name escaped in it.
as alice
hostile=$'Eve \u202eevil "q" \\ Jos\u00e9'
run "" "$FOLIO" --json client add --name "$hostile" --email eve@example.org --consent email
expect "alice adds a client with a hostile name" 0
eve=$(json_get "$OUT" "d['client']['id']")
run "" "$FOLIO" event add "$eve" note "asked for her data"
expect "alice notes the request" 0
run "" "$FOLIO" admin subject export "$eve" --out "$tmp/eve.json" --reason "request 7"
expect "an agent may not export a person" 1 "" "PERMISSION_DENIED"
as boss
run "" "$FOLIO" admin subject export "$eve" --out "$tmp/eve.json"
expect "admin subject export without --reason" 2 "" "--reason"
[[ ! -e $tmp/eve.json ]] && pass "a refused export writes no file" ||
  fail "a refused export writes no file"
run "" "$FOLIO" --json admin subject export "${eve:0:8}" --out "$tmp/eve.json" --reason "request 7"
expect "admin subject export, the client named by a start of its id" 0
json_check "it says where the file went" "$OUT" "d['subject_export']['file'] == '$tmp/eve.json'"
if LC_ALL=C grep -q '[^ -~]' "$tmp/eve.json"; then
  fail "the export's text is printable ASCII" "$(LC_ALL=C grep -n '[^ -~]' "$tmp/eve.json" | head -3)"
else
  pass "the export's text is printable ASCII"
fi
grep -q '\\u202E' "$tmp/eve.json" && pass "the override is escaped in the file" ||
  fail "the override is escaped in the file"
json_check "the file gives the name back whole, with the timeline and the audit" \
  "$(<"$tmp/eve.json")" "d['client']['name'] == 'Eve \u202eevil \"q\" \\\\ Jos\u00e9'
and any(e['kind'] == 'note' for e in d['timeline'])
and any(r['action'] == 'client.add' for r in d['audit']) and d['owner']['name'] == 'alice'"
run "" "$FOLIO" admin subject export "$eve" --out "$tmp/eve.json" --reason "request 7"
expect "an existing file is kept without --force" 2 "" "--force"
run "" "$FOLIO" --json admin audit --client "$eve" --action subject.export
json_check "the export is audited under the client, with the reason" "$OUT" "
len(d['records']) == 1 and 'request 7' in d['records'][0]['detail']"
run "" "$FOLIO" admin subject erase "$eve" --reason "request 7"
expect "then erased on the same request" 0

run "" "$FOLIOD" compact --data "$data"
expect "compact is refused while foliod serves the directory" 1 "" "process $server_pid"
run "" "$FOLIOD" serve --data "$data" --listen 127.0.0.1:0
expect "a second foliod on the same directory is refused, naming the holder" 1 "" \
  "another foliod, process $server_pid, serves"

run "" "$FOLIO" admin compact
expect "folio admin compact prints the offline steps" 0 "foliod compact --data"
run "" "$FOLIO" --json admin compact
json_check "folio admin compact says it is not online" "$OUT" "d['compact']['online'] is False"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" || fail "foliod exits 0 on SIGTERM" "exit $RC"
run "" "$FOLIOD" compact --data "$data"
expect "foliod compact on a stopped directory" 0 "compacted"
if grep -qa "$mark" "$data/data.mdb"; then
  fail "the erased client's bytes are gone from data.mdb" "$(grep -ac "$mark" "$data/data.mdb")"
else
  pass "the erased client's bytes are gone from data.mdb"
fi
[[ ! -e $data/data.mdb.compact ]] && pass "no copy is left beside data.mdb" ||
  fail "no copy is left beside data.mdb"

if start_server "$data" --hash-cost min; then
  export FOLIO_SERVER=127.0.0.1:$port
  pass "the compacted directory serves"
else
  fail "the compacted directory serves" "$(tail -5 "$tmp/foliod.log")"
fi
# A session goes only to the address that issued it: the new port needs a new login.
as alice
run "alice-password-1" "$FOLIO" login alice --password-stdin
expect "alice logs in on the new port" 0
run "" "$FOLIO" --json client add --name "After Compaction"
expect "writes go on after compaction" 0
run "" "$FOLIO" --json client list
json_check "the portfolio reads back" "$OUT" "[c['name'] for c in d['clients']] == ['After Compaction']"
stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 after the restart" || fail "foliod exits 0 after the restart" "exit $RC"

cli_summary
