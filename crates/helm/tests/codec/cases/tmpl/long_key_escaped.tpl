dict (printf "%s<" (repeat 1016 "k")) 1
