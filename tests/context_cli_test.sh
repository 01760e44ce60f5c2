#!/usr/bin/env bash
# context_cli_test.sh - named contexts: an agent working for two firms logs
# in to each in its own context, switches with folio context use, and no
# token ever reaches the other firm's server (nor a fake one that records
# every byte it gets). Logging in again in a context ends the old session on
# the server; context remove does too. A changed certificate is refused with
# both fingerprints and the advice to reset the pin, never a command that
# trusts the new one. A server named without a port gets 7070. Bad context
# names, a damaged current-context file, modes 0600.
#
# Pins are used throughout (no FOLIO_CA), as an agent would. Needs FOLIOD and
# FOLIO (ctest sets them) and openssl. Everything listens on 127.0.0.1;
# prints "N passed, N failed" and exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" context-cli-test

FAKE_SERVER=$(dirname "$0")/fake_server.py
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; cleanup' EXIT

fingerprint() {
  openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | sed 's/^.*=//'
}

check() {
  local name=$1 status=$2
  shift 2
  ((status == 0)) && pass "$name" || fail "$name" "$@"
}

# firm NAME ADMIN: a firm in $tmp/data-ADMIN served on an ephemeral port; sets
# srv and fp (its address and certificate fingerprint). Ends the script when
# foliod does not start.
firm() {
  local data=$tmp/data-$2
  run "$2-password-1" "$FOLIOD" init --data "$data" --firm "$1" --admin "$2" --password-stdin \
    --hash-cost min
  expect "foliod init $1" 0
  if ! start_server "$data" --hash-cost min; then
    fail "foliod serves $1" "$(tail -5 "$tmp/foliod.log")"
    cli_summary
    exit 1
  fi
  pids+=("$server_pid")
  srv=127.0.0.1:$port
  fp=$(fingerprint "$data/tls-cert.pem")
}

# token CONTEXT: the token stored for CONTEXT.
token() {
  local file=$FOLIO_CONFIG/session
  [[ $1 == default ]] || file=$FOLIO_CONFIG/session.$1
  sed -n 's/^token=//p' "$file"
}

# stale NAME SERVER USER TOKEN CERT: a context file holding a copied token.
stale() {
  printf 'server=%s\nuser=%s\ntoken=%s\ncert=%s\n' "$2" "$3" "$4" "$5" >"$FOLIO_CONFIG/session.$1"
  chmod 600 "$FOLIO_CONFIG/session.$1"
}

firm "Firm Anna" anna
srv_a=$srv fp_a=$fp pid_a=$server_pid
firm "Firm Bert" bert
srv_b=$srv fp_b=$fp pid_b=$server_pid
server_pid= # both are stopped by this script's trap, or by it
unset FOLIO_CA FOLIO_SERVER FOLIO_CONTEXT
export FOLIO_CONFIG=$tmp/cfg-agent

# ---------------------------------------------------------------- two firms, two contexts

run "anna-password-1" "$FOLIO" login anna --context firm-a --server "$srv_a" \
  --trust-fingerprint "$fp_a" --password-stdin
expect "login in context firm-a" 0 "(context firm-a)"
run "bert-password-1" "$FOLIO" --context=firm-b --server "$srv_b" login bert \
  --trust-fingerprint "$fp_b" --password-stdin
expect "login in context firm-b (--context before the command)" 0 "(context firm-b)"
modes=$(stat -c %a "$FOLIO_CONFIG/session.firm-a" "$FOLIO_CONFIG/session.firm-b" | tr '\n' ' ')
[[ $modes == "600 600 " ]] && pass "context files are mode 0600" ||
  fail "context files are mode 0600" "$modes"
token_a=$(token firm-a)
token_b=$(token firm-b)
[[ ${#token_a} -ge 32 && ${#token_b} -ge 32 && $token_a != "$token_b" ]] &&
  pass "each context holds its own token" || fail "each context holds its own token"

run "" "$FOLIO" whoami
expect "the default context is not logged in" 3 "" "not logged in"
run "" "$FOLIO" context list
expect "context list" 0 "firm-a"
[[ $OUT == *CONTEXT*SERVER*USER*CURRENT* && $OUT == *"firm-b"*"$srv_b"*bert* &&
  $OUT == *"firm-a"*"$srv_a"*anna* ]] &&
  pass "... a table of name, server, user, current" || fail "... a table of name, server, user, current" "$OUT"
run "" "$FOLIO" context list --json
json_check "context list --json" "$OUT" '
  [(c["name"], c["server"], c["user"], c["current"], c["logged_in"]) for c in d["contexts"]] == [
    ("default", "", "", True, False),
    ("firm-a", "'"$srv_a"'", "anna", False, True),
    ("firm-b", "'"$srv_b"'", "bert", False, True)]
  or [(c["name"], c["current"]) for c in d["contexts"]] == [
    ("firm-a", False), ("firm-b", False), ("default", True)]'

run "" "$FOLIO" context use firm-a
expect "context use firm-a" 0 "firm-a"
[[ $(cat "$FOLIO_CONFIG/current-context") == firm-a && $(stat -c %a "$FOLIO_CONFIG/current-context") == 600 ]] &&
  pass "... recorded in current-context, mode 0600" || fail "... recorded in current-context, mode 0600"
run "" "$FOLIO" whoami
expect "whoami answers for firm A" 0 "firm Firm Anna at $srv_a (context firm-a)"
[[ $OUT == *anna* && $OUT != *bert* ]] && pass "... as anna" || fail "... as anna" "$OUT"
run "" "$FOLIO" context use firm-b
expect "context use firm-b" 0
run "" "$FOLIO" whoami --json
json_check "whoami answers for firm B" "$OUT" \
  'd["context"] == "firm-b" and d["firm"] == "Firm Bert" and d["server"] == "'"$srv_b"'" and d["user"]["name"] == "bert"'
run "" "$FOLIO" --context firm-a whoami
expect "--context overrides the current context" 0 "Firm Anna"
run "" env FOLIO_CONTEXT=firm-a "$FOLIO" whoami
expect "FOLIO_CONTEXT overrides the current context" 0 "Firm Anna"
run "" env FOLIO_CONTEXT=firm-a "$FOLIO" --context firm-b whoami
expect "--context overrides FOLIO_CONTEXT" 0 "Firm Bert"
run "" "$FOLIO" context list --json
json_check "context list marks the current one" "$OUT" \
  '[c["name"] for c in d["contexts"] if c["current"]] == ["firm-b"]'

# ---------------------------------------------------------------- no token to the wrong firm

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=fake \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/fake-key.pem" -out "$tmp/fake-cert.pem" \
  >/dev/null 2>&1 || fail "openssl makes the fake server's certificate"
rm -f "$tmp/fake.port"
"$PY" "$FAKE_SERVER" --port-file "$tmp/fake.port" --capture "$tmp/fake.capture" \
  --cert "$tmp/fake-cert.pem" --key "$tmp/fake-key.pem" 2>>"$tmp/fake.log" &
pids+=($!)
for ((i = 0; i < 200; i++)); do
  [[ -s $tmp/fake.port ]] && break
  sleep 0.05
done
fake=127.0.0.1:$(cat "$tmp/fake.port" 2>/dev/null)
touch "$tmp/fake.capture"

# not_sent NAME: neither firm's token ever reached the fake server.
not_sent() {
  if grep -qaF -e "$token_a" -e "$token_b" "$tmp/fake.capture"; then
    fail "$1" "a token reached the fake server"
  else
    pass "$1"
  fi
}

run "" "$FOLIO" --context firm-a --server "$srv_b" whoami
expect "context firm-a with --server naming firm B is refused" 3 "" \
  "not logged in to $srv_b: your session is for $srv_a"
[[ $ERR == *"Nothing was sent"* && $ERR == *"context firm-a"* ]] &&
  pass "... saying nothing was sent, naming the context" || fail "... saying nothing was sent, naming the context" "$ERR"
run "" env FOLIO_SERVER="$srv_a" "$FOLIO" whoami
expect "context firm-b with FOLIO_SERVER naming firm A is refused" 3 "" "your session is for $srv_b"
run "" "$FOLIO" --context firm-a --server "$fake" --ca "$tmp/fake-cert.pem" whoami
expect "--server naming a server the CA file trusts is refused too" 3 "" "your session is for $srv_a"
not_sent "... and no token reached it"
# A context file pointed at another server keeps the certificate its token
# was issued over: the token is not sent to a server presenting another.
cp "$FOLIO_CONFIG/session.firm-a" "$tmp/firm-a.saved"
stale moved "$fake" anna "$token_a" "$fp_a"
run "" "$FOLIO" --context moved --ca "$tmp/fake-cert.pem" whoami
expect "a context moved to another server presenting another certificate is refused" 3 "" \
  "the session was not sent"
[[ $ERR == *"$fp_a"* ]] && pass "... naming the certificate it was issued over" ||
  fail "... naming the certificate it was issued over" "$ERR"
not_sent "... and no token reached the fake server"
stale moved "$srv_b" anna "$token_a" "$fp_a"
run "" "$FOLIO" --context moved whoami
expect "a context moved to firm B's address is refused (firm B's pin is not the token's)" 3 "" \
  "the session was not sent"
run "" "$FOLIO" --context moved context remove moved
expect "... and removing it does not send the token to firm B either" 0 "" "could not end the session"
[[ ! -e $FOLIO_CONFIG/session.moved ]] && pass "... but forgets it" || fail "... but forgets it"
run "" "$FOLIO" --context firm-a whoami
expect "firm A's session is still valid after all that" 0 "anna"
not_sent "no token ever reached the fake server"

# ---------------------------------------------------------------- logging in again ends the old session

old_a=$(token firm-a)
run "anna-password-1" "$FOLIO" --context firm-a login anna --password-stdin --json
expect "logging in again in context firm-a (its server remembered)" 0
json_check "... says the previous session was ended" "$OUT" \
  'd["context"] == "firm-a" and d["previous_session"] == "ended"'
new_a=$(token firm-a)
[[ -n $new_a && $new_a != "$old_a" ]] && pass "... with a new token" || fail "... with a new token"
stale old-a "$srv_a" anna "$old_a" "$fp_a"
run "" "$FOLIO" --context old-a whoami
expect "the old token is refused by the server" 3 "" "has ended"
run "" "$FOLIO" --context firm-a whoami
expect "the new one works" 0 "anna"
run "" "$FOLIO" context remove old-a
expect "context remove of a context whose session had ended" 0 "removed context old-a"

# context remove ends the session on the server, then forgets the context.
cp "$FOLIO_CONFIG/session.firm-a" "$FOLIO_CONFIG/session.copy-a"
run "" "$FOLIO" context remove copy-a --json
json_check "context remove ends the session" "$OUT" 'd["context"] == "copy-a" and d["session"] == "ended"'
[[ ! -e $FOLIO_CONFIG/session.copy-a ]] && pass "... and forgets the context" ||
  fail "... and forgets the context"
run "" "$FOLIO" --context firm-a whoami
expect "... so the same token in context firm-a is refused now" 3 "" "has ended"
run "anna-password-1" "$FOLIO" --context firm-a login anna --password-stdin
expect "logging in again after the session ended" 0
[[ $ERR != *"could not end"* ]] && pass "... without complaint about the ended one" ||
  fail "... without complaint about the ended one" "$ERR"
token_a=$(token firm-a)

# logout keeps the context, logged out, with its server and user.
run "" "$FOLIO" --context firm-b logout
expect "logout in context firm-b" 0 "logged out (context firm-b)"
run "" "$FOLIO" whoami
expect "whoami in a logged-out context" 3 "" "not logged in (context firm-b, bert at $srv_b)"
run "" "$FOLIO" context list --json
json_check "... which stays listed, logged out" "$OUT" \
  '[(c["server"], c["user"], c["logged_in"]) for c in d["contexts"] if c["name"] == "firm-b"] == [("'"$srv_b"'", "bert", False)]'
run "bert-password-1" "$FOLIO" login bert --password-stdin
expect "login in the current context goes to its server" 0 "Firm Bert"
token_b=$(token firm-b)

# Firm B gone: logging in again in its context, to firm A this time, says the
# old session could not be ended and goes on.
kill -TERM "$pid_b"
wait "$pid_b" 2>/dev/null
run "anna-password-1" "$FOLIO" login anna --server "$srv_a" --password-stdin
expect "logging in again while the old server is down works" 0 "Firm Anna"
[[ $ERR == *"could not end the previous session of bert at $srv_b (context firm-b)"* ]] &&
  pass "... saying on stderr that the old session could not be ended" ||
  fail "... saying on stderr that the old session could not be ended" "$ERR"

# ---------------------------------------------------------------- a changed certificate

run "" "$FOLIO" context use firm-a
pins() { grep -v -e '^#' -e '^$' "$FOLIO_CONFIG/known-servers"; }
# As if firm A's certificate were replaced: the pin is now another one.
sed -i "s|^$srv_a .*|$srv_a $fp_b|" "$FOLIO_CONFIG/known-servers"
run "" "$FOLIO" whoami
expect "a changed certificate is refused" 3 "" "WARNING"
[[ $ERR == *"$fp_a"* && $ERR == *"$fp_b"* ]] && pass "... naming both fingerprints" ||
  fail "... naming both fingerprints" "$ERR"
[[ $ERR == *"context trust --reset"* && $ERR == *"over a channel you trust"* ]] &&
  pass "... advising to verify it, then folio context trust --reset" ||
  fail "... advising to verify it, then folio context trust --reset" "$ERR"
[[ $ERR != *--trust-fingerprint* ]] && pass "... with no --trust-fingerprint command to paste" ||
  fail "... with no --trust-fingerprint command to paste" "$ERR"
run "anna-password-1" "$FOLIO" login anna --password-stdin
expect "login is refused too" 3 "" "WARNING"
[[ $ERR != *--trust-fingerprint* ]] && pass "... also with no command to paste" ||
  fail "... also with no command to paste" "$ERR"
run "" "$FOLIO" context trust --json
json_check "context trust shows the pin of the context's server" "$OUT" \
  'd["trust"]["server"] == "'"$srv_a"'" and d["trust"]["fingerprint"] == "'"$fp_b"'"'
run "" "$FOLIO" context trust --reset
expect "context trust --reset" 0 "forgot the certificate trusted for $srv_a"
[[ $(pins) != *"$srv_a"* && $(pins) == *"$srv_b $fp_b"* ]] &&
  pass "... forgets that server's pin only" || fail "... forgets that server's pin only" "$(pins)"
run "" "$FOLIO" whoami
expect "without a pin, commands want a login" 3 "" "no trusted certificate for $srv_a"
run "anna-password-1" "$FOLIO" login anna --password-stdin
expect "a login off a terminal shows the certificate and wants --trust-fingerprint" 3 "" "$fp_a"
[[ $ERR != *"--trust-fingerprint $fp_a"* ]] && pass "... never filled in" ||
  fail "... never filled in" "$ERR"
run "anna-password-1" "$FOLIO" login anna --password-stdin --trust-fingerprint "$fp_a"
expect "login trusting the fingerprint the admin read out" 0
run "" "$FOLIO" whoami
expect "... and whoami" 0 "anna"

# ---------------------------------------------------------------- server addresses

run "" "$FOLIO" --server 127.0.0.1 whoami
expect "--server HOST means port 7070" 3 "" "not logged in to 127.0.0.1:7070: your session is for"
run "" env FOLIO_SERVER=localhost "$FOLIO" whoami
expect "FOLIO_SERVER=HOST too" 3 "" "not logged in to localhost:7070:"
run "" "$FOLIO" --server '[::1]' whoami
expect "--server [::1] means [::1]:7070" 3 "" "not logged in to [::1]:7070:"
run "" "$FOLIO" --server ::1 whoami
expect "an IPv6 address without brackets is a usage error" 2 "" "[IPV6]:PORT"
run "" "$FOLIO" --server 127.0.0.1:99999 whoami
expect "a port out of range is a usage error" 2 "" "--server"
run "anna-password-1" "$FOLIO" --context by-name --server "localhost:${srv_a##*:}" login anna \
  --password-stdin --trust-fingerprint "$fp_a"
expect "a host name works where an address does" 0 "Firm Anna"
run "" "$FOLIO" --context by-name whoami
expect "... and its context answers" 0 "firm Firm Anna at localhost:${srv_a##*:}"

# ---------------------------------------------------------------- names and files

run "" "$FOLIO" --context ../etc whoami
expect "a context name with a slash is refused" 2 "" "--context wants a context name"
run "" env FOLIO_CONTEXT=.hidden "$FOLIO" whoami
expect "a name from FOLIO_CONTEXT is checked too" 2 "" "FOLIO_CONTEXT wants a context name"
run "" "$FOLIO" --context "$(printf 'x%.0s' {1..65})" whoami
expect "a name longer than 64 is refused" 2
run "" "$FOLIO" context use nosuch
expect "context use of a context that does not exist" 2 "" "no context nosuch"
run "" "$FOLIO" --context nosuch whoami
expect "--context naming no context" 3 "" "no context nosuch"
run "" "$FOLIO" context remove nosuch
expect "context remove of a context that does not exist" 2 "" "no context nosuch"
printf 'x/../y\n' >"$FOLIO_CONFIG/current-context"
run "" "$FOLIO" whoami
expect "a damaged current-context file is a local problem" 4 "" "current-context"
head -c 100000 /dev/zero | tr '\0' a >"$FOLIO_CONFIG/current-context"
run "" "$FOLIO" whoami
expect "... and so is a huge one" 4
run "" "$FOLIO" context use firm-a
expect "context use repairs it" 0
{
  printf 'server=%s\nuser=anna\ntoken=' "$srv_a"
  head -c 5000 /dev/zero | tr '\0' t
} >"$FOLIO_CONFIG/session.huge"
run "" "$FOLIO" --context huge whoami
expect "a context file with an overlong value is refused" 3
run "" "$FOLIO" context list
expect "context list goes on past it" 0 "firm-a" "huge"

# The default context is the one file older folios kept: "session".
cp "$FOLIO_CONFIG/session.firm-a" "$FOLIO_CONFIG/session"
run "" "$FOLIO" --context default whoami
expect "the default context reads the file \"session\" in place" 0 "anna"
run "" "$FOLIO" context remove firm-a
expect "removing the current context" 0
[[ ! -e $FOLIO_CONFIG/current-context ]] && pass "... makes default the current one again" ||
  fail "... makes default the current one again" "$(cat "$FOLIO_CONFIG/current-context")"
run "" "$FOLIO" whoami
expect "... whose copy of the token was ended by that remove" 3 "" "has ended"

kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null
cli_summary
