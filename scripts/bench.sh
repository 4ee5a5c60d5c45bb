#!/usr/bin/env bash
# Run the load generator against freshly started servers.
#
#   scripts/bench.sh SCENARIO [Chat.Bench options]
#   scripts/bench.sh rooms --rooms 100 --members 20 --rate 2 --out rooms.json
#
# Starts a private PostgreSQL (durable: fsync on, so persist measures real
# commits) and Redis on free ports, raises the open-file limit, builds the
# solution in Release and runs Chat.Bench, which starts the Chat.Api nodes
# itself. ConnectionStrings__Chat / Redis__Configuration use servers you
# already run instead. Everything started here stops when the script ends.
#
# CHAT_BENCH_STATE_DIR=DIR keeps the PostgreSQL cluster in DIR and reuses it on
# the next run: a database that has already served a run, as a production one
# has, instead of one created seconds before (see BENCHMARKS.md for why that
# matters to the ack tail).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

SCRATCH=$(mktemp -d /tmp/chat-bench.XXXXXX)
# shellcheck disable=SC2034  # read by stop_servers
SERVERS_REMOVE_DIR=$SCRATCH
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Every connection is a descriptor in the bench and one in the node: raise the
# soft limit as far as allowed (beyond the hard limit needs CAP_SYS_RESOURCE).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n) per process"

if [[ -z "${ConnectionStrings__Chat:-}" || -z "${Redis__Configuration:-}" ]]; then
  ensure_packages
fi
if [[ -z "${ConnectionStrings__Chat:-}" ]]; then
  start_postgres "${CHAT_BENCH_STATE_DIR:-$SCRATCH}"
  export ConnectionStrings__Chat="$PG_CONNECTION_STRING"
fi
if [[ -z "${Redis__Configuration:-}" ]]; then
  start_redis "$SCRATCH"
  export Redis__Configuration="127.0.0.1:$REDIS_PORT"
fi

# The Socket.IO peer runs under Node.js (--target socketio or all).
if [[ " $* " == *" socketio "* || " $* " == *" all "* ]]; then
  ensure_socketio_peer
fi

dotnet build Chat.sln -c Release -v quiet -nologo
dotnet Chat.Bench/bin/Release/net10.0/Chat.Bench.dll "$@"
