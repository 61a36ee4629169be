dict "b" (.Files.GetBytes "data.bin") "s" (list (.Files.GetBytes "data.bin"))
