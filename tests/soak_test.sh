#!/usr/bin/env bash
# soak_test.sh - a short tools/soak run: a fresh foliod per check is
# attacked for a few seconds while a fresh login from another address must
# still be served, and disabling a user closes its watchers.
#
# Runs every check: table-flood, session-flood and watchers (conn_budget.h),
# login-flood (throttle.h, the pool's hash lane), agenda-flood (heavy reads
# in the pool, turns per connection) and never-reading (replies bounded
# before a request starts).
#
# Needs FOLIOD (ctest sets it) and FOLIO_SOURCE_DIR. Everything runs on
# loopback, over TLS, in a temporary directory; under 60 seconds.
set -uo pipefail
FOLIOD=${FOLIOD:?set FOLIOD to the foliod binary}
source_dir=${FOLIO_SOURCE_DIR:-$(dirname "$0")/..}

# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
# default) that never-reading would count as growth: keep it small there.
if grep -q __asan_init "$FOLIOD"; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
fi

# 2,000 clients make every agenda query heavy enough; seeding the default
# 10,000 would take most of the run under a sanitizer.
exec /usr/bin/python3 "$source_dir/tools/soak" \
  --checks table-flood,session-flood,watchers,login-flood,agenda-flood,never-reading \
  --seconds 3 --probe-seconds 15 --agenda-clients 2000 --foliod "$FOLIOD"
