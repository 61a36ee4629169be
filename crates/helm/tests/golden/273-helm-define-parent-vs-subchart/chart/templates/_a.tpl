{{ define "shared" }}parent{{ end }}
