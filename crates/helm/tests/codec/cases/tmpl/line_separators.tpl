dict "nel" "x\u0085y" "ls" "x\u2028y" "ps" "x\u2029y" "k\u0085ey" "a  \u0085\u0085  b"
