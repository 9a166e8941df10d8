#!/usr/bin/env bash
# Installs what the build and the tests need, once; quick when everything is already there.
# Sourced by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_LEPTOS_VERSION=0.3.11
TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The pinned toolchain with the wasm target (rust-toolchain.toml names both).
if ! rustup run "$TOOLCHAIN" rustc --print target-list >/dev/null 2>&1 \
  || ! rustup target list --installed --toolchain "$TOOLCHAIN" | grep -q wasm32-unknown-unknown; then
  say "installing Rust $TOOLCHAIN with the wasm32 target"
  rustup toolchain install "$TOOLCHAIN" --profile minimal -c clippy -c rustfmt -t wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "building cargo-leptos $CARGO_LEPTOS_VERSION (no downloads; about 15 minutes on 2 cores)"
  cargo +"$TOOLCHAIN" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match Cargo.lock)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo +"$TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt from the npm package binaryen (pinned in tools/package-lock.json): Debian's binaryen
# 108 rejects the sign-extension and bulk-memory instructions current rustc emits.
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  say "installing wasm-opt (npm binaryen)"
  (cd tools && npm ci --no-audit --no-fund)
fi
export PATH="$PWD/tools/node_modules/.bin:$PATH"

need_apt=()
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v psql >/dev/null || need_apt+=(postgresql)
  # The browser tests open the downloaded spreadsheets with it.
  /usr/bin/python3 -c "import openpyxl" 2>/dev/null || need_apt+=(python3-openpyxl)
  # Two server instances behind a real load balancer (server/tests/instances.rs).
  command -v haproxy >/dev/null || need_apt+=(haproxy)
  # The offline field visit in the phones' other engines (e2e/tests/engines.test.js).
  command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || need_apt+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || need_apt+=(xvfb)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing ${need_apt[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# geckodriver drives Firefox ESR; built from crates.io (code hosts' release downloads are closed).
GECKODRIVER_VERSION=0.37.0
if [ "${1:-}" = "--test" ] && ! geckodriver --version 2>/dev/null | grep -q "$GECKODRIVER_VERSION"; then
  say "building geckodriver $GECKODRIVER_VERSION"
  cargo +"$TOOLCHAIN" install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi

# The schema-driven fuzzer of the sync API (scripts/fuzz-api.sh), from PyPI, pinned, in its
# own environment.
SCHEMATHESIS_VERSION=4.32.5
if [ "${1:-}" = "--test" ] && ! tools/.venv/bin/schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI)"
  python3 -m venv tools/.venv
  tools/.venv/bin/pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
