dict "a.b" 1 "sp ace" 2 "ünï" 3 "" 4 "ok-key_1" 5 "q\"t" 6
