# shellcheck shell=bash source-path=SCRIPTDIR
# Ensure Postgres and Redis answer. SOURCE this file: it exports DATABASE_URL,
# TEST_DATABASE_URL and REDIS_URL.
#
# Given URLs are only checked (we never start someone else's service). Without them we use —
# or start — a local Postgres cluster and redis-server on loopback, and make sure the `berth`
# role (CREATEDB: `prisma migrate` needs a shadow database) and its databases exist.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BERTH_PG_HOST=127.0.0.1
BERTH_PG_PORT="${BERTH_PG_PORT:-5432}"
BERTH_PG_ROLE=berth
BERTH_PG_PASSWORD=berth
BERTH_PG_DATABASES=(berth berth_test)
BERTH_REDIS_PORT="${BERTH_REDIS_PORT:-6379}"

# berth_pg_query URL SQL → prints rows; stderr carries the reason when it cannot connect.
berth_pg_query() { PGCONNECT_TIMEOUT=5 psql "$1" -X -At -v ON_ERROR_STOP=1 -c "$2" 2>&1; }

berth_check_database_url() {
  local name="$1" url="$2" out
  have psql || die "$name is set but psql is missing to check it: apt-get install -y postgresql-client"
  out="$(berth_pg_query "$url" 'select 1')" ||
    die "$name=$(berth_redact_url "$url") is not usable ($(berth_first_line "$out")): start that Postgres or fix the URL, or unset DATABASE_URL to use a local one"
}

# Runs SQL as the cluster superuser over the Unix socket (peer auth), as Debian sets it up.
berth_pg_superuser() {
  if berth_is_root; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$BERTH_PG_PORT" -d postgres
  elif [[ "$(id -un)" == postgres ]]; then
    psql -X -q -v ON_ERROR_STOP=1 -p "$BERTH_PG_PORT" -d postgres
  else
    return 1
  fi
}

berth_start_local_postgres() {
  local cluster version name port status
  pg_isready -q -h "$BERTH_PG_HOST" -p "$BERTH_PG_PORT" -t 2 && return 0
  have pg_ctlcluster || berth_apt_install postgresql
  # First cluster on our port, e.g. "15 main 5432 down postgres /var/lib/... /var/log/...".
  cluster="$(pg_lsclusters -h 2>/dev/null | awk -v p="$BERTH_PG_PORT" '$3 == p { print; exit }')"
  if [[ -z "$cluster" ]]; then
    berth_is_root || die "no Postgres cluster on port $BERTH_PG_PORT: create one (sudo pg_createcluster --start <version> main) or set DATABASE_URL"
    version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
    [[ -n "$version" ]] || die "postgresql is installed but no server version was found under /usr/lib/postgresql: apt-get install -y postgresql"
    # `main` unless another port already uses that name (BERTH_PG_PORT set to a second port).
    name=main
    if [[ -d "/etc/postgresql/$version/main" ]]; then name=berth; fi
    log "creating Postgres cluster $version/$name on port $BERTH_PG_PORT"
    pg_createcluster -p "$BERTH_PG_PORT" "$version" "$name" >>"$(berth_log_dir)/postgres.log" 2>&1 ||
      die "pg_createcluster $version $name failed; see $(berth_log_dir)/postgres.log"
    cluster="$(pg_lsclusters -h | awk -v p="$BERTH_PG_PORT" '$3 == p { print; exit }')"
  fi
  read -r version name port status _ <<<"$cluster"
  if [[ "$status" != online* ]]; then
    berth_is_root || [[ "$(id -un)" == postgres ]] ||
      die "Postgres cluster $version/$name is $status: start it (sudo pg_ctlcluster $version $name start) or set DATABASE_URL"
    log "starting Postgres cluster $version/$name on port $port"
    # 9>&-: the server must not inherit the flock fd, or it would hold the lock forever.
    pg_ctlcluster "$version" "$name" start >>"$(berth_log_dir)/postgres.log" 2>&1 9>&- ||
      die "pg_ctlcluster $version $name start failed; last lines of /var/log/postgresql/postgresql-$version-$name.log:
$(berth_tail "/var/log/postgresql/postgresql-$version-$name.log")"
  fi
  local waited=0
  until pg_isready -q -h "$BERTH_PG_HOST" -p "$BERTH_PG_PORT" -t 1; do
    ((waited++ < 30)) || die "Postgres $version/$name started but does not accept connections on $BERTH_PG_HOST:$BERTH_PG_PORT (listen_addresses in /etc/postgresql/$version/$name/postgresql.conf?)"
    sleep 1
  done
}

berth_ensure_berth_role() {
  local url="postgresql://$BERTH_PG_ROLE:$BERTH_PG_PASSWORD@$BERTH_PG_HOST:$BERTH_PG_PORT"
  local want="${#BERTH_PG_DATABASES[@]}" list db
  list="$(printf "'%s'," "${BERTH_PG_DATABASES[@]}")"
  list="${list%,}"
  # Fast path, no superuser needed: role logs in, has CREATEDB, all databases exist.
  if [[ "$(berth_pg_query "$url/${BERTH_PG_DATABASES[0]}" "select (select rolcreatedb from pg_roles where rolname = current_user)::text || ' ' || (select count(*) from pg_database where datname in ($list))" 2>/dev/null)" == "true $want" ]]; then
    return 0
  fi
  log "creating Postgres role '$BERTH_PG_ROLE' and databases ${BERTH_PG_DATABASES[*]}"
  {
    cat <<SQL
SELECT format('CREATE ROLE %I', '$BERTH_PG_ROLE') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$BERTH_PG_ROLE') \gexec
ALTER ROLE $BERTH_PG_ROLE WITH LOGIN CREATEDB PASSWORD '$BERTH_PG_PASSWORD';
SQL
    for db in "${BERTH_PG_DATABASES[@]}"; do
      printf "SELECT format('CREATE DATABASE %%I OWNER %%I', '%s', '%s') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '%s') \\\\gexec\n" "$db" "$BERTH_PG_ROLE" "$db"
    done
  } | berth_pg_superuser >>"$(berth_log_dir)/postgres.log" 2>&1 ||
    die "could not create Postgres role '$BERTH_PG_ROLE' (need root for peer auth as 'postgres'); create it yourself: CREATE ROLE $BERTH_PG_ROLE LOGIN CREATEDB PASSWORD '$BERTH_PG_PASSWORD'; CREATE DATABASE berth OWNER $BERTH_PG_ROLE; CREATE DATABASE berth_test OWNER $BERTH_PG_ROLE; — or set DATABASE_URL (see $(berth_log_dir)/postgres.log)"
  berth_pg_query "$url/${BERTH_PG_DATABASES[0]}" 'select 1' >/dev/null ||
    die "role '$BERTH_PG_ROLE' exists but cannot log in over TCP on $BERTH_PG_HOST:$BERTH_PG_PORT: pg_hba.conf needs 'host all all 127.0.0.1/32 scram-sha-256'"
}

berth_bootstrap_postgres() {
  local started
  started="$(berth_now)"
  if [[ -n "${DATABASE_URL:-}" ]]; then
    berth_check_database_url DATABASE_URL "$DATABASE_URL"
    if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
      berth_check_database_url TEST_DATABASE_URL "$TEST_DATABASE_URL"
    else
      # Never DATABASE_URL itself: the test setup wipes its database. Same server, `<db>_test`
      # (created by the test setup when missing).
      TEST_DATABASE_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = u.pathname.replace(/\/?$/, "") + "_test"; console.log(u.href)' "$DATABASE_URL")"
      log "TEST_DATABASE_URL not set: tests use $(berth_redact_url "$TEST_DATABASE_URL")"
    fi
    export DATABASE_URL TEST_DATABASE_URL
    log "postgres $(berth_redact_url "$DATABASE_URL") ($(berth_elapsed "$started"))"
    return 0
  fi
  (
    flock 9
    berth_start_local_postgres
    berth_ensure_berth_role
  ) 9>"${TMPDIR:-/tmp}/berth-postgres.lock" || exit 1
  export DATABASE_URL="postgresql://$BERTH_PG_ROLE:$BERTH_PG_PASSWORD@$BERTH_PG_HOST:$BERTH_PG_PORT/berth"
  export TEST_DATABASE_URL="postgresql://$BERTH_PG_ROLE:$BERTH_PG_PASSWORD@$BERTH_PG_HOST:$BERTH_PG_PORT/berth_test"
  log "postgres $(berth_redact_url "$DATABASE_URL") ($(berth_elapsed "$started"))"
}

berth_redis_ping() { timeout 5 redis-cli "$@" ping 2>&1; }

berth_bootstrap_redis() {
  local started out logf dir waited=0
  started="$(berth_now)"
  if [[ -n "${REDIS_URL:-}" ]]; then
    have redis-cli || die "REDIS_URL is set but redis-cli is missing to check it: apt-get install -y redis-tools"
    out="$(berth_redis_ping -u "$REDIS_URL")"
    [[ "$out" == PONG ]] ||
      die "REDIS_URL=$(berth_redact_url "$REDIS_URL") does not answer PING ($(berth_first_line "${out:-no reply}")): start that Redis or fix the URL, or unset REDIS_URL to use a local one"
    export REDIS_URL
    log "redis $(berth_redact_url "$REDIS_URL") ($(berth_elapsed "$started"))"
    return 0
  fi
  # A Redis this bootstrap started from a checkout that is gone answers MISCONF: its --dir was
  # deleted and Redis 7 will not move it (a protected config). It holds only test queues, so
  # stop it and start it again below, on the state directory.
  if have redis-cli && [[ "$(berth_redis_ping -h 127.0.0.1 -p "$BERTH_REDIS_PORT")" == MISCONF* ]]; then
    log "redis on 127.0.0.1:$BERTH_REDIS_PORT lost its data directory (a deleted checkout); restarting it"
    timeout 10 redis-cli -h 127.0.0.1 -p "$BERTH_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do
      berth_redis_ping -h 127.0.0.1 -p "$BERTH_REDIS_PORT" | grep -q 'PONG\|MISCONF' || break
      sleep 0.5
    done
  fi
  if ! have redis-cli || [[ "$(berth_redis_ping -h 127.0.0.1 -p "$BERTH_REDIS_PORT")" != PONG ]]; then
    (
      flock 9
      if have redis-cli && [[ "$(berth_redis_ping -h 127.0.0.1 -p "$BERTH_REDIS_PORT")" == PONG ]]; then exit 0; fi
      have redis-server || berth_apt_install redis-server
      logf="$(berth_log_dir)/redis.log"
      dir="$(berth_state_dir)/redis"
      mkdir -p "$dir"
      log "starting redis-server on 127.0.0.1:$BERTH_REDIS_PORT (log: $logf)"
      # 9>&- as for Postgres above.
      # shellcheck disable=SC2094 # redis appends to its --logfile; start-up errors go to stderr
      redis-server --bind 127.0.0.1 --port "$BERTH_REDIS_PORT" --daemonize yes --dir "$dir" --logfile "$logf" >>"$logf" 2>&1 9>&- ||
        die "redis-server failed to start; last lines of $logf:
$(berth_tail "$logf")"
      until [[ "$(berth_redis_ping -h 127.0.0.1 -p "$BERTH_REDIS_PORT")" == PONG ]]; do
        ((waited++ < 20)) || die "redis-server started but does not answer PING on 127.0.0.1:$BERTH_REDIS_PORT; last lines of $logf:
$(berth_tail "$logf")"
        sleep 0.5
      done
    ) 9>"${TMPDIR:-/tmp}/berth-redis.lock" || exit 1
  fi
  export REDIS_URL="redis://127.0.0.1:$BERTH_REDIS_PORT"
  log "redis $REDIS_URL ($(berth_elapsed "$started"))"
}

berth_bootstrap_postgres
berth_bootstrap_redis
