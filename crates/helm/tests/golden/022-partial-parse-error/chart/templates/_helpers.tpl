{{ define "x" }}{{ .Values.a }
{{ end }}
