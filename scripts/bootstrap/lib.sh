# shellcheck shell=bash
# Shared helpers for scripts/bootstrap/*.sh. Sourced, never executed.
#
# Everything here must be safe under the caller's `set -euo pipefail` and must not leave
# traps or shell options behind, because test.sh / demo.sh source these scripts.

if [[ -z "${BERTH_ROOT:-}" ]]; then
  BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  export BERTH_ROOT
fi

# Logs of slow or noisy steps (apt, dockerd, npm) go to one place so failures can point there.
berth_log_dir() {
  local dir
  if [[ -w /var/log ]] || [[ -d /var/log/berth && -w /var/log/berth ]]; then
    dir=/var/log/berth
  else
    dir="$BERTH_ROOT/.cache/berth/logs"
  fi
  mkdir -p "$dir" && printf '%s\n' "$dir"
}

# State of the long-lived services the bootstrap starts (Redis, the test registries). Never under
# the checkout: those processes outlive it, and CI deletes its clone after every run, which left
# a running Redis without a directory to save to (MISCONF) and registries without storage.
berth_state_dir() {
  local dir
  if [[ -w /var/lib ]] || [[ -d /var/lib/berth && -w /var/lib/berth ]]; then
    dir=/var/lib/berth
  else
    dir="${XDG_STATE_HOME:-$HOME/.local/state}/berth"
  fi
  mkdir -p "$dir" && printf '%s\n' "$dir"
}

log() { printf 'berth: %s\n' "$*" >&2; }

# One clear message, then stop the script that sourced us. `exit` (not `return`) on purpose:
# the callers are scripts that must not continue without the missing piece.
die() {
  printf 'berth: error: %s\n' "$*" >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# Seconds since the epoch with sub-second precision (bash 5 builtin, no fork).
berth_now() { printf '%s\n' "${EPOCHREALTIME:-$(date +%s.%N)}"; }

# berth_elapsed START → "1.2s"
berth_elapsed() { awk -v s="$1" -v e="$(berth_now)" 'BEGIN { printf "%.1fs", e - s }'; }

# Last lines of a log, indented, for failure messages.
berth_tail() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /'; }

berth_is_root() { [[ "$(id -u)" == 0 ]]; }

# berth_apt_install PKG... — install Debian packages quietly (log in $(berth_log_dir)/apt.log).
# `apt-get update` only when the plain install fails, so a warm machine never touches the mirror.
berth_apt_install() {
  local logf
  logf="$(berth_log_dir)/apt.log"
  if ! have apt-get; then
    die "need Debian package(s) '$*' but apt-get is not available: install them with your package manager"
  fi
  if ! berth_is_root; then
    die "need Debian package(s) '$*': run 'sudo apt-get install -y $*' (bootstrap installs them itself only as root)"
  fi
  log "installing $* via apt (log: $logf)"
  local -a apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300)
  # 9>&-: maintainer scripts may start daemons; they must not inherit a caller's flock fd.
  if "${apt[@]}" install "$@" >>"$logf" 2>&1 9>&-; then return 0; fi
  if "${apt[@]}" update >>"$logf" 2>&1 9>&- && "${apt[@]}" install "$@" >>"$logf" 2>&1 9>&-; then return 0; fi
  die "apt-get install $* failed (is the Debian mirror in /etc/apt/sources.list* reachable?); last lines of $logf:
$(berth_tail "$logf")"
}

# Redact the password of a URL for messages: postgresql://u:secret@h/db → postgresql://u:***@h/db
berth_redact_url() { printf '%s\n' "$1" | sed -E 's#(://[^:/@]+:)[^@]*@#\1***@#'; }

# First non-empty line of $1 (error texts often start with a blank line).
berth_first_line() { printf '%s\n' "$1" | grep -v '^[[:space:]]*$' | head -n 1; }
