dict "del" "a\u007fb"
