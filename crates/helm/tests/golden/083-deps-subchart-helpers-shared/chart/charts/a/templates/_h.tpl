{{ define "a.greet" }}hi {{ .Chart.Name }}{{ end }}
