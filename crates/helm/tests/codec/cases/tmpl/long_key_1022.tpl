dict (repeat 1022 "k") 1
