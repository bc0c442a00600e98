# shellcheck shell=bash source-path=SCRIPTDIR
# A headless Chromium for the browser tests (playwright-core drives it; it downloads no browser).
# Debian's own package, so it comes from the apt mirror. Exports BERTH_CHROMIUM.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

berth_bootstrap_browser() {
  local started
  started="$(berth_now)"
  if [[ -z "${BERTH_CHROMIUM:-}" ]]; then
    if ! have chromium; then berth_apt_install chromium; fi
    BERTH_CHROMIUM="$(command -v chromium)" || die "chromium is missing after install: run 'apt-get install -y chromium' and re-run"
  fi
  [[ -x "$BERTH_CHROMIUM" ]] || die "BERTH_CHROMIUM=$BERTH_CHROMIUM is not an executable: point it at a Chromium binary or unset it"
  export BERTH_CHROMIUM
  log "chromium at $BERTH_CHROMIUM ($(berth_elapsed "$started"))"
}

berth_bootstrap_browser
