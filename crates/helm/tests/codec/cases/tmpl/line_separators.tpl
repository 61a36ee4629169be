dict "nel" "x\u0085y" "ls" "x\u2028y" "ps" "x\u2029y"
