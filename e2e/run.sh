#!/usr/bin/env bash
# Serves the release build on a fresh SQLite database with the demo data and runs the browser
# tests against it in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
tmp=$(mktemp -d)
port=${E2E_PORT:-3100}
export BASE_URL="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$tmp/e2e.db" REINTEGRA_ADDR="127.0.0.1:$port" REINTEGRA_PUBLIC_URL="$BASE_URL" \
  REINTEGRA_SITE_ROOT=../target/site REINTEGRA_LOGIN_MAX_FAILURES=50 \
  ../target/release/reintegra --demo >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "$BASE_URL/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$BASE_URL/health" >/dev/null || { cat "$tmp/server.log"; exit 1; }
node --test --test-concurrency=1 ${E2E_TESTS:-tests/} || { echo "--- server log"; tail -50 "$tmp/server.log"; exit 1; }
