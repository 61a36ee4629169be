module capstan.local/gotmpl-baseline-oracle

go 1.19
