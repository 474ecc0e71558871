{{/* Names and labels. */}}
{{- define "glocal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "glocal.fullname" -}}
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

{{- define "glocal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "glocal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "glocal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "glocal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: glocal
{{- end }}

{{- define "glocal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "glocal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "glocal.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The components as one map: name -> settings plus `kind` (gateway or service). Only enabled
services are listed.
*/}}
{{- define "glocal.components" -}}
gateway:
  kind: gateway
  {{- toYaml .Values.gateway | nindent 2 }}
{{- range $name, $svc := .Values.services }}
{{- if $svc.enabled }}
{{ $name }}:
  kind: service
  {{- toYaml $svc | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/* Non-secret configuration shared by every component (the ConfigMap's data). */}}
{{- define "glocal.config" -}}
GLOCAL_ENVIRONMENT: {{ .Values.environment | quote }}
GLOCAL_LOG__FILTER: {{ .Values.log.filter | quote }}
GLOCAL_LOG__FORMAT: {{ .Values.log.format | quote }}
GLOCAL_AUTH__ISSUER: {{ .Values.auth.issuer | quote }}
GLOCAL_AUTH__AUDIENCE: {{ .Values.auth.audience | quote }}
GLOCAL_REDIS__KEY_PREFIX: {{ .Values.redis.keyPrefix | quote }}
GLOCAL_GRPC__SHUTDOWN_DELAY_MS: {{ .Values.grpc.shutdownDelayMs | quote }}
GLOCAL_GRPC__DRAIN_TIMEOUT_MS: {{ .Values.grpc.drainTimeoutMs | quote }}
GLOCAL_GATEWAY__LISTEN: {{ printf "0.0.0.0:%v" .Values.gateway.port | quote }}
GLOCAL_GATEWAY__GRAPHIQL: {{ .Values.gateway.graphiql | quote }}
GLOCAL_GATEWAY__INTROSPECTION: {{ .Values.gateway.introspection | quote }}
GLOCAL_GATEWAY__GRPC_TIMEOUT_MS: {{ .Values.gateway.grpcTimeoutMs | quote }}
GLOCAL_GATEWAY__REQUEST_TIMEOUT_MS: {{ .Values.gateway.requestTimeoutMs | quote }}
{{- $root := . }}
{{- range $name, $svc := .Values.services }}
{{- $upper := upper $name }}
GLOCAL_{{ $upper }}__LISTEN: {{ printf "0.0.0.0:%v" $svc.port | quote }}
GLOCAL_METRICS__{{ $upper }}_LISTEN: {{ printf "0.0.0.0:%v" $svc.metricsPort | quote }}
GLOCAL_GATEWAY__{{ $upper }}_URL: {{ printf "http://%s-%s:%v" (include "glocal.fullname" $root) $name $svc.port | quote }}
{{- end }}
{{- with .Values.otel.endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Secret environment: every database URL, Redis and the JWT secret. */}}
{{- define "glocal.secretEnv" -}}
- name: GLOCAL_AUTH__JWT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.jwtSecret | quote }} }
- name: GLOCAL_REDIS__URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.redisUrl | quote }} }
- name: GLOCAL_REQUESTS__DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.requestsDatabaseUrl | quote }} }
- name: GLOCAL_TRAINING__DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.trainingDatabaseUrl | quote }} }
- name: GLOCAL_EVENTS__DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.eventsDatabaseUrl | quote }} }
- name: GLOCAL_RESEARCH__DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.existingSecret | quote }}, key: {{ .Values.secretKeys.researchDatabaseUrl | quote }} }
{{- end }}

{{/* Downward-API environment: pod identity as OpenTelemetry resource attributes. */}}
{{- define "glocal.podEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef: { fieldPath: metadata.name }
- name: POD_NAMESPACE
  valueFrom:
    fieldRef: { fieldPath: metadata.namespace }
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)"
{{- end }}

{{/* Egress every Glocal pod needs: DNS, PostgreSQL, Redis and the collector. */}}
{{- define "glocal.egress" -}}
- to:
    - namespaceSelector: {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector: {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
{{- range $target := list .Values.postgresql .Values.redisServer .Values.otel }}
- ports:
    - { protocol: TCP, port: {{ $target.port }} }
  {{- with $target.cidrs }}
  to:
    {{- range . }}
    - ipBlock: { cidr: {{ . | quote }} }
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}
