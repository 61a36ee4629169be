{{ define "kv" }}
  k: v{{ end }}
