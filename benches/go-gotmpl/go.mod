module capstan.dev/bench/gotmpl

go 1.19
