{{- define "demo.name" -}}demo-{{ .Release.Name }}{{- end -}}
