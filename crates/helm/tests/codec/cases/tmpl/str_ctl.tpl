dict "ctl" "a\u0001b\u001bc\tb"
