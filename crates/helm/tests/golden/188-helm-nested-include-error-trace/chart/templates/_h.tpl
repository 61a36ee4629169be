{{ define "outer" }}o-{{ include "middle" . }}{{ end }}
{{ define "middle" }}m-{{ include "inner" . }}{{ end }}
{{ define "inner" }}{{ .Values.nothing.here }}{{ end }}
