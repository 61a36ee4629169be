//! Conversions: Sprig's `strval` (how any value becomes a string) and the
//! spf13/cast v1.7.0 rules behind `int`, `int64`, `float64` and every math
//! function, plus the Go `strconv` parsing they rely on (`ParseInt` with base
//! 0, `ParseFloat`, `Atoi`).
//!
//! cast never fails inside Sprig: an unconvertible value becomes 0, which is
//! why `int "abc"` prints `0` and `add "1.5" 1` prints `1`.

use capstan_gotmpl::Value;

use super::{ANY, Registry, STR, arg, arg_str, str_list};

pub(super) fn register(r: &mut Registry) {
    r.fixed("toString", &[ANY], |a| Ok(Value::from(strval(arg(a, 0)))));
    r.fixed("toStrings", &[ANY], |a| Ok(str_list(strslice(arg(a, 0)))));
    r.fixed("atoi", &[STR], |a| {
        Ok(Value::Int(parse_int(arg_str(a, 0), 10).unwrap_or(0)))
    });
    r.fixed("int", &[ANY], |a| Ok(Value::Int(to_int64(arg(a, 0)))));
    r.fixed("int64", &[ANY], |a| Ok(Value::Int64(to_int64(arg(a, 0)))));
    r.fixed("float64", &[ANY], |a| {
        Ok(Value::Float(to_float64(arg(a, 0))))
    });
    r.fixed("toDecimal", &[ANY], |a| {
        // strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error.
        Ok(Value::Int64(
            parse_int(&sprint_v(arg(a, 0)), 8).unwrap_or(0),
        ))
    });
}

/// Sprig's `strval`: strings and bytes as text, `Stringer`s through their
/// `String` method, anything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Object(o) => o.go_format(),
        other => sprint_v(other),
    }
}

/// `fmt.Sprint(v)` of one value (`%v`). Scalars are formatted here; lists,
/// maps and byte slices use the engine's Go formatter.
pub(crate) fn sprint_v(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) | Value::Int64(n) => n.to_string(),
        Value::Float(x) => go_float_string(*x),
        Value::String(s) => s.to_string(),
        Value::Object(o) => o.go_format(),
        other => capstan_gotmpl::format::format_value(other),
    }
}

/// Sprig's `strslice`: a list's non-nil items through `strval`, nil as an
/// empty list, any other single value as a one-item list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        // []byte is a slice of uint8: each byte prints as a number.
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// `cast.ToInt64` (and `cast.ToInt`, the same on 64-bit Go).
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(x) => float_to_int(*x),
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        _ => 0,
    }
}

/// `cast.ToFloat64`.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value
/// (the minimum int64) for NaN and out-of-range values.
pub(crate) fn float_to_int(x: f64) -> i64 {
    let limit = 2f64.powi(63);
    if x.is_nan() || !(-limit..limit).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// cast's `trimZeroDecimal`: `"5.00"` → `"5"`, anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 (Go literal prefixes and
/// underscores), 8 or 10. `None` is Go's syntax or range error.
pub(crate) fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if base == 0 {
        let lower = body.get(..2).map(str::to_ascii_lowercase);
        match lower.as_deref() {
            Some("0x") => (16, &body[2..]),
            Some("0o") => (8, &body[2..]),
            Some("0b") => (2, &body[2..]),
            _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
            _ => (10, body),
        }
    } else {
        (base, body)
    };
    let cleaned: String;
    let digits = if base == 0 && digits.contains('_') {
        if !underscores_ok(s) {
            return None;
        }
        cleaned = digits.replace('_', "");
        cleaned.as_str()
    } else {
        digits
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude > 1 << 63 {
            None
        } else {
            Some((magnitude as i64).wrapping_neg())
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `underscoreOK`: underscores only between digits or after a base
/// prefix.
fn underscores_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input, `Inf`/`Infinity`
/// and `NaN`. Hexadecimal floats are not supported (treated as errors).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(sign * f64::INFINITY);
    }
    if lower == "nan" {
        return (body.len() == s.len()).then_some(f64::NAN);
    }
    let ok_chars = body
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'));
    if body.is_empty()
        || !ok_chars
        || !body.as_bytes()[0].is_ascii_digit() && body.as_bytes()[0] != b'.'
    {
        return None;
    }
    let cleaned;
    let body = if body.contains('_') {
        if !underscores_ok(body) {
            return None;
        }
        cleaned = body.replace('_', "");
        cleaned.as_str()
    } else {
        body
    };
    let x: f64 = body.parse().ok()?;
    if x.is_infinite() {
        return None; // Go: value out of range
    }
    Some(sign * x)
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(x, 'g', -1, 64)` with fmt's
/// exponent form: `1e+06`, `1.5`, `1.234567e+08`, `1e-05`).
pub fn go_float_string(x: f64) -> String {
    capstan_gotmpl::format::format_float(x, capstan_gotmpl::format::FloatFormat::General, None)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cloned_ref_to_slice_refs,
    clippy::too_many_arguments,
    reason = "a failed unwrap is a failed test"
)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_percent_v() {
        for (x, want) in [
            (1e6, "1e+06"),
            (100000.0, "100000"),
            (1234567.0, "1.234567e+06"),
            (123456789.0, "1.23456789e+08"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.0, "0"),
            (1e21, "1e+21"),
            (3.0, "3"),
            (f64::INFINITY, "+Inf"),
        ] {
            assert_eq!(go_float_string(x), want, "{x}");
        }
    }

    #[test]
    fn cast_to_int64_follows_cast() {
        for (v, want) in [
            (Value::str("42"), 42),
            (Value::str("0x1F"), 31),
            (Value::str("010"), 8),
            (Value::str("5.0"), 5),
            (Value::str("5.5"), 0),
            (Value::str("1_000"), 1000),
            (Value::str(" 1"), 0),
            (Value::str("abc"), 0),
            (Value::Float(3.9), 3),
            (Value::Float(-3.9), -3),
            (Value::Bool(true), 1),
            (Value::Nil, 0),
            (Value::Float(1e300), i64::MIN),
        ] {
            assert_eq!(to_int64(&v), want, "{v:?}");
        }
    }

    #[test]
    fn cast_to_float64_follows_cast() {
        assert_eq!(to_float64(&Value::str("1.5")), 1.5);
        assert_eq!(to_float64(&Value::str("1e400")), 0.0);
        assert_eq!(to_float64(&Value::str("x")), 0.0);
        assert_eq!(to_float64(&Value::str("+Inf")), f64::INFINITY);
        assert_eq!(to_float64(&Value::Int64(3)), 3.0);
    }

    #[test]
    fn parse_int_matches_strconv() {
        assert_eq!(parse_int("-9223372036854775808", 10), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 10), None);
        assert_eq!(parse_int("0b101", 0), Some(5));
        assert_eq!(parse_int("0o17", 0), Some(15));
        assert_eq!(parse_int("17", 8), Some(15));
        assert_eq!(parse_int("0x", 0), None);
        assert_eq!(parse_int("1__0", 0), None);
        assert_eq!(parse_int("1_0", 10), None);
    }
}
