#!/usr/bin/env bash
# Every check and test: formatting, clippy (warnings denied), unit and property tests, the
# storage suites on SQLite and PostgreSQL (with the fault-injection short run, two instances
# behind HAProxy and the upgrade from the previous release), a release build, the schema-driven
# fuzzer against the live server, and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --test
start=$(date +%s)
step() { say "$* ($(( $(date +%s) - start ))s)"; }

# PostgreSQL must be up: its suite is never skipped.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
export REINTEGRA_TEST_POSTGRES_URL="${REINTEGRA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

step "formatting"
cargo fmt --all --check
step "clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings
step "unit and storage tests (SQLite and PostgreSQL)"
cargo test --workspace
step "release build"
cargo leptos build --release --precompress
step "schema fuzzer (schemathesis) against the live server"
bash scripts/fuzz-api.sh
step "browser tests"
bash e2e/run.sh
step "all checks passed"
