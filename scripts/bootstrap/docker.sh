# shellcheck shell=bash source-path=SCRIPTDIR
# Ensure a Docker engine answers, plus docker-compose v1. SOURCE this file.
#
# - DOCKER_HOST set: only check that it answers (we never start a remote engine).
# - else /var/run/docker.sock answers: done.
# - else, as root on Debian: apt-get install docker.io if dockerd is missing, start dockerd in
#   the background (no systemd here), wait for it.
# Debian's daemon is 20.10 (API 1.41); a newer docker CLI negotiates down to it.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BERTH_DOCKER_START_TIMEOUT="${BERTH_DOCKER_START_TIMEOUT:-60}"

# Prints the server version when the engine answers; the error text on stderr otherwise.
berth_docker_answers() { timeout 15 docker version --format '{{.Server.Version}}' 2>&1; }

berth_start_dockerd() {
  local logf pid offset waited=0
  logf="$(berth_log_dir)/dockerd.log"
  # Failure messages show only what this start-up wrote (the log is appended to across runs).
  offset="$(stat -c %s "$logf" 2>/dev/null || echo 0)"
  log "starting dockerd in the background (log: $logf)"
  # setsid + nohup: the daemon must outlive the shell that sourced us. 9>&-: it must not inherit
  # the flock fd of our caller, or it would hold that lock for its whole life.
  setsid nohup dockerd >>"$logf" 2>&1 </dev/null 9>&- &
  pid=$!
  while ((waited < BERTH_DOCKER_START_TIMEOUT)); do
    if berth_docker_answers >/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      die "dockerd exited during start-up; last lines of $logf:
$(tail -c +$((offset + 1)) "$logf" | tail -n 15 | sed 's/^/    /')"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  die "dockerd did not answer on /var/run/docker.sock within ${BERTH_DOCKER_START_TIMEOUT}s; last lines of $logf:
$(tail -c +$((offset + 1)) "$logf" | tail -n 15 | sed 's/^/    /')"
}

berth_bootstrap_docker() {
  local started out
  started="$(berth_now)"

  if [[ -n "${DOCKER_HOST:-}" ]]; then
    have docker || die "DOCKER_HOST is set but the docker CLI is missing: install it (apt-get install docker.io, or https://docs.docker.com/engine/install/)"
    out="$(berth_docker_answers)" ||
      die "DOCKER_HOST=$DOCKER_HOST does not answer ($(berth_first_line "$out")): start that engine, or unset DOCKER_HOST to use/start the local one"
    log "docker $out at DOCKER_HOST=$DOCKER_HOST ($(berth_elapsed "$started"))"
  else
    out="docker CLI missing"
    if ! have docker || ! out="$(berth_docker_answers)"; then
      if ! berth_is_root || [[ ! -f /etc/debian_version ]]; then
        have docker || die "the docker CLI is missing: install Docker (https://docs.docker.com/engine/install/)"
        die "no Docker engine answers on /var/run/docker.sock ($(berth_first_line "$out")): start one (e.g. 'sudo systemctl start docker') or get access to it (docker group), or set DOCKER_HOST; bootstrap starts dockerd itself only as root on Debian"
      fi
      # Serialise with other bootstraps so only one dockerd is ever started.
      (
        flock 9
        if have docker && berth_docker_answers >/dev/null; then exit 0; fi
        have dockerd || berth_apt_install docker.io
        berth_start_dockerd
      ) 9>"${TMPDIR:-/tmp}/berth-dockerd.lock" || exit 1
    fi
    out="$(berth_docker_answers)" || die "Docker engine stopped answering right after start-up: $(berth_first_line "$out")"
    log "docker $out at /var/run/docker.sock ($(berth_elapsed "$started"))"
  fi

  # The sample product's smoke test drives compose; Debian only ships compose v1.
  if ! have docker-compose && ! docker compose version >/dev/null 2>&1; then
    berth_is_root || die "docker-compose is missing: install it ('sudo apt-get install -y docker-compose') and re-run"
    berth_apt_install docker-compose
  fi

  # No buildx here: make `docker build` use the classic builder instead of failing when a
  # caller exported DOCKER_BUILDKIT=1.
  if ! docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=0
  fi
}

berth_bootstrap_docker
