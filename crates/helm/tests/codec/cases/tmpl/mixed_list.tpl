list 1 "two" 3.5 true
