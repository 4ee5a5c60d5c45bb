# shellcheck shell=bash
# Local PostgreSQL and Redis servers for development (scripts/run.sh) and tests
# (scripts/test.sh). Sourced, not executed: the callers own `set -euo pipefail`
# and must register `trap stop_servers EXIT` (directly or through their own
# cleanup) so that nothing keeps running after an interrupted or failed run.
#
# Exported after a successful start:
#   PG_PORT, PG_CONNECTION_STRING      (start_postgres)
#   REDIS_PORT                         (start_redis)

# Where the servers' state lives, remembered for stop_servers.
_SRV_PG_DATA=""
_SRV_REDIS_PORT=""
_SRV_REDIS_PIDFILE=""
# A directory stop_servers deletes after stopping (the test scratch dir); the
# dev state dir is never put here.
SERVERS_REMOVE_DIR="${SERVERS_REMOVE_DIR:-}"

# Port reservations: port -> file descriptor holding an flock on it.
declare -gA _SRV_PORT_LOCK_FD=()
# Shared by every run on the machine (sticky and world-writable like /tmp so
# that root and non-root runs can both take locks in it).
_SRV_PORT_LOCK_DIR="${TMPDIR:-/tmp}/chat-port-locks"

_srv_log() { printf '[servers] %s\n' "$*" >&2; }
_srv_die() { _srv_log "ERROR: $*"; return 1; }

# --------------------------------------------------------------------------
# Packages
# --------------------------------------------------------------------------

# Newest installed PostgreSQL server bin dir (Debian keeps them versioned
# under /usr/lib/postgresql/<major>/bin and does not put initdb on PATH).
_srv_pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] || continue
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n1)" == "$d" ]]; then
      best="$d"
    fi
  done
  [[ -n "$best" ]] || return 1
  printf '%s\n' "$best"
}

_SRV_APT_UPDATED=0

# ensure_packages [nginx]: install PostgreSQL and Redis (and the extras named) when missing.
ensure_packages() {
  local missing=()
  _srv_pg_bindir >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null && command -v pg_isready >/dev/null || missing+=(postgresql-client)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
  # Extras only some callers need: nginx for the proxy tests, which run it from a config of
  # their own (Debian keeps the binary in /usr/sbin, which may not be on a user's PATH).
  local extra
  for extra in "$@"; do
    case $extra in
      nginx) command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx) ;;
      *) _srv_die "ensure_packages: unknown extra '$extra'"; return 1 ;;
    esac
  done
  ((${#missing[@]} == 0)) && return 0
  local packages=()
  if [[ " ${missing[*]} " == *" postgres"* || " ${missing[*]} " == *" redis-server "* ]]; then
    packages+=(postgresql postgresql-contrib redis-server)
  fi
  [[ " ${missing[*]} " == *" nginx "* ]] && packages+=(nginx)

  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || _srv_die "need ${missing[*]} but not root and no sudo" || return 1
    # -n: never prompt; CI has no stdin, so a password prompt would just hang.
    sudo=(sudo -n)
  fi

  local log="${TMPDIR:-/tmp}/chat-apt-$$.log"
  _srv_log "installing ${packages[*]} with apt-get (log: $log)"
  # Another apt/dpkg run may hold the lock (e.g. an image's background job):
  # wait for it instead of failing. DPkg::Lock::Timeout covers the dpkg lock;
  # the update's lists lock is retried by hand below.
  local apt_opts=(-o DPkg::Lock::Timeout=600 -q)
  local tries
  if ((_SRV_APT_UPDATED == 0)); then
    for tries in 1 2 3 4 5 6; do
      if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >>"$log" 2>&1 </dev/null; then
        _SRV_APT_UPDATED=1
        break
      fi
      ((tries == 6)) && { tail -n 20 "$log" >&2; _srv_die "apt-get update failed"; return 1; }
      sleep 10
    done
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
      "${packages[@]}" >>"$log" 2>&1 </dev/null; then
    tail -n 20 "$log" >&2
    _srv_die "apt-get install failed"
    return 1
  fi
  _srv_pg_bindir >/dev/null || _srv_die "postgresql installed but no server binaries found" || return 1
}

# Debian's Chromium for the web client's browser tests (CHROMIUM_PATH overrides
# where they look for it).
ensure_chromium() {
  [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] && return 0
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || _srv_die "need chromium but not root and no sudo" || return 1
    sudo=(sudo -n)
  fi
  local log="${TMPDIR:-/tmp}/chat-apt-$$.log"
  local apt_opts=(-o DPkg::Lock::Timeout=600 -q)
  _srv_log "installing chromium with apt-get (log: $log)"
  if ((_SRV_APT_UPDATED == 0)); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >>"$log" 2>&1 </dev/null &&
      _SRV_APT_UPDATED=1
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
      chromium >>"$log" 2>&1 </dev/null; then
    tail -n 20 "$log" >&2
    _srv_die "apt-get install chromium failed"
    return 1
  fi
}

# The bench's Socket.IO peer (Chat.Bench/SocketIo): its Node.js packages, from
# the lock file, installed again only when the lock file changed.
ensure_socketio_peer() {
  local dir="$REPO_ROOT/Chat.Bench/SocketIo"
  command -v npm >/dev/null || _srv_die "the Socket.IO peer needs node and npm" || return 1
  if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules" ]]; then
    _srv_log "installing the Socket.IO peer's packages"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2 && touch node_modules) ||
      _srv_die "npm ci in $dir failed" || return 1
  fi
}

# --------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------

# True when something on this machine listens on TCP port $1 (any address:
# a server on 0.0.0.0 or [::] would also block a bind on 127.0.0.1).
_srv_port_in_use() {
  local port=$1
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# reserve_port PORT: take a machine-wide reservation on PORT unless it is
# already listening or reserved by another run. The reservation is an flock
# held by an open descriptor of this shell, so it vanishes by itself when the
# run dies however it dies (no stale reservations to clean up).
reserve_port() {
  local port=$1 fd
  [[ -n "${_SRV_PORT_LOCK_FD[$port]:-}" ]] && return 0
  _srv_port_in_use "$port" && return 1
  if [[ ! -d "$_SRV_PORT_LOCK_DIR" ]]; then
    mkdir -p "$_SRV_PORT_LOCK_DIR" 2>/dev/null || true
    chmod 1777 "$_SRV_PORT_LOCK_DIR" 2>/dev/null || true
  fi
  exec {fd}>>"$_SRV_PORT_LOCK_DIR/$port.lock" || return 1
  if ! flock -n "$fd"; then
    exec {fd}>&-
    return 1
  fi
  # Check again under the lock: another run releases its reservation only
  # once its server is listening, so this closes the check-then-lock gap.
  if _srv_port_in_use "$port"; then
    exec {fd}>&-
    return 1
  fi
  _SRV_PORT_LOCK_FD[$port]=$fd
}

# release_port PORT: drop our reservation once the server listens on PORT
# (from then on `ss` shows the port as taken). Servers started while it was
# held inherit the descriptor and keep the lock until they exit, which is
# harmless: they listen on that port anyway.
release_port() {
  local port=$1 fd=${_SRV_PORT_LOCK_FD[$1]:-}
  [[ -n "$fd" ]] || return 0
  exec {fd}>&-
  unset '_SRV_PORT_LOCK_FD[$port]'
}

# free_port [VAR]: pick a free TCP port for 127.0.0.1 and reserve it.
# With VAR the port is stored there and the reservation is kept by this shell
# until release_port; without VAR it is printed, but then the reservation ends
# with the command substitution's subshell, so prefer the VAR form.
free_port() {
  # Locals carry a prefix: printf -v would otherwise hit a local of the same
  # name as the caller's variable (e.g. `port`) instead of the caller's.
  local _fp_var=${1:-} _fp_lo _fp_hi _fp_span _fp_port _fp_i
  # Stay below the kernel's ephemeral range: an outgoing connection (the tests
  # open many) can take any port in it at any moment.
  read -r _fp_hi _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || _fp_hi=32768
  _fp_lo=10000
  _fp_hi=$((_fp_hi - 1))
  ((_fp_hi > _fp_lo + 1000)) || _fp_hi=$((_fp_lo + 20000))
  _fp_span=$((_fp_hi - _fp_lo + 1))
  for ((_fp_i = 0; _fp_i < 500; _fp_i++)); do
    _fp_port=$((_fp_lo + (RANDOM * 32768 + RANDOM) % _fp_span))
    if reserve_port "$_fp_port"; then
      if [[ -n "$_fp_var" ]]; then
        printf -v "$_fp_var" '%s' "$_fp_port"
      else
        printf '%s\n' "$_fp_port"
      fi
      return 0
    fi
  done
  _srv_die "no free TCP port found"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

# Run a command as the owner of the private cluster: PostgreSQL refuses to run
# as root, so root hands it to the `postgres` system user.
_srv_as_pg() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Quote a value for postgresql.conf.
_srv_pg_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# start_postgres DIR [--fast]
# Starts a private cluster with its data in DIR/pg (created with initdb on
# first use, reused afterwards) on a free port of 127.0.0.1, superuser
# `postgres`, trust auth, and makes sure database `chat` exists.
# --fast turns durability off (fsync etc.): only for throwaway test clusters.
start_postgres() {
  local dir=${1:?start_postgres DIR [--fast]} fast=0
  [[ "${2:-}" == "--fast" ]] && fast=1
  local bindir
  bindir=$(_srv_pg_bindir) || _srv_die "PostgreSQL server binaries not found (run ensure_packages)" || return 1

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local data="$dir/pg" run="$dir/pg-run"
  # A Unix socket path is limited to 107 bytes ($run/.s.PGSQL.NNNNN).
  ((${#run} <= 90)) || _srv_die "path too long for a socket dir: $run" || return 1
  mkdir -p "$data" "$run"
  if ((EUID == 0)); then
    chown postgres: "$data" "$run"
    # The postgres user must be able to walk down to DIR (mktemp makes it 700).
    chmod go+x "$dir"
    if ! runuser -u postgres -- test -x "$data"; then
      _srv_die "user postgres cannot reach $data; put the state under /tmp or /var/tmp"
      return 1
    fi
  fi
  chmod 700 "$data"

  if [[ ! -s "$data/PG_VERSION" ]]; then
    _srv_log "initialising PostgreSQL cluster in $data"
    # --no-locale: C collation is fastest and needs no generated locales.
    if ! _srv_as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust \
        --encoding=UTF8 --no-locale >"$run/initdb.log" 2>&1; then
      cat "$run/initdb.log" >&2
      _srv_die "initdb failed"
      return 1
    fi
    # Settings live in a file we rewrite on every start (port changes each
    # time, durability depends on --fast); postgresql.conf only includes it.
    printf "\ninclude_if_exists = 'chat-local.conf'\n" | _srv_as_pg tee -a "$data/postgresql.conf" >/dev/null
  elif _srv_as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    _srv_die "a PostgreSQL server is already running on $data (another run using the same state dir?)"
    return 1
  fi

  local port
  free_port port || return 1
  local sync=on
  ((fast)) && sync=off
  {
    echo "# Written by scripts/lib/servers.sh on every start; edits are lost."
    echo "port = $port"
    echo "listen_addresses = '127.0.0.1'"
    # Own socket dir so we never collide with (or need) the system cluster's
    # /var/run/postgresql.
    echo "unix_socket_directories = $(_srv_pg_quote "$run")"
    # Tests open many connection pools at once.
    echo "max_connections = 300"
    echo "fsync = $sync"
    echo "synchronous_commit = $sync"
    echo "full_page_writes = $sync"
  } | _srv_as_pg tee "$data/chat-local.conf" >/dev/null

  if ! _srv_as_pg "$bindir/pg_ctl" -D "$data" -l "$run/postgres.log" -w -t 60 start >/dev/null 2>&1; then
    tail -n 30 "$run/postgres.log" >&2 || true
    release_port "$port"
    _srv_die "PostgreSQL did not start"
    return 1
  fi
  _SRV_PG_DATA="$data"

  local deadline=$((SECONDS + 30))
  until pg_isready -q -h 127.0.0.1 -p "$port" -U postgres; do
    if ((SECONDS > deadline)); then
      release_port "$port"
      _srv_die "PostgreSQL on port $port not ready"
      return 1
    fi
    sleep 0.2
  done
  release_port "$port"

  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
  if [[ -z "$("${psql[@]}" -tAc "select 1 from pg_database where datname = 'chat'")" ]]; then
    "${psql[@]}" -c 'create database chat' >/dev/null
  fi

  export PG_PORT=$port
  export PG_CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=chat"
  _srv_log "PostgreSQL ready on 127.0.0.1:$PG_PORT (data $data)"
}

# stop_postgres_dir DIR: stop a cluster in DIR/pg left running by an earlier
# run that was killed before its trap could stop it (kill -9, machine hang).
# Only call it when no live run owns DIR.
stop_postgres_dir() {
  local data="${1:?stop_postgres_dir DIR}/pg" bindir
  bindir=$(_srv_pg_bindir) || return 0
  [[ -s "$data/PG_VERSION" ]] || return 0
  if _srv_as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    _srv_log "stopping a PostgreSQL left running in $data by an earlier run"
    _srv_as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1
  fi
}

# postgres_ctl_dir DIR stop|start: take the cluster in DIR/pg away and bring it
# back on the port its settings name, for the chaos run (scripts/chaos.sh),
# which restarts the database under load. stop is immediate, as a crash: no
# checkpoint, so the next start replays the WAL. start returns once the server
# takes connections.
postgres_ctl_dir() {
  local dir=${1:?postgres_ctl_dir DIR stop|start} bindir
  bindir=$(_srv_pg_bindir) || _srv_die "PostgreSQL server binaries not found" || return 1
  case ${2:-} in
    stop) _srv_as_pg "$bindir/pg_ctl" -D "$dir/pg" -m immediate -w -t 30 stop >/dev/null ;;
    start) _srv_as_pg "$bindir/pg_ctl" -D "$dir/pg" -l "$dir/pg-run/postgres.log" -w -t 60 start >/dev/null ;;
    *) _srv_die "postgres_ctl_dir: stop or start, not '${2:-}'" ;;
  esac
}

# --------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------

# start_redis DIR: a throwaway, non-persistent Redis on a free port.
start_redis() {
  local dir=${1:?start_redis DIR}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local port
  free_port port || return 1
  if ! redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" \
      --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1; then
    release_port "$port"
    _srv_die "redis-server did not start"
    return 1
  fi
  _SRV_REDIS_PORT=$port
  _SRV_REDIS_PIDFILE="$dir/redis.pid"

  local deadline=$((SECONDS + 30))
  until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; do
    if ((SECONDS > deadline)); then
      tail -n 20 "$dir/redis.log" >&2 || true
      release_port "$port"
      _srv_die "Redis on port $port not answering"
      return 1
    fi
    sleep 0.1
  done
  release_port "$port"
  export REDIS_PORT=$port
  _srv_log "Redis ready on 127.0.0.1:$REDIS_PORT"
}

# --------------------------------------------------------------------------
# Stop
# --------------------------------------------------------------------------

# Wait up to $2 seconds for process $1 to exit.
_srv_wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS > deadline)) && return 1
    sleep 0.1
  done
}

# stop_servers: stop whatever start_* started, then delete SERVERS_REMOVE_DIR.
# Idempotent and quiet, so it can run both explicitly and from an EXIT trap.
stop_servers() {
  local pid=""
  if [[ -n "$_SRV_REDIS_PORT" ]]; then
    [[ -f "$_SRV_REDIS_PIDFILE" ]] && pid=$(<"$_SRV_REDIS_PIDFILE")
    redis-cli -h 127.0.0.1 -p "$_SRV_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    if [[ -n "$pid" ]] && ! _srv_wait_gone "$pid" 10; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    _SRV_REDIS_PORT=""
  fi

  if [[ -n "$_SRV_PG_DATA" ]]; then
    local bindir
    if bindir=$(_srv_pg_bindir); then
      if ! _srv_as_pg "$bindir/pg_ctl" -D "$_SRV_PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
        # Still up after a fast shutdown: don't leave it behind.
        if [[ -f "$_SRV_PG_DATA/postmaster.pid" ]]; then
          pid=$(head -n1 "$_SRV_PG_DATA/postmaster.pid" 2>/dev/null || true)
          if [[ -n "$pid" ]]; then kill -QUIT "$pid" 2>/dev/null || true; fi
        fi
      fi
    fi
    _SRV_PG_DATA=""
  fi

  if [[ -n "$SERVERS_REMOVE_DIR" && -d "$SERVERS_REMOVE_DIR" ]]; then
    rm -rf -- "$SERVERS_REMOVE_DIR"
  fi
  SERVERS_REMOVE_DIR=""
}
