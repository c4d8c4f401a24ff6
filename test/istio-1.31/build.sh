#!/usr/bin/env bash
# Builds the real-istiod fixtures of the 1.31 line, once per input hash, into
#   ${IRB_CACHE:-$HOME/.cache/irb}/istio/<istio.io/istio module version>/
#     pilot-discovery  istiod of the release-1.31 branch (after 1.31.0-rc.0),
#                      with kubeless-serviceentry.patch applied (test fixture only)
#     adsc-probe       ../istio/cmd/adsc-probe (same source, symlinked) built
#                      against this istio's pkg/adsc and validating store
# and prints their paths on stdout as shell assignments:
#   ISTIO131_VERSION=v0.0.0-...
#   ISTIO131_PILOT_DISCOVERY=/.../pilot-discovery
#   ISTIO131_ADSC_PROBE=/.../adsc-probe
# test/istio/build.sh calls this and forwards these lines. Progress on stderr.
#
# Why a patch: every istiod from 1.30 on panics at start without Kubernetes
# (docs/istiod-kubeless-panic.md). With Kubernetes, as users run it, that code
# path is fine; the product ships nothing patched. The patch only lets the
# kube-less test fixture start. `go build -overlay` refuses files in the module
# cache, so this script copies the module out of the cache into a build folder,
# applies the patch there, and go.mod's `replace istio.io/istio ... => ./istio-patched`
# points at that copy. The build folder is under the cache, never in the repo.
#
# Cache keys: pilot-discovery is rebuilt when go.mod, go.sum or the patch change;
# adsc-probe when go.mod, go.sum, the patch or the probe's source change.
# Cold build: about 13 min on 2 cores with an empty Go build cache. Needs Go >= 1.26.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
patch_file="$here/kubeless-serviceentry.patch"
version=$(awk '$1 == "istio.io/istio" && $2 ~ /^v/ { print $2; exit }' "$here/go.mod")
[ -n "$version" ] || { echo "1.31 build.sh: istio.io/istio not found in $here/go.mod" >&2; exit 1; }
# The h1: hash of the unpatched istio.io/istio module zip (what istio's proxy
# serves and the checksum DB records); checked before the copy is patched.
istio_sum='h1:ui9TJjRMAV/hb5ehQaZDq7IUGxuQP6dra9lapT/VjHI='
out="${IRB_CACHE:-$HOME/.cache/irb}/istio/$version"
mkdir -p "$out"

pilot_stamp=$(cat "$here/go.mod" "$here/go.sum" "$patch_file" | sha256sum | cut -c1-16)
tools_stamp=$(cat "$here/go.mod" "$here/go.sum" "$patch_file" "$here"/cmd/*/*.go | sha256sum | cut -c1-16)
pilot_fresh() {
  [ -x "$out/pilot-discovery" ] && [ "$(cat "$out/pilot.stamp" 2>/dev/null)" = "$pilot_stamp" ]
}
tools_fresh() {
  [ -x "$out/adsc-probe" ] && [ "$(cat "$out/tools.stamp" 2>/dev/null)" = "$tools_stamp" ]
}

if ! pilot_fresh || ! tools_fresh; then
  command -v go >/dev/null || { echo "1.31 build.sh: go not found in PATH" >&2; exit 1; }
  gov=$(go env GOVERSION)
  if ! printf '%s\n' "go1.26" "$gov" | sort -V -C; then
    echo "1.31 build.sh: istio.io/istio $version needs Go >= 1.26 (found $gov)" >&2
    exit 1
  fi
  # Serialise concurrent callers; a second caller waits and then finds the binaries.
  exec 9>"$out/.lock"
  command -v flock >/dev/null && flock 9
fi

if ! pilot_fresh || ! tools_fresh; then
  # A fresh build folder: the fixture module, and the patched copy of istio.
  build="$out/build"
  rm -rf "$build"
  mkdir -p "$build"
  cp "$here/go.mod" "$here/go.sum" "$build/"
  cp -RL "$here/cmd" "$build/cmd"
  cd "$build"
  echo "1.31 build.sh: fetching istio.io/istio $version from the module proxy" >&2
  json=$(go mod download -json "istio.io/istio@$version")
  src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  sum=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
  if [ -z "$src" ] || [ "$sum" != "$istio_sum" ]; then
    echo "1.31 build.sh: istio.io/istio $version: unexpected download (Sum '$sum', want '$istio_sum'):" >&2
    printf '%s\n' "$json" >&2
    exit 1
  fi
  cp -R "$src" istio-patched
  chmod -R u+w istio-patched
  patch -p1 -d istio-patched --forward --batch --quiet <"$patch_file"
  flags=(-trimpath -buildvcs=false)
  if ! pilot_fresh; then
    echo "1.31 build.sh: building patched pilot-discovery $version (cold: ~13 min on 2 cores)" >&2
    start=$SECONDS
    go build "${flags[@]}" -o "$out/pilot-discovery.tmp.$$" istio.io/istio/pilot/cmd/pilot-discovery
    mv -f "$out/pilot-discovery.tmp.$$" "$out/pilot-discovery"
    echo "$pilot_stamp" >"$out/pilot.stamp"
    echo "1.31 build.sh: pilot-discovery built in $((SECONDS - start)) s" >&2
  fi
  if ! tools_fresh; then
    echo "1.31 build.sh: building adsc-probe" >&2
    start=$SECONDS
    go build "${flags[@]}" -o "$out/adsc-probe.tmp.$$" ./cmd/adsc-probe
    mv -f "$out/adsc-probe.tmp.$$" "$out/adsc-probe"
    echo "$tools_stamp" >"$out/tools.stamp"
    echo "1.31 build.sh: adsc-probe built in $((SECONDS - start)) s" >&2
  fi
  cd /
  rm -rf "$build" # ~60 MB of sources; the Go build cache keeps the compiled packages
fi

echo "ISTIO131_VERSION=$version"
echo "ISTIO131_PILOT_DISCOVERY=$out/pilot-discovery"
echo "ISTIO131_ADSC_PROBE=$out/adsc-probe"
