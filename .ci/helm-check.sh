#!/usr/bin/env bash
# Lints, renders and validates the Helm chart (deploy/helm/istio-registry-bridge):
#   1. helm lint --strict and helm template, with the default values and with
#      ci/all-enabled-values.yaml (ServiceMonitor, PrometheusRule, dashboard,
#      TLS, registry Secrets), and checks that a config without registries
#      is refused at render time;
#   2. every rendered document against the Kubernetes JSON schemas, strict,
#      for the oldest and newest Kubernetes the chart supports
#      (kubernetes-validate from PyPI, which ships the schemas), and the
#      ServiceMonitor and PrometheusRule against prometheus-operator's CRD
#      schemas (from its Go module); the dashboard ConfigMap must hold JSON;
#   3. the PrometheusRule's rules with Prometheus's own rule parser
#      (.ci/rulecheck, what `promtool check rules` runs).
# Tools are built or installed once per version under $IRB_CACHE. Measured on
# the 2-core machine at load ~28: cold, helm took 24 min wall (5 min CPU),
# rulecheck 2.3 min, kubernetes-validate 2.3 min; warm, the whole script 6 s. Rendered manifests are left in
# $IRB_CACHE/helm-check/ for a look. Prints HELM=<path> on success.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${IRB_CACHE:-$HOME/.cache/irb}"
chart="$root/deploy/helm/istio-registry-bridge"
helm_version="$(cat "$root/.ci/helm-version")"
helm_k8s_minor=37        # helm v3.22.0 is built on k8s.io/client-go v0.37
kv_version=1.37.0       # kubernetes-validate: schemas up to Kubernetes 1.37
k8s_versions=(1.25.0 1.37.0) # the chart's kubeVersion floor, and the newest schemas
po_version=v0.85.0      # prometheus-operator: the newest root-module version the Go proxy serves
log() { printf 'helm-check: %s\n' "$*" >&2; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

# helm, from the Go module proxy
helm="$cache/helm/$helm_version/helm"
if [ ! -x "$helm" ]; then
  command -v go >/dev/null || { log "go not found in PATH (needed to build helm)"; exit 1; }
  log "building helm $helm_version from helm.sh/helm/v3 (cold: a few minutes)"
  tmp="$(mktemp -d)"
  # The ldflags of helm's own release build: its version, and the Kubernetes
  # version of its client-go (v0.37 -> 1.37) as the default for lint and
  # template (without them helm assumes Kubernetes 1.20).
  pkg=helm.sh/helm/v3
  ldflags="-X $pkg/internal/version.version=$helm_version -X $pkg/internal/version.gitTreeState=clean"
  for p in pkg/lint/rules pkg/chartutil; do
    ldflags+=" -X $pkg/$p.k8sVersionMajor=1 -X $pkg/$p.k8sVersionMinor=$helm_k8s_minor"
  done
  GOBIN="$tmp" go install -ldflags "$ldflags" "$pkg/cmd/helm@$helm_version"
  mkdir -p "$(dirname "$helm")" && mv "$tmp/helm" "$helm" && rm -rf "$tmp"
fi

# rulecheck, rebuilt when its sources or pins change
stamp="$(cat "$root/.ci/rulecheck/go.mod" "$root/.ci/rulecheck/go.sum" "$root/.ci/rulecheck/main.go" | sha256sum | cut -c1-16)"
rulecheck="$cache/rulecheck/$stamp/rulecheck"
if [ ! -x "$rulecheck" ]; then
  log "building rulecheck (Prometheus rulefmt, pinned in .ci/rulecheck/go.mod)"
  mkdir -p "$(dirname "$rulecheck")"
  (cd "$root/.ci/rulecheck" && go build -o "$rulecheck.tmp" . && mv "$rulecheck.tmp" "$rulecheck")
fi

# kubernetes-validate, in a virtualenv of its own
venv="$cache/kubernetes-validate/$kv_version"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  log "installing kubernetes-validate $kv_version from PyPI"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$kv_version"
fi

# prometheus-operator's CRDs, from its Go module
crds="$cache/prometheus-operator-crds/$po_version"
if [ ! -s "$crds/monitoring.coreos.com_prometheusrules.yaml" ]; then
  log "fetching prometheus-operator $po_version CRDs from the Go module proxy"
  dir="$(cd "$(mktemp -d)" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$po_version" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  mkdir -p "$crds"
  for kind in servicemonitors prometheusrules; do
    cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml" "$crds/"
  done
fi

out="$cache/helm-check"
rm -rf "$out" && mkdir -p "$out"
ci_values="$chart/ci/all-enabled-values.yaml"

log "helm lint (default values, all-enabled values)"
"$helm" lint --strict "$chart" >"$out/lint-default.txt" || { cat "$out/lint-default.txt"; exit 1; }
"$helm" lint --strict "$chart" -f "$ci_values" >"$out/lint-all.txt" || { cat "$out/lint-all.txt"; exit 1; }

log "helm template"
"$helm" template irb "$chart" --namespace istio-system >"$out/default.yaml"
"$helm" template irb "$chart" --namespace istio-system -f "$ci_values" >"$out/all-enabled.yaml"
if "$helm" template irb "$chart" --set config.registries=null >"$out/no-registries.txt" 2>&1; then
  log "a config without registries rendered; the chart must refuse it"; exit 1
fi
grep -q 'config.registries: list at least one registry' "$out/no-registries.txt" ||
  { log "unexpected message for a config without registries:"; cat "$out/no-registries.txt" >&2; exit 1; }

log "schema validation"
k8s_args=()
for v in "${k8s_versions[@]}"; do k8s_args+=(--k8s "$v"); done
"$venv/bin/python" "$root/.ci/validate-manifests.py" "${k8s_args[@]}" \
  --crd "$crds/monitoring.coreos.com_servicemonitors.yaml" \
  --crd "$crds/monitoring.coreos.com_prometheusrules.yaml" \
  "$out/default.yaml" "$out/all-enabled.yaml" >&2

log "PrometheusRule expressions"
"$rulecheck" "$out/all-enabled.yaml" >&2
echo "HELM=$helm"
