//! Go's `fmt` formatting of template values: `%v` for `{{ . }}`, `print`,
//! `println` and `printf` with Go's verbs, flags, width and precision, plus
//! the `strconv` pieces they rest on (`Quote`, `FormatFloat`) for embedders
//! that need Go's exact text elsewhere (Helm's `toYaml`, `quote`...).
//!
//! Behaviour follows Go's `fmt` exactly, including its error markers
//! (`%!d(string=x)`, `%!(EXTRA int=1)`, `%!v(MISSING)`); `tests/fmt/` holds
//! the cases and the outputs real Go produced for them. Known limits:
//! bytes that are not UTF-8 print as U+FFFD (one per byte) where Go writes
//! them raw, `%p` prints this process's addresses, and lists nested more than
//! a thousand deep print `...` below that depth.
//!
//! The submodules: `printf` reads format strings, `operand` picks the
//! layout for a value and verb, `printer` lays it out with flags, width and
//! precision, `float` is `strconv.FormatFloat`, `quote` is `strconv.Quote`.

mod float;
mod isprint;
mod operand;
mod printer;
mod printf;
pub(crate) mod quote;
pub mod words;

pub use float::{FloatFormat, append_float, format_float};
pub use quote::{append_quote, is_print, quote, quote_to_ascii};

use crate::value::Value;
use printer::{Flags, Printer};

/// `fmt.Sprint(args...)`: operands formatted with `%v`, a space between two
/// operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    write_sprint(&mut out, args);
    out
}

/// Appends [`sprint`]'s result to `out`.
pub fn write_sprint(out: &mut String, args: &[Value]) {
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_value(out, arg);
        prev_string = is_string;
    }
}

/// `fmt.Sprintln(args...)`: operands with `%v`, always space-separated, and a
/// trailing newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, arg);
    }
    out.push('\n');
    out
}

/// `fmt.Sprintf(format, args...)`, with Go's bad-verb and argument-count
/// markers (`%!d(string=x)`, `%!(EXTRA ...)`, `%!v(MISSING)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    // Most arguments are strings printed whole (`printf "%s-%s" a b`):
    // their lengths make the buffer's size, so it is not grown on the way.
    let room: usize = args
        .iter()
        .map(|a| match a {
            Value::String(s) => s.len(),
            _ => 8,
        })
        .sum();
    let mut out = String::with_capacity(format.len().saturating_add(room.min(64 << 10)));
    write_sprintf(&mut out, format, args);
    out
}

/// Appends [`sprintf`]'s result to `out`.
pub fn write_sprintf(out: &mut String, format: &str, args: &[Value]) {
    printf::write_printf(out, format, args);
}

/// How `{{ value }}` prints a value (`fmt.Fprint` of one value).
pub fn format_value(value: &Value) -> String {
    match value {
        // The common case: exactly one allocation of exactly the result.
        Value::String(s) => s.to_string(),
        _ => {
            let mut out = String::new();
            write_value(&mut out, value);
            out
        }
    }
}

/// Appends `value` formatted with `%v` to `out` (what `{{ value }}` writes).
pub fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Int(i) | Value::Int64(i) => printer::push_int(out, *i),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Without flags `%v` of a float is exactly strconv's shortest `g`.
        Value::Float(x) => append_float(out, *x, FloatFormat::General, None),
        _ => Printer {
            out,
            f: Flags::default(),
        }
        .print_arg(value, 'v'),
    }
}
