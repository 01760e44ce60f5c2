#!/usr/bin/env bash
# reassign_cli_test.sh - folio admin reassign (preview, move, undo, who may)
# and folio watch end to end against foliod.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" reassign-cli-test

# names_of USER: the names in USER's `client list`, sorted, one JSON list.
names_of() {
  FOLIO_CONFIG=$tmp/cfg-$1 "$FOLIO" --json client list --limit 1000 2>/dev/null |
    "$PY" -c 'import json, sys; print(json.dumps(sorted(c["name"] for c in json.load(sys.stdin)["clients"]), ensure_ascii=False))'
}

# has_names NAME USER PYTHON-LIST: USER's clients are exactly these names.
has_names() {
  local got want
  got=$(names_of "$2")
  want=$("$PY" -c 'import json, sys; print(json.dumps(sorted(eval(sys.argv[1])), ensure_ascii=False))' "$3")
  [[ -n $got && $got == "$want" ]] && pass "$1" || fail "$1" "got $got" "want $want"
}

# wait_for FILE TEXT SECONDS: until FILE holds TEXT, at most SECONDS.
wait_for() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# wait_pid PID SECONDS: until PID exits (its status in RC), at most SECONDS;
# killed after that (RC 124).
wait_pid() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -KILL "$1"
    wait "$1"
    RC=124
    return 1
  fi
  wait "$1"
  RC=$?
}

# ---------------------------------------------------------------- usage errors, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
for args in "admin reassign --from alice" "admin reassign --to bob" "admin reassign undo" \
  "admin reassign undo x" "admin reassign undo 0" "watch --count 0" "watch --count x" \
  "watch --timeout x" "watch extra"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
run "" "$FOLIO" admin reassign --help
expect "admin reassign --help" 0 "--dry-run"
run "" "$FOLIO" watch --help
expect "watch --help" 0 "--timeout"

# ---------------------------------------------------------------- a firm: two offices

new_firm "Reassign Firm"
run "" "$FOLIO" admin office add North
run "" "$FOLIO" admin office add South
add_user olga office-admin North
add_user alice agent North
add_user bob agent North
add_user sam agent South

as alice
for name in "Ana Pérez" "Rosa Díaz" "Luis Ñahui"; do
  run "" "$FOLIO" --json client add --name "$name" --city Lima
  expect "alice adds $name" 0
done
ana=$(json_get "$("$FOLIO" --json client list)" "[c['id'] for c in d['clients'] if c['name'] == 'Ana Pérez'][0]")
as bob
run "" "$FOLIO" --json client add --name "Bob's Own" --city Cusco
expect "bob adds a client" 0

# ---------------------------------------------------------------- who may

as alice
run "" "$FOLIO" --json admin reassign --from alice --to bob
expect "an agent cannot reassign, even its own clients" 1
json_check "an agent's reassign is PERMISSION_DENIED" "$ERR" \
  'd["error"]["code"] == "PERMISSION_DENIED"'
run "" "$FOLIO" admin reassign --from alice --to bob --dry-run
expect "an agent cannot even preview (human)" 1 "" "PERMISSION_DENIED"
as olga
run "" "$FOLIO" --json admin reassign --from alice --to sam --dry-run
expect "an office-admin cannot reach into another office" 1
json_check "out of scope is PERMISSION_DENIED" "$ERR" 'd["error"]["code"] == "PERMISSION_DENIED"'
run "" "$FOLIO" --json admin reassign --from alice --to nobody --dry-run
expect "an unknown agent exits 1" 1
json_check "an unknown agent is NOT_FOUND, named" "$ERR" "
d['error']['code'] == 'NOT_FOUND' and 'nobody' in d['error']['message']"
has_names "the refusals moved nothing (alice)" alice "['Ana Pérez', 'Rosa Díaz', 'Luis Ñahui']"
has_names "the refusals moved nothing (bob)" bob "[\"Bob's Own\"]"

# ---------------------------------------------------------------- preview

as olga
run "" "$FOLIO" --json admin reassign --from alice --to bob --dry-run
expect "reassign --dry-run" 0
json_check "the preview gives the count and the names" "$OUT" "
d['reassignment']['dry_run'] is True and d['reassignment']['count'] == 3 and d['reassignment']['id'] is None and d['reassignment']['from'] == 'alice' and
d['reassignment']['to'] == 'bob' and sorted(x['name'] for x in d['reassignment']['clients']) == ['Ana Pérez', 'Luis Ñahui', 'Rosa Díaz']
"
run "" "$FOLIO" admin reassign --from alice --to bob --dry-run
expect "reassign --dry-run (human) names the clients" 0 "Luis Ñahui"
[[ $OUT == *3* && $OUT == *"Ana Pérez"* && $OUT == *"Rosa Díaz"* ]] &&
  pass "the human preview has the count and every name" ||
  fail "the human preview has the count and every name" "$OUT"
has_names "the preview moved nothing (alice)" alice "['Ana Pérez', 'Rosa Díaz', 'Luis Ñahui']"
has_names "the preview moved nothing (bob)" bob "[\"Bob's Own\"]"

# ---------------------------------------------------------------- watch, and the move

as bob
run "" "$FOLIO" --json watch --timeout 2
expect "a quiet watch ends at its timeout with exit 0" 0
ndjson_check "a quiet --json watch prints nothing" "$OUT" 'd == []'

# alice watches in JSON, bob for one notice in human form; the move happens
# once bob's watch says it is listening (alice's started first).
FOLIO_CONFIG=$tmp/cfg-alice "$FOLIO" --json watch --timeout 8 >"$tmp/watch-alice" 2>&1 &
watch_alice=$!
FOLIO_CONFIG=$tmp/cfg-bob "$FOLIO" watch --count 1 --timeout 10 >"$tmp/watch-bob" 2>&1 &
watch_bob=$!
if wait_for "$tmp/watch-bob" "watching" 10; then
  pass "folio watch says it is listening"
else
  fail "folio watch says it is listening" "$(cat "$tmp/watch-bob")"
fi
sleep 1

as olga
run "" "$FOLIO" --json admin reassign --from alice --to bob
expect "reassign" 0
json_check "the move answers with an id and the clients" "$OUT" "
d['reassignment']['dry_run'] is False and d['reassignment']['count'] == 3 and d['reassignment']['id'] > 0 and len(d['reassignment']['clients']) == 3 and
all(x['version'] == 2 for x in d['reassignment']['clients'])"
moved=$(json_get "$OUT" "d['reassignment']['id']")
has_names "the new owner's list has them" bob "[\"Bob's Own\", 'Ana Pérez', 'Rosa Díaz', 'Luis Ñahui']"
has_names "the old owner's list does not" alice "[]"

wait_pid "$watch_bob" 15
[[ $RC == 0 ]] && pass "watch --count 1 ends after one notice, exit 0" ||
  fail "watch --count 1 ends after one notice, exit 0" "exit $RC" "$(cat "$tmp/watch-bob")"
grep -q "reassigned_to" "$tmp/watch-bob" && grep -q "3 clients reassigned to you" "$tmp/watch-bob" &&
  pass "the receiving agent's watch prints reassigned_to" ||
  fail "the receiving agent's watch prints reassigned_to" "$(cat "$tmp/watch-bob")"
# NDJSON: each notice is written when it comes, not when the watch ends.
if wait_for "$tmp/watch-alice" "reassigned_from" 5 && kill -0 "$watch_alice" 2>/dev/null; then
  pass "--json watch writes a notice while it still watches"
else
  fail "--json watch writes a notice while it still watches" "$(cat "$tmp/watch-alice")"
fi
wait_pid "$watch_alice" 15
# Its stderr went to the same file: with --json there is none on exit 0.
schema_record "$RC" "$(<"$tmp/watch-alice")" "" "$FOLIO" --json watch --timeout 8
[[ $RC == 0 ]] && pass "watch --timeout ends at its timeout, exit 0" ||
  fail "watch --timeout ends at its timeout, exit 0" "exit $RC" "$(cat "$tmp/watch-alice")"
ndjson_check "--json watch prints the reassigned_from notice as one JSON line" \
  "$(cat "$tmp/watch-alice")" "
len(d) == 1 and d[0]['kind'] == 'reassigned_from' and d[0]['count'] == 3 and
d[0]['ref'] == '$moved' and '3 clients reassigned from you' in d[0]['message']"

as bob
run "" "$FOLIO" --json client history "$ana"
json_check "the timeline has the reassignment" "$OUT" "
d['events'][0]['kind'] == 'reassigned' and d['events'][0]['what'] == 'from alice to bob' and
d['events'][0]['actor'] == 'olga'"
as boss
run "" "$FOLIO" --json admin audit
json_check "one audit record for the move" "$OUT" "
[(a['actor'], a['target']) for a in d['records'] if a['action'] == 'client.reassign'] ==
[('olga', '$moved')]"

# ---------------------------------------------------------------- undo

as bob
run "" "$FOLIO" --json admin reassign undo "$moved"
expect "an agent cannot undo" 1
json_check "an agent's undo is PERMISSION_DENIED" "$ERR" 'd["error"]["code"] == "PERMISSION_DENIED"'
as olga
run "" "$FOLIO" admin reassign undo 999999
expect "undo of an unknown reassignment exits 1" 1 "" "NOT_FOUND"
run "" "$FOLIO" --json admin reassign undo "$moved"
expect "reassign undo" 0
has_names "undo: the clients are back with alice" alice "['Ana Pérez', 'Rosa Díaz', 'Luis Ñahui']"
has_names "undo: bob keeps only his own" bob "[\"Bob's Own\"]"
run "" "$FOLIO" --json admin reassign undo "$moved"
expect "a second undo exits 1" 1
json_check "a second undo is FAILED_PRECONDITION" "$ERR" 'd["error"]["code"] == "FAILED_PRECONDITION"'

# A chosen client only, then changed by its new owner: the undo refuses and
# moves nothing.
run "" "$FOLIO" --json admin reassign --from alice --to bob --client "$ana"
expect "reassign --client" 0
json_check "only the chosen client moves" "$OUT" "
d['reassignment']['count'] == 1 and [x['id'] for x in d['reassignment']['clients']] == ['$ana']"
again=$(json_get "$OUT" "d['reassignment']['id']")
has_names "reassign --client: bob has Ana" bob "[\"Bob's Own\", 'Ana Pérez']"
as bob
run "" "$FOLIO" client update "$ana" --city Cusco
expect "bob changes Ana" 0
as olga
run "" "$FOLIO" --json admin reassign undo "$again"
expect "undo after a change exits 1" 1
json_check "undo after a change is FAILED_PRECONDITION naming the client" "$ERR" "
d['error']['code'] == 'FAILED_PRECONDITION' and '$ana' in d['error']['message']"
has_names "the refused undo moved nothing" bob "[\"Bob's Own\", 'Ana Pérez']"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

cli_summary
