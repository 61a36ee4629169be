//! Go's `fmt` formatting of template values: `%v` for `{{ . }}`, `print`,
//! `println` and `printf` with Go's verbs, flags, width and precision.
