#!/usr/bin/env bash
# Benchmark: provisions examples/shop as a PR preview and prints one JSON object (seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bootstrap/all.sh
source scripts/bootstrap/all.sh >&2
npm run -s build >&2
npx prisma migrate deploy >/dev/null
exec node dist/scripts/bench.js "$@"
