#!/usr/bin/env bash
# The main job: bootstrap what is missing, build, migrate, then run the demo (scripts/demo.ts):
# a PR on a copy of examples/shop becomes a full-stack preview; its URLs and PR comment are
# printed; then the PR is closed and the preview destroyed (`npm run demo -- --keep` keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bootstrap/all.sh
source scripts/bootstrap/all.sh
npm run -s build
npx prisma migrate deploy >/dev/null
exec node dist/scripts/demo.js "$@"
