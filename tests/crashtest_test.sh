#!/usr/bin/env bash
# crashtest_test.sh - a short tools/crashtest run: foliod is killed with
# SIGKILL five times in the middle of concurrent writes (client adds, events,
# reassignments, imports, releases) and must lose no acknowledged write, tear
# no multi-record write apart, and leave a store that mdb_stat -a reads; then
# twice while it delivers a campaign's e-mail to a relay on loopback, and
# every client must get its message once.
#
# Needs FOLIOD and FOLIO (paths of the built binaries) and FOLIO_SOURCE_DIR;
# ctest sets them. Everything runs on loopback, over TLS verified against
# each firm's own certificate, in a temporary directory.
set -uo pipefail
FOLIOD=${FOLIOD:?set FOLIOD to the foliod binary}
FOLIO=${FOLIO:?set FOLIO to the folio binary}
source_dir=${FOLIO_SOURCE_DIR:-$(dirname "$0")/..}

exec /usr/bin/python3 "$source_dir/tools/crashtest" --rounds 5 --seconds-per-round 2 \
  --clients 4 --seed 1 --mail-rounds 2 --foliod "$FOLIOD" --folio "$FOLIO"
