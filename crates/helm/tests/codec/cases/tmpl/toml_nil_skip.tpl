dict "a" nil "b" 1 "c" (dict "d" nil "e" 2)
