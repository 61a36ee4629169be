{{/*
Names, labels and the go-ten environment of a Ten node.
*/}}

{{- define "ten-node.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fullname: <release>-ten-node unless the release already contains the chart name. This keeps the
object names of today's fleet (uat-sequencer-ten-node-enclave-db, ...), so existing PVCs bind.
*/}}
{{- define "ten-node.fullname" -}}
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

{{- define "ten-node.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ten-node.environment" -}}
{{- required "environment is required (dev, uat, sepolia, testnet or mainnet)" .Values.environment }}
{{- end }}

{{/*
Selector labels. Argument: dict "ctx" $ "component" "enclave|host" ["enclave" NAME].
*/}}
{{- define "ten-node.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ten-node.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .enclave }}
ten.xyz/enclave: {{ . }}
{{- end }}
{{- end }}

{{/*
Kubernetes recommended labels plus the Ten labels. Same argument as selectorLabels.
*/}}
{{- define "ten-node.labels" -}}
helm.sh/chart: {{ include "ten-node.chart" .ctx }}
{{ include "ten-node.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Values.image.tag | quote }}
app.kubernetes.io/part-of: ten-{{ include "ten-node.environment" .ctx }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
ten.xyz/environment: {{ include "ten-node.environment" .ctx }}
ten.xyz/node-type: {{ .ctx.Values.node.type }}
{{- end }}

{{- define "ten-node.image" -}}
{{- $tag := required "image.tag is required (a release tag or git SHA)" .Values.image.tag }}
{{- printf "%s/%s:%s" .Values.image.registry .repository $tag }}
{{- end }}

{{/*
The enclaves that are enabled, each merged over enclaveDefaults, as a YAML list.
Use: {{- range (include "ten-node.enclaves" . | fromYamlArray) }}
*/}}
{{- define "ten-node.enclaves" -}}
{{- $out := list }}
{{- $seen := dict }}
{{- range $i, $entry := .Values.enclaves }}
{{- $e := mergeOverwrite (deepCopy $.Values.enclaveDefaults) (deepCopy $entry) }}
{{- if hasKey $seen $e.name }}
{{- fail (printf "enclaves[%d]: duplicate enclave name %q" $i $e.name) }}
{{- end }}
{{- $_ := set $seen $e.name true }}
{{- if $e.enabled }}
{{- $out = append $out $e }}
{{- end }}
{{- end }}
{{- if not $out }}
{{- fail "enclaves: at least one enclave must be enabled" }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
PVC names of one enclave. Argument: dict "ctx" $ "name" ENCLAVE_NAME.
*/}}
{{- define "ten-node.dbClaim" -}}
{{- printf "%s-%s-db" (include "ten-node.fullname" .ctx) .name }}
{{- end }}
{{- define "ten-node.dataClaim" -}}
{{- printf "%s-%s" (include "ten-node.fullname" .ctx) .name }}
{{- end }}

{{/*
Annotations that keep enclave data through uninstall, prune and app deletion.
*/}}
{{- define "ten-node.keepAnnotations" -}}
{{- if not .Values.dangerouslyDeleteEnclaveDataOnUninstall }}
helm.sh/resource-policy: keep
argocd.argoproj.io/sync-options: Delete=false,Prune=false
{{- end }}
{{- end }}

{{/*
Scheduling of a pod. Argument: dict "ctx" $ "placement" P "affinity" A.
nodeName pins by kubernetes.io/hostname (today's practice); the selector and tolerations
select a pool by label, which survives VMSS instance replacement.
*/}}
{{- define "ten-node.scheduling" -}}
{{- $sel := deepCopy (default dict .placement.nodeSelector) }}
{{- with .placement.nodeName }}
{{- $_ := set $sel "kubernetes.io/hostname" . }}
{{- end }}
{{- with $sel }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .placement.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
A go-ten integer value as a quoted string (values arrive as float64; %v would print 1e+06).
*/}}
{{- define "ten-node.int" -}}
{{- . | int64 | toString | quote }}
{{- end }}

{{- define "ten-node.hostPorts" -}}
- name: http
  port: 80
  targetPort: http
  protocol: TCP
- name: ws
  port: 81
  targetPort: ws
  protocol: TCP
- name: p2p
  port: 10000
  targetPort: p2p
  protocol: TCP
{{- end }}

{{/*
Container resources with the SGX device-plugin resources added to requests and limits
(extended resources must request what they limit). Argument: dict "resources" R "sgx" S.
*/}}
{{- define "ten-node.sgxResources" -}}
{{- $r := deepCopy .resources }}
{{- $req := default dict $r.requests }}
{{- $lim := default dict $r.limits }}
{{- range $k, $v := .sgx }}
{{- $q := ternary ($v | int64 | toString) (toString $v) (kindIs "float64" $v) }}
{{- $_ := set $req (printf "sgx.intel.com/%s" $k) $q }}
{{- $_ := set $lim (printf "sgx.intel.com/%s" $k) $q }}
{{- end }}
{{- toYaml (dict "requests" $req "limits" $lim) }}
{{- end }}

{{/*
Pod template labels: selector labels plus the stable Ten labels, without version and chart,
so a chart or tag bump alone never changes what anti-affinity and the shared LB select on.
*/}}
{{- define "ten-node.podLabels" -}}
{{ include "ten-node.selectorLabels" . }}
app.kubernetes.io/part-of: ten-{{ include "ten-node.environment" .ctx }}
ten.xyz/environment: {{ include "ten-node.environment" .ctx }}
ten.xyz/node-type: {{ .ctx.Values.node.type }}
{{- end }}
