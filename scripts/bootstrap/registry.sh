# shellcheck shell=bash source-path=SCRIPTDIR
# Two real image registries on loopback for the tests, with the fixture images in them. SOURCE
# after images.sh. It exports:
#   BERTH_REGISTRY                     127.0.0.1:5000, open (no auth), holds every fixture image
#   BERTH_PRIVATE_REGISTRY             127.0.0.1:5001, htpasswd-protected, holds the Debian base
#   BERTH_PRIVATE_REGISTRY_AUTH_FILE   a docker-config-style JSON with its credentials
#                                      ({"auths": {"127.0.0.1:5001": {username, password}}})
#
# Debian's `docker-registry` is the real distribution registry (2.8). Each instance has its own
# config and storage under /var/lib/berth/registry/<name>/, is started in the background and found
# again by its pid file, so a warm machine starts nothing. The password is generated once into
# that (gitignored) directory. Docker allows plain HTTP to 127.0.0.0/8 registries by default
# (`insecure-registries` includes it), so the engine needs no restart. Pushes are skipped when the
# registry already holds the image's digest. The fixtures are also pushed under the official
# names they stand in for (library/postgres:15, ...), and the local engine's `registry-mirrors`
# is pointed at the open registry (a configuration reload, no restart; BERTH_REGISTRY_MIRROR=0
# skips it), so an unmodified `postgres:15` is pulled from it. BERTH_SKIP_REGISTRY=1 skips all.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BERTH_REGISTRY_PORT="${BERTH_REGISTRY_PORT:-5000}"
BERTH_PRIVATE_REGISTRY_PORT="${BERTH_PRIVATE_REGISTRY_PORT:-5001}"
BERTH_REGISTRY_DIR="$(berth_state_dir)/registry"
BERTH_PRIVATE_REGISTRY_USER=berth-test
# What each registry holds: every fixture image in the open one; the private one needs only one
# image to prove credentials work.
BERTH_REGISTRY_OPEN_IMAGES=(berth-fixture/debian:bookworm berth-fixture/node:24 berth-fixture/postgres:15 berth-fixture/redis:7 berth-fixture/mariadb:10)
BERTH_REGISTRY_PRIVATE_IMAGES=(berth-fixture/debian:bookworm)
# The fixtures are stand-ins for these official images (same interfaces): pushed under the
# official names too, so with the engine's registry mirror pointed at the open registry an
# unmodified `postgres:15` in a compose file is pulled from it.
BERTH_REGISTRY_OFFICIAL_NAMES=(
  berth-fixture/debian:bookworm=library/debian:bookworm
  berth-fixture/node:24=library/node:24
  berth-fixture/postgres:15=library/postgres:15
  berth-fixture/redis:7=library/redis:7
  berth-fixture/mariadb:10=library/mariadb:10
)

# HTTP status of GET /v2/ (200 open, 401 protected, 000 nothing listening).
berth_registry_status() { curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1/v2/" 2>/dev/null || true; }

# The package's own instance (started by its postinst where systemd runs) listens on :5000 on
# every interface with htpasswd auth; ours must own that port, so stop it by its PID.
berth_stop_package_registry() {
  local pid
  pid="$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)"
  [[ -n "$pid" ]] || return 0
  local cmdline config
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if grep -q '/etc/docker/registry/config.yml' <<<"$cmdline"; then
    log "stopping the docker-registry package's own instance (pid $pid) on :$1"
    kill "$pid" 2>/dev/null || true
    sleep 1
    return 0
  fi
  # One an earlier bootstrap started from a checkout that is gone (its config and storage with
  # it): it would answer but lose every push, so replace it.
  config="$(sed -n 's/^docker-registry serve \([^ ]*config\.yml\) *$/\1/p' <<<"$cmdline")"
  if [[ -n "$config" && "$config" != "$BERTH_REGISTRY_DIR/"* ]]; then
    log "replacing a test registry started from $config (pid $pid) on :$1"
    kill "$pid" 2>/dev/null || true
    sleep 1
  fi
}

# berth_registry_config NAME PORT AUTH(yes|no) → writes DIR/config.yml
berth_registry_config() {
  local dir="$BERTH_REGISTRY_DIR/$1" port="$2" auth="$3"
  mkdir -p "$dir/data"
  {
    cat <<YAML
version: 0.1
log:
  level: warn
  fields:
    service: berth-registry-$1
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  headers:
    X-Content-Type-Options: [nosniff]
YAML
    if [[ "$auth" == yes ]]; then
      cat <<YAML
auth:
  htpasswd:
    realm: berth-test-registry
    path: $dir/htpasswd
YAML
    fi
  } >"$dir/config.yml.new"
  mv "$dir/config.yml.new" "$dir/config.yml"
}

# Generated once: bcrypt htpasswd entry (the registry accepts only bcrypt) + the docker-config
# JSON the tests hand to Berth as REGISTRY_AUTH_FILE.
berth_registry_credentials() {
  local dir="$BERTH_REGISTRY_DIR/private" password
  if [[ -s "$dir/htpasswd" && -s "$dir/auth.json" ]]; then return 0; fi
  have htpasswd || berth_apt_install apache2-utils
  mkdir -p "$dir"
  password="$(openssl rand -hex 16)"
  (
    umask 077
    htpasswd -B -b -c "$dir/htpasswd" "$BERTH_PRIVATE_REGISTRY_USER" "$password" >/dev/null 2>&1
    printf '{"auths":{"127.0.0.1:%s":{"username":"%s","password":"%s"}}}\n' \
      "$BERTH_PRIVATE_REGISTRY_PORT" "$BERTH_PRIVATE_REGISTRY_USER" "$password" >"$dir/auth.json"
  ) || die "could not write the test registry's credentials under $dir"
}

# berth_start_registry NAME PORT WANT_STATUS
berth_start_registry() {
  local name="$1" port="$2" want="$3" dir pidf logf pid status waited=0
  dir="$BERTH_REGISTRY_DIR/$name"
  pidf="$dir/registry.pid"
  logf="$(berth_log_dir)/registry-$name.log"
  pid="$(cat "$pidf" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(berth_registry_status "$port")" == "$want" ]]; then
    return 0
  fi
  status="$(berth_registry_status "$port")"
  if [[ "$status" != 000 ]]; then
    berth_stop_package_registry "$port"
    status="$(berth_registry_status "$port")"
    [[ "$status" == 000 ]] || die "port $port already answers (HTTP $status) but not as Berth's $name test registry: free it, or move ours with BERTH_REGISTRY_PORT / BERTH_PRIVATE_REGISTRY_PORT"
  fi
  log "starting the $name test registry on 127.0.0.1:$port (log: $logf)"
  # setsid + nohup: it must outlive the shell that sourced us; 9>&-: it must not hold our lock.
  setsid nohup docker-registry serve "$dir/config.yml" >>"$logf" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$pidf"
  until [[ "$(berth_registry_status "$port")" == "$want" ]]; do
    kill -0 "$pid" 2>/dev/null || die "the $name test registry exited during start-up; last lines of $logf:
$(berth_tail "$logf")"
    ((waited++ < 40)) || die "the $name test registry did not answer on 127.0.0.1:$port within 20 s; last lines of $logf:
$(berth_tail "$logf")"
    sleep 0.5
  done
}

# Digest the registry holds for REPO:TAG ('' when none). AUTH is "user:password" or ''.
berth_registry_digest() {
  local port="$1" repo="$2" tag="$3" auth="$4"
  local -a args=(-s -I -m 10 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json')
  [[ -n "$auth" ]] && args+=(-u "$auth")
  curl "${args[@]}" "http://127.0.0.1:$port/v2/$repo/manifests/$tag" 2>/dev/null |
    awk -F': ' 'tolower($1) == "docker-content-digest" { gsub(/\r/, "", $2); print $2 }'
}

# berth_registry_sync PORT DOCKER_CONFIG_DIR AUTH IMAGE... — push each IMAGE as
# 127.0.0.1:PORT/IMAGE unless the registry already holds that image's digest. AUTH ("user:password"
# or '') is also used to log in, only when something must be pushed.
berth_registry_sync() {
  local port="$1" config="$2" auth="$3" logf known image repo tag digest
  shift 3
  local -a push=()
  logf="$(berth_log_dir)/registry-push.log"
  # One engine call for every image: what it was pushed as (RepoDigests) and that it exists.
  known="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$@" 2>&1)" ||
    die "a fixture image is missing ($(berth_first_line "$known")): source scripts/bootstrap/images.sh first"
  for image in "$@"; do
    repo="${image%:*}"
    tag="${image##*:}"
    digest="$(berth_registry_digest "$port" "$repo" "$tag" "$auth")"
    if [[ -z "$digest" ]] || ! grep -qxF "127.0.0.1:$port/$repo@$digest" <<<"$known"; then
      push+=("$image")
    fi
  done
  ((${#push[@]})) || return 0
  if [[ -n "$auth" ]]; then
    printf '%s' "${auth#*:}" | docker --config "$config" login -u "${auth%%:*}" --password-stdin \
      "127.0.0.1:$port" >>"$logf" 2>&1 ||
      die "docker login to the test registry on 127.0.0.1:$port failed (credentials in $BERTH_REGISTRY_DIR/private; delete that directory to regenerate them); last lines of $logf:
$(berth_tail "$logf")"
  fi
  for image in "${push[@]}"; do
    log "pushing $image to 127.0.0.1:$port"
    if ! { docker tag "$image" "127.0.0.1:$port/$image" >>"$logf" 2>&1 &&
      docker --config "$config" push "127.0.0.1:$port/$image" >>"$logf" 2>&1; }; then
      die "docker push 127.0.0.1:$port/$image failed; last lines of $logf:
$(berth_tail "$logf")"
    fi
  done
}

# berth_registry_official_names — push each fixture under its official name (library/...) unless the
# registry already holds that digest; blobs are shared, so only manifests move.
berth_registry_official_names() {
  local pair fixture official known digest logf
  logf="$(berth_log_dir)/registry-push.log"
  for pair in "${BERTH_REGISTRY_OFFICIAL_NAMES[@]}"; do
    fixture="${pair%%=*}"
    official="${pair#*=}"
    known="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$fixture" 2>/dev/null)" || continue
    digest="$(berth_registry_digest "$BERTH_REGISTRY_PORT" "${official%:*}" "${official##*:}" '')"
    if [[ -n "$digest" ]] && grep -qxF "127.0.0.1:$BERTH_REGISTRY_PORT/${official%:*}@$digest" <<<"$known"; then
      continue
    fi
    log "pushing $fixture to 127.0.0.1:$BERTH_REGISTRY_PORT as $official"
    if ! { docker tag "$fixture" "127.0.0.1:$BERTH_REGISTRY_PORT/$official" >>"$logf" 2>&1 &&
      docker --config "$BERTH_REGISTRY_DIR/docker-config" push "127.0.0.1:$BERTH_REGISTRY_PORT/$official" >>"$logf" 2>&1; }; then
      die "docker push 127.0.0.1:$BERTH_REGISTRY_PORT/$official failed; last lines of $logf:
$(berth_tail "$logf")"
    fi
  done
}

berth_mirror_active() { docker info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null | grep -qF "\"$1\""; }

# Point the local engine's registry mirror at the open registry, so Docker Hub names resolve
# there first. `registry-mirrors` is one of the settings dockerd reloads on SIGHUP: running
# containers are untouched, nothing restarts. Only for the local engine, as root, unless
# BERTH_REGISTRY_MIRROR=0. Other keys of /etc/docker/daemon.json are kept.
berth_registry_mirror() {
  local want="http://127.0.0.1:$BERTH_REGISTRY_PORT/" file=/etc/docker/daemon.json pid waited=0
  [[ "${BERTH_REGISTRY_MIRROR:-1}" != 0 && -z "${DOCKER_HOST:-}" ]] && berth_is_root || return 0
  if berth_mirror_active "$want"; then return 0; fi
  mkdir -p /etc/docker
  node -e '
    const fs = require("fs");
    const [file, want] = process.argv.slice(1);
    const config = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    const mirrors = new Set(config["registry-mirrors"] ?? []);
    mirrors.add(want);
    config["registry-mirrors"] = [...mirrors];
    fs.writeFileSync(file + ".berth-new", JSON.stringify(config, null, 2) + "\n");
    fs.renameSync(file + ".berth-new", file);' "$file" "$want" ||
    die "could not add $want to registry-mirrors in $file (set BERTH_REGISTRY_MIRROR=0 to skip)"
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -z "$pid" ]] || ! kill -HUP "$pid" 2>/dev/null; then
    die "added $want to registry-mirrors in $file but found no dockerd to reload (/var/run/docker.pid): reload or restart the engine"
  fi
  until berth_mirror_active "$want"; do
    ((waited++ < 20)) || die "dockerd did not take registry-mirrors from $file on reload (SIGHUP); see its log (e.g. $(berth_log_dir)/dockerd.log)"
    sleep 0.5
  done
  log "engine registry mirror: $want (reloaded dockerd's configuration; nothing restarted)"
}

berth_bootstrap_registry() {
  local started config auth
  started="$(berth_now)"
  if [[ "${BERTH_SKIP_REGISTRY:-0}" == 1 ]]; then
    log "test registries skipped (BERTH_SKIP_REGISTRY=1)"
    return 0
  fi
  (
    flock 9
    have docker-registry || berth_apt_install docker-registry
    have curl || berth_apt_install curl
    have openssl || berth_apt_install openssl
    berth_registry_credentials
    berth_registry_config open "$BERTH_REGISTRY_PORT" no
    berth_registry_config private "$BERTH_PRIVATE_REGISTRY_PORT" yes
    berth_start_registry open "$BERTH_REGISTRY_PORT" 200
    berth_start_registry private "$BERTH_PRIVATE_REGISTRY_PORT" 401

    # A docker config of our own, so logging in never touches the operator's ~/.docker.
    config="$BERTH_REGISTRY_DIR/docker-config"
    mkdir -p "$config"
    berth_registry_sync "$BERTH_REGISTRY_PORT" "$config" '' "${BERTH_REGISTRY_OPEN_IMAGES[@]}"
    auth="$(node -e 'const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).auths;
      const c = Object.values(a)[0]; process.stdout.write(c.username + ":" + c.password)' \
      "$BERTH_REGISTRY_DIR/private/auth.json")"
    berth_registry_sync "$BERTH_PRIVATE_REGISTRY_PORT" "$config" "$auth" "${BERTH_REGISTRY_PRIVATE_IMAGES[@]}"
    berth_registry_official_names
    berth_registry_mirror
  ) 9>"${TMPDIR:-/tmp}/berth-registry.lock" || exit 1
  export BERTH_REGISTRY="127.0.0.1:$BERTH_REGISTRY_PORT"
  export BERTH_PRIVATE_REGISTRY="127.0.0.1:$BERTH_PRIVATE_REGISTRY_PORT"
  export BERTH_PRIVATE_REGISTRY_AUTH_FILE="$BERTH_REGISTRY_DIR/private/auth.json"
  log "test registries $BERTH_REGISTRY (open), $BERTH_PRIVATE_REGISTRY (htpasswd) ($(berth_elapsed "$started"))"
}

berth_bootstrap_registry
