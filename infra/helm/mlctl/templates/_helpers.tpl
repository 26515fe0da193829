{{/* Chart name, or nameOverride. */}}
{{- define "mlctl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Resource name prefix. It contains the release name, so two releases (say `mlctl` and `mlctl-eu`) never
share a resource; it is at most 56 characters so that "<fullname>-canary" still fits in 63.
*/}}
{{- define "mlctl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 56 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mlctl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mlctl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mlctl.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mlctl.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mlctl
{{- end }}

{{/* image reference: (dict "root" $ "tag" "…"); a digest wins over the tag. */}}
{{- define "mlctl.image" -}}
{{- $image := .root.Values.image }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (.tag | default $image.tag | default .root.Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "mlctl.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mlctl.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read credentials from: the ExternalSecret's target, or existingSecret, or none. */}}
{{- define "mlctl.secretName" -}}
{{- if .Values.externalSecret.enabled }}
{{- include "mlctl.fullname" . }}
{{- else }}
{{- .Values.secrets.existingSecret }}
{{- end }}
{{- end }}

{{/* secretKeyRef env entries for the given setting names (list of keys of secrets.keys). */}}
{{- define "mlctl.secretEnv" -}}
{{- $secret := include "mlctl.secretName" .root }}
{{- if $secret }}
{{- range .settings }}
{{- $key := index $.root.Values.secrets.keys . }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}
{{- end }}

{{/* The emptyDir volumes every container writes to (the root filesystem is read-only). */}}
{{- define "mlctl.writableVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmp.sizeLimit }}
- name: cache
  emptyDir:
    sizeLimit: {{ .Values.cache.sizeLimit }}
{{- end }}

{{- define "mlctl.writableMounts" -}}
- name: tmp
  mountPath: /tmp
- name: cache
  mountPath: /var/cache/mlctl
{{- end }}

{{- define "mlctl.podCommon" -}}
serviceAccountName: {{ include "mlctl.serviceAccountName" . }}
# mlctl never calls the Kubernetes API.
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Pod template of mlctl serve for one track:
(dict "root" $ "track" "stable|canary" "modelUri" … "autoRefresh" … "tag" … "resources" …)
*/}}
{{- define "mlctl.servePodTemplate" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "mlctl.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: server
    track: {{ .track }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- include "mlctl.podCommon" $root | nindent 2 }}
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  {{- with $root.Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: mlctl
      image: {{ include "mlctl.image" (dict "root" $root "tag" .tag) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: [serve]
      ports:
        - name: http
          containerPort: {{ $root.Values.port }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "mlctl.fullname" $root }}
      env:
        - name: MODEL_URI
          value: {{ .modelUri | quote }}
        - name: MODEL_AUTO_REFRESH_SECONDS
          value: {{ .autoRefresh | quote }}
        {{- with include "mlctl.secretEnv" (dict "root" $root "settings" (list "adminApiToken" "mlflowUsername" "mlflowPassword" "mlflowToken")) }}
        {{- . | trim | nindent 8 }}
        {{- end }}
      readinessProbe:
        {{- toYaml $root.Values.readinessProbe | nindent 8 }}
      livenessProbe:
        {{- toYaml $root.Values.livenessProbe | nindent 8 }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        {{- include "mlctl.writableMounts" $root | nindent 8 }}
  volumes:
    {{- include "mlctl.writableVolumes" $root | nindent 4 }}
{{- end }}

{{/* Egress when networkPolicy.egress.enabled: cluster DNS, then the configured rules. */}}
{{- define "mlctl.egressRules" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- with .Values.networkPolicy.egress.rules }}
{{ toYaml . }}
{{- end }}
{{- end }}
