//! Reading a `Sprintf` format string: literal text, `%` directives with flags,
//! width, precision, `*` arguments and `[n]` argument indexes, and the
//! markers Go writes for malformed directives and unused operands.

use super::printer::{Flags, Printer};
use crate::value::Value;

/// Go rejects widths, precisions and argument indexes above a million (a
/// number that grows past it swallows the rest of the format).
const MAX_NUM: usize = 1_000_000;

/// Appends `fmt.Sprintf(format, args...)` to `out`.
pub(super) fn write_printf(out: &mut String, format: &str, args: &[Value]) {
    let mut p = Parser {
        fmt: format.as_bytes(),
        i: 0,
        arg_num: 0,
        reordered: false,
        good_arg_num: true,
    };
    let end = p.fmt.len();
    while p.i < end {
        p.good_arg_num = true;
        let start = p.i;
        while p.i < end && p.fmt[p.i] != b'%' {
            p.i += 1;
        }
        out.push_str(&format[start..p.i]);
        if p.i >= end {
            break;
        }
        p.i += 1;

        let mut f = Flags::default();
        while let Some(&c) = p.fmt.get(p.i) {
            match c {
                b'#' => f.sharp = true,
                b'0' => f.zero = !f.minus, // zeros only pad on the left
                b'+' => f.plus = true,
                b'-' => {
                    f.minus = true;
                    f.zero = false;
                }
                b' ' => f.space = true,
                _ => break,
            }
            p.i += 1;
        }

        let mut after_index = p.arg_index(args.len());

        // Width: a number or `*`.
        if p.fmt.get(p.i) == Some(&b'*') {
            p.i += 1;
            match p.int_arg(args) {
                Some(w) => {
                    if w < 0 {
                        f.minus = true;
                        f.zero = false;
                    }
                    f.wid = Some(w.unsigned_abs() as usize);
                }
                None => out.push_str("%!(BADWIDTH)"),
            }
            after_index = false;
        } else {
            f.wid = p.number();
            if after_index && f.wid.is_some() {
                p.good_arg_num = false; // "%[3]2d"
            }
        }

        // Precision: `.` then a number or `*`, unless `.` ends the format.
        if p.i + 1 < end && p.fmt[p.i] == b'.' {
            p.i += 1;
            if after_index {
                p.good_arg_num = false; // "%[3].2d"
            }
            after_index = p.arg_index(args.len());
            if p.fmt.get(p.i) == Some(&b'*') {
                p.i += 1;
                // A negative precision is as bad as a non-integer one.
                match p.int_arg(args).and_then(|n| usize::try_from(n).ok()) {
                    Some(n) => f.prec = Some(n),
                    None => out.push_str("%!(BADPREC)"),
                }
                after_index = false;
            } else {
                f.prec = Some(p.number().unwrap_or(0));
            }
        }

        if !after_index {
            p.arg_index(args.len());
        }

        let Some(verb) = format.get(p.i..).and_then(|rest| rest.chars().next()) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        p.i += verb.len_utf8();

        if verb == '%' {
            // `%%` takes no operand and ignores width and precision.
            out.push('%');
        } else if !p.good_arg_num {
            push_marker(out, verb, "(BADINDEX)");
        } else if p.arg_num >= args.len() {
            push_marker(out, verb, "(MISSING)");
        } else {
            if verb == 'v' {
                // `%#v` and `%+v` are their own forms, not flags on `%v`.
                f.sharp_v = std::mem::take(&mut f.sharp);
                f.plus_v = std::mem::take(&mut f.plus);
            }
            Printer { out, f }.print_arg(&args[p.arg_num], verb);
            p.arg_num += 1;
        }
    }

    // Unused operands are reported unless indexes made the order unclear.
    if !p.reordered && p.arg_num < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, arg) in args[p.arg_num..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if arg.is_nil() {
                out.push_str("<nil>");
            } else {
                out.push_str(&arg.go_type_name());
                out.push('=');
                Printer {
                    out,
                    f: Flags::default(),
                }
                .print_arg(arg, 'v');
            }
        }
        out.push(')');
    }
}

fn push_marker(out: &mut String, verb: char, what: &str) {
    out.push_str("%!");
    out.push(verb);
    out.push_str(what);
}

/// The position in the format and the operand to use next.
struct Parser<'a> {
    fmt: &'a [u8],
    i: usize,
    arg_num: usize,
    /// An explicit index was seen: unused operands are no longer reported.
    reordered: bool,
    /// False when the current directive named an operand that does not exist.
    good_arg_num: bool,
}

impl Parser<'_> {
    /// Reads a decimal number at the cursor. A number above [`MAX_NUM`] is
    /// an error that consumes the rest of the format, as in Go.
    fn number(&mut self) -> Option<usize> {
        let (n, next) = parse_num(self.fmt, self.i, self.fmt.len());
        self.i = next;
        n
    }

    /// Reads `[n]` at the cursor, if present, and selects operand `n`.
    /// Returns whether an index was read and parsed.
    fn arg_index(&mut self, num_args: usize) -> bool {
        if self.fmt.get(self.i) != Some(&b'[') {
            return false;
        }
        self.reordered = true;
        let rest = &self.fmt[self.i..];
        let (index, consumed) = parse_index(rest);
        self.i += consumed;
        match index {
            Some(n) if (1..=num_args).contains(&n) => {
                self.arg_num = n - 1;
                true
            }
            parsed => {
                self.good_arg_num = false;
                parsed.is_some()
            }
        }
    }

    /// Takes the next operand as a `*` width or precision: it must be an
    /// integer no larger than a million in magnitude.
    fn int_arg(&mut self, args: &[Value]) -> Option<i64> {
        let arg = args.get(self.arg_num)?;
        self.arg_num += 1;
        match arg {
            Value::Int(n) | Value::Int64(n) if n.unsigned_abs() <= MAX_NUM as u64 => Some(*n),
            _ => None,
        }
    }
}

/// Go's `parsenum` on `fmt[start..end]`: the number (None if no digits or
/// too large) and the index after it (`end` when too large).
fn parse_num(fmt: &[u8], start: usize, end: usize) -> (Option<usize>, usize) {
    let mut num = 0usize;
    let mut seen = false;
    let mut i = start;
    while i < end && fmt[i].is_ascii_digit() {
        if num > MAX_NUM {
            return (None, end);
        }
        num = num * 10 + usize::from(fmt[i] - b'0');
        seen = true;
        i += 1;
    }
    (seen.then_some(num), i)
}

/// Parses `[n]` at the start of `s`: the one-based index if well formed, and
/// how many bytes to consume (through the `]`, or just the `[` when there is
/// no closing bracket).
fn parse_index(s: &[u8]) -> (Option<usize>, usize) {
    if s.len() < 3 {
        return (None, 1);
    }
    let Some(close) = s.iter().skip(1).position(|&b| b == b']').map(|p| p + 1) else {
        return (None, 1);
    };
    match parse_num(s, 1, close) {
        (Some(n), next) if next == close => (Some(n), close + 1),
        _ => (None, close + 1),
    }
}
