#!/usr/bin/env bash
# The benchmark command (not part of the test command: timings are shown, never asserted).
# Builds what it needs, then measures on this machine, on SQLite and on PostgreSQL:
#   - the indicators (a municipality of 1,000 cases, the national view over 50,000);
#   - the sync's server time (server/benches/sync.rs): pull 300 cases and push 100 changes, the
#     push against a raw batched insert, the plans' clock over up to 50,000 cases;
#   - 200 phones at once (goose, tools/load), each pulling its caseload and pushing a batch of
#     changes with a photo: latency p50/p95/p99, throughput, errors;
#   - the phone on a slow link (e2e/bench/phone.mjs): the first screen's bytes and time, sign-in
#     to caseload on a cold device, later visits online and offline, against issue 16's budgets;
#   - the long fault run: REINTEGRA_FAULTS (1,000) faults, server kills and dropped answers,
#     with every record, audit row, suggestion, follow-up and photo counted afterwards.
#   - the wasm's bytes per crate (twiggy), and a field worker with 2,000 cases on the phone.
# Prints one markdown table per part, and writes them all to target/bench/performance.md.
# PARTS picks parts (default: wasm indicators sync load phone faults); CLOCK_CASES, PHONES,
# CASES_EACH and FAULTS change the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --test
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
export REINTEGRA_TEST_POSTGRES_URL="${REINTEGRA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
out=target/bench
mkdir -p "$out"
report="$out/performance.md"
machine="$(date -u +%F) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "Run: $machine" >"$report"
tmp=$(mktemp -d)
server=""
big=""
cleanup() { for p in $server $big; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

say "building the release server and the load generator"
cargo leptos build --release --precompress
cargo build --release --quiet --manifest-path tools/load/Cargo.toml
# The servers below run a copy: `cargo bench` builds into target/release too, without the
# `erase_components` cfg cargo-leptos builds with, and its binary would render pages the wasm
# cannot hydrate. The copy keeps its hash.txt beside it (the asset names it serves).
bin="$tmp/bin"
mkdir -p "$bin"
cp target/release/reintegra target/release/hash.txt "$bin/"

part_wasm() {
  say "the wasm per crate"
  command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked
  {
    echo
    echo "## The wasm per crate (\`twiggy\`)"
    echo
    echo "Shallow sizes of rustc's output for the browser (it keeps function names; the served file, after wasm-bindgen and wasm-opt, is smaller and has none), summed by the crate each function is in."
    echo
    echo "| crate | bytes | share |"
    echo "|---|---|---|"
    twiggy top -n 100000 --format csv target/front/wasm32-unknown-unknown/wasm-release/app.wasm | python3 scripts/wasm-crates.py
  } | tee -a "$report"
}

part_indicators() {
  say "the indicators"
  { echo; echo "## The indicators"; echo; cargo bench -p reintegra --bench indicators 2>/dev/null | grep -v '^#'; } | tee -a "$report"
}

part_sync() {
  say "the sync's server time"
  {
    echo
    echo "## The sync's server time (\`server/benches/sync.rs\`)"
    echo
    echo "A field worker with 300 cases pulls the whole caseload and pushes 100 queued changes (20 families), through the service the routes call; the push beside one multi-row INSERT of as many rows into the same table; the plans' clock over a growing database (CLOCK_CASES=${CLOCK_CASES:-12500,25000,50000})."
    echo
    echo "| figure | budget | measured | |"
    echo "|---|---|---|---|"
    cargo bench -p reintegra --bench sync 2>/dev/null \
      | awk -F' \\| ' '$1 == "sync" { printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }'
  } | tee -a "$report"
}

# ---- 200 phones at once -------------------------------------------------------------------
PHONES=${PHONES:-200}
CASES_EACH=${CASES_EACH:-10}
load_on() { # name database-url
  local name=$1 url=$2 port=3300
  cargo bench -p reintegra --bench load_world -- "$url" "$PHONES" "$CASES_EACH" 2>/dev/null | tail -1 >&2
  DATABASE_URL="$url" REINTEGRA_ADDR="127.0.0.1:$port" REINTEGRA_SITE_ROOT=target/site \
    REINTEGRA_LOGIN_MAX_FAILURES_PER_ADDRESS=100000 RUST_LOG=warn \
    "$bin/reintegra" >"$tmp/load-$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  tools/load/target/release/reintegra-load --host "http://127.0.0.1:$port" --users "$PHONES" \
    --increase-rate "$PHONES" --iterations 1 --no-print-metrics --quiet 2>"$tmp/goose-$name.err" \
    | sed "s/^/$name | /"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  local errors; errors=$(grep -c ' ERROR ' "$tmp/load-$name.log" || true)
  echo "$name | server errors logged | $errors"
}
part_load() {
  say "$PHONES phones at once"
  pg_db="reintegra_load_$$"
  psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $pg_db"
  {
    load_on SQLite "sqlite://$tmp/load.db"
    load_on PostgreSQL "postgres://postgres@127.0.0.1:5432/$pg_db"
  } >"$tmp/load.txt"
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE $pg_db"
  {
    echo
    echo "## $PHONES phones at once (goose, \`tools/load\`)"
    echo
    echo "Each phone signs in, pulls its caseload ($CASES_EACH cases), pushes 7 changes (a family on a visit) and uploads a 150 KB photo; busy answers are waited out as the phone does."
    echo
    echo "| database | request | count | p50 ms | p95 ms | p99 ms | failed |"
    echo "|---|---|---|---|---|---|---|"
    awk -F' \\| ' '$2 == "load-request" { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, $7, $8 }' "$tmp/load.txt"
    echo
    echo "| database | phones | requests | requests/s | failed requests | failed syncs | server errors logged |"
    echo "|---|---|---|---|---|---|---|"
    awk -F' \\| ' '$2 == "load-total" { t[$1] = sprintf("%s | %s | %s | %s | %s", $3, $4, $5, $6, $7) }
                   $2 == "server errors logged" { e[$1] = $3 }
                   END { for (d in t) printf "| %s | %s | %s |\n", d, t[d], e[d] }' "$tmp/load.txt"
  } | tee -a "$report"
}

# ---- the phone on a slow link (issue 16's budgets) ----------------------------------------
part_phone() {
  say "the phone on a slow link"
  (cd e2e && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund; })
  phone_port=3301
  DATABASE_URL="sqlite://$tmp/phone.db" REINTEGRA_ADDR="127.0.0.1:$phone_port" \
    REINTEGRA_PUBLIC_URL="http://127.0.0.1:$phone_port" REINTEGRA_SITE_ROOT=target/site RUST_LOG=warn \
    "$bin/reintegra" --demo >"$tmp/phone.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$phone_port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  # A second server for the big caseload: one field worker with 2,000 cases.
  big_port=3302
  cargo bench -p reintegra --bench load_world -- "sqlite://$tmp/big.db" 1 2000 2>/dev/null | tail -1
  DATABASE_URL="sqlite://$tmp/big.db" REINTEGRA_ADDR="127.0.0.1:$big_port" \
    REINTEGRA_PUBLIC_URL="http://127.0.0.1:$big_port" REINTEGRA_SITE_ROOT=target/site RUST_LOG=warn \
    "$bin/reintegra" >"$tmp/big.log" 2>&1 &
  big=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$big_port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  wasm=$(ls target/site/pkg/*.wasm)
  {
    echo
    echo "## The phone on a slow link (\`e2e/bench/phone.mjs\`)"
    echo
    echo "Chromium throttled to 400 kbit/s down and up, 400 ms round trips, a 4× slower CPU, 360×640; the release build as served (brotli)."
    echo
    echo "| figure | budget | measured | |"
    echo "|---|---|---|---|"
    echo "| the wasm, raw / brotli | — | $(stat -c %s "$wasm") / $(stat -c %s "$wasm.br") bytes | |"
    (cd e2e && BASE_URL="http://127.0.0.1:$phone_port" LOAD_BASE_URL="http://127.0.0.1:$big_port" node bench/phone.mjs) \
      | awk -F' \\| ' '$1 == "phone" { printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }'
  } | tee -a "$report"
  kill "$server" "$big"; wait "$server" "$big" 2>/dev/null || true; server=""; big=""
}

# ---- the long fault run ------------------------------------------------------------------
part_faults() {
  FAULTS=${FAULTS:-1000}
  say "$FAULTS faults"
  {
    echo
    echo "## Faults (\`server/tests/faults.rs\`, $FAULTS on each database)"
    echo
    echo "| database | run | seconds |"
    echo "|---|---|---|"
    REINTEGRA_FAULTS=$FAULTS cargo test -q -p reintegra --test faults -- --ignored --nocapture long_run 2>/dev/null \
      | awk -F' \\| ' '$1 == "faults" { printf "| %s | %s | %s |\n", $2, $3, $4 }'
  } | tee -a "$report"
}

# PARTS chooses what to run (all of it by default), e.g. PARTS="sync phone".
for part in ${PARTS:-wasm indicators sync load phone faults}; do
  "part_$part"
done
echo
echo "Written to $report"
