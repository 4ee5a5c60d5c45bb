#!/usr/bin/env bash
# A chaos run you can repeat (RELIABILITY.md): two Chat.Api nodes on a
# redis-server of the run's own and a private PostgreSQL, a steady load of sends
# from Chat.Client users on both nodes, a schedule of faults (kill -9 a node,
# kill Redis, freeze Redis, restart PostgreSQL, freeze a node past the clients'
# timeout), then a checker that counts what was lost, stored twice or never
# reached a member.
#
#   scripts/chaos.sh [Chat.Bench chaos options]
#   scripts/chaos.sh --faults 20 --out chaos.json    # RELIABILITY.md's full run
#
# Starts a durable PostgreSQL (fsync on) on a free port, builds the solution in
# Release and runs `Chat.Bench chaos`, which starts the nodes and its redis-server
# itself and stops and starts this PostgreSQL through
# `scripts/chaos.sh --postgres-ctl DIR stop|start` (PostgreSQL runs as the
# postgres user; servers.sh knows how). With ConnectionStrings__Chat set, that
# server is used instead and the PostgreSQL fault closes the database to the
# nodes rather than restarting the server. The nodes' output is kept in
# CHAT_CHAOS_LOGS (default: a new folder under /tmp, printed at the start).
# Exits non-zero when anything acked was lost, duplicated or not converged.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh

# The bench's way to stop and start the cluster this script started.
if [[ "${1:-}" == --postgres-ctl ]]; then
  postgres_ctl_dir "${2:?--postgres-ctl DIR stop|start}" "${3:-}"
  exit
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

SCRATCH=$(mktemp -d /tmp/chat-chaos.XXXXXX)
# shellcheck disable=SC2034  # read by stop_servers
SERVERS_REMOVE_DIR=$SCRATCH
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A thousand clients, each a descriptor in the bench and one in a node.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

LOGS=${CHAT_CHAOS_LOGS:-$(mktemp -d /tmp/chat-chaos-logs.XXXXXX)}
echo "nodes' output: $LOGS"

ensure_packages
control=()
if [[ -z "${ConnectionStrings__Chat:-}" ]]; then
  start_postgres "$SCRATCH"
  export ConnectionStrings__Chat="$PG_CONNECTION_STRING"
  control=(--postgres-ctl "$REPO_ROOT/scripts/chaos.sh --postgres-ctl $SCRATCH")
fi
# Never a shared Redis: the run kills its own.
unset Redis__Configuration

dotnet build Chat.sln -c Release -v quiet -nologo
dotnet Chat.Bench/bin/Release/net10.0/Chat.Bench.dll chaos --logs "$LOGS" "${control[@]}" "$@"
