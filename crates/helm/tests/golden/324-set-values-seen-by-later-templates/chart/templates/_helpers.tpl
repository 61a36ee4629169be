{{- define "shared.seen" -}}
fromZ={{ .Values.fromZ | default "unset" }} added={{ .Values.nested.added | default "unset" }} gone={{ .Values.nested.kept | default "gone" }}
{{- end -}}
