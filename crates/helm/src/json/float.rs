//! Go's float and string spellings that the codecs need: encoding/json's
//! float rule over `strconv.FormatFloat` (capstan-gotmpl's, checked against
//! Go), and `strconv.Quote`.

use capstan_gotmpl::format::{FloatFormat, format_float};

/// `strconv.FormatFloat(x, 'e', -1, 64)`.
pub(crate) fn go_format_e(x: f64) -> String {
    format_float(x, FloatFormat::Exp, None)
}

/// `strconv.FormatFloat(x, 'f', -1, 64)`.
pub(crate) fn go_format_f(x: f64) -> String {
    format_float(x, FloatFormat::Fixed, None)
}

/// `strconv.FormatFloat(x, 'g', -1, 64)`, which is also fmt's `%v`.
pub fn go_format_g(x: f64) -> String {
    format_float(x, FloatFormat::General, None)
}

/// encoding/json's spelling of a finite float64.
pub(crate) fn json_float(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let s = go_format_e(x);
        // Go trims "e-07" to "e-7" (but keeps "e+21").
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            return format!("{}{}", &s[..n - 2], &s[n - 1..]);
        }
        return s;
    }
    go_format_f(x)
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_unprintable(c) => {
                let v = c as u32;
                if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of `!unicode.IsPrint` for the characters that matter in
/// practice: C1 controls, separators other than the ASCII space, format
/// characters like the BOM, and non-characters.
fn is_go_unprintable(c: char) -> bool {
    let v = c as u32;
    (0x80..=0xa0).contains(&v)
        || v == 0xad
        || (0x2000..=0x200f).contains(&v)
        || (0x2028..=0x202f).contains(&v)
        || (0x205f..=0x206f).contains(&v)
        || v == 0x3000
        || v == 0xfeff
        || (0xfff9..=0xfffb).contains(&v)
        || (v & 0xfffe) == 0xfffe
        || (0xe000..=0xf8ff).contains(&v)
        || v >= 0xf0000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(go_format_g(1e6), "1e+06");
        assert_eq!(go_format_g(100000.0), "100000");
        assert_eq!(go_format_g(1.5), "1.5");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(0.00001), "1e-05");
        assert_eq!(go_format_g(1.2345678901234567e19), "1.2345678901234567e+19");
        assert_eq!(json_float(1e6), "1000000");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(0.000001), "0.000001");
        assert_eq!(json_float(-0.0), "-0");
        assert_eq!(json_float(1.2345678901234567e19), "12345678901234567000");
    }
}
