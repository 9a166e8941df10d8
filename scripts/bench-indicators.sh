#!/usr/bin/env bash
# The indicators' benchmark: a municipality of 1,000 cases and a national view over 50,000, on
# SQLite and on PostgreSQL (started here if it is down). Prints one table of figures against
# their budgets. Not part of the test command: timings are shown, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
export REINTEGRA_TEST_POSTGRES_URL="${REINTEGRA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
echo "# $(date -u +%F) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
cargo bench -p reintegra --bench indicators 2>/dev/null
