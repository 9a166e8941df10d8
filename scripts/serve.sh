#!/usr/bin/env bash
# Builds the release and serves it at http://127.0.0.1:3000 on ./data/reintegra.db with the demo
# data (loaded only into an empty database). Extra arguments go to the server (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "building (release)"
cargo leptos build --release --precompress
export REINTEGRA_SITE_ROOT="${REINTEGRA_SITE_ROOT:-target/site}"
say "serving at http://127.0.0.1:3000"
exec target/release/reintegra --demo "$@"
