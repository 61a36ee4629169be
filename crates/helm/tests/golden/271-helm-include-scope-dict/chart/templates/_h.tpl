{{ define "show" }}{{ .Values.x }}@{{ .Release.Name }}{{ end }}
