#!/usr/bin/env bash
# The release version of a checkout, by the rule build/Versioning.targets applies to the .NET
# packages (the same git commands, the same pattern), so that the npm and NuGet packages built from
# one commit carry one version:
#   HEAD tagged vX.Y.Z (or vX.Y.Z-rc.1)      X.Y.Z (X.Y.Z-rc.1)
#   N commits after the newest tag vX.Y.Z    X.Y.(Z+1)-dev.N  (after vX.Y.Z-rc.1: X.Y.Z-rc.1.dev.N)
#   no tag yet                               0.1.0-dev.N, N the commits on HEAD
#   no git (a source tarball)                0.1.0-dev
#
#   source scripts/lib/version.sh; release_version [DIR]   # DIR: default the current directory

release_version() {
  local dir=${1:-.} described count
  if ! git -C "$dir" rev-parse HEAD >/dev/null 2>&1; then
    echo "0.1.0-dev"
    return 0
  fi

  # The newest tag HEAD descends from, with the commits since: v1.2.3-4-g<commit>.
  described=$(git -C "$dir" describe --tags --long --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null || true)
  if [[ "$described" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9A-Za-z.-]+))?-([0-9]+)-g[0-9a-f]+$ ]]; then
    local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]}
    local prerelease=${BASH_REMATCH[5]} since=${BASH_REMATCH[6]} tagged
    tagged="$major.$minor.$patch${prerelease:+-$prerelease}"
    if ((since == 0)); then
      echo "$tagged"
    elif [[ -z "$prerelease" ]]; then
      echo "$major.$minor.$((patch + 1))-dev.$since"
    else
      echo "$tagged.dev.$since"
    fi
    return 0
  fi

  if count=$(git -C "$dir" rev-list --count HEAD 2>/dev/null) && [[ "$count" =~ ^[0-9]+$ ]]; then
    echo "0.1.0-dev.$count"
  else
    echo "0.1.0-dev"
  fi
}
