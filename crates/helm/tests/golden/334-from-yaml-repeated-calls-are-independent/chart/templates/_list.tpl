{{- define "decode.list" -}}
- name: a
  port: 1
- name: b
  tags: [x, y]
{{- end -}}
