dict (repeat 1023 "k") 1
