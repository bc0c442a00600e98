#!/usr/bin/env bash
# The one test command: bootstrap what is missing, then format check, lint, typecheck, build,
# unit and integration tests against the real Postgres, Redis and Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bootstrap/all.sh
source scripts/bootstrap/all.sh

phase() {
  local name=$1
  shift
  local started=$SECONDS
  echo "berth: ── $name"
  "$@"
  echo "berth: ── $name done in $((SECONDS - started)) s"
}

phase "format check" npx prettier --check --log-level warn .
phase "lint" npm run -s lint
phase "typecheck" npm run -s typecheck
phase "build" npm run -s build

mkdir -p .cache
set +e
phase "unit and integration tests" npx vitest run --reporter=default --reporter=json \
  --outputFile.json=.cache/vitest-report.json "$@"
status=$?
set -e
node scripts/test-summary.mjs .cache/vitest-report.json
exit "$status"
