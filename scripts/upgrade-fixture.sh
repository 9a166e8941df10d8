#!/usr/bin/env bash
# Writes the upgrade test's fixture (server/tests/fixtures/previous-release/): the databases a
# previous release makes, with its demo data, on SQLite and on PostgreSQL. Run it once per
# release with the commit of the release before, e.g. `bash scripts/upgrade-fixture.sh 2b9c466`;
# server/tests/upgrade.rs then applies this release's migrations to them. Builds that commit's
# server in a scratch work tree (not the tests' target directory).
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?the commit of the previous release}
root=$PWD
out=server/tests/fixtures/previous-release
tree=$(mktemp -d)
tmp=$(mktemp -d)
git worktree add --detach "$tree" "$commit" >/dev/null
trap 'git worktree remove --force "$tree"; rm -rf "$tmp"' EXIT
(cd "$tree" && CARGO_TARGET_DIR="$root/target/previous-release" cargo build -p reintegra --bin reintegra)
bin="$root/target/previous-release/debug/reintegra"

# Each database: the old binary starts on it with --demo (migrations, demo data, its clock's
# first pass), then stops.
serve_once() {
  DATABASE_URL="$1" REINTEGRA_ADDR=127.0.0.1:3399 REINTEGRA_SITE_ROOT=/nonexistent "$bin" --demo >"$tmp/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do curl -fsS http://127.0.0.1:3399/health >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS http://127.0.0.1:3399/health >/dev/null || { cat "$tmp/server.log"; exit 1; }
  sleep 2
  kill "$pid"; wait "$pid" || true
}

mkdir -p "$out"
serve_once "sqlite://$tmp/old.db"
python3 - "$tmp/old.db" "$out/sqlite.sql" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for line in con.iterdump():
        f.write(line + "\n")
PY

db="reintegra_fixture_$$"
psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $db"
serve_once "postgres://postgres@127.0.0.1:5432/$db"
pg_dump --no-owner --no-privileges --inserts -h 127.0.0.1 -U postgres "$db" >"$out/postgres.sql"
psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE $db"
echo "$commit" >"$out/COMMIT"
ls -la "$out"
