{{/* Names, labels and the shared pieces of the deploy jobs. */}}

{{- define "ten-deploy-jobs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains "deploy-jobs" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (default .Chart.Name .Values.nameOverride) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "ten-deploy-jobs.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
app.kubernetes.io/name: {{ default .ctx.Chart.Name .ctx.Values.nameOverride }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .ctx.Values.image.tag | quote }}
app.kubernetes.io/part-of: ten-{{ required "environment is required" .ctx.Values.environment }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{- define "ten-deploy-jobs.l1" -}}
{{- $v := index .Values.l1Config .key }}
{{- if not $v }}
{{- fail (printf "l1Config.%s is missing: add the environment l1.yaml as the last value file" .key) }}
{{- end }}
{{- $v }}
{{- end }}

{{/*
Hook annotations. Argument: dict "wave" N.
*/}}
{{- define "ten-deploy-jobs.hook" -}}
argocd.argoproj.io/hook: PostSync
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
argocd.argoproj.io/sync-wave: {{ .wave | quote }}
helm.sh/hook: post-install,post-upgrade
helm.sh/hook-delete-policy: before-hook-creation
helm.sh/hook-weight: {{ .wave | quote }}
{{- end }}

{{/*
An init container that waits for OverallHealth on each URL. Argument: dict "ctx" $ "urls" LIST.
*/}}
{{- define "ten-deploy-jobs.waitHealthy" -}}
- name: wait-healthy
  image: {{ .ctx.Values.waitImage }}
  command: ["/bin/sh", "-ec"]
  args:
    - |
      deadline=$(( $(date +%s) + {{ .ctx.Values.waitTimeoutSeconds | int }} ))
      for url in {{ join " " .urls }}; do
        until curl -sf -m 5 -H 'Content-Type: application/json' \
            --data '{"jsonrpc":"2.0","method":"ten_health","params":[],"id":1}' "$url" \
            | grep -q '"OverallHealth":true'; do
          if [ "$(date +%s)" -ge "$deadline" ]; then echo "timeout waiting for $url"; exit 1; fi
          sleep 5
        done
        echo "$url healthy"
      done
  securityContext:
    allowPrivilegeEscalation: false
    runAsNonRoot: true
{{- end }}

{{/*
The deployer container's env: keys from the Secret, then NETWORK_JSON built from them.
Argument: dict "ctx" $ "layer2" BOOL.
*/}}
{{- define "ten-deploy-jobs.networkEnv" -}}
{{- $v := .ctx.Values }}
{{- $sec := printf "%s-deployer" (include "ten-deploy-jobs.fullname" .ctx) }}
{{- $net := dict "layer1" (dict "url" (required "l1.url is required" $v.l1.url) "chainId" ($v.l1.chainId | int) "live" false "saveDeployments" true "accounts" (list "$(L1_DEPLOYER_PRIVATE_KEY)")) }}
{{- if .layer2 }}
{{- $_ := set $net "layer2" (dict "url" $v.l2.url "chainId" ($v.l2.chainId | int) "live" false "saveDeployments" true "accounts" (list "$(L2_DEPLOYER_PRIVATE_KEY)") "deploy" (list "deployment_scripts/funding/layer1" "deployment_scripts/bridge/" "deployment_scripts/testnet/layer2/")) }}
{{- end }}
- name: L1_DEPLOYER_PRIVATE_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $sec }}
      key: L1_DEPLOYER_PRIVATE_KEY
{{- if .layer2 }}
- name: L2_DEPLOYER_PRIVATE_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $sec }}
      key: L2_DEPLOYER_PRIVATE_KEY
{{- end }}
- name: NETWORK_JSON
  value: {{ toJson $net | quote }}
{{- end }}
