#!/usr/bin/env bash
# The .NET runtime's own view of a node while a benchmark runs.
#
#   scripts/bench.sh rooms ...          # in one terminal
#   scripts/counters.sh [SECONDS] [PID] # in another, while it sends
#
# Records the System.Runtime counters of a Chat.Api node (the first one
# running, or PID) with dotnet-counters for SECONDS (default 20) and prints
# each one's mean and peak per second: CPU, time paused for the garbage
# collector, collections by generation, allocation rate, time spent compiling
# methods (tiering), thread-pool work and queue, lock contention. The tools
# come from the repository's tool manifest (.config/dotnet-tools.json).
set -euo pipefail

SECONDS_TO_RECORD=${1:-20}
PID=${2:-$(pgrep -f '^dotnet [^ ]*Chat\.Api\.dll' | head -1 || true)}
[[ -n "$PID" ]] || { echo "no Chat.Api node is running" >&2; exit 1; }

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
dotnet tool restore >/dev/null

OUT=$(mktemp -d /tmp/chat-counters.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# dotnet-counters runs until stopped; timeout ends it after the window.
timeout --signal=INT "$((SECONDS_TO_RECORD + 2))" \
  dotnet dotnet-counters collect --process-id "$PID" --refresh-interval 1 --format csv \
  --output "$OUT/counters.csv" --counters System.Runtime >/dev/null 2>&1 || true
[[ -s "$OUT/counters.csv" ]] || { echo "dotnet-counters recorded nothing for pid $PID" >&2; exit 1; }

echo "runtime counters of pid $PID over ${SECONDS_TO_RECORD} s (per second: mean, peak)"
# Columns: timestamp, provider, counter name, counter type, value. Rates are per
# refresh interval (1 s); the first sample of each counter is left out, since it
# covers the time before recording.
awk -F, 'NR > 1 {
    name = $3; value = $5
    if (!(name in n)) { n[name] = 0; next }
    n[name]++; sum[name] += value
    if (n[name] == 1 || value > peak[name]) peak[name] = value
  }
  END {
    want["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]"] = "cpu seconds, user"
    want["dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]"] = "cpu seconds, kernel"
    want["dotnet.gc.pause.time (s / 1 sec)"] = "seconds paused for GC"
    want["dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]"] = "gen0 collections"
    want["dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen1]"] = "gen1 collections"
    want["dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen2]"] = "gen2 collections"
    want["dotnet.gc.heap.total_allocated (By / 1 sec)"] = "MiB allocated"
    want["dotnet.jit.compilation.time (s / 1 sec)"] = "seconds compiling methods"
    want["dotnet.jit.compiled_methods ({method} / 1 sec)"] = "methods compiled"
    want["dotnet.thread_pool.work_item.count ({work_item} / 1 sec)"] = "thread-pool work items"
    want["dotnet.thread_pool.queue.length ({work_item} / 1 sec)"] = "thread-pool queue length"
    want["dotnet.monitor.lock_contentions ({contention} / 1 sec)"] = "lock contentions"
    want["dotnet.process.memory.working_set (By)"] = "MiB working set"
    for (name in want) {
      if (!(name in n) || n[name] == 0) continue
      mean = sum[name] / n[name]; top = peak[name]
      if (want[name] ~ /^MiB/) { mean /= 1048576; top /= 1048576 }
      printf "  %-28s %12.3f %12.3f\n", want[name], mean, top
    }
  }' "$OUT/counters.csv" | sort
