#!/usr/bin/env python3
"""Writes benches/inputs/helm/large: a generated chart of 220 templates (Deployments,
Services, ConfigMaps) in the style of real charts (helpers, include | nindent, toYaml,
range, with, default, quote, printf, tpl, sha256sum), whose default render is > 1 MB.
Committed output; rerun after changing this script:  python3 benches/gen-large-chart.py"""
import json, os, shutil

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inputs", "helm", "large")
shutil.rmtree(root, ignore_errors=True)
os.makedirs(os.path.join(root, "templates"))

open(os.path.join(root, "Chart.yaml"), "w").write(
    "apiVersion: v2\nname: large\ndescription: generated benchmark chart\nversion: 1.2.3\nappVersion: \"4.5.6\"\n")

components = {}
for i in range(70):
    components[f"svc{i:02d}"] = {
        "enabled": i % 10 != 9,
        "replicas": 1 + i % 3,
        "image": {"repository": f"registry.example/team/svc{i:02d}", "tag": f"v1.{i}.0"},
        "port": 8000 + i,
        "env": {f"VAR_{k}": f"value-{i}-{k}" for k in range(12)},
        "resources": {"requests": {"cpu": f"{100 + i}m", "memory": f"{128 + i}Mi"},
                      "limits": {"cpu": f"{200 + i}m", "memory": f"{256 + i}Mi"}},
        "labels": {f"tier-{k}": f"t{k}" for k in range(4)},
        "config": {f"key{k}.properties": "\n".join(f"prop.{k}.{j}=v{j}" for j in range(8)) for k in range(4)},
    }
values = {"global": {"domain": "example.org", "env": "bench"}, "components": components,
          "commonAnnotations": {"team": "capstan", "cost-center": "1234"}}
with open(os.path.join(root, "values.yaml"), "w") as f:
    json.dump(values, f, indent=2, sort_keys=True)  # JSON is YAML

open(os.path.join(root, "templates", "_helpers.tpl"), "w").write('''{{- define "large.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "large.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- with .component.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
''')

for i in range(70):
    name = f"svc{i:02d}"
    ctx = '(dict "root" $ "name" "%s" "component" $c)' % name
    open(os.path.join(root, "templates", f"{name}-deployment.yaml"), "w").write(f'''{{{{- $c := index .Values.components "{name}" }}}}
{{{{- if $c.enabled }}}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "large.fullname" {ctx} }}}}
  labels:
    {{{{- include "large.labels" {ctx} | nindent 4 }}}}
  annotations:
    {{{{- toYaml $.Values.commonAnnotations | nindent 4 }}}}
    checksum/config: {{{{ toYaml $c.config | sha256sum }}}}
spec:
  replicas: {{{{ $c.replicas | default 1 }}}}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        {{{{- include "large.labels" {ctx} | nindent 8 }}}}
    spec:
      containers:
        - name: {name}
          image: "{{{{ $c.image.repository }}}}:{{{{ $c.image.tag | default $.Chart.AppVersion }}}}"
          ports:
            - containerPort: {{{{ $c.port }}}}
          env:
          {{{{- range $k, $v := $c.env }}}}
            - name: {{{{ $k }}}}
              value: {{{{ $v | quote }}}}
          {{{{- end }}}}
            - name: PUBLIC_URL
              value: {{{{ tpl "https://{name}.{{{{ .Values.global.env }}}}.{{{{ .Values.global.domain }}}}" $ | quote }}}}
          resources:
            {{{{- toYaml $c.resources | nindent 12 }}}}
{{{{- end }}}}
''')
    open(os.path.join(root, "templates", f"{name}-service.yaml"), "w").write(f'''{{{{- $c := index .Values.components "{name}" }}}}
{{{{- if $c.enabled }}}}
apiVersion: v1
kind: Service
metadata:
  name: {{{{ include "large.fullname" {ctx} }}}}
  labels:
    {{{{- include "large.labels" {ctx} | nindent 4 }}}}
spec:
  ports:
    - port: {{{{ $c.port }}}}
      targetPort: {{{{ $c.port }}}}
      name: {{{{ printf "http-%d" (int $c.port) }}}}
  selector:
    app.kubernetes.io/name: {name}
{{{{- end }}}}
''')
    open(os.path.join(root, "templates", f"{name}-configmap.yaml"), "w").write(f'''{{{{- $c := index .Values.components "{name}" }}}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{{{ include "large.fullname" {ctx} }}}}-config
data:
  {{{{- range $file, $body := $c.config }}}}
  {{{{ $file }}}}: |
    {{{{- $body | nindent 4 }}}}
  {{{{- end }}}}
  replicas: {{{{ $c.replicas | quote }}}}
  upper: {{{{ upper "{name}" | replace "SVC" "service-" }}}}
''')
for i in range(10):
    open(os.path.join(root, "templates", f"extra-{i}.yaml"), "w").write('''apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra-%d
data:
  values.json: {{ .Values.components | toJson | quote }}
''' % i)
print(root, len(os.listdir(os.path.join(root, "templates"))), "templates")
