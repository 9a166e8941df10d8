#!/usr/bin/env bash
# The schema-driven fuzzer against a live server: serves the release build on a fresh SQLite
# database with the demo data, signs in as a field worker and as the school team, and lets
# schemathesis send what the sync protocol's OpenAPI description (generated from the code,
# /api/sync/v1/openapi.json) allows and what it does not. Any 5xx answer fails the run, as does
# an answer whose status the description does not list. Part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
port=${FUZZ_PORT:-3200}
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$tmp/fuzz.db" REINTEGRA_ADDR="127.0.0.1:$port" REINTEGRA_PUBLIC_URL="$base" \
  REINTEGRA_SITE_ROOT=target/site REINTEGRA_LOGIN_MAX_FAILURES=50 \
  target/release/reintegra --demo >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$base/health" >/dev/null || { cat "$tmp/server.log"; exit 1; }

# The session cookie of a sign-in, as a header.
cookie() {
  curl -fsS -o /dev/null -c - -d "username=$1&password=reintegra-demo" "$base/api/login" \
    | awk '$6 == "reintegra_session" { print "Cookie: reintegra_session=" $7 }'
}

for user in field school; do
  echo "fuzzing /api/sync/v1 as $user"
  tools/.venv/bin/schemathesis run "$base/api/sync/v1/openapi.json" \
    --header "$(cookie "$user")" \
    --checks not_a_server_error,status_code_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_EXAMPLES:-60}" \
    --workers 2 \
    --seed "${FUZZ_SEED:-1}" \
    --request-timeout 30 \
    || { echo "--- server log"; tail -80 "$tmp/server.log"; exit 1; }
done
if grep -q ' ERROR ' "$tmp/server.log"; then
  echo "--- the server logged errors while fuzzed"; grep ' ERROR ' "$tmp/server.log" | head -20; exit 1
fi
