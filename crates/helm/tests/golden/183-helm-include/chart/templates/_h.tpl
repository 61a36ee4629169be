{{- define "demo.labels" -}}
app: {{ .Chart.Name }}
rel: {{ .Release.Name }}
{{- end -}}
{{- define "demo.ctx" -}}{{ .a }}-{{ .b }}{{- end -}}
