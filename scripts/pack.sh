#!/usr/bin/env bash
# Packs the clients other teams install, as a release would publish them:
#   OUT/nuget  Chat.Contracts and Chat.Client (.nupkg, with .snupkg symbols)
#   OUT/npm    the TypeScript client (.tgz, as `npm pack` makes it)
#
#   scripts/pack.sh [OUT]        # default: artifacts/packages
#
# The version comes from the git tag on HEAD (v1.2.0 -> 1.2.0), else a -dev version
# (see build/Versioning.targets).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-artifacts/packages}")
# shellcheck source=lib/pack-nuget.sh
source scripts/lib/pack-nuget.sh
# shellcheck source=lib/pack-npm.sh
source scripts/lib/pack-npm.sh

pack_nuget "$OUT/nuget"
pack_npm "$OUT/npm"
echo "packages in $OUT"
