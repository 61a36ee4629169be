{{ define "nested" }}n{{ end }}should not print
