# shellcheck shell=bash source-path=SCRIPTDIR
# Take this machine to "the test suite can run": Node >= 22 on PATH, npm dependencies, a Docker
# engine, Postgres + Redis, fixture images. SOURCE it (scripts/test.sh, scripts/demo.sh do):
# it exports PATH, DATABASE_URL, TEST_DATABASE_URL, REDIS_URL and SHOP_*_IMAGE. Every step is
# idempotent; a warm machine takes about a second. It also starts the loopback test registries
# (exports BERTH_REGISTRY, BERTH_PRIVATE_REGISTRY, BERTH_PRIVATE_REGISTRY_AUTH_FILE). On failure
# it prints one `berth: error:` line saying what is missing and how to get it, and exits non-zero.

berth_bootstrap_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$berth_bootstrap_dir/lib.sh"
berth_bootstrap_started="$(berth_now)"

# shellcheck source=node.sh
source "$berth_bootstrap_dir/node.sh"
# shellcheck source=deps.sh
source "$berth_bootstrap_dir/deps.sh"
# shellcheck source=docker.sh
source "$berth_bootstrap_dir/docker.sh"
# shellcheck source=services.sh
source "$berth_bootstrap_dir/services.sh"
# shellcheck source=images.sh
source "$berth_bootstrap_dir/images.sh"
# shellcheck source=registry.sh
source "$berth_bootstrap_dir/registry.sh"

log "ready in $(berth_elapsed "$berth_bootstrap_started"): node $(node -v), docker $(docker version --format '{{.Server.Version}}' 2>/dev/null), postgres $(berth_redact_url "$DATABASE_URL"), redis $(berth_redact_url "$REDIS_URL"), images ${SHOP_NODE_IMAGE} ${SHOP_POSTGRES_IMAGE} ${SHOP_REDIS_IMAGE}, registries ${BERTH_REGISTRY:-skipped} ${BERTH_PRIVATE_REGISTRY:-}"
unset berth_bootstrap_dir berth_bootstrap_started
