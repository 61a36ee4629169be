dict (repeat 1021 "k") 1
