{{ define "demo.h" }}helper-{{ .Chart.Name }}{{ end }}
