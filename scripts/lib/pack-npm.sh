#!/usr/bin/env bash
# pack_npm OUT_DIR: the TypeScript client (@chat-service/client, web-client/packages/chat-client)
# built and packed as `npm publish` would upload it, as OUT_DIR/chat-service-client-VERSION.tgz.
# The version is stamped into the packed package.json only (see version.sh); the package.json in
# the checkout keeps its placeholder.

# shellcheck source=version.sh
source "$(dirname "${BASH_SOURCE[0]}")/version.sh"

pack_npm() {
  local out root web package version stage tarball
  out=$(realpath -m "$1")
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  web=$root/web-client
  package=$web/packages/chat-client
  version=$(release_version "$root")

  # A clean clone has no node_modules yet; an installed one is used as it is, so that packing
  # never rewrites a developer's install.
  if [[ ! -x "$web/node_modules/.bin/tsc" ]]; then
    (cd "$web" && npm ci --no-audit --no-fund)
  fi
  # tsc leaves the output of deleted sources behind: a fresh dist ships only what src has now.
  rm -rf "$package/dist"
  (cd "$web" && npm run build --workspace @chat-service/client)

  # Packed from a copy, so the version can be written into it without touching the checkout.
  stage=$(mktemp -d /tmp/chat-npm-pack.XXXXXX)
  cp "$package/package.json" "$package/README.md" "$stage/"
  cp -r "$package/dist" "$stage/dist"
  (
    cd "$stage"
    npm pkg set "version=$version"
    # Its scripts build from sources the package does not ship; an installer has no use for them.
    npm pkg delete scripts
  )

  mkdir -p "$out"
  rm -f "$out"/chat-service-client-*.tgz
  tarball=$(cd "$stage" && npm pack --ignore-scripts --silent --pack-destination "$out")
  rm -rf "$stage"
  echo "packed $out/$tarball ($version)"
}
