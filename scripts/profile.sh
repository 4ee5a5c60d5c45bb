#!/usr/bin/env bash
# Where the machine's CPU goes while a benchmark runs.
#
#   export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
#   scripts/bench.sh persist ...        # in one terminal
#   scripts/profile.sh [SECONDS]        # in another, while it sends
#
# Samples every process with perf for SECONDS (default 10), then prints each
# process group's share of the machine (the Chat.Api nodes, the bench, the
# PostgreSQL backends, Redis, idle) and the nodes' hottest methods. Nodes
# started with DOTNET_PerfMapEnabled=1 write /tmp/perf-PID.map, which names
# their JIT-compiled .NET methods; perf can only match those names to the
# code with W^X off (DOTNET_EnableWriteXorExecute=0), else they show as
# bare addresses.
# Needs perf (Debian: linux-perf) and root or kernel.perf_event_paranoid <= 0.
set -euo pipefail

SECONDS_TO_SAMPLE=${1:-10}
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
mapfile -t NODES < <(pgrep -f '^dotnet [^ ]*Chat\.Api\.dll' || true)
[[ ${#NODES[@]} -gt 0 ]] || { echo "no Chat.Api node is running" >&2; exit 1; }

OUT=$(mktemp -d /tmp/chat-profile.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
perf record -F 999 -a -g -o "$OUT/perf.data" -- sleep "$SECONDS_TO_SAMPLE" >/dev/null 2>&1

# Group samples by process: nodes and benches by pid, everything else by command name.
BENCHES=" $(pgrep -f 'Chat\.Bench\.dll' | tr '\n' ' ') "
NODE_LIST=" ${NODES[*]} "
# A line is the thread name (which may hold spaces) and then the pid.
perf script -i "$OUT/perf.data" -F comm,pid 2>/dev/null | awk -v nodes="$NODE_LIST" -v benches="$BENCHES" '
  {
    pid = $NF; comm = $1
    if (index(nodes, " " pid " ")) group = "Chat.Api nodes"
    else if (index(benches, " " pid " ")) group = "Chat.Bench"
    else if (pid == 0) group = "idle"
    else if (comm ~ /^postgres/) group = "PostgreSQL"
    else if (comm ~ /^redis/) group = "Redis"
    else group = "other"
    count[group]++; total++
  }
  END {
    printf "share of the machine, %d samples on %d cores\n", total, cores
    for (g in count) printf "  %5.1f %%  %s\n", 100 * count[g] / total, g | "sort -rn"
  }' cores="$(nproc)"

echo
echo "hottest methods in the nodes (self time, share of the nodes' samples)"
PIDS=$(IFS=,; echo "${NODES[*]}")
perf report -i "$OUT/perf.data" --pid "$PIDS" --sort sym --no-children --percentage relative --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -30 \
  | sed -E 's/\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|PreJIT)\]//g; s/instance //; s/\[[A-Za-z0-9_.]+\]//g; s/  +/ /g' \
  | cut -c1-160
