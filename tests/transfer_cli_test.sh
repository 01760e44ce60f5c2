#!/usr/bin/env bash
# transfer_cli_test.sh - folio export, bundle verify, admin trust and folio
# import end to end between two firms, each with its own foliod and data
# directory.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" transfer-cli-test

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
run "" "$FOLIO" export
expect "export without --out is a usage error" 2
run "" "$FOLIO" export --out "$tmp/x" --format pdf
expect "export with an unknown format is a usage error" 2
run "" "$FOLIO" import
expect "import without a file is a usage error" 2
run "" "$FOLIO" import "$tmp/missing.bundle"
expect "import of a missing file fails" 4 "" "missing.bundle"

# ---------------------------------------------------------------- two firms

pid_a=
stop_a() {
  if [[ -n $pid_a ]] && kill -0 "$pid_a" 2>/dev/null; then
    kill -KILL "$pid_a" 2>/dev/null
    wait "$pid_a" 2>/dev/null
  fi
  cleanup
}
trap stop_a EXIT

for firm in a b; do
  run "boss-password-1" "$FOLIOD" init --data "$tmp/data-$firm" --firm "Firm ${firm^^}" \
    --admin boss --password-stdin --hash-cost min
  expect "foliod init firm $firm" 0
  if ! start_server "$tmp/data-$firm" --hash-cost min; then
    fail "foliod serve firm $firm" "$(tail -5 "$tmp/foliod.log")"
    cli_summary
    exit 1
  fi
  declare "port_$firm=$port"
  [[ $firm == a ]] && pid_a=$server_pid
done
A=127.0.0.1:$port_a
B=127.0.0.1:$port_b

for firm in a b; do
  server=$A
  [[ $firm == b ]] && server=$B
  as "boss-$firm" "$server"
  run "boss-password-1" "$FOLIO" login boss --password-stdin
  expect "boss of firm $firm logs in" 0
  run "" "$FOLIO" admin office add Main
  run "agent-password-1" "$FOLIO" admin user add "agent$firm" --role agent --office Main \
    --password-stdin
  expect "add an agent at firm $firm" 0
  as "agent-$firm" "$server"
  run "agent-password-1" "$FOLIO" login "agent$firm" --password-stdin
  expect "the agent of firm $firm logs in" 0
done

as agent-a "$A"
run "" "$FOLIO" --json client add --name "Zoë O'Brien, \"Zo\"" --city Lima
expect "agenta adds a client" 0
id=$(json_get "$OUT" "d['client']['id']")
run "" "$FOLIO" client add --name Noel
expect "agenta adds another client" 0

run "" "$FOLIO" export --out "$tmp/a.bundle"
expect "export (human)" 0 "clients"
[[ -f $tmp/a.bundle && ! -e $tmp/a.bundle.part ]] && pass "the bundle is in place, no .part left" ||
  fail "the bundle is in place, no .part left"
run "" "$FOLIO" --json export --out "$tmp/a2.bundle"
expect "export (json)" 0
json_check "export json counts" "$OUT" "d['export']['clients'] == 2 and d['export']['size'] > 0 \
  and d['export']['format'] == 'bundle' and d['export']['header']['agent'] == 'agenta'"

run "" "$FOLIO" bundle verify "$tmp/a.bundle"
expect "bundle verify accepts the export" 0

# ---------------------------------------------------------------- import at firm B

as agent-b "$B"
run "" "$FOLIO" import "$tmp/a.bundle"
expect "import from an untrusted firm is refused" 1 "" "--allow-untrusted"
run "" "$FOLIO" --json client list
json_check "nothing imported yet" "$OUT" "len(d['clients']) == 0"

as boss-a "$A"
run "" "$FOLIO" --json admin firm-key
expect "firm A's key" 0
key_a=$(json_get "$OUT" "d.get('firm_key', d).get('public_key')")
as boss-b "$B"
run "" "$FOLIO" admin trust add "Firm A" "$key_a"
expect "firm B trusts firm A" 0

as agent-b "$B"
run "" "$FOLIO" --json import "$tmp/a.bundle" --dry-run
expect "dry run" 0
json_check "dry run counts, changes nothing" "$OUT" \
  "d['import']['dry_run'] and d['import']['clients_added'] == 2"
run "" "$FOLIO" --json client list
json_check "the dry run left nothing" "$OUT" "len(d['clients']) == 0"
run "" "$FOLIO" import "$tmp/a.bundle" --dry-run --progress-json
expect "import --progress-json" 0
ndjson_check "--progress-json: upload progress lines, then the answer" "$OUT" "
len(d) >= 2 and all(x['progress']['phase'] == 'uploading' for x in d[:-1]) and
d[-2]['progress']['done'] == d[-2]['progress']['total'] > 0 and
d[-1]['import']['dry_run'] is True and d[-1]['import']['clients_added'] == 2"

run "" "$FOLIO" import "$tmp/a.bundle"
expect "import (human)" 0 "Firm A"
run "" "$FOLIO" --json client show "$id"
expect "the client is at firm B" 0
json_check "with its fields" "$OUT" "c['name'] == 'Zoë O\\'Brien, \"Zo\"' and c['city'] == 'Lima'"

run "" "$FOLIO" --json import "$tmp/a.bundle"
expect "re-import (json)" 0
json_check "re-import changes nothing" "$OUT" \
  "d['import']['clients_added'] == 0 and d['import']['clients_unchanged'] == 2"

# ---------------------------------------------------------------- damaged bundles

cp "$tmp/a.bundle" "$tmp/cut.bundle"
truncate -s -10 "$tmp/cut.bundle"
run "" "$FOLIO" import "$tmp/cut.bundle"
expect "a cut bundle is refused with the reason" 4 "" "bundle:"
"$PY" -c '
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 1
open(p, "wb").write(b)' "$tmp/a2.bundle"
run "" "$FOLIO" --json import "$tmp/a2.bundle"
expect "a flipped byte is refused" 4 "" "bundle:"

# ---------------------------------------------------------------- firm-admin decisions

run "" "$FOLIO" import "$tmp/a.bundle" --allow-untrusted
expect "an agent may not --allow-untrusted" 1 "" "only a firm-admin"

# An erased client stays erased when the old bundle comes again, unless the
# firm-admin says otherwise.
run "" "$FOLIO" client erase "$id"
expect "agentb erases the imported client" 0
run "" "$FOLIO" --json import "$tmp/a.bundle"
expect "re-import after the erasure" 0
json_check "the erased client is skipped and counted" "$OUT" \
  "d['import']['clients_skipped_erased'] == 1 and d['import']['clients_unerased'] == 0 \
   and d['import']['clients_unchanged'] == 1"
run "" "$FOLIO" client show "$id"
expect "the erased client did not come back" 1
run "" "$FOLIO" import "$tmp/a.bundle"
expect "the CLI says why a client was skipped, on stderr" 0 "" "--allow-erased"
run "" "$FOLIO" import "$tmp/a.bundle" --allow-erased
expect "an agent may not --allow-erased" 1 "" "only a firm-admin"
as boss-b "$B"
run "" "$FOLIO" --json import "$tmp/a.bundle" --agent agentb --allow-erased
expect "the firm-admin brings it back" 0
json_check "counted as brought back" "$OUT" "d['import']['clients_unerased'] == 1"
run "" "$FOLIO" --json admin audit
json_check "the decision is audited" "$OUT" \
  "any('--allow-erased' in r['detail'] for r in d['records'])"
as agent-b "$B"
run "" "$FOLIO" client show "$id"
expect "the client is back" 0

# An admin exporting an agent's whole book says why.
as boss-a "$A"
run "" "$FOLIO" export --out "$tmp/boss.bundle" --agent agenta
expect "an admin export of a whole book needs --reason" 2 "" "--reason"
run "" "$FOLIO" export --out "$tmp/boss.bundle" --agent agenta --reason "agent leaves the firm"
expect "with --reason it goes" 0
run "" "$FOLIO" --json admin audit
json_check "the reason is audited" "$OUT" \
  "any('reason: agent leaves the firm' in r['detail'] for r in d['records'])"

# ---------------------------------------------------------------- release

as agent-a "$A"
run "" "$FOLIO" export --out "$tmp/rel.bundle" --release
expect "export --release" 0
run "" "$FOLIO" client show "$id"
expect "a released client is gone for its agent" 1
run "" "$FOLIO" --json client list
json_check "released clients are not listed" "$OUT" "len(d['clients']) == 0"
as boss-a "$A"
run "" "$FOLIO" --json admin restore-transferred agenta
expect "admin restore-transferred" 0
json_check "restore-transferred counts the clients it brought back" "$OUT" "d['restore']['count'] >= 1 and d['restore']['agent'] == 'agenta'"
as agent-a "$A"
run "" "$FOLIO" --json client show "$id"
expect "a restored client is back for its agent" 0

stop_server
expect "firm B's foliod stops cleanly" 0
server_pid=$pid_a
pid_a=
stop_server
expect "firm A's foliod stops cleanly" 0
cli_summary
