#!/usr/bin/env bash
# Run the chat service locally, in the foreground, until Ctrl-C.
#
#   scripts/run.sh [--cluster] [--port N]
#
#   --cluster   Redis plus two Chat.Api nodes sharing it (SignalR backplane)
#   --port N    port of the (first) node; default 5080 when free, else any
#
# Environment:
#   ConnectionStrings__Chat  use this PostgreSQL instead of starting one
#   Jwt__SigningKey          use this key instead of the generated one
#   Webhooks__SecretKey      seal webhook secrets with this key instead of the generated one
#   Push__VapidPublicKey, Push__VapidPrivateKey, Push__Subject
#                            Web Push keys instead of the generated pair
#   CHAT_STATE_DIR           dev state (database, keys); default
#                            /var/tmp/chat-dev-<hash of the repo path>
#   CHAT_CONFIGURATION       Debug (default) or Release
#   Bots__0__UserName, …     declare bots (default: the scripted bot "helper")
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

CLUSTER=0
PORT=""
while (($#)); do
  case $1 in
    --cluster) CLUSTER=1 ;;
    --port) PORT=${2:?--port needs a number}; shift ;;
    --port=*) PORT=${1#--port=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [[ -n "$PORT" && ! "$PORT" =~ ^[0-9]+$ ]]; then
  echo "--port needs a number, got '$PORT'" >&2
  exit 2
fi

CONFIG=${CHAT_CONFIGURATION:-Debug}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Persistent dev state, one folder per checkout (so two clones don't share a
# database). /var/tmp rather than the repo or $HOME: the postgres user must
# be able to reach it, and it survives reboots.
repo_hash=$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-10)
STATE_DIR=${CHAT_STATE_DIR:-/var/tmp/chat-dev-$repo_hash}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
# Only the owner may list it; others (the postgres user) may only pass through.
chmod 711 "$STATE_DIR"

# One run per state dir. A recorded owner that is gone was killed without
# cleaning up; its servers are stopped below before ours start.
owner_file="$STATE_DIR/run.pid"
if [[ -f "$owner_file" ]]; then
  owner=$(<"$owner_file")
  if [[ -n "$owner" && "$owner" != "$$" ]] && kill -0 "$owner" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | grep -q 'run\.sh'; then
    echo "scripts/run.sh is already running (pid $owner) with state in $STATE_DIR" >&2
    echo "stop it, or set CHAT_STATE_DIR to run a second copy" >&2
    exit 1
  fi
fi
echo $$ >"$owner_file"

NODE_PIDS=()

# shellcheck disable=SC2317  # reached through the traps below
stop_nodes() {
  local pid
  # Each node runs in its own process group (setsid below): signal the
  # whole group so the app behind `dotnet run` stops too.
  for pid in "${NODE_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${NODE_PIDS[@]}"; do
    local deadline=$((SECONDS + 15))
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  NODE_PIDS=()
}

# shellcheck disable=SC2317  # reached through the traps below
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo "stopping..." >&2
  stop_nodes
  stop_servers || true
  rm -f "$owner_file"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- servers ---------------------------------------------------------------

if [[ -n "${ConnectionStrings__Chat:-}" ]] && ((!CLUSTER)); then
  : # nothing to install: no PostgreSQL or Redis of our own
else
  ensure_packages
fi

if [[ -n "${ConnectionStrings__Chat:-}" ]]; then
  echo "using the PostgreSQL given in ConnectionStrings__Chat"
else
  stop_postgres_dir "$STATE_DIR"
  # Durable settings: this is data a developer keeps between runs.
  start_postgres "$STATE_DIR"
  export ConnectionStrings__Chat=$PG_CONNECTION_STRING
fi

if ((CLUSTER)); then
  # Redis holds nothing worth keeping, so it lives in a scratch subfolder.
  mkdir -p "$STATE_DIR/redis"
  start_redis "$STATE_DIR/redis"
  export Redis__Configuration="127.0.0.1:$REDIS_PORT"
fi

if [[ -z "${Jwt__SigningKey:-}" ]]; then
  key_file="$STATE_DIR/jwt-signing-key"
  if [[ ! -s "$key_file" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 >"$key_file")
  fi
  chmod 600 "$key_file"
  Jwt__SigningKey=$(<"$key_file")
  export Jwt__SigningKey
fi

# The key webhook secrets are sealed with in the database, made once like the JWT key: without
# it the secrets would be stored as they are.
if [[ -z "${Webhooks__SecretKey:-}" ]]; then
  key_file="$STATE_DIR/webhooks-secret-key"
  if [[ ! -s "$key_file" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 >"$key_file")
  fi
  chmod 600 "$key_file"
  Webhooks__SecretKey=$(<"$key_file")
  export Webhooks__SecretKey
fi

# Offline notifications over Web Push: a VAPID key pair of this machine's own, made once and kept
# beside the JWT key. Browsers that subscribed keep working across runs only with the same pair.
if [[ -z "${Push__VapidPrivateKey:-}" ]] && ! command -v openssl >/dev/null; then
  echo "openssl not found: offline notifications (Web Push) stay off" >&2
elif [[ -z "${Push__VapidPrivateKey:-}" ]]; then
  vapid_file="$STATE_DIR/vapid-private-key.pem"
  if [[ ! -s "$vapid_file" ]]; then
    (umask 077 && openssl ecparam -name prime256v1 -genkey -noout -out "$vapid_file")
  fi
  chmod 600 "$vapid_file"
  vapid_text=$(openssl ec -in "$vapid_file" -noout -text 2>/dev/null)
  # The hex after "priv:" or "pub:" in openssl's listing, as base64url of its bytes; the private
  # key is left-padded to its 32 bytes (openssl drops leading zeros, or adds one).
  vapid_key() {
    local hex
    hex=$(awk -v field="$1" '$0 == field ":" { on = 1; next } /^[^ ]/ { on = 0 } on { gsub(/[ :]/, ""); printf "%s", $0 }' <<<"$vapid_text")
    if [[ $1 == priv ]]; then
      hex=$(printf '%064s' "$hex" | tr ' ' 0)
      hex=${hex: -64}
    fi
    # shellcheck disable=SC2059 # the format is the bytes themselves, as \x escapes
    printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0 | tr '+/' '-_' | tr -d '='
  }
  Push__VapidPrivateKey=$(vapid_key priv)
  Push__VapidPublicKey=$(vapid_key pub)
  export Push__VapidPrivateKey Push__VapidPublicKey
  export Push__Subject=${Push__Subject:-mailto:dev@localhost}
fi
export ASPNETCORE_ENVIRONMENT=Development

# A built-in bot, so a new user sees a streamed reply at once: add "helper" to a room
# (POST /api/rooms/{id}/bots {"userName":"helper"}) and mention it: "@helper what time is it?".
# Bots__0__… set in the environment declare other bots instead.
if [[ -z "${Bots__0__UserName:-}" ]]; then
  export Bots__0__UserName=helper Bots__0__DisplayName=Helper Bots__0__Provider=scripted
fi

# --- build -----------------------------------------------------------------

if [[ -f web-client/package.json ]]; then
  echo "building the web client"
  (
    cd web-client
    if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
      npm ci --no-audit --no-fund
      # npm ci may leave node_modules' mtime older than the lock file.
      touch node_modules
    fi
    npm run build
  )
fi

echo "building Chat.Api ($CONFIG)"
dotnet build Chat.Api -c "$CONFIG" -nologo -v quiet

# --- nodes -----------------------------------------------------------------

node_count=1
((CLUSTER)) && node_count=2

PORTS=()
for ((i = 0; i < node_count; i++)); do
  if ((i == 0)) && [[ -n "$PORT" ]]; then
    if ! reserve_port "$PORT"; then
      echo "port $PORT is already in use" >&2
      exit 1
    fi
    p=$PORT
  elif reserve_port $((5080 + i)); then
    # Stable, easy-to-remember URLs when nothing else has them.
    p=$((5080 + i))
  else
    free_port p
  fi
  PORTS+=("$p")
done

for ((i = 0; i < node_count; i++)); do
  port=${PORTS[i]}
  # setsid: own process group, so stop_nodes can end `dotnet run` together
  # with the app it starts. --no-launch-profile: launchSettings.json must not
  # override the URL or environment given here.
  if ((CLUSTER)); then
    # Prefix each line so the two nodes' logs can be told apart.
    setsid dotnet run --no-build --no-launch-profile --project Chat.Api -c "$CONFIG" \
      -- --urls "http://127.0.0.1:$port" </dev/null \
      > >(sed -u "s/^/[node$((i + 1))] /") 2>&1 &
  else
    setsid dotnet run --no-build --no-launch-profile --project Chat.Api -c "$CONFIG" \
      -- --urls "http://127.0.0.1:$port" </dev/null &
  fi
  NODE_PIDS+=("$!")
done

# Wait for every node to report ready (health check includes the database).
for ((i = 0; i < node_count; i++)); do
  port=${PORTS[i]} pid=${NODE_PIDS[i]}
  deadline=$((SECONDS + 60))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health/ready" || true)" == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=0
      wait "$pid" || rc=$?
      echo "Chat.Api on port $port exited with code $rc before it was ready" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "Chat.Api on port $port not ready after 60 s (GET /health/ready never answered 200)" >&2
      exit 1
    fi
    sleep 0.5
  done
  release_port "$port"
done

echo
for port in "${PORTS[@]}"; do
  echo "Chat is running: web client http://127.0.0.1:$port/  Swagger http://127.0.0.1:$port/swagger"
done
echo "Press Ctrl-C to stop."

# Run until Ctrl-C or until a node stops by itself (which ends the rest too).
rc=0
wait -n "${NODE_PIDS[@]}" || rc=$?
echo "a Chat.Api node exited with code $rc" >&2
exit $((rc == 0 ? 1 : rc))
