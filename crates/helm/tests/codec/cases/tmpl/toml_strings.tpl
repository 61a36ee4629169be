dict "s" "line1\nline2\ttab \"q\" \\ back" "u" "\u007f\u0001é"
