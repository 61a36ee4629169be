{{ define "count" }}{{ . }}{{ if gt . 0 }},{{ include "count" (sub . 1) }}{{ end }}{{ end }}
