#!/usr/bin/env bash
# Benchmarks: npm run bench [-- --suite=NAME] prints one JSON object per suite (see scripts/bench.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bootstrap/all.sh
source scripts/bootstrap/all.sh >&2
npm run -s build >&2
npx prisma migrate deploy >/dev/null
exec node dist/scripts/bench.js "$@"
