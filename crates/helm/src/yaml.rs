//! go-yaml v2 compatible YAML reading and writing, as Helm reads values and prints `toYaml`. (in progress)
