{{ define "guard" }}{{ fail "guard says no" }}{{ end }}
