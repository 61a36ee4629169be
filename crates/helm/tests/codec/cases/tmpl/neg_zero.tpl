dict "z" -0.0
