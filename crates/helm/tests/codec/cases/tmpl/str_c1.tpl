dict "c1" "a\u0081b"
