#!/usr/bin/env bash
# The one test command: bootstrap what is missing, then format check, lint, typecheck, build,
# unit and integration tests against the real Postgres, Redis and Docker engine.
# Exits non-zero when any phase or any test fails (test/ci/test-command.int.spec.ts proves it).
#
# BERTH_TEST_PHASES=tests skips the static phases; only that self-check uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bootstrap/all.sh
source scripts/bootstrap/all.sh
# Only the tests need a browser (test/e2e/previews.int.spec.ts), so the demo never pulls it.
# shellcheck source=bootstrap/browser.sh
source scripts/bootstrap/browser.sh

# Runs one phase and returns ITS status (not the closing echo's), so a failure is never masked.
phase() {
  local name=$1 started=$SECONDS status=0
  shift
  echo "berth: ── $name"
  "$@" || status=$?
  if ((status == 0)); then
    echo "berth: ── $name done in $((SECONDS - started)) s"
  else
    echo "berth: ── $name FAILED (exit $status) after $((SECONDS - started)) s" >&2
  fi
  return "$status"
}

if [[ "${BERTH_TEST_PHASES:-all}" == all ]]; then
  phase "format check" npx prettier --check --log-level warn .
  phase "lint" npm run -s lint
  phase "typecheck" npm run -s typecheck
  phase "build" npm run -s build
fi

mkdir -p .cache
report="${BERTH_TEST_REPORT:-.cache/vitest-report.json}"
rm -f "$report"
status=0
phase "unit and integration tests" npx vitest run --reporter=default --reporter=json \
  --outputFile.json="$report" "$@" || status=$?
summary=0
node scripts/test-summary.mjs "$report" || summary=$?
if ((status == 0 && summary != 0)); then status=$summary; fi
exit "$status"
