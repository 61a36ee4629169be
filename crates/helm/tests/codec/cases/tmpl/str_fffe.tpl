dict "nc" "a\uFFFEb"
