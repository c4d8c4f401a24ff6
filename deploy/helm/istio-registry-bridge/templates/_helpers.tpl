{{/* Names: <release>-istio-registry-bridge unless the release name already holds the chart name. */}}
{{- define "irb.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "irb.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The admin Service's name (also the Prometheus job name a ServiceMonitor gives its targets). */}}
{{- define "irb.adminName" -}}
{{- printf "%s-admin" (include "irb.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "irb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "irb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "irb.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "irb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: config-source
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "irb.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "irb.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Where the pod sees its files. */}}
{{- define "irb.configDir" -}}/etc/registry-bridge/config{{- end }}
{{- define "irb.tlsDir" -}}/etc/registry-bridge/tls{{- end }}
{{- define "irb.clientCaDir" -}}/etc/registry-bridge/client-ca{{- end }}
{{- define "irb.secretsDir" -}}/etc/registry-bridge/secrets{{- end }}

{{/*
The bridge's config file: values.config with the listen addresses (the chart's
ports, on every interface of the pod) and xds.tls (the mounted Secret) set by
the chart.
*/}}
{{- define "irb.configYaml" -}}
{{- $cfg := deepCopy .Values.config }}
{{- if not $cfg.registries }}
{{- fail "config.registries: list at least one registry (see the chart README)" }}
{{- end }}
{{- $xds := merge (dict "address" (printf "0.0.0.0:%v" .Values.service.xds.port)) (default (dict) $cfg.xds) }}
{{- $_ := set $xds "address" (printf "0.0.0.0:%v" .Values.service.xds.port) }}
{{- if .Values.tls.enabled }}
{{- if not .Values.tls.secretName }}
{{- fail "tls.secretName: name the kubernetes.io/tls Secret holding the bridge's certificate (tls.crt, tls.key)" }}
{{- end }}
{{- $tls := dict "certFile" (printf "%s/tls.crt" (include "irb.tlsDir" .)) "keyFile" (printf "%s/tls.key" (include "irb.tlsDir" .)) }}
{{- if .Values.tls.clientCa.secretName }}
{{- $_ := set $tls "clientCaFile" (printf "%s/%s" (include "irb.clientCaDir" .) .Values.tls.clientCa.key) }}
{{- end }}
{{- $_ := set $xds "tls" $tls }}
{{- end }}
{{- $_ := set $cfg "xds" $xds }}
{{- $_ := set $cfg "admin" (dict "address" (printf "0.0.0.0:%v" .Values.service.admin.port)) }}
{{- toYaml $cfg }}
{{- end }}
