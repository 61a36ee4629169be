{{ define "who" }}{{ .Template.Name }}{{ end }}
