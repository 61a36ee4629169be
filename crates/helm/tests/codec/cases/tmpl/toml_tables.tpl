dict "a" (dict "b" (dict "c" 1) "d" 2) "e" (list (dict "f" 1 "g" (dict "h" 2)) (dict "f" 3)) "z" "top"
