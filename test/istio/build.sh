#!/usr/bin/env bash
# Builds the real-istiod test fixtures, once per Istio version, into
#   ${IRB_CACHE:-$HOME/.cache/irb}/istio/<istio.io/istio module version>/
#     pilot-discovery     istiod, built from the pinned istio.io/istio module
#     adsc-probe          cmd/adsc-probe: istiod's config-source client + validating store
#     mcp-fixture-server  cmd/mcp-fixture-server: minimal MCP server fed from a YAML file
# and prints their paths on stdout as shell assignments:
#   ISTIO_VERSION=v0.0.0-...
#   PILOT_DISCOVERY=/.../pilot-discovery
#   ADSC_PROBE=/.../adsc-probe
#   MCP_FIXTURE_SERVER=/.../mcp-fixture-server
# so callers can do: eval "$(test/istio/build.sh)"
# The Istio version is whatever go.mod pins. Progress goes to stderr.
# Needs only Go (>= 1.24) and the Go module proxy; go.sum pins every module.
#
# It then runs ../istio-1.31/build.sh (istiod of the release-1.31 branch, patched
# only so that it starts without Kubernetes: docs/istiod-kubeless-panic.md) and
# forwards its lines:
#   ISTIO131_VERSION=..., ISTIO131_PILOT_DISCOVERY=..., ISTIO131_ADSC_PROBE=...
# If that build fails, it prints ISTIO131_MISSING='<why>' instead and still
# succeeds; the 1.31 suites then fail under CI (skip elsewhere). IRB_SKIP_131=1 skips it.
#
# Last it runs ../istio-legacy/build.sh (an istiod of the 1.22 line, which asks
# for the pre-1.24 v1alpha3 type URLs) and forwards its lines:
#   LEGACY_ISTIO_VERSION=..., LEGACY_PILOT_DISCOVERY=..., LEGACY_ADSC_PROBE=...
# If that build fails, it prints LEGACY_MISSING='<why>' instead and still
# succeeds; the legacy suite then fails under CI (skip elsewhere). IRB_SKIP_LEGACY=1 skips it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(awk '$1 == "istio.io/istio" && $2 ~ /^v/ { print $2; exit }' "$here/go.mod")
[ -n "$version" ] || { echo "build.sh: istio.io/istio not found in $here/go.mod" >&2; exit 1; }
out="${IRB_CACHE:-$HOME/.cache/irb}/istio/$version"
mkdir -p "$out"

# The small tools are rebuilt whenever their sources or the module pins change.
stamp=$(cat "$here/go.mod" "$here/go.sum" "$here"/cmd/*/*.go | sha256sum | cut -c1-16)
tools_fresh() {
  [ -x "$out/adsc-probe" ] && [ -x "$out/mcp-fixture-server" ] &&
    [ "$(cat "$out/tools.stamp" 2>/dev/null)" = "$stamp" ]
}

if [ ! -x "$out/pilot-discovery" ] || ! tools_fresh; then
  command -v go >/dev/null || { echo "build.sh: go not found in PATH" >&2; exit 1; }
  # Serialise concurrent callers; a second caller waits and then finds the binaries.
  exec 9>"$out/.lock"
  command -v flock >/dev/null && flock 9
  cd "$here"
  flags=(-trimpath -buildvcs=false)
  if [ ! -x "$out/pilot-discovery" ]; then
    echo "build.sh: building pilot-discovery $version (cold: ~10-20 min on 2 cores)" >&2
    start=$SECONDS
    go build "${flags[@]}" -o "$out/pilot-discovery.tmp.$$" istio.io/istio/pilot/cmd/pilot-discovery
    mv -f "$out/pilot-discovery.tmp.$$" "$out/pilot-discovery"
    echo "build.sh: pilot-discovery built in $((SECONDS - start)) s" >&2
  fi
  if ! tools_fresh; then
    echo "build.sh: building adsc-probe and mcp-fixture-server" >&2
    start=$SECONDS
    for t in adsc-probe mcp-fixture-server; do
      go build "${flags[@]}" -o "$out/$t.tmp.$$" "./cmd/$t"
      mv -f "$out/$t.tmp.$$" "$out/$t"
    done
    echo "$stamp" >"$out/tools.stamp"
    echo "build.sh: tools built in $((SECONDS - start)) s" >&2
  fi
fi

echo "ISTIO_VERSION=$version"
echo "PILOT_DISCOVERY=$out/pilot-discovery"
echo "ADSC_PROBE=$out/adsc-probe"
echo "MCP_FIXTURE_SERVER=$out/mcp-fixture-server"

if [ -n "${IRB_SKIP_131:-}" ]; then
  echo "ISTIO131_MISSING='IRB_SKIP_131 is set'"
elif ! bash "$here/../istio-1.31/build.sh"; then
  echo "build.sh: the 1.31 istiod build failed (see above); only the 1.31 suites need it" >&2
  echo "ISTIO131_MISSING='test/istio-1.31/build.sh failed (see the build output above)'"
fi

if [ -n "${IRB_SKIP_LEGACY:-}" ]; then
  echo "LEGACY_MISSING='IRB_SKIP_LEGACY is set'"
elif ! bash "$here/../istio-legacy/build.sh"; then
  echo "build.sh: the legacy istiod build failed (see above); only the legacy suite needs it" >&2
  echo "LEGACY_MISSING='test/istio-legacy/build.sh failed (see the build output above)'"
fi
