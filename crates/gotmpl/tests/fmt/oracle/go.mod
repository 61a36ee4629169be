module capstan.local/fmtoracle

go 1.19
