//! Go's float and string spellings that the codecs need: encoding/json's
//! float rule over `strconv.FormatFloat` (capstan-gotmpl's, checked against
//! Go), and `strconv.Quote`.

use capstan_gotmpl::format::{FloatFormat, append_float, format_float};

/// `strconv.FormatFloat(x, 'g', -1, 64)`, which is also fmt's `%v`.
pub fn go_format_g(x: f64) -> String {
    format_float(x, FloatFormat::General, None)
}

/// encoding/json's spelling of a finite float64.
pub(crate) fn json_float(x: f64) -> String {
    let mut out = String::new();
    push_json_float(&mut out, x);
    out
}

/// Appends [`json_float`]'s text to `out`.
pub(crate) fn push_json_float(out: &mut String, x: f64) {
    let a = x.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        append_float(out, x, FloatFormat::Exp, None);
        // Go trims "e-07" to "e-7" (but keeps "e+21").
        let b = out.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            out.remove(n - 2);
        }
        return;
    }
    append_float(out, x, FloatFormat::Fixed, None);
}

/// Go's `strconv.Quote` (capstan-gotmpl's, with Go's printable table).
pub fn go_quote(s: &str) -> String {
    capstan_gotmpl::format::quote(s)
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
