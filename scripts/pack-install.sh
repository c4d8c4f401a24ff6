#!/usr/bin/env bash
# Installs this repository the way a user gets it: packs it with `npm pack`
# (the artefact `npm publish` would upload) and installs that tarball, with
# production dependencies only, into the empty (or new) folder DEST:
#   npm install --omit=dev --prefix DEST <tarball>
# The command then is DEST/node_modules/.bin/registry-bridge; its path is
# printed on stdout. Used by the Dockerfile's build stage and by
# test/deploy/package.int.test.ts, so the image and the CI check hold the same
# layout. Build first (npm run build): the pack runs no scripts.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/pack-install.sh DEST" >&2; exit 2; }
dest=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -f "$repo/dist/bundle/registry-bridge.mjs" ]; then
  echo "pack-install.sh: $repo/dist/bundle/registry-bridge.mjs missing: run npm run build first" >&2
  exit 2
fi
mkdir -p "$dest"
if [ -n "$(ls -A "$dest")" ]; then
  echo "pack-install.sh: $dest is not empty" >&2
  exit 2
fi
dest=$(cd "$dest" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$repo" && npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)
echo "pack-install.sh: packed $tarball; installing into $dest" >&2
(cd "$dest" && npm install --omit=dev --no-audit --no-fund --no-update-notifier --loglevel=error \
  --prefix "$dest" "$work/$tarball" >&2)
echo "$dest/node_modules/.bin/registry-bridge"
