{{/* Names and labels of the Ten tools. */}}

{{- define "ten-tools.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>, or <release>-ten-tools when the release does not contain "tools". */}}
{{- define "ten-tools.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains "tools" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "ten-tools.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Release-scoped selector: two tools releases in one namespace never cross-match. */}}
{{- define "ten-tools.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ten-tools.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ten-tools.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{ include "ten-tools.selectorLabels" . }}
app.kubernetes.io/part-of: ten-{{ required "environment is required" .ctx.Values.environment }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
ten.xyz/environment: {{ .ctx.Values.environment }}
{{- end }}

{{/*
One web component: Service, Deployment and IngressRoute. Argument: dict
  "ctx" $  "component" NAME  "image" IMG  "hosts" LIST  "resources" R
  "args" LIST (optional)  "env" LIST of EnvVar (optional)
*/}}
{{- define "ten-tools.component" -}}
{{- $ctx := .ctx }}
{{- $name := printf "%s-%s" (include "ten-tools.fullname" $ctx) .component }}
{{- $img := .image }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "ten-tools.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "ten-tools.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "ten-tools.labels" . | nindent 4 }}
  annotations:
    argocd.argoproj.io/sync-wave: "1"
spec:
  replicas: 1
  selector:
    matchLabels:
      {{- include "ten-tools.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "ten-tools.selectorLabels" . | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      {{- with $ctx.Values.placement.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ printf "%s/%s:%s" $ctx.Values.image.registry (required (printf "%s image repository is required" .component) $img.repository) (required (printf "%s image tag is required" .component) $img.tag) }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          {{- with .command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
          readinessProbe:
            tcpSocket:
              port: http
            periodSeconds: 15
          livenessProbe:
            tcpSocket:
              port: http
            initialDelaySeconds: 30
            periodSeconds: 20
          resources:
            {{- toYaml .resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: {{ $name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "ten-tools.labels" . | nindent 4 }}
spec:
  entryPoints:
    {{- toYaml $ctx.Values.ingress.entryPoints | nindent 4 }}
  routes:
    - kind: Rule
      match: {{ $rules := list }}{{ range .hosts }}{{ $rules = append $rules (printf "Host(`%s`)" .) }}{{ end }}{{ join " || " $rules | quote }}
      services:
        - name: {{ $name }}
          port: 80
  tls:
    certResolver: {{ $ctx.Values.ingress.certResolver }}
{{- end }}
