#!/usr/bin/env bash
# Builds compose-loader (main.go: the Compose specification's own Go loader,
# github.com/compose-spec/compose-go, fetched through the Go module proxy) into
#   ${IRB_CACHE:-$HOME/.cache/irb}/compose-loader-<hash of this folder>/compose-loader
# reusing a build with the same hash, and prints its path on stdout. Needs Go
# >= 1.24 (exit 3 without it). Cold: about 1-2 min of module downloads, then cached.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="${IRB_CACHE:-$HOME/.cache/irb}"
if ! command -v go >/dev/null 2>&1; then
  echo "compose-loader/build.sh: go not found (install Go >= 1.24)" >&2
  exit 3
fi
hash=$(cd "$here" && find go.mod go.sum main.go build.sh -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
out="$cache/compose-loader-$hash"
if [ -x "$out/compose-loader" ]; then
  echo "$out/compose-loader"
  exit 0
fi
mkdir -p "$out"
echo "compose-loader/build.sh: building $hash" >&2
(cd "$here" && GOFLAGS=-mod=readonly go build -trimpath -o "$out/compose-loader.tmp.$$" .)
mv -f "$out/compose-loader.tmp.$$" "$out/compose-loader"
echo "$out/compose-loader"
