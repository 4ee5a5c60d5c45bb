#!/usr/bin/env bash
# pack_nuget OUT_DIR: Chat.Contracts and Chat.Client packed in Release as a release publishes
# them, OUT_DIR/<id>.<version>.nupkg with its .snupkg (symbols) beside it. The version comes from
# git (build/Versioning.targets). Quiet when it works; on a failure it prints the whole build
# output and returns non-zero.

pack_nuget() {
  local out root project log version
  out=$(realpath -m "${1:?pack_nuget needs an output folder}")
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  log=$(mktemp /tmp/chat-nuget-pack.XXXXXX)

  mkdir -p "$out"
  # One version of each in OUT_DIR: a consumer of the folder takes the version from the file name.
  rm -f "$out"/Chat.Contracts.*.nupkg "$out"/Chat.Contracts.*.snupkg "$out"/Chat.Client.*.nupkg "$out"/Chat.Client.*.snupkg

  for project in Chat.Contracts Chat.Client; do
    # No MSBuild nodes or compiler server left running: they would hold the caller's output pipe
    # open after the pack ended, and a test that waits for this script would wait for them too.
    if ! dotnet pack "$root/$project/$project.csproj" -c Release -o "$out" -nologo -v quiet \
      -nodeReuse:false -p:UseSharedCompilation=false >"$log" 2>&1; then
      cat "$log" >&2
      echo "pack_nuget: packing $project failed" >&2
      rm -f "$log"
      return 1
    fi
  done
  rm -f "$log"

  for project in Chat.Contracts Chat.Client; do
    version=$(find "$out" -maxdepth 1 -name "$project.[0-9]*.nupkg" -printf '%f\n' | sed "s/^$project\.\(.*\)\.nupkg$/\1/")
    if [[ -z "$version" || ! -f "$out/$project.$version.snupkg" ]]; then
      echo "pack_nuget: $project.<version>.nupkg and .snupkg are not both in $out" >&2
      return 1
    fi
    echo "packed $out/$project.$version.nupkg ($version)"
  done
}
