//! Go's `fmt` formatting of template values: `%v` for `{{ . }}`, `print`,
//! `println` and `printf` with Go's verbs, flags, width and precision.
//!
//! (API fixed; bodies in progress.)

use crate::value::Value;

/// `fmt.Sprint(args...)`: operands formatted with `%v`, a space between two
/// operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let _ = args;
    String::new()
}

/// `fmt.Sprintln(args...)`: operands with `%v`, always space-separated, and a
/// trailing newline.
pub fn sprintln(args: &[Value]) -> String {
    let _ = args;
    String::new()
}

/// `fmt.Sprintf(format, args...)`, with Go's bad-verb and argument-count
/// markers (`%!d(string=x)`, `%!(EXTRA ...)`, `%!v(MISSING)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let _ = (format, args);
    String::new()
}

/// How `{{ value }}` prints a value (`fmt.Fprint` of one value).
pub fn format_value(value: &Value) -> String {
    sprint(std::slice::from_ref(value))
}
