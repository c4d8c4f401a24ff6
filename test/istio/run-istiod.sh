#!/usr/bin/env bash
# Runs a real istiod (pilot-discovery from build.sh) without Kubernetes, reading
# config only from one MCP-over-xDS config source. Runs in the foreground via
# exec, so the caller's $! is istiod's PID.
#
#   run-istiod.sh HOST:PORT [extra pilot-discovery flags...]
#
# Ports (all on 127.0.0.1), override with env:
#   ISTIOD_HTTP_PORT (18080: /ready, /debug/*), ISTIOD_GRPC_PORT (18010: plaintext xDS),
#   ISTIOD_MON_PORT (18014: /metrics, /debug/*), ISTIOD_CTRLZ_PORT (18876)
# ISTIOD_WORKDIR: where mesh.yaml is written and istiod runs (default: a new /tmp dir).
# ISTIOD_MESH_EXTRA: extra YAML lines appended to mesh.yaml (e.g. "defaultServiceExportTo: [\".\"]").
# ISTIOD_SOURCE_CA_FILE: connect to the config source with TLS (tlsSettings mode SIMPLE,
#   istiod 1.26+), trusting this PEM CA; istiod wants the PEM text, so it is inlined.
# ISTIOD_BINARY: the pilot-discovery to run (default: build.sh's PILOT_DISCOVERY, 1.26);
#   e.g. LEGACY_PILOT_DISCOVERY from build.sh (1.22 line: same flags, same behaviour).
#
# Readiness: kube-less istiod never answers /ready with 200 (the sidecar-injector
# and config-validation probes are only set when a Kubernetes client exists).
# Wait for the gRPC port to accept connections instead: istiod opens it only
# after every config-source type has been answered ("All caches have been synced").
# If HOST:PORT refuses connections at start, istiod exits at once with status 255
# ("MCP: failed running ... connection refused").
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,20p' "$0" >&2; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${ISTIOD_BINARY:-}" ]; then
  PILOT_DISCOVERY=$ISTIOD_BINARY
else
  eval "$(IRB_SKIP_LEGACY=1 IRB_SKIP_131=1 "$here/build.sh")"
fi
addr=$1; shift
dir=${ISTIOD_WORKDIR:-$(mktemp -d /tmp/irb-istiod.XXXXXX)}
mkdir -p "$dir"
{
  printf 'configSources:\n- address: xds://%s\n' "$addr"
  if [ -n "${ISTIOD_SOURCE_CA_FILE:-}" ]; then
    printf '  tlsSettings:\n    mode: SIMPLE\n    caCertificates: |\n'
    sed 's/^/      /' "$ISTIOD_SOURCE_CA_FILE"
  fi
  if [ -n "${ISTIOD_MESH_EXTRA:-}" ]; then printf '%s\n' "$ISTIOD_MESH_EXTRA"; fi
} >"$dir/mesh.yaml"
cd "$dir"
exec env POD_NAMESPACE=istio-system POD_NAME=istiod-e2e REVISION= ENABLE_CA_SERVER=false \
  "$PILOT_DISCOVERY" discovery \
  --registries= \
  --meshConfig="$dir/mesh.yaml" --networksConfig=/dev/null \
  --httpAddr="127.0.0.1:${ISTIOD_HTTP_PORT:-18080}" \
  --grpcAddr="127.0.0.1:${ISTIOD_GRPC_PORT:-18010}" \
  --secureGRPCAddr= \
  --httpsAddr="127.0.0.1:${ISTIOD_HTTPS_PORT:-18017}" \
  --monitoringAddr="127.0.0.1:${ISTIOD_MON_PORT:-18014}" \
  --ctrlz_address=127.0.0.1 --ctrlz_port="${ISTIOD_CTRLZ_PORT:-18876}" \
  --log_output_level=adsc:debug \
  "$@"
