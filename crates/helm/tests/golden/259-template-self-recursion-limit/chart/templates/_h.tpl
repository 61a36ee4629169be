{{ define "self" }}{{ template "self" . }}{{ end }}
