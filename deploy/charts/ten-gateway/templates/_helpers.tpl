{{/* Names and labels of a Ten gateway. */}}

{{- define "ten-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ten-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains "gateway" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "ten-gateway.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "ten-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ten-gateway.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ten-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{ include "ten-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Values.backend.image.tag | quote }}
app.kubernetes.io/part-of: ten-{{ required "environment is required" .ctx.Values.environment }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
ten.xyz/environment: {{ .ctx.Values.environment }}
{{- end }}

{{- define "ten-gateway.image" -}}
{{- printf "%s/%s:%s" .registry (required (printf "%s.image.repository is required" .part) .image.repository) (required (printf "%s.image.tag is required" .part) .image.tag) }}
{{- end }}

{{- define "ten-gateway.scheduling" -}}
{{- $sel := deepCopy (default dict .nodeSelector) }}
{{- with .nodeName }}
{{- $_ := set $sel "kubernetes.io/hostname" . }}
{{- end }}
{{- with $sel }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
