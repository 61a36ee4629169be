dict (repeat 1100 "k") 1 "short" 2
