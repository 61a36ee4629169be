dict "a" (list (dict "b" (list "c" "d") "e" (dict)))
