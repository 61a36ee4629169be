{{- define "lib.cm" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-lib
data:
  from: library
{{- end -}}
