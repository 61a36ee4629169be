dict "e" (dict) "l" (list) "t" (dict "inner" (dict))
