# shellcheck shell=bash source-path=SCRIPTDIR
# Install npm dependencies only when they changed. SOURCE after node.sh (needs Node >= 22).
#
# A stamp in node_modules records a hash of what the install depends on: package-lock.json,
# package.json (its postinstall — patch-package, maybe prisma generate — must re-run when it
# changes), patches/ and the Node major. `npm ci` deletes node_modules, so the stamp goes with it.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

berth_deps_hash() {
  (
    cd "$BERTH_ROOT" || exit 1
    printf 'node-major %s\n' "$(node -p 'process.versions.node.split(".")[0]')"
    sha256sum package-lock.json package.json
    if [[ -d patches ]]; then find patches -type f -print0 | sort -z | xargs -0 -r sha256sum; fi
  ) | sha256sum | cut -d' ' -f1
}

berth_bootstrap_deps() {
  local started stamp want logf
  started="$(berth_now)"
  [[ -f "$BERTH_ROOT/package-lock.json" ]] || die "package-lock.json is missing in $BERTH_ROOT: restore it from git (git checkout package-lock.json)"
  have npm || die "npm is missing: install Node >= 22 with npm (scripts/bootstrap/node.sh) and re-run"
  stamp="$BERTH_ROOT/node_modules/.berth-deps-stamp"
  want="$(berth_deps_hash)" || die "could not hash package-lock.json/package.json in $BERTH_ROOT"

  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "npm dependencies up to date ($(berth_elapsed "$started"))"
    return 0
  fi

  logf="$(berth_log_dir)/npm-install.log"
  # Same lock other tooling here uses for `npm install`, so installs never interleave.
  if ! (
    cd "$BERTH_ROOT" || exit 1
    flock 9
    if node scripts/bootstrap/lockfile-in-sync.mjs . >>"$logf" 2>&1; then
      echo "node_modules matches package-lock.json: running postinstall only" >>"$logf"
      npm run --if-present postinstall >>"$logf" 2>&1
    else
      npm ci --no-audit --no-fund >>"$logf" 2>&1
    fi
  ) 9>"${TMPDIR:-/tmp}/berth-npm.lock"; then
    die "npm install failed (registry reachable? lockfile in sync with package.json?); last lines of $logf:
$(berth_tail "$logf" 10)"
  fi
  printf '%s\n' "$want" >"$stamp"
  log "npm dependencies installed ($(berth_elapsed "$started"); log: $logf)"
}

berth_bootstrap_deps
