#!/usr/bin/env bash
# What a node's managed heap holds, by type; with a second process, the difference.
#
#   scripts/heap.sh PID [OTHER_PID] [ROWS]
#
# Takes a heap snapshot of PID with dotnet-gcdump (the live objects after a
# full collection) and prints the types that hold the most bytes. With
# OTHER_PID (for example the bench's bare hub holding as many connections) it
# prints what PID holds more of than OTHER_PID, type by type: divide by the
# connections for the cost of one. The tools come from the repository's tool
# manifest (.config/dotnet-tools.json).
set -euo pipefail

PID=${1:?usage: scripts/heap.sh PID [OTHER_PID] [ROWS]}
OTHER=${2:-}
ROWS=${3:-30}

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
dotnet tool restore >/dev/null

OUT=$(mktemp -d /tmp/chat-heap.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# One tab-separated line a type: total bytes, objects, type. The report lists
# large objects apart ("(Bytes > 10K)"); they are folded into their type.
by_type() {
  if ! dotnet dotnet-gcdump collect --process-id "$1" --output "$OUT/$1.gcdump" >"$OUT/collect.log" 2>&1; then
    echo "dotnet-gcdump could not read pid $1:" >&2
    cat "$OUT/collect.log" >&2
    return 1
  fi
  dotnet dotnet-gcdump report "$OUT/$1.gcdump" | awk 'NR > 3 && NF >= 3 {
      size = $1; count = $2; gsub(",", "", size); gsub(",", "", count)
      $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/ \(Bytes > [0-9]+K\)/, "")
      bytes[$0] += size * count; objects[$0] += count
    }
    END { for (t in bytes) printf "%d\t%d\t%s\n", bytes[t], objects[t], t }' | sort -t$'\t' -k3,3
}

by_type "$PID" > "$OUT/first.tsv"
if [[ -z "$OTHER" ]]; then
  awk -F'\t' '{ total += $1 } END { printf "pid %s: %.1f MiB live in the managed heap\n", pid, total / 1048576 }' pid="$PID" "$OUT/first.tsv"
  sort -t$'\t' -k1,1nr "$OUT/first.tsv" | head -"$ROWS" | awk -F'\t' '{ printf "%12d B %9d  %s\n", $1, $2, $3 }'
  exit 0
fi

by_type "$OTHER" > "$OUT/other.tsv"
awk -F'\t' -v a="$PID" -v b="$OTHER" 'FNR == NR { ob[$3] = $1; oc[$3] = $2; other += $1; next }
  { first += $1; print ($1 - ob[$3]) "\t" ($2 - oc[$3]) "\t" $3 }
  END { printf "pid %s: %.1f MiB live, pid %s: %.1f MiB live, difference %.1f MiB\n", a, first / 1048576, b, other / 1048576, (first - other) / 1048576 > "/dev/stderr" }' \
  "$OUT/other.tsv" "$OUT/first.tsv" | sort -t$'\t' -k1,1nr | head -"$ROWS" | awk -F'\t' '{ printf "%12d B %9d  %s\n", $1, $2, $3 }'
