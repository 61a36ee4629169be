dict "h" "<b>&</b>"
