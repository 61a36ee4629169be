dict "a" 1 "b" -7 "c" 0
