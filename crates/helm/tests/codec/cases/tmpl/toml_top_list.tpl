list (dict "a" 1) (dict "b" 2)
