dict "m" (list 1 (dict "a" 1) "x") "n" (list (list (dict "b" 2)))
