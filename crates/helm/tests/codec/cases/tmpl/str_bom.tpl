dict "bom" "a\uFEFFb"
