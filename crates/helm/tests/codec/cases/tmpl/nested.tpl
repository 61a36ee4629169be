dict "outer" (dict "inner" (list 1 2 (dict "k" "v")))
