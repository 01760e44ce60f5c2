#!/usr/bin/env bash
# cli_test.sh - foliod and folio end to end, as a user runs them.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" cli-test

# ---------------------------------------------------------------- foliod alone

run "" "$FOLIOD" --version
expect "foliod --version" 0
[[ $OUT == "foliod 0.1.0" ]] && pass "foliod --version prints 'foliod 0.1.0'" ||
  fail "foliod --version prints 'foliod 0.1.0'" "got: $OUT"
for args in "--help" "init --help" "serve --help"; do
  # shellcheck disable=SC2086
  run "" "$FOLIOD" $args
  expect "foliod $args exits 0" 0
done
run "" "$FOLIOD"
expect "foliod without a command is a usage error" 2
run "" "$FOLIOD" frobnicate
expect "foliod with an unknown command is a usage error" 2
run "" "$FOLIOD" init
expect "foliod init without flags exits 2" 2
run "" "$FOLIOD" init --data "$tmp/never" --firm "X"
expect "foliod init without --admin exits 2" 2
run "" "$FOLIOD" init --data "$tmp/never" --admin boss
expect "foliod init without --firm exits 2" 2
run "" "$FOLIOD" init --firm X --admin boss
expect "foliod init without --data exits 2" 2
run "" "$FOLIOD" init --data "$tmp/never" --firm X --admin boss --bogus
expect "foliod init with an unknown flag exits 2" 2
[[ ! -e $tmp/never/data.mdb ]] && pass "refused init leaves no store" ||
  fail "refused init leaves no store"
run "" "$FOLIOD" serve --listen 127.0.0.1:0
expect "foliod serve without --data exits 2" 2

data=$tmp/data
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "CLI Firm" --admin boss --password-stdin
expect "foliod init with --password-stdin" 0
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$data/tls-cert.pem" 2>&1 | sed 's/^.*=//')
expected=$(printf '%s\n' "firm \"CLI Firm\" initialised in $data" "firm-admin: boss" \
  "TLS certificate: $data/tls-cert.pem" "TLS certificate fingerprint (SHA-256): $fp" \
  "log in with: folio login boss (check that it shows this fingerprint)")
[[ $OUT == "$expected" ]] && pass "foliod init prints the exact summary" ||
  fail "foliod init prints the exact summary" "got:" "$OUT" "expected:" "$expected"
mode=$(stat -c %a "$data" 2>/dev/null)
[[ $mode == 700 ]] && pass "data directory is mode 0700" || fail "data directory is mode 0700" "mode $mode"

run "another-password" "$FOLIOD" init --data "$data" --firm "Other" --admin eve --password-stdin
expect "second foliod init on the same directory exits 1" 1 "" \
  "already holds firm \"CLI Firm\"; refusing to initialise it again"

run "boss-password-1" "$FOLIOD" init --data "$tmp/nameless" --firm "" --admin boss --password-stdin
expect "foliod init --firm \"\" is a usage error naming the flag" 2 "" "--firm:"
[[ ! -e $tmp/nameless ]] && pass "a refused init leaves no directory" ||
  fail "a refused init leaves no directory"
run "short" "$FOLIOD" init --data "$tmp/short" --firm "Short" --admin boss --password-stdin
[[ $RC != 0 ]] && pass "foliod init refuses a password under 8 characters" ||
  fail "foliod init refuses a password under 8 characters"

gen=$tmp/generated
run "" "$FOLIOD" init --data "$gen" --firm "Gen Firm" --admin "gina"
expect "foliod init generates a password" 0 "password: "
generated=$(sed -n 's/^password: //p' <<<"$OUT")
[[ ${#generated} == 20 ]] && pass "generated password has 20 characters" ||
  fail "generated password has 20 characters" "got \"$generated\""
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$gen/tls-cert.pem" 2>&1 | sed 's/^.*=//')
expected=$(printf '%s\n' "firm \"Gen Firm\" initialised in $gen" "firm-admin: gina" \
  "TLS certificate: $gen/tls-cert.pem" "TLS certificate fingerprint (SHA-256): $fp" \
  "log in with: folio login gina (check that it shows this fingerprint)")
[[ $(sed 3d <<<"$OUT") == "$expected" ]] && pass "generated-password summary lines" ||
  fail "generated-password summary lines" "got:" "$OUT" "expected around the password:" "$expected"

mkdir -p "$tmp/empty"
run "" timeout 20 "$FOLIOD" serve --data "$tmp/empty" --listen 127.0.0.1:0
expect "serving a directory without a firm exits 1" 1 "" "no firm in $tmp/empty: run foliod init first"

# ---------------------------------------------------------------- a running server

run "" "$FOLIOD" serve --data "$gen" --max-hashes 0
expect "--max-hashes 0 is a usage error" 2 "" "--max-hashes wants 1 to 64, not 0"
# 64 checks at the moderate cost take 16 GiB: refused unless that is at most
# half the memory (then the flag passes and the empty directory is refused).
run "" "$FOLIOD" serve --data "$tmp/empty" --max-hashes 64 --hash-cost moderate
if (($(awk '/MemTotal/ {print $2}' /proc/meminfo) < 32 * 1024 * 1024)); then
  expect "--max-hashes beyond half the memory is refused" 2 "" "needs 16384 MiB for password checks"
else
  expect "--max-hashes within half the memory is accepted" 1 "" "no firm in $tmp/empty"
fi

if start_server "$gen" --max-hashes 2; then
  pass "foliod serve writes its port file"
else
  fail "foliod serve writes its port file" "$(tail -5 "$tmp/foliod.log")"
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi
export FOLIO_SERVER=127.0.0.1:$port
export FOLIO_CONFIG=$tmp/cfg-gina
run "$generated" "$FOLIO" login gina --password-stdin
expect "log in with the generated password" 0
stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" || fail "foliod exits 0 on SIGTERM" "exit $RC"

start_server "$data" || fail "foliod serve writes its port file (second firm)"
grep -q "password hashes: 2 at a time, 64 MiB each" "$tmp/foliod.log" &&
  pass "foliod logs how many password checks run at once" ||
  fail "foliod logs how many password checks run at once" "$(grep hashes "$tmp/foliod.log")"
grep -q "listening on 127.0.0.1:$port" "$tmp/foliod.log" && pass "foliod logs its port" ||
  fail "foliod logs its port" "$(tail -3 "$tmp/foliod.log")"
export FOLIO_SERVER=127.0.0.1:$port
boss_cfg=$tmp/cfg-boss
alice_cfg=$tmp/cfg-alice
export FOLIO_CONFIG=$boss_cfg

run "" "$FOLIO" whoami
expect "whoami before any login exits 3" 3
run "" "$FOLIO" --json whoami
expect "whoami --json before any login exits 3" 3
json_check "not-logged-in error is JSON on stderr" "$ERR" '"code" in d["error"] and d["error"]["message"]'

run "wrong-password" "$FOLIO" login boss --password-stdin
expect "login with a wrong password exits 1" 1
run "wrong-password" "$FOLIO" login boss --password-stdin --json
expect "login --json with a wrong password exits 1" 1
json_check "wrong password error names UNAUTHENTICATED" "$ERR" 'd["error"]["code"] == "UNAUTHENTICATED"'

run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "folio login --password-stdin" 0
session_files=$(find "$boss_cfg" -type f | wc -l)
bad_modes=$(find "$boss_cfg" -type f ! -perm 0600 | wc -l)
[[ $session_files -ge 1 && $bad_modes == 0 ]] && pass "session files are mode 0600" ||
  fail "session files are mode 0600" "$(ls -la "$boss_cfg")"
[[ -f $boss_cfg/session ]] && pass "session kept in \$FOLIO_CONFIG/session" ||
  fail "session kept in \$FOLIO_CONFIG/session" "$(ls -la "$boss_cfg")"
if grep -q "boss-password-1" -r "$boss_cfg"; then
  fail "the session file holds no password"
else
  pass "the session file holds no password"
fi

run "" "$FOLIO" whoami
expect "whoami" 0 "boss"
[[ $OUT == *firm-admin* ]] && pass "whoami shows the role" || fail "whoami shows the role" "$OUT"
run "" "$FOLIO" whoami --json
expect "whoami --json" 0
json_check "whoami --json is one JSON document" "$OUT" \
  'd["user"]["name"] == "boss" and d["user"]["role"] == "firm-admin" and is_time(d["expires_at"])'

run "" "$FOLIO" admin office add North
expect "admin office add" 0 "North"
run "" "$FOLIO" admin office add North
expect "admin office add of a duplicate exits 1" 1
run "" "$FOLIO" --json admin office add North
json_check "duplicate office error is ALREADY_EXISTS" "$ERR" 'd["error"]["code"] == "ALREADY_EXISTS"'
run "" "$FOLIO" admin office add South --json
expect "admin office add --json" 0
json_check "office add --json" "$OUT" 'd["office"]["name"] == "South" and d["office"]["id"] > 0'
run "" "$FOLIO" admin office list
expect "admin office list" 0 "North"
[[ $OUT == *South* ]] && pass "admin office list shows both" || fail "admin office list shows both" "$OUT"
run "" "$FOLIO" admin office list --json
json_check "admin office list --json" "$OUT" \
  'sorted(o["name"] for o in d["offices"]) == ["North", "South"]'

run "alice-password-1" "$FOLIO" admin user add alice --role agent --office North --password-stdin
expect "admin user add an agent" 0 "alice"
run "" "$FOLIO" admin user add carl --role agent --office North --json
expect "admin user add with a generated password" 0
json_check "generated password is shown once in --json" "$OUT" \
  'd["user"]["name"] == "carl" and len(d["password"]) == 20'
run "x" "$FOLIO" admin user add dora --role wizard --office North --password-stdin
expect "admin user add with an unknown role exits 2" 2
run "x" "$FOLIO" admin user add dora --office North --password-stdin
expect "admin user add without --role exits 2" 2
run "dora-password-1" "$FOLIO" admin user add dora --role agent --office Atlantis --password-stdin --json
expect "admin user add into an unknown office exits 1" 1
json_check "unknown office error is NOT_FOUND" "$ERR" 'd["error"]["code"] == "NOT_FOUND"'
run "" "$FOLIO" admin user list --json
json_check "admin user list --json in name order" "$OUT" \
  '[u["name"] for u in d["users"]] == ["alice", "boss", "carl"]'

export FOLIO_CONFIG=$alice_cfg
run "alice-password-1" "$FOLIO" login alice --password-stdin
expect "login as the agent" 0
run "" "$FOLIO" whoami --json
json_check "agent whoami --json" "$OUT" \
  'd["user"]["name"] == "alice" and d["user"]["role"] == "agent" and d["user"]["office"] == "North"'
run "eve-password-1" "$FOLIO" admin user add eve --role agent --office North --password-stdin --json
expect "agent refused admin user add exits 1" 1
[[ -z $OUT ]] && pass "refusal prints nothing on stdout" || fail "refusal prints nothing on stdout" "$OUT"
json_check "agent refusal is PERMISSION_DENIED in JSON on stderr" "$ERR" \
  'd == {"error": {"code": "PERMISSION_DENIED", "message": d["error"]["message"]}} and d["error"]["message"]'
run "" "$FOLIO" admin office list
expect "agent refused admin office list exits 1" 1
run "" "$FOLIO" admin audit
expect "agent refused admin audit exits 1" 1

export FOLIO_CONFIG=$boss_cfg
run "" "$FOLIO" admin audit --json --limit 1000
expect "admin audit" 0
json_check "audit shows the logins and changes" "$OUT" '
set((r["action"], r["actor"]) for r in d["records"]) >= {
  ("firm.init", "boss"), ("login", "boss"), ("login.failed", "boss"), ("office.add", "boss"),
  ("user.add", "boss"), ("login", "alice")}'
[[ $OUT != *boss-password-1* && $OUT != *alice-password-1* && $OUT != *wrong-password* ]] &&
  pass "audit output holds no password" || fail "audit output holds no password"
for args in "admin audit --jsonl" "admin audit --out $tmp/a.jsonl" "admin audit --force" \
  "admin audit --until 2026-13-01" "admin audit --since 2026-03-02 --until 2026-03-01" \
  "admin audit --jsonl --out $tmp/a.jsonl --limit 5"; do
  # shellcheck disable=SC2086
  run "" "$FOLIO" $args
  expect "usage error exits 2: folio $args" 2
done
run "" "$FOLIO" admin audit --jsonl --out "$tmp/audit.jsonl" --action login
expect "admin audit --jsonl writes the file" 0
lines=$(wc -l <"$tmp/audit.jsonl")
ndjson_check "admin audit --jsonl: only logins, one JSON object a line" "$(<"$tmp/audit.jsonl")" '
len(d) == '"$lines"' and len(d) >= 2 and all(r["action"] == "login" for r in d)'
run "" "$FOLIO" admin audit --jsonl --out "$tmp/audit.jsonl"
expect "admin audit --jsonl keeps an existing file without --force" 2
[[ $(wc -l <"$tmp/audit.jsonl") -eq $lines ]] && pass "the existing file is kept" ||
  fail "the existing file is kept"
run "" "$FOLIO" admin audit --jsonl --out "$tmp/audit.jsonl" --force
expect "admin audit --jsonl --force replaces it" 0
[[ $(wc -l <"$tmp/audit.jsonl") -gt $lines ]] && pass "--force wrote every action" ||
  fail "--force wrote every action"

# --server, unreachable servers and usage errors
run "" "$FOLIO" --server 127.0.0.1:1 whoami
expect "unreachable server exits 3" 3
run "" "$FOLIO" whoami --server 127.0.0.1:1 --json
expect "unreachable server --json exits 3" 3
json_check "unreachable server error is JSON" "$ERR" '"code" in d["error"]'
run "" "$FOLIO" --server nonsense:http whoami
expect "malformed --server exits 2" 2
run "" "$FOLIO" whoami --bogus
expect "unknown flag exits 2" 2
run "" "$FOLIO" --bogus whoami
expect "unknown global flag exits 2" 2
run "" "$FOLIO" frobnicate
expect "unknown command exits 2" 2
run "" "$FOLIO" frobnicate
[[ $ERR != *"did you mean"* ]] && pass "nothing close: no suggestion" ||
  fail "nothing close: no suggestion" "$ERR"
run "" "$FOLIO" clinet list
expect "a mistyped command: did you mean" 2 "" 'did you mean "client"?'
run "" "$FOLIO" admin usr add
expect "a mistyped subcommand: did you mean, in its group" 2 "" 'did you mean "admin user"?'
run "" "$FOLIO" client list --limt 3
expect "a mistyped flag: did you mean" 2 "" "did you mean --limit?"
run "" "$FOLIO" --sever 127.0.0.1:1 whoami
expect "a mistyped global flag: did you mean" 2 "" "did you mean --server?"
run "" "$FOLIO" -j clinet list
json_check "-j is --json" "$ERR" 'd["error"]["code"] == "USAGE"'
run "" "$FOLIO" -s 127.0.0.1:1 whoami
expect "-s is --server" 3 "" "127.0.0.1:1"
run "" "$FOLIO" whoami -n 3
expect "-n on a command without --limit names both spellings" 2 "" "-n (--limit) is not a flag"
run "" "$FOLIO" client list --help
expect "help shows the short spelling" 0 "-n, --limit N"
run "" "$FOLIO" --json --version
json_check "--version --json is one JSON document" "$OUT" 'd["version"] != ""'
run "" "$FOLIO" --json --help
json_check "--help --json lists every command and the global flags" "$OUT" \
  'any(c["command"] == "admin user add" for c in d["commands"]) and
   any(f["name"] == "--json" and f["short"] == "-j" for f in d["global_flags"])'
run "" "$FOLIO" -j client list --help
json_check "a command's --help --json has its flags" "$OUT" \
  'd["command"] == "client list" and any(f["name"] == "--limit" and f["value"] == "N" for f in d["flags"])'
run "" "$FOLIO" --json clinet list
json_check "a mistyped command in JSON: code USAGE, with the suggestion" "$ERR" \
  'd["error"]["code"] == "USAGE" and "did you mean" in d["error"]["message"]'
run "" "$FOLIO" admin office add
expect "missing argument exits 2" 2
run "" "$FOLIO" --help
expect "folio --help" 0 "admin user add"
run "" "$FOLIO" admin user add --help
expect "folio admin user add --help" 0 "--role"
[[ $OUT == *--office* && $OUT == *--password-stdin* ]] && pass "command help lists every flag" ||
  fail "command help lists every flag" "$OUT"

# The session remembers its server.
run "" env -u FOLIO_SERVER "$FOLIO" whoami
expect "the session remembers its server" 0 "boss"

# passwd, logout
run $'boss-password-1\nboss-password-2' "$FOLIO" passwd --password-stdin
expect "passwd --password-stdin" 0
run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "the old password no longer works" 1
run "boss-password-2" "$FOLIO" login boss --password-stdin
expect "the new password works" 0
run "" "$FOLIO" logout
expect "logout" 0
run "" "$FOLIO" whoami
expect "whoami after logout exits 3" 3

# A session ended by the server (the agent's, by disabling it) also exits 3.
run "boss-password-2" "$FOLIO" login boss --password-stdin
run "" "$FOLIO" admin user unlock alice
expect "admin user unlock" 0 "alice may log in again"
run "" "$FOLIO" admin user unlock nobody-at-all
expect "admin user unlock of a name nobody has" 1 "" "no user named nobody-at-all"
run "" "$FOLIO" admin user disable alice
expect "admin user disable" 0
export FOLIO_CONFIG=$alice_cfg
run "" "$FOLIO" whoami
expect "a disabled user's session exits 3" 3

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM after the session" ||
  fail "foliod exits 0 on SIGTERM after the session" "exit $RC" "$(tail -5 "$tmp/foliod.log")"
if grep -q -e boss-password -e alice-password -e wrong-password "$tmp/foliod.log"; then
  fail "the server log holds no password"
else
  pass "the server log holds no password"
fi

cli_summary
