{{ define "outer" }}{{ template "inner" . }}{{ end }}{{ define "inner" }}{{ .Values.a.b }}{{ end }}
