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
The components as one map: name -> settings plus `kind` (gateway, portal or service). The
portal and the services are listed only when enabled.
*/}}
{{- define "glocal.components" -}}
gateway:
  kind: gateway
  {{- toYaml .Values.gateway | nindent 2 }}
{{- if .Values.portal.enabled }}
portal:
  kind: portal
  {{- toYaml .Values.portal | nindent 2 }}
{{- end }}
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
GLOCAL_AUTH__OIDC_ISSUER: {{ .Values.auth.oidcIssuer | quote }}
GLOCAL_AUTH__AUDIENCE: {{ .Values.auth.audience | quote }}
GLOCAL_AUTH__ISSUER: {{ .Values.auth.issuer | quote }}
GLOCAL_AUTH__ROLES_CLAIM: {{ .Values.auth.rolesClaim | quote }}
GLOCAL_AUTH__ORG_CLAIM: {{ .Values.auth.orgClaim | quote }}
GLOCAL_AUTH__LEEWAY_SECS: {{ .Values.auth.leewaySecs | int64 | quote }}
GLOCAL_AUTH__OIDC_TIMEOUT_MS: {{ .Values.auth.oidcTimeoutMs | int64 | quote }}
GLOCAL_AUTH__JWKS_REFRESH_MIN_INTERVAL_MS: {{ .Values.auth.jwksRefreshMinIntervalMs | int64 | quote }}
GLOCAL_AUTH__JWKS_MAX_AGE_MS: {{ .Values.auth.jwksMaxAgeMs | int64 | quote }}
GLOCAL_REDIS__KEY_PREFIX: {{ .Values.redis.keyPrefix | quote }}
GLOCAL_OUTBOX__ENABLED: {{ .Values.outbox.enabled | quote }}
GLOCAL_OUTBOX__POLL_INTERVAL_MS: {{ .Values.outbox.pollIntervalMs | int64 | quote }}
GLOCAL_OUTBOX__BATCH_SIZE: {{ .Values.outbox.batchSize | int64 | quote }}
GLOCAL_OUTBOX__STREAM_MAXLEN: {{ .Values.outbox.streamMaxlen | int64 | quote }}
GLOCAL_OUTBOX__RETRY_MAX_BACKOFF_MS: {{ .Values.outbox.retryMaxBackoffMs | int64 | quote }}
GLOCAL_OUTBOX__CONSUMER_BLOCK_MS: {{ .Values.outbox.consumerBlockMs | int64 | quote }}
GLOCAL_OUTBOX__RETENTION_HOURS: {{ .Values.outbox.retentionHours | int64 | quote }}
GLOCAL_CACHE__ENABLED: {{ .Values.cache.enabled | quote }}
GLOCAL_CACHE__ENTITY_TTL_SECS: {{ .Values.cache.entityTtlSecs | int64 | quote }}
GLOCAL_CACHE__LOCAL_CAPACITY: {{ .Values.cache.localCapacity | int64 | quote }}
GLOCAL_CACHE__LOCAL_TTL_MS: {{ .Values.cache.localTtlMs | int64 | quote }}
GLOCAL_GRPC__SHUTDOWN_DELAY_MS: {{ .Values.grpc.shutdownDelayMs | quote }}
GLOCAL_GRPC__DRAIN_TIMEOUT_MS: {{ .Values.grpc.drainTimeoutMs | quote }}
{{- with .Values.grpc.identityKeys }}
GLOCAL_GRPC__IDENTITY_KEYS: {{ join "," . | quote }}
{{- end }}
GLOCAL_GATEWAY__LISTEN: {{ printf "0.0.0.0:%v" .Values.gateway.port | quote }}
GLOCAL_GATEWAY__GRAPHIQL: {{ .Values.gateway.graphiql | quote }}
GLOCAL_GATEWAY__INTROSPECTION: {{ .Values.gateway.introspection | quote }}
GLOCAL_GATEWAY__GRPC_TIMEOUT_MS: {{ .Values.gateway.grpcTimeoutMs | quote }}
GLOCAL_GATEWAY__REQUEST_TIMEOUT_MS: {{ .Values.gateway.requestTimeoutMs | quote }}
GLOCAL_GATEWAY__READINESS_TIMEOUT_MS: {{ .Values.gateway.readinessTimeoutMs | int64 | quote }}
GLOCAL_GATEWAY__CLIENT_IP_HEADER: {{ .Values.gateway.clientIpHeader | quote }}
{{- with .Values.gateway.publicUrl }}
GLOCAL_GATEWAY__PUBLIC_URL: {{ . | quote }}
{{- end }}
{{- with (include "glocal.gatewayPortalUrl" .) }}
GLOCAL_GATEWAY__PORTAL_URL: {{ . | quote }}
{{- end }}
GLOCAL_METRICS__GATEWAY_LISTEN: {{ printf "0.0.0.0:%v" .Values.gateway.adminPort | quote }}
GLOCAL_STORAGE__URL: {{ .Values.storage.url | quote }}
GLOCAL_STORAGE__ENDPOINT: {{ .Values.storage.endpoint | quote }}
GLOCAL_STORAGE__REGION: {{ .Values.storage.region | quote }}
GLOCAL_STORAGE__ALLOW_HTTP: {{ .Values.storage.allowHttp | quote }}
GLOCAL_STORAGE__MAX_FILE_BYTES: {{ .Values.storage.maxFileBytes | int64 | quote }}
GLOCAL_STORAGE__MAX_OWNER_BYTES: {{ .Values.storage.maxOwnerBytes | int64 | quote }}
GLOCAL_STORAGE__MAX_OWNER_FILES: {{ .Values.storage.maxOwnerFiles | int64 | quote }}
GLOCAL_STORAGE__ORPHAN_GRACE_SECS: {{ .Values.storage.orphanGraceSecs | int64 | quote }}
GLOCAL_STORAGE__SWEEP_INTERVAL_SECS: {{ .Values.storage.sweepIntervalSecs | int64 | quote }}
GLOCAL_STORAGE__LINK_TTL_SECS: {{ .Values.storage.linkTtlSecs | int64 | quote }}
GLOCAL_STORAGE__TRANSFER_TIMEOUT_SECS: {{ .Values.storage.transferTimeoutSecs | int64 | quote }}
GLOCAL_NOTIFICATIONS__FROM: {{ .Values.notifications.from | quote }}
GLOCAL_NOTIFICATIONS__PORTAL_URL: {{ .Values.notifications.portalUrl | default .Values.portal.publicUrl | quote }}
GLOCAL_NOTIFICATIONS__MAX_ATTEMPTS: {{ .Values.notifications.maxAttempts | int64 | quote }}
GLOCAL_NOTIFICATIONS__RETRY_BASE_MS: {{ .Values.notifications.retryBaseMs | int64 | quote }}
GLOCAL_NOTIFICATIONS__RETRY_MAX_MS: {{ .Values.notifications.retryMaxMs | int64 | quote }}
{{- $root := . }}
{{- range $name, $svc := .Values.services }}
{{- $upper := upper $name }}
GLOCAL_{{ $upper }}__LISTEN: {{ printf "0.0.0.0:%v" $svc.port | quote }}
GLOCAL_METRICS__{{ $upper }}_LISTEN: {{ printf "0.0.0.0:%v" $svc.metricsPort | quote }}
GLOCAL_GATEWAY__{{ $upper }}_URL: {{ printf "dns+http://%s-%s-headless:%v" (include "glocal.fullname" $root) $name $svc.port | quote }}
GLOCAL_{{ $upper }}__POOL__MAX_CONNECTIONS: {{ $svc.pool.maxConnections | int64 | quote }}
GLOCAL_{{ $upper }}__POOL__MIN_CONNECTIONS: {{ $svc.pool.minConnections | int64 | quote }}
GLOCAL_{{ $upper }}__POOL__CONNECT_TIMEOUT_MS: {{ $svc.pool.connectTimeoutMs | int64 | quote }}
GLOCAL_{{ $upper }}__POOL__ACQUIRE_TIMEOUT_MS: {{ $svc.pool.acquireTimeoutMs | int64 | quote }}
{{- end }}
{{- if .Values.portal.enabled }}
GLOCAL_PORTAL__LISTEN: {{ printf "0.0.0.0:%v" .Values.portal.port | quote }}
GLOCAL_METRICS__PORTAL_LISTEN: {{ printf "0.0.0.0:%v" .Values.portal.metricsPort | quote }}
GLOCAL_PORTAL__GATEWAY_URL: {{ printf "http://%s-gateway:%v" (include "glocal.fullname" .) .Values.gateway.port | quote }}
GLOCAL_PORTAL__PUBLIC_URL: {{ .Values.portal.publicUrl | quote }}
GLOCAL_PORTAL__GATEWAY_TIMEOUT_MS: {{ .Values.portal.gatewayTimeoutMs | int64 | quote }}
GLOCAL_PORTAL__OIDC_CLIENT_ID: {{ .Values.portal.oidc.clientId | quote }}
GLOCAL_PORTAL__OIDC_SCOPES: {{ .Values.portal.oidc.scopes | quote }}
GLOCAL_PORTAL__CLIENT_IP_HEADER: {{ .Values.portal.clientIpHeader | quote }}
{{- end }}
{{- with .Values.otel.endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- end }}

{{/* The portal URL the gateway's Atom feed links practices to: gateway.portalUrl, else
portal.publicUrl when this release runs the portal, else none. */}}
{{- define "glocal.gatewayPortalUrl" -}}
{{- if .Values.gateway.portalUrl }}
{{- .Values.gateway.portalUrl }}
{{- else if .Values.portal.enabled }}
{{- .Values.portal.publicUrl }}
{{- end }}
{{- end }}

{{/*
Secret environment of one component, each variable a secretKeyRef into `existingSecret`
(optional: false, so a missing key keeps the pod from starting). Called with
(dict "root" $ "component" <gateway|portal|requests|training|events|research|notifier|migrate>):
  - the gateway and the portal, outside production only: the JWT secret, with which the
    gateway checks development (HS256) tokens and the portal's development sign-in mints
    them. Services and the migration never use it; in production development tokens are
    neither accepted nor minted, so no workload references it (the Secret needn't hold it);
  - the portal: its cookie key (and no Redis: it holds no state) and, when
    secretKeys.portalOidcClientSecret names a key, its client secret at the OpenID Connect
    provider (empty: a public client, nothing referenced);
  - the gateway and each service: the Redis URL (entity cache, rate limits and change
    streams in the gateway; the outbox relay in every service);
  - each service: its own database URL only; the migration Job: every database URL
    (`glocal migrate` migrates every service), or with migrations.separateCredentials every
    migration (DDL) URL instead;
  - the notifier: the SMTP URL too (it may hold the mail server's password);
  - requests, training and research, which keep files: the object storage's access key, when
    storage.url is an s3:// bucket and storage.credentialsFromSecret is on;
  - the gateway, in production only: its private key signing callers for the services
    (outside production the public development key pair is used).
*/}}
{{- define "glocal.secretEnv" -}}
{{- $root := .root }}
{{- $component := .component }}
{{- $vars := list }}
{{- if and (has $component (list "gateway" "portal")) (ne $root.Values.environment "production") }}
{{- $vars = append $vars (list "GLOCAL_AUTH__JWT_SECRET" "jwtSecret") }}
{{- end }}
{{- if eq $component "portal" }}
{{- $vars = append $vars (list "GLOCAL_PORTAL__COOKIE_KEY" "portalCookieKey") }}
{{- if get $root.Values.secretKeys "portalOidcClientSecret" }}
{{- $vars = append $vars (list "GLOCAL_PORTAL__OIDC_CLIENT_SECRET" "portalOidcClientSecret") }}
{{- end }}
{{- end }}
{{- if and (eq $component "gateway") (eq $root.Values.environment "production") }}
{{- $vars = append $vars (list "GLOCAL_GRPC__IDENTITY_SIGNING_KEY" "identitySigningKey") }}
{{- end }}
{{- if not (has $component (list "migrate" "portal")) }}
{{- $vars = append $vars (list "GLOCAL_REDIS__URL" "redisUrl") }}
{{- end }}
{{- range $service := list "requests" "training" "events" "research" "notifier" }}
{{- if and (eq $component "migrate") $root.Values.migrations.separateCredentials }}
{{- $vars = append $vars (list (printf "GLOCAL_%s__MIGRATION_DATABASE_URL" (upper $service)) (printf "%sMigrationDatabaseUrl" $service)) }}
{{- else if or (eq $component "migrate") (eq $component $service) }}
{{- $vars = append $vars (list (printf "GLOCAL_%s__DATABASE_URL" (upper $service)) (printf "%sDatabaseUrl" $service)) }}
{{- end }}
{{- end }}
{{- if eq $component "notifier" }}
{{- $vars = append $vars (list "GLOCAL_NOTIFICATIONS__SMTP_URL" "smtpUrl") }}
{{- end }}
{{- if and (has $component (list "requests" "training" "research")) (include "glocal.storageSecret" $root) }}
{{- $vars = append $vars (list "GLOCAL_STORAGE__ACCESS_KEY_ID" "storageAccessKeyId") }}
{{- $vars = append $vars (list "GLOCAL_STORAGE__SECRET_ACCESS_KEY" "storageSecretAccessKey") }}
{{- end }}
{{- range $i, $var := $vars }}
{{- if $i }}{{ "\n" }}{{ end -}}
- name: {{ index $var 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.existingSecret | quote }}
      key: {{ get $root.Values.secretKeys (index $var 1) | quote }}
      optional: false
{{- end }}
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

{{/*
Egress rules, composed per component by networkpolicy.yaml (no component gets a shared set):
  glocal.egressDns       DNS (UDP and TCP 53) to the pods of networkPolicy.dns;
  glocal.egressExternal  TCP to one external endpoint's `port`, to its `cidrs` when listed
                         (any address otherwise); called with the values block
                         (.Values.postgresql, .Values.redisServer, .Values.otel or
                         .Values.oidcProvider).
*/}}
{{- define "glocal.egressDns" -}}
- to:
    - namespaceSelector: {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector: {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
{{- end }}

{{- define "glocal.egressExternal" -}}
- ports:
    - { protocol: TCP, port: {{ .port }} }
  {{- with .cidrs }}
  to:
    {{- range . }}
    - ipBlock: { cidr: {{ . | quote }} }
    {{- end }}
  {{- end }}
{{- end }}

{{/* A backup image reference ({repository, tag, digest}): the digest wins over the tag. */}}
{{- define "glocal.backupImage" -}}
{{- if .digest }}
{{- printf "%s@%s" .repository .digest }}
{{- else }}
{{- printf "%s:%s" .repository .tag }}
{{- end }}
{{- end }}

{{/* networkPolicy.extraEgress rules of one component: (dict "root" $ "component" <name>). */}}
{{- define "glocal.extraEgress" -}}
{{- with (get .root.Values.networkPolicy.extraEgress .component) }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/*
sha256 of the values of the Secret keys one component references, looked up in the cluster
((dict "root" $ "component" <name>); empty data under `helm template` or before the Secret
exists).
*/}}
{{- define "glocal.secretChecksum" -}}
{{- $root := .root }}
{{- $secret := lookup "v1" "Secret" $root.Release.Namespace $root.Values.existingSecret }}
{{- $data := (get (default dict $secret) "data") | default dict }}
{{- $values := list }}
{{- range $ref := include "glocal.secretEnv" . | fromYamlArray }}
{{- $key := $ref.valueFrom.secretKeyRef.key }}
{{- $values = append $values (printf "%s=%s" $key (get $data $key | default "")) }}
{{- end }}
{{- join "\n" $values | sha256sum }}
{{- end }}

{{/* Cross-field rules the schema cannot express; each a clear `fail` at render time. */}}
{{- define "glocal.validate" -}}
{{- $g := .Values.grpc }}
{{- $needed := add (div (add $g.shutdownDelayMs $g.drainTimeoutMs) 1000) 1 }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed grpc.shutdownDelayMs + grpc.drainTimeoutMs (%v s)" .Values.terminationGracePeriodSeconds (sub $needed 1)) }}
{{- end }}
{{- range $name, $c := include "glocal.components" . | fromYaml }}
{{- if and $c.autoscaling.enabled (gt (int $c.autoscaling.minReplicas) (int $c.autoscaling.maxReplicas)) }}
{{- fail (printf "%s: autoscaling.minReplicas (%v) is above maxReplicas (%v)" $name $c.autoscaling.minReplicas $c.autoscaling.maxReplicas) }}
{{- end }}
{{- if and $c.podDisruptionBudget.enabled (or (eq (toString $c.podDisruptionBudget.maxUnavailable) "0") (eq (toString $c.podDisruptionBudget.maxUnavailable) "0%")) }}
{{- fail (printf "%s: podDisruptionBudget.maxUnavailable 0 blocks every node drain" $name) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Volume mounts of every component's container and the migration Job: the CA bundle and extraVolumeMounts. */}}
{{- define "glocal.volumeMounts" -}}
{{- if .Values.caBundle.configMap }}
- name: ca-bundle
  mountPath: /etc/glocal/ca
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Volumes of every component's pod and the migration Job. */}}
{{- define "glocal.volumes" -}}
{{- if .Values.caBundle.configMap }}
- name: ca-bundle
  configMap:
    name: {{ .Values.caBundle.configMap | quote }}
    items:
      - { key: {{ .Values.caBundle.key | quote }}, path: {{ .Values.caBundle.key | quote }} }
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* "true" when the services that keep files read object storage credentials from the Secret. */}}
{{- define "glocal.storageSecret" -}}
{{- if and (hasPrefix "s3://" .Values.storage.url) .Values.storage.credentialsFromSecret }}true{{ end }}
{{- end }}
