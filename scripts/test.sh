#!/usr/bin/env bash
# Run every check: restore, build, format check, the .NET tests against a
# private PostgreSQL and Redis, and the web client's tests when it has any.
#
#   scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Hub]
#
# The last line printed is always "N passed, N failed" (", N skipped" when
# some were skipped); the exit code is 0 only when nothing failed.
# TRX (and web client JUnit) results of the last run are copied to TestResults/.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/servers.sh
source scripts/lib/servers.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No MSBuild worker nodes that outlive the run: on CI they would linger after
# the script ends, still holding its output pipe and inherited descriptors.
export MSBUILDDISABLENODEREUSE=1

PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=""
RESULTS_OUT="$REPO_ROOT/TestResults"

SCRATCH=$(mktemp -d /tmp/chat-test.XXXXXX)
# Read by stop_servers: the scratch dir goes when the servers stop.
# shellcheck disable=SC2034
SERVERS_REMOVE_DIR=$SCRATCH

# Copy the results a developer may want to read out of the scratch dir
# before it is deleted. Only our own files are replaced in TestResults/.
save_results() {
  [[ -d "$SCRATCH/results" ]] || return 0
  mkdir -p "$RESULTS_OUT"
  rm -f "$RESULTS_OUT"/chat*.trx "$RESULTS_OUT"/web-client-junit.xml
  find "$SCRATCH/results" -maxdepth 2 \( -name '*.trx' -o -name 'web-client-junit.xml' \) \
    -exec cp -f {} "$RESULTS_OUT"/ \; 2>/dev/null || true
  # The browser tests' screenshots and the service log they ran against.
  if [[ -d web-client/test-results ]]; then
    rm -rf "$RESULTS_OUT/web-client"
    cp -r web-client/test-results "$RESULTS_OUT/web-client" 2>/dev/null || true
  fi
}

cleanup() {
  save_results || true
  stop_servers || true
  if [[ "${CI:-}" == true ]]; then
    # The Roslyn/Razor compile servers also outlive the run; on CI nothing
    # should be left behind.
    dotnet build-server shutdown >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section() { printf '\n==> %s\n' "$*"; }

# trx_counter NAME COUNTERS: one numeric attribute of a <Counters .../> element.
# The leading space keeps e.g. "passed" from matching "passedButRunAborted".
trx_counter() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }

# count_trx FILE: add one TRX file's counts to the totals.
# The <Counters> element holds the run's totals. xunit's skipped tests are
# not in notExecuted there (their results say outcome="NotExecuted" but the
# counter stays 0): they only show as total - executed, so skipped is derived
# as whatever was neither passed nor failed.
count_trx() {
  local file=$1 counters total passed failed n attr
  counters=$(grep -o '<Counters [^>]*>' "$file" | head -n1 || true)
  if [[ -z "$counters" ]]; then
    # A TRX cut short has no totals: count the individual results instead.
    passed=$(count_matches '<UnitTestResult [^>]*outcome="Passed"' "$file")
    failed=$(count_matches '<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"' "$file")
    total=$(count_matches '<UnitTestResult ' "$file")
  else
    total=$(trx_counter total "$counters")
    passed=$(trx_counter passed "$counters")
    failed=0
    # Every way a TRX can say a test did not pass although it ran.
    for attr in failed error timeout aborted; do
      n=$(trx_counter "$attr" "$counters")
      failed=$((failed + ${n:-0}))
    done
  fi
  total=${total:-0} passed=${passed:-0}
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  if ((total > passed + failed)); then
    SKIPPED=$((SKIPPED + total - passed - failed))
  fi
}

# list_failed_trx FILE: name every test a TRX file records as not passed, so
# the end of a long log says which ones to look at.
list_failed_trx() {
  { grep -oE '<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"[^>]*>' "$1" || true; } |
    sed -n 's/.* testName="\([^"]*\)".*/  failed: \1/p'
}

# count_matches REGEX FILE: how many times REGEX occurs in FILE (0 when none;
# grep's "no match" status must not trip pipefail).
count_matches() { { grep -oE "$1" "$2" || true; } | wc -l; }

# count_junit FILE: add a JUnit XML report's counts (vitest's junit reporter).
count_junit() {
  local file=$1 cases failures skipped
  cases=$(count_matches '<testcase[ >]' "$file")
  # A <failure> or <error> child marks a failed case, a <skipped> child a
  # skipped (or todo) one.
  failures=$(count_matches '<(failure|error)[ >/]' "$file")
  skipped=$(count_matches '<skipped[ >/]' "$file")
  ((failures <= cases)) || failures=$cases
  PASSED=$((PASSED + cases - failures - skipped))
  FAILED=$((FAILED + failures))
  SKIPPED=$((SKIPPED + skipped))
}

# npm_script NAME: print scripts.NAME of web-client/package.json (empty if none).
npm_script() {
  node -e 'const s = require(process.argv[1]).scripts || {}; console.log(s[process.argv[2]] || "")' \
    "$REPO_ROOT/web-client/package.json" "$1"
}

section "servers"
ensure_packages nginx
start_postgres "$SCRATCH" --fast
start_redis "$SCRATCH"
export CHAT_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
export CHAT_TEST_REDIS="127.0.0.1:$REDIS_PORT"
echo "CHAT_TEST_POSTGRES=$CHAT_TEST_POSTGRES"
echo "CHAT_TEST_REDIS=$CHAT_TEST_REDIS"
mkdir -p "$SCRATCH/results"

section "Socket.IO peer"
# The bench tests run the Socket.IO peer beside the chat service.
if ! ensure_socketio_peer; then
  FAILED=$((FAILED + 1))
fi

built=1
section "dotnet restore"
if ! dotnet restore Chat.sln; then
  echo "restore failed"
  built=0
fi

if ((built)); then
  section "dotnet build"
  if ! dotnet build Chat.sln -c Release --no-restore; then
    echo "build failed"
    built=0
  fi
fi

if ((built)); then
  section "dotnet format --verify-no-changes"
  # A format failure is one failed check, but the tests still run so one run
  # reports everything.
  if ! dotnet format Chat.sln --verify-no-changes --no-restore; then
    echo "format check failed: run 'dotnet format Chat.sln' and commit the result"
    FAILED=$((FAILED + 1))
  fi

  section "client packages"
  # Packed once, as a release would pack them, for the tests that install them from outside
  # (Chat.Tests/Packages). If packing fails here, those tests pack again and report why.
  if bash scripts/pack.sh "$SCRATCH/packages"; then
    export CHAT_PACKAGES_DIR="$SCRATCH/packages"
  else
    echo "packing the client packages failed"
  fi

  section "dotnet test"
  test_rc=0
  # A test that hangs is stopped after five minutes and reported as failed, with its name,
  # instead of holding the run until CI's own limit.
  dotnet test Chat.sln -c Release --no-build \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    --logger "trx;LogFilePrefix=chat" --logger "console;verbosity=normal" \
    --results-directory "$SCRATCH/results" "$@" || test_rc=$?

  failed_before=$FAILED
  shopt -s nullglob
  for trx in "$SCRATCH"/results/*.trx; do
    count_trx "$trx"
    names=$(list_failed_trx "$trx")
    if [[ -n "$names" ]]; then FAILED_NAMES+="$names"$'\n'; fi
  done
  shopt -u nullglob
  if ((test_rc != 0 && FAILED == failed_before)); then
    # dotnet test failed without any failed test to show for it (crashed
    # test host, no test project, bad arguments): that is one failure too.
    echo "dotnet test exited with $test_rc without reporting a failed test"
    FAILED=$((FAILED + 1))
  fi
else
  # Nothing could be tested: restore or build failed.
  FAILED=$((FAILED + 1))
fi

if [[ -f web-client/package.json ]]; then
  if ! command -v npm >/dev/null; then
    # Not a silent skip: the web client's tests would go unnoticed.
    echo "web-client/package.json exists but node/npm is not installed"
    FAILED=$((FAILED + 1))
  elif test_script=$(npm_script test) && [[ -n "$test_script" ]]; then
    section "web client tests"
    junit="$SCRATCH/results/web-client-junit.xml"
    # The browser tests drive Chromium; without it they fail, they are never skipped.
    ensure_chromium || true
    rm -rf web-client/test-results
    if ! (cd web-client && npm ci --no-audit --no-fund); then
      echo "npm ci failed"
      FAILED=$((FAILED + 1))
    else
      web_rc=0
      if [[ "$test_script" == *vitest* ]]; then
        # --run: never watch mode, even in a terminal. The default reporter
        # keeps failures readable; the junit one is what gets counted.
        (cd web-client && npm test -- --run --reporter=default --reporter=junit \
          --outputFile.junit="$junit") || web_rc=$?
      else
        (cd web-client && npm test) || web_rc=$?
      fi
      failed_before=$FAILED
      [[ -s "$junit" ]] && count_junit "$junit"
      if ((web_rc != 0 && FAILED == failed_before)); then
        echo "npm test exited with $web_rc without reporting a failed test"
        FAILED=$((FAILED + 1))
      fi
    fi
  fi
fi

# Stop everything now rather than in the trap, so that nothing prints after
# the summary line.
cleanup
trap - EXIT

# The failed tests' names just above the summary, where a truncated log still shows them.
if [[ -n "$FAILED_NAMES" ]]; then printf '\n%s' "$FAILED_NAMES"; fi
summary="$PASSED passed, $FAILED failed"
((SKIPPED > 0)) && summary+=", $SKIPPED skipped"
echo
echo "$summary"
((FAILED == 0))
