dict "a" (list (dict "x" 1 "y" nil) 5)
