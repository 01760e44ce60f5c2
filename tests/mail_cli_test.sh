#!/usr/bin/env bash
# mail_cli_test.sh - e-mail end to end from the command line: foliod serve's
# --smtp-* refusals (a URL of another scheme, no --smtp-from, a credentials
# file others may read), then folio offer send, outbox list and client
# update --withdraw-consent against a relay on loopback that never answers,
# so that what is queued stays queued until cancelled; foliod still stops at
# once.
. "$(dirname "$0")/cli_lib.sh" mail-cli-test

# ---------------------------------------------------------------- refusals

data=$tmp/refusals
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Mail Refusals" --admin boss \
  --password-stdin --hash-cost min
expect "foliod init" 0
serve() {
  run "" timeout 20 "$FOLIOD" serve --data "$data" --listen 127.0.0.1:0 --hash-cost min "$@"
}
serve --smtp-url ftp://127.0.0.1:25 --smtp-from offers@example.test
expect "--smtp-url of another scheme is refused" 1 "" "--smtp-url wants smtp://HOST:PORT"
serve --smtp-url smtp://127.0.0.1:25
expect "--smtp-url without --smtp-from is refused" 1 "" "--smtp-from"
printf 'relay-user:relay-secret\n' >"$tmp/credentials"
chmod 0644 "$tmp/credentials"
serve --smtp-url smtp://127.0.0.1:25 --smtp-from offers@example.test \
  --smtp-credentials "$tmp/credentials"
expect "a credentials file others may read is refused" 1 "" "mode 0600"
[[ $ERR != *relay-secret* ]] && pass "the refusal does not show the password" ||
  fail "the refusal does not show the password" "$ERR"
serve --smtp-rate 5/min
expect "--smtp-rate wants N/s" 2 "" "--smtp-rate wants N/s"

# ---------------------------------------------------------------- a relay that never takes

# A relay that takes connections and never answers: a delivery hangs in the
# greeting, the message stays queued, and a stop must give that delivery
# up (nothing of the message went) rather than wait for it.
relay_port_file=$tmp/relay.port
"$PY" - "$relay_port_file" <<'PYEOF' &
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept()[0])
PYEOF
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do [[ -s $relay_port_file ]] && break; sleep 0.05; done
export FOLIOD_SMTP_URL=smtp://127.0.0.1:$(<"$relay_port_file") FOLIOD_SMTP_FROM=offers@example.test
new_firm "Mail Firm"
unset FOLIOD_SMTP_URL FOLIOD_SMTP_FROM
run "" "$FOLIO" admin office add Lima
add_user ann agent Lima
as ann
run "" "$FOLIO" --json client add --name "Rosa Huamán" --email rosa@example.test \
  --consent email,sms --language es
expect "client add --language es" 0
json_check "the client's language is es" "$OUT" 'c["language"] == "es"'
rosa=$(json_get "$OUT" 'd["client"]["id"]')
run "" "$FOLIO" --json offer add "$rosa" --title "Seguro de vida" --valid-from 2026-01-01 \
  --valid-until 2099-12-31 --channel email
offer=$(json_get "$OUT" 'd["offer"]["id"]')
run "" "$FOLIO" --json offer send "$offer"
expect "offer send" 0
json_check "offer send queued one message" "$OUT" \
  'len(d["queued"]) == 1 and d["queued"][0]["state"] == "queued" and d["skipped"] == 0'
run "" "$FOLIO" --json offer send "$offer"
expect "a second offer send is refused" 1 "" "sent"
run "" "$FOLIO" outbox list --state queued
expect "outbox list --state queued shows it" 0 "Rosa Huamán"
run "" "$FOLIO" client update "$rosa" --withdraw-consent email,bogus
expect "--withdraw-consent names what it does not know" 2 "" "--withdraw-consent wants"
run "" "$FOLIO" --json client update "$rosa" --withdraw-consent email
expect "client update --withdraw-consent email" 0
json_check "consent keeps sms only" "$OUT" 'c["consent"] == ["sms"]'
run "" "$FOLIO" --json outbox list --state cancelled
json_check "the queued message is cancelled, saying why" "$OUT" \
  'len(d["messages"]) == 1 and "consent" in d["messages"][0]["reply"]'
run "" "$FOLIO" --json offer list
json_check "the offer says its e-mail was cancelled" "$OUT" \
  'd["offers"][0]["mail"] == "cancelled"'
run "" "$FOLIO" outbox list --state lost
expect "outbox list --state names the states" 2 "" "queued, sent, failed or cancelled"
started=$SECONDS
stop_server
if ((RC == 0 && SECONDS - started < 10)); then
  pass "foliod stops at once while a delivery hangs"
  grep -q "left queued for the next start" "$tmp/foliod.log" &&
    pass "the hanging delivery was given up, not recorded" ||
    fail "the hanging delivery was given up, not recorded" "$(tail -5 "$tmp/foliod.log")"
else
  fail "foliod stops at once while a delivery hangs" "exit $RC after $((SECONDS - started)) s"
fi

cli_summary
