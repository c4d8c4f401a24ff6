#!/usr/bin/env bash
# Builds the legacy real-istiod fixtures, once per Istio version, into
#   ${IRB_CACHE:-$HOME/.cache/irb}/istio/<istio.io/istio module version>/
#     pilot-discovery  istiod of the 1.22 development line (pre-1.24 type URLs)
#     adsc-probe       ../istio/cmd/adsc-probe (same source, symlinked) built
#                      against this istio's pkg/adsc and validating store
# and prints their paths on stdout as shell assignments:
#   LEGACY_ISTIO_VERSION=v0.0.0-...
#   LEGACY_PILOT_DISCOVERY=/.../pilot-discovery
#   LEGACY_ADSC_PROBE=/.../adsc-probe
# test/istio/build.sh calls this and forwards these lines. Progress on stderr.
#
# The module proxy here serves this istio.io/istio commit but answers 403 for
# the istio.io/api commit it pins, so go.mod requires the tag istio.io/api
# v1.22.0 instead (served, and it still has operator/v1alpha1). Where a module
# cannot be downloaded, this script says so and exits 1. Both binaries are
# rebuilt when go.mod or go.sum change (a stamp beside them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(awk '$1 == "istio.io/istio" && $2 ~ /^v/ { print $2; exit }' "$here/go.mod")
[ -n "$version" ] || { echo "legacy build.sh: istio.io/istio not found in $here/go.mod" >&2; exit 1; }
cache="${IRB_CACHE:-$HOME/.cache/irb}/istio"
out="$cache/$version"
mkdir -p "$out"

stamp=$(cat "$here/go.mod" "$here/go.sum" "$here"/cmd/*/*.go | sha256sum | cut -c1-16)
pilot_stamp=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)
pilot_fresh() {
  [ -x "$out/pilot-discovery" ] && [ "$(cat "$out/pilot.stamp" 2>/dev/null)" = "$pilot_stamp" ]
}
tools_fresh() {
  [ -x "$out/adsc-probe" ] && [ "$(cat "$out/tools.stamp" 2>/dev/null)" = "$stamp" ]
}

if ! pilot_fresh || ! tools_fresh; then
  command -v go >/dev/null || { echo "legacy build.sh: go not found in PATH" >&2; exit 1; }
  exec 9>"$out/.lock"
  command -v flock >/dev/null && flock 9
  cd "$here"
  if ! go mod download istio.io/api; then
    echo "legacy build.sh: istio.io/api for $version cannot be downloaded from the module proxy" >&2
    exit 1
  fi
  flags=(-trimpath -buildvcs=false)
  if ! pilot_fresh; then
    echo "legacy build.sh: building pilot-discovery $version (cold: ~7 min of CPU)" >&2
    start=$SECONDS
    go build "${flags[@]}" -o "$out/pilot-discovery.tmp.$$" istio.io/istio/pilot/cmd/pilot-discovery
    mv -f "$out/pilot-discovery.tmp.$$" "$out/pilot-discovery"
    echo "$pilot_stamp" >"$out/pilot.stamp"
    echo "legacy build.sh: pilot-discovery built in $((SECONDS - start)) s" >&2
  fi
  if ! tools_fresh; then
    echo "legacy build.sh: building adsc-probe" >&2
    start=$SECONDS
    go build "${flags[@]}" -o "$out/adsc-probe.tmp.$$" ./cmd/adsc-probe
    mv -f "$out/adsc-probe.tmp.$$" "$out/adsc-probe"
    echo "$stamp" >"$out/tools.stamp"
    echo "legacy build.sh: adsc-probe built in $((SECONDS - start)) s" >&2
  fi
fi

echo "LEGACY_ISTIO_VERSION=$version"
echo "LEGACY_PILOT_DISCOVERY=$out/pilot-discovery"
echo "LEGACY_ADSC_PROBE=$out/adsc-probe"
